"""Sufficient statistics for :func:`parindex.survey.estimate`, accumulated chunk by chunk.

:class:`Acc` reads each chunk of responses once: histograms of answer codes per (group, item),
unweighted and weighted, and for the design-based variance either weighted totals of "satisfied"
and "valid" per (stratum, PSU, group) or, when respondents are the PSUs, their sums and
cross-products per (stratum, group).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .methodology import SurveyMethodology
from .responses import BLANK, INVALID, Exclusions, Factor, Responses

__all__ = ["F64", "I64", "Acc", "Grow", "combine", "grow", "luts", "packed_counts", "packs"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Pack = tuple[int, int, npt.NDArray[np.uint64], I64]


class Grow:
    """Label → index, growing arrays as new labels come (local to one call)."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}

    def codes(self, labels: Sequence[Any]) -> I64:
        out = np.empty(len(labels), dtype=np.int64)
        for i, lab in enumerate(labels):
            out[i] = self.index.setdefault(lab, len(self.index))
        return out

    def __len__(self) -> int:
        return len(self.index)


def grow(a: npt.NDArray[Any], n: int) -> npt.NDArray[Any]:
    if a.shape[0] >= n:
        return a
    extra = np.zeros((max(n, 2 * a.shape[0]) - a.shape[0], *a.shape[1:]), dtype=a.dtype)
    return np.concatenate([a, extra])


def combine(
    factors: Sequence[tuple[tuple[str, ...], npt.NDArray[np.int32]]], n: int
) -> tuple[list[tuple[str, ...]], I64]:
    """Codes of the combinations of several factors present in the data, and their labels."""
    if not factors:
        return [()], np.zeros(n, dtype=np.int64)
    if len(factors) == 1:
        return [(lab,) for lab in factors[0][0]], factors[0][1].astype(np.int64)
    key = np.zeros(n, dtype=np.int64)
    for labels, codes in factors:
        key = key * max(len(labels), 1) + codes
    uniq, inv = np.unique(key, return_inverse=True)
    labels_out: list[tuple[str, ...]] = []
    for k in uniq.tolist():
        parts: list[str] = []
        for labels, _ in reversed(factors):
            size = max(len(labels), 1)
            parts.append(labels[k % size])
            k //= size
        labels_out.append(tuple(reversed(parts)))
    return labels_out, inv.reshape(-1).astype(np.int64)


PACK_PAIRS = 127  # a byte counts up to 255 answers: 127 words of two answers each


def packed_counts(
    block: npt.NDArray[np.uint8], lut2: npt.NDArray[np.uint64], ncat: int
) -> npt.NDArray[np.int64]:
    """Counts of up to 8 answer categories per column of ``block`` (rows × items).

    Two consecutive answers of an item, read as one 16-bit number, are looked up in ``lut2``: a
    64-bit word holding, in byte i, how many of the two answers fall in category i. Summing 127
    such words counts eight categories for 254 answers at once without overflow; the bytes are
    then unpacked and added up in 64 bits. This reads the answer bytes about once.
    """
    rows, k = block.shape
    out = np.zeros((k, 8), dtype=np.int64)
    even = rows // 2 * 2
    t = block[:even].T
    if t.size and t.strides[1] != 1:
        t = np.ascontiguousarray(t)
    pairs = t.view(np.uint16) if t.size else np.zeros((k, 0), dtype=np.uint16)
    step = PACK_PAIRS * 128
    for s in range(0, pairs.shape[1], step):
        words = lut2.take(pairs[:, s : s + step])  # (k, m)
        m = words.shape[1]
        full = m // PACK_PAIRS * PACK_PAIRS
        if full:
            part = words[:, :full].reshape(k, -1, PACK_PAIRS).sum(axis=2, dtype=np.uint64)
            out += part.view(np.uint8).reshape(k, -1, 8).sum(axis=1, dtype=np.int64)
        if m > full:
            rest = words[:, full:].sum(axis=1, dtype=np.uint64)
            out += rest.view(np.uint8).reshape(k, 8).astype(np.int64)
    if rows > even:
        x = block[rows - 1].astype(np.uint16)
        last = lut2.take(x | (x << 8))  # the answer twice: every count is doubled
        out += last.view(np.uint8).reshape(k, 8).astype(np.int64) // 2
    return out[:, :ncat]


def packs(
    m: SurveyMethodology, items: Sequence[str]
) -> list[tuple[int, int, npt.NDArray[np.uint64], I64]]:
    """Runs of consecutive items sharing a scale of at most 8 counted categories.

    Blank answers are not counted (they are the rest of the rows).
    """
    if np.little_endian is False:  # pragma: no cover - the byte order of the packed counts
        return []
    out: list[tuple[int, int, npt.NDArray[np.uint64], I64]] = []
    j = 0
    while j < len(items):
        sc = m.scale_of(items[j])
        e = j + 1
        while e < len(items) and m.scale_of(items[e]).code == sc.code:
            e += 1
        cats = [*sc.levels, *sc.no_opinion, *sc.not_applicable, INVALID & 0xFF]
        if len(cats) <= 8:
            lut = np.zeros(256, dtype=np.uint64)
            for i, c in enumerate(cats):
                lut[c & 0xFF] = np.uint64(1) << np.uint64(8 * i)
            both = np.arange(65536)
            lut2 = lut[both & 0xFF] + lut[both >> 8]
            out.append((j, e, lut2, np.asarray([c & 0xFF for c in cats], dtype=np.int64)))
        j = e
    return out


def luts(m: SurveyMethodology, items: Sequence[str]) -> tuple[F64, F64, F64, I64, I64, I64]:
    k = len(items)
    sat = np.zeros((k, 256))
    val = np.zeros((k, 256))
    level = np.zeros((k, 256))
    noop = np.zeros((k, 256), dtype=np.int64)
    na = np.zeros((k, 256), dtype=np.int64)
    blank = np.zeros((k, 256), dtype=np.int64)
    for j, item in enumerate(items):
        sc = m.scale_of(item)
        for c in sc.levels:
            val[j, c] = 1.0
            level[j, c] = c
        for c in sc.satisfied:
            sat[j, c] = 1.0
        for c in sc.no_opinion:
            noop[j, c] = 1
        for c in sc.not_applicable:
            na[j, c] = 1
        for c in (*sc.blank, BLANK & 0xFF):
            blank[j, c & 0xFF] = 1
    return sat, val, level, noop, na, blank


class Acc:
    """Sufficient statistics, accumulated chunk by chunk inside one call of ``estimate``."""

    def __init__(
        self,
        k: int,
        weighted: bool,
        mode: str,
        sat: F64,
        val: F64,
        packs: Sequence[Pack] = (),
        level: F64 | None = None,
    ) -> None:
        self.k = k
        self.packs = packs
        self.weighted = weighted
        self.mode = mode  # "none", "psu" (PSU totals), "cross" (respondent = PSU)
        self.sat_lut = sat  # (k, 256) 1.0 where the code is a satisfied level
        self.val_lut = val  # (k, 256) 1.0 where the code is a valid level
        # (k, 256) the level of a valid code (for the item means), 0 elsewhere
        self.level_lut = np.zeros_like(val) if level is None else level
        self.groups = Grow()
        self.hist = np.zeros((0, k, 256), dtype=np.int64)
        self.whist = np.zeros((0, k, 256), dtype=np.float64)
        self.respondents = np.zeros(0, dtype=np.int64)
        self.strata = Grow()
        self.n_h = np.zeros(0, dtype=np.int64)  # PSUs (or respondents) per stratum
        self.psus = Grow()  # (stratum, psu) → index
        self.psu_stratum = np.zeros(0, dtype=np.int64)
        self.pairs = Grow()  # (psu index, group index) → index
        self.pair_psu = np.zeros(0, dtype=np.int64)
        self.pair_group = np.zeros(0, dtype=np.int64)
        # design totals, blocks of k columns: satisfied, valid, sum of levels
        self.totals = np.zeros((0, 3 * k), dtype=np.float64)
        self.cells = Grow()  # (stratum, group) → index
        self.s1 = np.zeros((0, 3 * k), dtype=np.float64)
        self.s2 = np.zeros((0, 3 * k, 3 * k), dtype=np.float64)
        # respondents with a positive weight and a valid answer, per (stratum, group) and item
        self.npos = np.zeros((0, k), dtype=np.int64)
        self.excluded = Exclusions()
        # respondents' own shares satisfied per node (``members``: nodes × items, 0/1), when asked:
        # the weighted sum of the shares and the weight of respondents with a valid answer
        self.members: F64 | None = None
        self.rsum = np.zeros((0, 0), dtype=np.float64)
        self.rcnt = np.zeros((0, 0), dtype=np.float64)

    def track_respondent_shares(self, members: F64) -> None:
        """Also accumulate, per group and node, each respondent's share of satisfied answers
        among their valid answers to the node's items (``members[node, item]`` is 1 or 0)."""
        self.members = members
        self.rsum = np.zeros((0, members.shape[0]), dtype=np.float64)
        self.rcnt = np.zeros((0, members.shape[0]), dtype=np.float64)
        # for their variance: per (stratum, group) cell the sums of A, D, A², AD, D² over PSUs
        # (A: weighted shares, D: weighted respondents with a valid answer); with a PSU column
        # the PSU totals per (stratum, PSU, group) first (see :meth:`share_moments`)
        self.r_cells = Grow()  # (stratum label, group) → index
        self.r_mom = np.zeros((0, 5, members.shape[0]), dtype=np.float64)
        self.r_units = Grow()  # (stratum label, PSU label, group) → index
        self.r_tot = np.zeros((0, 2, members.shape[0]), dtype=np.float64)
        self.r_psus = Grow()  # (stratum label, PSU label)
        self.r_nh: dict[str, int] = {}  # PSUs (or respondents) per stratum label

    def add(
        self,
        r: Responses,
        by: Sequence[str],
        strata: str | None,
        psu: str | None,
    ) -> None:
        """Add one chunk: the answer histograms, then the design part the mode needs."""
        n = r.answers.shape[0]
        self.excluded = self.excluded + r.excluded
        if n == 0:
            return
        labels, local = combine([(r.factor(b).labels, r.factor(b).codes) for b in by], n)
        gidx = self.groups.codes(labels)[local]
        g = len(self.groups)
        u8 = r.answers.view(np.uint8)
        w = r.weight if self.weighted else None
        self._count_answers(u8, gidx, g, w)
        if self.members is not None:
            sf = r.factor(strata) if strata else None
            pf = r.factor(psu) if psu else None
            self._add_respondent_shares(u8, gidx, g, np.ones(n) if w is None else w, sf, pf)
        if self.mode in ("none", "twopass"):
            return
        # the design part: weighted satisfied / valid indicators per respondent, item by item
        wv = np.ones(n) if w is None else w
        if strata:
            sf = r.factor(strata)
            s_labels, s_codes_local = list(sf.labels), sf.codes.astype(np.int64)
        else:
            s_labels, s_codes_local = [""], np.zeros(n, dtype=np.int64)
        sidx = self.strata.codes(s_labels)[s_codes_local]
        if self.mode == "psu":
            assert psu is not None
            self._add_psu_totals(r.factor(psu), u8, sidx, gidx, g, wv)
        else:  # respondents are the PSUs: sums and cross-products per (stratum, group)
            self._add_cross_products(u8, sidx, gidx, g, w, wv)

    def _count_answers(self, u8: npt.NDArray[np.uint8], gidx: I64, g: int, w: F64 | None) -> None:
        """Respondents per group and the answer histograms per (group, item)."""
        n, k = u8.shape
        self.hist = grow(self.hist, g)
        self.respondents = grow(self.respondents, g)
        self.respondents[: len(self.respondents)] += np.bincount(
            gidx, minlength=len(self.respondents)
        )
        if w is not None:
            self.whist = grow(self.whist, g)
        done = np.zeros(k, dtype=bool)
        if self.packs and n:
            self._count_packed(u8, gidx)
            for a, b, _, _ in self.packs:
                done[a:b] = True
        base = gidx * 256
        size = self.hist.shape[0] * 256
        for j in range(k):
            if done[j] and w is None:
                continue
            key = base + u8[:, j]
            if not done[j]:
                self.hist[:, j, :] += np.bincount(key, minlength=size).reshape(-1, 256)
            if w is not None:
                self.whist[:, j, :] += np.bincount(key, weights=w, minlength=size).reshape(-1, 256)

    def _add_respondent_shares(
        self,
        u8: npt.NDArray[np.uint8],
        gidx: I64,
        g: int,
        wv: F64,
        sf: Factor | None = None,
        pf: Factor | None = None,
    ) -> None:
        """Per group and node: sum of weight × (satisfied ÷ valid answers of the node's items) over
        respondents with at least one valid answer there, and the sum of their weights."""
        assert self.members is not None
        n, k = u8.shape
        sat = np.empty((n, k))
        val = np.empty((n, k))
        for j in range(k):
            np.take(self.sat_lut[j], u8[:, j], out=sat[:, j])
            np.take(self.val_lut[j], u8[:, j], out=val[:, j])
        s = sat @ self.members.T  # (n, nodes)
        v = val @ self.members.T
        has = v > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(has, s / np.where(has, v, 1.0), 0.0)
        self.rsum = grow(self.rsum, g)
        self.rcnt = grow(self.rcnt, g)
        m = self.rsum.shape[0]
        for c in range(self.members.shape[0]):
            self.rsum[:, c] += np.bincount(gidx, weights=wv * share[:, c], minlength=m)
            self.rcnt[:, c] += np.bincount(gidx, weights=wv * has[:, c], minlength=m)
        a = wv[:, None] * share
        d = wv[:, None] * has
        s_labels = list(sf.labels) if sf is not None else [""]
        s_codes = sf.codes.astype(np.int64) if sf is not None else np.zeros(n, dtype=np.int64)
        gmax = max(g, 1)
        if pf is None:  # each respondent is a PSU: the moments per (stratum, group) directly
            for h, cnt in zip(*np.unique(s_codes, return_counts=True), strict=True):
                lab = s_labels[int(h)]
                self.r_nh[lab] = self.r_nh.get(lab, 0) + int(cnt)
            uc, inv = np.unique(s_codes * gmax + gidx, return_inverse=True)
            cidx = self.r_cells.codes([(s_labels[int(c) // gmax], int(c) % gmax) for c in uc])
            self.r_mom = grow(self.r_mom, len(self.r_cells))
            rows = cidx[inv.reshape(-1)]
            for i, x in enumerate((a, d, a * a, a * d, d * d)):
                np.add.at(self.r_mom[:, i, :], rows, x)
            return
        npl = max(len(pf.labels), 1)
        key = (s_codes * npl + pf.codes) * gmax + gidx
        uk, inv = np.unique(key, return_inverse=True)
        triples = [
            (s_labels[int(x) // gmax // npl], pf.labels[int(x) // gmax % npl], int(x) % gmax)
            for x in uk
        ]
        for sl, pl, _ in triples:
            before = len(self.r_psus)
            self.r_psus.codes([(sl, pl)])
            if len(self.r_psus) > before:
                self.r_nh[sl] = self.r_nh.get(sl, 0) + 1
        uidx = self.r_units.codes(triples)
        self.r_tot = grow(self.r_tot, len(self.r_units))
        rows = uidx[inv.reshape(-1)]
        np.add.at(self.r_tot[:, 0, :], rows, a)
        np.add.at(self.r_tot[:, 1, :], rows, d)

    def share_moments(self) -> tuple[list[str], F64, I64, I64]:
        """The strata, the moments (cells, 5, nodes) of the respondents' shares (see
        :meth:`track_respondent_shares`), each cell's stratum and group (indices)."""
        strata = list(self.r_nh)
        hpos = {h: i for i, h in enumerate(strata)}
        if len(self.r_units):
            for (sl, _, gi), u in self.r_units.index.items():
                c = self.r_cells.codes([(sl, gi)])[0]
                self.r_mom = grow(self.r_mom, len(self.r_cells))
                A, D = self.r_tot[u]
                self.r_mom[c] += np.stack([A, D, A * A, A * D, D * D])
            self.r_units = Grow()
        keys = list(self.r_cells.index)
        cell_h = np.asarray([hpos[sl] for sl, _ in keys], dtype=np.int64)
        cell_g = np.asarray([gi for _, gi in keys], dtype=np.int64)
        return strata, self.r_mom[: len(keys)], cell_h, cell_g

    def _count_packed(self, u8: npt.NDArray[np.uint8], gidx: I64) -> None:
        """The fast path: byte-packed counts (see :func:`packed_counts`) over runs of one group.

        Rows not grouped by group are gathered in sorted order, a block at a time.
        """
        n, k = u8.shape
        grouped = n < 2 or bool(np.all(gidx[1:] >= gidx[:-1]))
        order = None if grouped else np.argsort(gidx, kind="stable")
        sg = gidx if order is None else gidx[order]
        cols = sorted({j for a, b, _, _ in self.packs for j in range(a, b)})
        step = 1 << 16
        for s in range(0, n, step):
            e = min(n, s + step)
            if order is None:
                sub = u8[s:e]
            else:
                sub = np.zeros((e - s, k), dtype=np.uint8, order="F")
                idx = order[s:e]
                for j in cols:
                    np.take(u8[:, j], idx, out=sub[:, j])
            seg = sg[s:e]
            bounds = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
            ends = np.r_[bounds[1:], e - s]
            for a, b, lut, cats in self.packs:
                for s0, e0 in zip(bounds.tolist(), ends.tolist(), strict=True):
                    counts = packed_counts(sub[s0:e0, a:b], lut, len(cats))
                    view = self.hist[int(seg[s0]), a:b]
                    view[:, cats] += counts
                    view[:, BLANK & 0xFF] += (e0 - s0) - counts.sum(axis=1)

    def _add_psu_totals(
        self, pf: Factor, u8: npt.NDArray[np.uint8], sidx: I64, gidx: I64, g: int, wv: F64
    ) -> None:
        """Weighted satisfied and valid totals per (PSU, group) pair, and each PSU's stratum."""
        k = u8.shape[1]
        npl = max(len(pf.labels), 1)
        key = sidx * npl + pf.codes
        uk, kinv = np.unique(key, return_inverse=True)
        stratum_labels = list(self.strata.index)
        uniq_pairs = [(stratum_labels[int(x) // npl], pf.labels[int(x) % npl]) for x in uk]
        before = len(self.psus)
        pidx_u = self.psus.codes(uniq_pairs)
        if len(self.psus) > before:
            self.psu_stratum = grow(self.psu_stratum, len(self.psus))
            self.psu_stratum[pidx_u] = uk // npl
        pidx = pidx_u[kinv.reshape(-1)]
        combo = pidx * max(g, 1) + gidx
        uc, inv = np.unique(combo, return_inverse=True)
        before_pairs = len(self.pairs)
        cidx = self.pairs.codes([(int(c) // max(g, 1), int(c) % max(g, 1)) for c in uc])
        if len(self.pairs) > before_pairs:
            self.pair_psu = grow(self.pair_psu, len(self.pairs))
            self.pair_group = grow(self.pair_group, len(self.pairs))
            self.pair_psu[cidx] = uc // max(g, 1)
            self.pair_group[cidx] = uc % max(g, 1)
        self.totals = grow(self.totals, len(self.pairs))
        row_pair = cidx[inv.reshape(-1)]
        m = self.totals.shape[0]
        for j in range(k):
            col = u8[:, j]
            self.totals[:, j] += np.bincount(
                row_pair, weights=wv * self.sat_lut[j][col], minlength=m
            )
            self.totals[:, k + j] += np.bincount(
                row_pair, weights=wv * self.val_lut[j][col], minlength=m
            )
            self.totals[:, 2 * k + j] += np.bincount(
                row_pair, weights=wv * self.level_lut[j][col], minlength=m
            )

    def _add_cross_products(
        self,
        u8: npt.NDArray[np.uint8],
        sidx: I64,
        gidx: I64,
        g: int,
        w: F64 | None,
        wv: F64,
    ) -> None:
        """Sums and cross-products of the indicators per (stratum, group) cell."""
        n, k = u8.shape
        self.n_h = grow(self.n_h, len(self.strata))
        self.n_h[: len(self.n_h)] += np.bincount(sidx, minlength=len(self.n_h))
        combo = sidx * max(g, 1) + gidx
        in_order = n < 2 or bool(np.all(combo[1:] >= combo[:-1]))
        order = np.arange(n) if in_order else np.argsort(combo, kind="stable")
        sc = combo[order]
        starts = np.flatnonzero(np.r_[True, sc[1:] != sc[:-1]])
        ends = np.r_[starts[1:], n]
        # products of answer levels (up to 126²) summed over a block are not exact in float32
        dtype = np.float64
        sat_l = self.sat_lut.astype(dtype)
        val_l = self.val_lut.astype(dtype)
        lev_l = self.level_lut.astype(dtype)
        step = 65_536
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
            c = int(sc[a])
            cell = self.cells.codes([(c // max(g, 1), c % max(g, 1))])[0]
            self.s1 = grow(self.s1, len(self.cells))
            self.s2 = grow(self.s2, len(self.cells))
            self.npos = grow(self.npos, len(self.cells))
            for s0 in range(a, b, step):
                e0 = min(b, s0 + step)
                block = u8[s0:e0] if in_order else u8[order[s0:e0]]
                mat = np.empty((e0 - s0, 3 * k), dtype=dtype, order="F")
                for j in range(k):
                    np.take(sat_l[j], block[:, j], out=mat[:, j])
                    np.take(val_l[j], block[:, j], out=mat[:, k + j])
                    np.take(lev_l[j], block[:, j], out=mat[:, 2 * k + j])
                if w is not None:
                    mat *= (wv[s0:e0] if in_order else wv[order[s0:e0]])[:, None]
                self.s1[cell] += mat.sum(axis=0, dtype=np.float64)
                self.s2[cell] += (mat.T @ mat).astype(np.float64)
                self.npos[cell] += np.count_nonzero(mat[:, k : 2 * k] > 0, axis=0)
