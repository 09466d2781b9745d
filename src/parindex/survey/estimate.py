"""Satisfaction indices from responses, with their standard errors and intervals.

One pure function, :func:`estimate`. It reads the responses (or an iterable of chunks) once,
accumulating sufficient statistics per group of respondents:

* the histogram of answer codes per (group, item), unweighted and weighted (``np.bincount``);
* for the design-based variance, either the weighted totals of "satisfied" and "valid" per
  (stratum, PSU, group) and item, or, when respondents are themselves the PSUs, the sums and
  cross-products of those per (stratum, group) (a BLAS product per block).

Every index is a linear combination of item rates p_i = Y_i / V_i (Y: satisfied, V: valid), so its
linearised variable is z = sum_i c_i (y_i - p_i v_i) / V_i and the Taylor variance is
sum_h n_h / (n_h - 1) * (sum_j z_hj^2 - (sum_j z_hj)^2 / n_h) over the PSUs j of each stratum h
(with-replacement approximation, no finite population correction), as in R ``survey``,
``samplics`` and ``svy``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from ..errors import SurveyError
from .intervals import wald, wilson
from .methodology import SurveyMethodology
from .responses import BLANK, INVALID, Exclusions, Responses

__all__ = ["DESIGNS", "SINGLE_PSU", "Estimate", "Estimates", "GroupEstimates", "estimate"]

DESIGNS = ("srs", "taylor", "bootstrap")
#: Policies for a stratum with a single PSU: raise an error, leave it out of the variance
#: ("skip", as samplics' ``skip`` and R's ``certainty``), or centre it on the mean of all PSUs
#: ("center", as R's ``options(survey.lonely.psu = "adjust")``).
SINGLE_PSU = ("error", "skip", "center")
Design = Literal["srs", "taylor", "bootstrap"]
SinglePSU = Literal["error", "skip", "center"]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@attrs.frozen
class Estimate:
    """One index (an item, an aggregate or the overall index) for one group of respondents.

    ``value``, ``low``, ``high`` and ``se`` are percentages (0–100) of satisfied answers.
    ``n`` is the number of valid answers (for an aggregate: the fewest valid answers of any of its
    items); ``small`` flags ``n`` below the stated minimum. ``mean`` is an item's mean answer on
    its scale (valid answers only).
    """

    code: str
    kind: str
    value: float
    se: float
    low: float
    high: float
    n: int
    small: bool
    status: str
    mean: float | None = None

    def to_dict(self) -> dict[str, Any]:
        def num(x: float | None) -> float | None:
            return None if x is None or not math.isfinite(x) else x

        out: dict[str, Any] = {
            "value": num(self.value),
            "se": num(self.se),
            "low": num(self.low),
            "high": num(self.high),
            "n": self.n,
            "small": self.small,
            "status": self.status,
        }
        if self.mean is not None:
            out["mean"] = num(self.mean)
        return out


@attrs.frozen
class GroupEstimates:
    """The indices of one group (a unit, or a combination of the ``by`` attributes)."""

    key: tuple[str, ...]
    respondents: int
    overall: Estimate
    nodes: Mapping[str, Estimate]
    answers: Mapping[str, int]

    def __getitem__(self, code: str) -> Estimate:
        return self.nodes[code]


@attrs.frozen
class Estimates:
    """The result of :func:`estimate`: one :class:`GroupEstimates` per group."""

    methodology: str
    by: tuple[str, ...]
    design: str
    interval: str
    level: float
    single_psu: str
    overall_method: str
    min_answers: int
    groups: tuple[GroupEstimates, ...]
    excluded: Exclusions
    weighted: bool

    def group(self, *key: str) -> GroupEstimates:
        for g in self.groups:
            if g.key == tuple(key):
                return g
        raise SurveyError(
            f"no group {'/'.join(key)!r}; groups: {', '.join('/'.join(g.key) for g in self.groups)}",
            value=key,
        )

    def __getitem__(self, key: str | tuple[str, ...]) -> GroupEstimates:
        return self.group(*((key,) if isinstance(key, str) else key))

    def to_dict(self) -> dict[str, Any]:
        """The JSON layout documented in docs/survey.md."""
        return {
            "methodology": self.methodology,
            "by": list(self.by),
            "design": self.design,
            "weighted": self.weighted,
            "interval": self.interval,
            "level": self.level,
            "single_psu": self.single_psu,
            "overall_method": self.overall_method,
            "min_answers": self.min_answers,
            "excluded": self.excluded.to_dict(),
            "groups": [
                {
                    "key": dict(zip(self.by, g.key, strict=True)),
                    "respondents": g.respondents,
                    "answers": dict(g.answers),
                    "overall": g.overall.to_dict(),
                    "aggregates": {
                        c: e.to_dict() for c, e in g.nodes.items() if e.kind == "aggregate"
                    },
                    "items": {c: e.to_dict() for c, e in g.nodes.items() if e.kind == "item"},
                }
                for g in self.groups
            ],
        }


# -- accumulation ------------------------------------------------------------------------------


class _Grow:
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


def _grow(a: npt.NDArray[Any], n: int) -> npt.NDArray[Any]:
    if a.shape[0] >= n:
        return a
    extra = np.zeros((max(n, 2 * a.shape[0]) - a.shape[0], *a.shape[1:]), dtype=a.dtype)
    return np.concatenate([a, extra])


def _combine(
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


_PACK_PAIRS = 127  # a byte counts up to 255 answers: 127 words of two answers each


def _packed_counts(
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
    step = _PACK_PAIRS * 128
    for s in range(0, pairs.shape[1], step):
        words = lut2.take(pairs[:, s : s + step])  # (k, m)
        m = words.shape[1]
        full = m // _PACK_PAIRS * _PACK_PAIRS
        if full:
            part = words[:, :full].reshape(k, -1, _PACK_PAIRS).sum(axis=2, dtype=np.uint64)
            out += part.view(np.uint8).reshape(k, -1, 8).sum(axis=1, dtype=np.int64)
        if m > full:
            rest = words[:, full:].sum(axis=1, dtype=np.uint64)
            out += rest.view(np.uint8).reshape(k, 8).astype(np.int64)
    if rows > even:
        x = block[rows - 1].astype(np.uint16)
        last = lut2.take(x | (x << 8))  # the answer twice: every count is doubled
        out += last.view(np.uint8).reshape(k, 8).astype(np.int64) // 2
    return out[:, :ncat]


def _packs(
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


class _Acc:
    """Sufficient statistics, accumulated chunk by chunk inside one call of :func:`estimate`."""

    def __init__(
        self,
        k: int,
        weighted: bool,
        mode: str,
        sat: F64,
        val: F64,
        packs: Sequence[tuple[int, int, npt.NDArray[np.uint64], I64]] = (),
    ) -> None:
        self.k = k
        self.packs = packs
        self.weighted = weighted
        self.mode = mode  # "none", "psu" (PSU totals), "cross" (respondent = PSU)
        self.sat_lut = sat  # (k, 256) 1.0 where the code is a satisfied level
        self.val_lut = val  # (k, 256) 1.0 where the code is a valid level
        self.groups = _Grow()
        self.hist = np.zeros((0, k, 256), dtype=np.int64)
        self.whist = np.zeros((0, k, 256), dtype=np.float64)
        self.respondents = np.zeros(0, dtype=np.int64)
        self.strata = _Grow()
        self.n_h = np.zeros(0, dtype=np.int64)  # PSUs (or respondents) per stratum
        self.psus = _Grow()  # (stratum, psu) → index
        self.psu_stratum = np.zeros(0, dtype=np.int64)
        self.pairs = _Grow()  # (psu index, group index) → index
        self.pair_psu = np.zeros(0, dtype=np.int64)
        self.pair_group = np.zeros(0, dtype=np.int64)
        self.totals = np.zeros((0, 2 * k), dtype=np.float64)
        self.cells = _Grow()  # (stratum, group) → index
        self.s1 = np.zeros((0, 2 * k), dtype=np.float64)
        self.s2 = np.zeros((0, 2 * k, 2 * k), dtype=np.float64)
        self.excluded = Exclusions()

    def add(
        self,
        r: Responses,
        by: Sequence[str],
        strata: str | None,
        psu: str | None,
    ) -> None:
        n, k = r.answers.shape
        self.excluded = self.excluded + r.excluded
        if n == 0:
            return
        labels, local = _combine([(r.factor(b).labels, r.factor(b).codes) for b in by], n)
        gidx = self.groups.codes(labels)[local]
        g = len(self.groups)
        self.hist = _grow(self.hist, g)
        self.respondents = _grow(self.respondents, g)
        self.respondents[: len(self.respondents)] += np.bincount(
            gidx, minlength=len(self.respondents)
        )
        u8 = r.answers.view(np.uint8)
        w = r.weight if self.weighted else None
        if w is not None:
            self.whist = _grow(self.whist, g)
        done = np.zeros(k, dtype=bool)
        if self.packs and n:
            # fast path: byte-packed counts (see _packed_counts) over runs of rows of one group.
            # Rows not grouped by group are gathered in sorted order, a block at a time.
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
                        counts = _packed_counts(sub[s0:e0, a:b], lut, len(cats))
                        view = self.hist[int(seg[s0]), a:b]
                        view[:, cats] += counts
                        view[:, BLANK & 0xFF] += (e0 - s0) - counts.sum(axis=1)
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
            pf = r.factor(psu)
            npl = max(len(pf.labels), 1)
            key = sidx * npl + pf.codes
            uk, kinv = np.unique(key, return_inverse=True)
            stratum_labels = list(self.strata.index)
            uniq_pairs = [(stratum_labels[int(x) // npl], pf.labels[int(x) % npl]) for x in uk]
            before = len(self.psus)
            pidx_u = self.psus.codes(uniq_pairs)
            if len(self.psus) > before:
                self.psu_stratum = _grow(self.psu_stratum, len(self.psus))
                self.psu_stratum[pidx_u] = uk // npl
            pidx = pidx_u[kinv.reshape(-1)]
            combo = pidx * max(g, 1) + gidx
            uc, inv = np.unique(combo, return_inverse=True)
            before_pairs = len(self.pairs)
            cidx = self.pairs.codes([(int(c) // max(g, 1), int(c) % max(g, 1)) for c in uc])
            if len(self.pairs) > before_pairs:
                self.pair_psu = _grow(self.pair_psu, len(self.pairs))
                self.pair_group = _grow(self.pair_group, len(self.pairs))
                self.pair_psu[cidx] = uc // max(g, 1)
                self.pair_group[cidx] = uc % max(g, 1)
            self.totals = _grow(self.totals, len(self.pairs))
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
        else:  # respondents are the PSUs: sums and cross-products per (stratum, group)
            self.n_h = _grow(self.n_h, len(self.strata))
            self.n_h[: len(self.n_h)] += np.bincount(sidx, minlength=len(self.n_h))
            combo = sidx * max(g, 1) + gidx
            in_order = n < 2 or bool(np.all(combo[1:] >= combo[:-1]))
            order = np.arange(n) if in_order else np.argsort(combo, kind="stable")
            sc = combo[order]
            starts = np.flatnonzero(np.r_[True, sc[1:] != sc[:-1]])
            ends = np.r_[starts[1:], n]
            # 0/1 indicators are exact in float32; weighted sums need float64
            dtype = np.float32 if w is None else np.float64
            sat_l = self.sat_lut.astype(dtype)
            val_l = self.val_lut.astype(dtype)
            step = 65_536
            for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
                c = int(sc[a])
                cell = self.cells.codes([(c // max(g, 1), c % max(g, 1))])[0]
                self.s1 = _grow(self.s1, len(self.cells))
                self.s2 = _grow(self.s2, len(self.cells))
                for s0 in range(a, b, step):
                    e0 = min(b, s0 + step)
                    block = u8[s0:e0] if in_order else u8[order[s0:e0]]
                    mat = np.empty((e0 - s0, 2 * k), dtype=dtype, order="F")
                    for j in range(k):
                        np.take(sat_l[j], block[:, j], out=mat[:, j])
                        np.take(val_l[j], block[:, j], out=mat[:, k + j])
                    if w is not None:
                        mat *= (wv[s0:e0] if in_order else wv[order[s0:e0]])[:, None]
                    self.s1[cell] += mat.sum(axis=0, dtype=np.float64)
                    self.s2[cell] += (mat.T @ mat).astype(np.float64)


# -- the estimator -----------------------------------------------------------------------------


def _luts(m: SurveyMethodology, items: Sequence[str]) -> tuple[F64, F64, F64, I64, I64, I64]:
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


def _coefficients(
    m: SurveyMethodology, items: Sequence[str], avail: npt.NDArray[np.bool_], overall: str
) -> tuple[list[str], F64]:
    """coef[g, node, item]: each aggregate (and the overall index) as a combination of item rates.

    ``avail[g, item]`` marks items with at least one valid answer in group g; a child without any
    leaves its parent's mean (the mean is over the children that have answers).
    """
    pos = {c: j for j, c in enumerate(items)}
    gn = avail.shape[0]
    k = len(items)
    memo: dict[str, F64] = {}

    def node_coef(code: str, how: str) -> F64:
        node = m[code]
        if node.is_item:
            out = np.zeros((gn, k))
            if code in pos:
                out[:, pos[code]] = avail[:, pos[code]]
            return out
        if how == "items":
            kids = [c for c in m.items_below(code) if c in pos]
            parts = [node_coef(c, how) for c in kids]
        else:
            parts = [node_coef(c, m[c].aggregate) for c in node.children]
        if not parts:
            return np.zeros((gn, k))
        stack = np.stack(parts)  # (children, g, k)
        has = stack.sum(axis=2) > 0  # child estimable in group
        count = has.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(count[:, None] > 0, stack.sum(axis=0) / count[:, None], 0.0)
        return out

    codes: list[str] = []
    coefs: list[F64] = []
    for node in m.walk():
        if node.is_item:
            continue
        c = node_coef(node.code, node.aggregate)
        memo[node.code] = c
        codes.append(node.code)
        coefs.append(c)
    if overall in ("children", "items"):
        if overall == "items":
            below = [i for part in m.overall_parts for i in m.items_below(part)]
            parts = [node_coef(c, "items") for c in below if c in pos]
        else:
            parts = [node_coef(c, m[c].aggregate) for c in m.overall_parts]
        stack = np.stack(parts)
        has = stack.sum(axis=2) > 0
        count = has.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            oc = np.where(count[:, None] > 0, stack.sum(axis=0) / count[:, None], 0.0)
    else:
        oc = node_coef(overall, "children")
    codes.append("")
    coefs.append(oc)
    return codes, np.stack(coefs, axis=1)  # (g, nodes, k)


def _values(
    m: SurveyMethodology, items: Sequence[str], p: F64, codes: Sequence[str], overall: str
) -> F64:
    """The aggregates computed as the methodology states them: means of means (NaN-aware).

    Same result as the coefficients of :func:`_coefficients` applied to the rates, but in the
    order of the published arithmetic, so that e.g. a mean of four 50 % contents is exactly 50 %.
    """
    pos = {c: j for j, c in enumerate(items)}
    gn = p.shape[0]
    nan = np.full(gn, np.nan)

    def mean(parts: list[F64]) -> F64:
        if not parts:
            return nan
        stack = np.stack(parts)
        have = ~np.isnan(stack)
        count = have.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out: F64 = np.where(count > 0, np.where(have, stack, 0.0).sum(axis=0) / count, np.nan)
        return out

    def value(code: str, how: str) -> F64:
        node = m[code]
        if node.is_item:
            return p[:, pos[code]] if code in pos else nan
        if how == "items":
            return mean([value(c, "items") for c in m.items_below(code)])
        return mean([value(c, m[c].aggregate) for c in node.children])

    out = np.empty((gn, len(codes)))
    for i, code in enumerate(codes):
        if code:
            out[:, i] = value(code, m[code].aggregate)
        elif overall == "items":
            out[:, i] = mean(
                [value(c, "items") for part in m.overall_parts for c in m.items_below(part)]
            )
        elif overall == "children":
            out[:, i] = mean([value(c, m[c].aggregate) for c in m.overall_parts])
        else:
            out[:, i] = value(overall, "children")
    return out


def _check_psu_counts(
    n_h: I64, strata: Sequence[Any], single_psu: str, what: str = "primary sampling unit"
) -> None:
    if single_psu == "error" and list(strata) != [""]:  # "": no strata given
        ones = np.flatnonzero(n_h == 1)
        if ones.size:
            h = strata[int(ones[0])]
            raise SurveyError(
                f"stratum {h!r} has only one {what}, so its variance cannot be estimated; "
                "choose single_psu='skip' or 'center' (see docs/survey.md)",
                code="stratum",
                value=h,
            )


def _taylor_var(acc: _Acc, u: F64, single_psu: str) -> F64:
    """Variance of sum_j u·T_j for each (group, node): u has shape (g, nodes, 2k)."""
    gn, nodes, _ = u.shape
    var = np.zeros((gn, nodes))
    strata = list(acc.strata.index)
    if acc.mode == "psu":
        n_psu = len(acc.psus)
        n_h = np.bincount(acc.psu_stratum[:n_psu], minlength=len(strata))
        _check_psu_counts(n_h, strata, single_psu)
        npairs = len(acc.pairs)
        T = acc.totals[:npairs]
        pg = acc.pair_group[:npairs]
        ph = acc.psu_stratum[acc.pair_psu[:npairs]]
        # z per pair and node: (pairs, nodes)
        z = np.einsum("pk,pnk->pn", T, u[pg])
        # per (stratum, group) sums of z and z^2
        cell = ph * gn + pg
        ncell = len(strata) * gn
        s1 = np.zeros((ncell, nodes))
        s2 = np.zeros((ncell, nodes))
        np.add.at(s1, cell, z)
        np.add.at(s2, cell, z * z)
        s1 = s1.reshape(len(strata), gn, nodes)
        s2 = s2.reshape(len(strata), gn, nodes)
        nh = n_h.astype(np.float64)[:, None, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            contrib = nh / (nh - 1) * (s2 - s1 * s1 / nh)
        single = (n_h == 1)[:, None, None]
        if single_psu == "center":
            grand = s1.sum(axis=0) / max(n_psu, 1)  # mean PSU total per (group, node)
            contrib = np.where(single, (s1 - grand[None]) ** 2, contrib)
        else:
            contrib = np.where(single, 0.0, contrib)
        var = np.nansum(contrib, axis=0)
    else:
        n_h = acc.n_h[: len(strata)]
        _check_psu_counts(n_h, strata, single_psu, "respondent")
        for (h, g), c in acc.cells.index.items():
            nhf = float(n_h[h])
            uu = u[g]  # (nodes, 2k)
            t1 = uu @ acc.s1[c]
            t2 = np.einsum("nk,kl,nl->n", uu, acc.s2[c], uu)
            if nhf > 1:
                var[g] += nhf / (nhf - 1) * (t2 - t1 * t1 / nhf)
            elif single_psu == "center":
                var[g] += t1 * t1
    if strata == [""] and n_h[0] <= 1:
        var[:] = np.nan  # one PSU (or respondent) in all: no variance can be estimated
    return np.maximum(var, 0.0)


def _twopass_var(
    r: Responses,
    acc: _Acc,
    by: Sequence[str],
    strata: str | None,
    u_agg: F64,
    p0: F64,
    inv_v: F64,
    single_psu: str,
) -> F64:
    """Taylor variance when respondents are the PSUs and the data are in memory.

    A second pass over the answers computes each respondent's linearised values
    z = M u (M: weighted satisfied and valid indicators), and sums z and z² per (stratum, group):
    cheaper than the cross-products the streaming path keeps. Returns (g, aggregates + items).
    """
    n, k = r.answers.shape
    gn, nodes, _ = u_agg.shape
    labels, local = _combine([(r.factor(b).labels, r.factor(b).codes) for b in by], n)
    gidx = acc.groups.codes(labels)[local]
    if strata:
        sf = r.factor(strata)
        s_labels, sidx = list(sf.labels), sf.codes.astype(np.int64)
    else:
        s_labels, sidx = [""], np.zeros(n, dtype=np.int64)
    nstr = len(s_labels)
    n_h = np.bincount(sidx, minlength=nstr)
    _check_psu_counts(n_h, s_labels, single_psu, "respondent")
    w = r.weight if acc.weighted else None
    combo = sidx * gn + gidx
    in_order = n < 2 or bool(np.all(combo[1:] >= combo[:-1]))
    order = np.arange(n) if in_order else np.argsort(combo, kind="stable")
    sc = combo[order]
    starts = np.flatnonzero(np.r_[True, sc[1:] != sc[:-1]])
    ends = np.r_[starts[1:], n]
    sums = np.zeros((nstr, gn, nodes + k))
    squares = np.zeros((nstr, gn, nodes + k))
    u8 = r.answers.view(np.uint8)
    step = 16_384
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        c = int(sc[a])
        h, g = c // gn, c % gn
        ua = u_agg[g].T  # (2k, nodes)
        for s0 in range(a, b, step):
            e0 = min(b, s0 + step)
            block = u8[s0:e0] if in_order else u8[order[s0:e0]]
            mat = np.empty((e0 - s0, 2 * k), order="F")
            for j in range(k):
                np.take(acc.sat_lut[j], block[:, j], out=mat[:, j])
                np.take(acc.val_lut[j], block[:, j], out=mat[:, k + j])
            if w is not None:
                mat *= (w[s0:e0] if in_order else w[order[s0:e0]])[:, None]
            z_agg = mat @ ua
            z_items = mat[:, :k] * inv_v[g] - mat[:, k:] * (p0[g] * inv_v[g])
            sums[h, g, :nodes] += z_agg.sum(axis=0)
            squares[h, g, :nodes] += np.einsum("rn,rn->n", z_agg, z_agg)
            sums[h, g, nodes:] += z_items.sum(axis=0)
            squares[h, g, nodes:] += np.einsum("rk,rk->k", z_items, z_items)
    nh = n_h.astype(np.float64)[:, None, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        contrib = nh / (nh - 1) * (squares - sums * sums / nh)
    single = (n_h == 1)[:, None, None]
    contrib = np.where(single, sums * sums if single_psu == "center" else 0.0, contrib)
    var: F64 = np.maximum(contrib.sum(axis=0), 0.0)
    if s_labels == [""] and n_h[0] <= 1:
        var[:] = np.nan
    return var


def _bootstrap(
    acc: _Acc,
    coef: F64,
    replicates: int,
    seed: int,
    single_psu: str,
) -> F64:
    """Rao–Wu rescaling bootstrap replicates of every index: shape (replicates, g, nodes+items)."""
    strata = list(acc.strata.index)
    n_psu = len(acc.psus)
    ps = acc.psu_stratum[:n_psu]
    n_h = np.bincount(ps, minlength=len(strata))
    _check_psu_counts(n_h, strata, single_psu)
    rng = np.random.default_rng(seed)
    factors = np.ones((replicates, n_psu))
    for h in range(len(strata)):
        members = np.flatnonzero(ps == h)
        nh = members.size
        if nh < 2:
            continue
        draws = rng.integers(0, nh, size=(replicates, nh - 1))
        counts = np.zeros((replicates, nh))
        np.add.at(counts, (np.arange(replicates)[:, None], draws), 1.0)
        factors[:, members] = counts * nh / (nh - 1)
    npairs = len(acc.pairs)
    T = acc.totals[:npairs]
    pg = acc.pair_group[:npairs]
    fp = factors[:, acc.pair_psu[:npairs]]  # (R, pairs)
    gn = coef.shape[0]
    k = acc.k
    out = np.zeros((replicates, gn, coef.shape[1] + k))
    for g in range(gn):
        sel = pg == g
        rt = fp[:, sel] @ T[sel]  # (R, 2k)
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(rt[:, k:] > 0, rt[:, :k] / rt[:, k:], 0.0)
        out[:, g, : coef.shape[1]] = p @ coef[g].T
        out[:, g, coef.shape[1] :] = np.where(rt[:, k:] > 0, p, np.nan)
    return out * 100.0


def estimate(
    responses: Responses | Iterable[Responses],
    methodology: SurveyMethodology,
    *,
    by: Sequence[str] = ("unit",),
    design: Design = "srs",
    single_psu: SinglePSU = "error",
    level: float = 0.95,
    overall: str | None = None,
    min_answers: int | None = None,
    weights: bool = True,
    replicates: int = 200,
    seed: int = 20231211,
    aggregate_intervals: bool = True,
) -> Estimates:
    """Satisfaction indices per group, with standard errors and intervals.

    ``design``: ``"srs"`` (unweighted simple random sample: Wilson intervals for items, Wald on the
    linearised standard error for aggregates), ``"taylor"`` (weights, strata and PSUs when the
    responses have them: Taylor linearisation, Wald intervals) or ``"bootstrap"`` (Rao–Wu
    rescaling bootstrap of the PSUs within strata; percentile intervals).
    ``single_psu``: what to do with a stratum that has one PSU (see :data:`SINGLE_PSU`).
    ``overall``: ``"children"`` (mean of the top-level parts, the file's usual default),
    ``"items"`` (flat mean of all items) or an item code (an overall question); ``None`` takes the
    methodology's default. ``min_answers`` flags estimates with fewer valid answers (default: the
    methodology's). Indices are percentages with full precision; round only to present them.
    """
    if design not in DESIGNS:
        raise SurveyError(f"design must be one of {', '.join(DESIGNS)}", value=design)
    if single_psu not in SINGLE_PSU:
        raise SurveyError(f"single_psu must be one of {', '.join(SINGLE_PSU)}", value=single_psu)
    ov = overall or methodology.overall_aggregate
    if ov not in ("children", "items") and ov not in methodology.items:
        raise SurveyError(
            "overall must be 'children', 'items' or an item code of the methodology", value=ov
        )
    minimum = methodology.min_answers if min_answers is None else int(min_answers)
    in_memory = isinstance(responses, Responses)
    chunks: Iterable[Responses] = [responses] if isinstance(responses, Responses) else responses
    acc: _Acc | None = None
    items: tuple[str, ...] = ()
    strata_name: str | None = None
    psu_name: str | None = None
    weighted = False
    respondent_psus = False
    for r in chunks:
        if acc is None:
            items = r.items
            weighted = design != "srs" and weights and r.weight is not None
            if design != "srs":
                strata_name = "stratum" if "stratum" in r.attributes else None
                psu_name = "psu" if "psu" in r.attributes else None
            mode = "none"
            if aggregate_intervals or design != "srs":
                mode = "psu" if psu_name else ("twopass" if in_memory else "cross")
            if design == "bootstrap":
                mode = "psu"
            sat, val, *_ = _luts(methodology, items)
            acc = _Acc(len(items), weighted, mode, sat, val, _packs(methodology, items))
        elif r.items != items:
            raise SurveyError("every chunk must have the same item columns", file=r.source)
        for b in by:
            r.factor(b)  # raises a clear error for an unknown attribute
        if design == "bootstrap" and (psu_name is None or respondent_psus):
            # no PSU column: each respondent is a PSU
            r = attrs.evolve(
                r,
                attributes=MappingProxyType({**r.attributes, "psu": _respondent_psu(r)}),
            )
            psu_name = "psu"
            respondent_psus = True
        acc.add(r, by, strata_name, psu_name if acc.mode == "psu" else None)
    if acc is None or len(acc.groups) == 0:
        raise SurveyError("there are no respondents to estimate from")

    gn = len(acc.groups)
    k = len(items)
    sat, val, level_lut, noop, na, blank = _luts(methodology, items)
    hist = acc.hist[:gn]
    H = acc.whist[:gn] if weighted else hist

    def per_item(h: npt.NDArray[Any], lut: npt.NDArray[Any]) -> F64:
        out: F64 = np.einsum("gkb,kb->gk", h, lut.astype(h.dtype), optimize=False)
        return out

    Y = per_item(H, sat).astype(np.float64)  # (g, k) satisfied (weighted)
    V = per_item(H, val).astype(np.float64)
    n_valid = per_item(hist, val.astype(np.int64)).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(V > 0, Y / V, np.nan)
        mean = np.where(V > 0, per_item(H, level_lut) / V, np.nan)
    counts_noop = per_item(hist, noop)
    counts_na = per_item(hist, na)
    counts_blank = per_item(hist, blank)
    counts_invalid = acc.hist[:gn, :, INVALID & 0xFF]
    avail = V > 0
    codes, coef = _coefficients(methodology, items, avail, ov)  # (g, nodes, k)
    p0 = np.nan_to_num(p)
    agg = _values(methodology, items, p, codes, ov)
    agg_n = np.where(coef > 0, n_valid[:, None, :], np.iinfo(np.int64).max).min(axis=2)
    agg_n = np.where(agg_n == np.iinfo(np.int64).max, 0, agg_n)

    item_se = np.full((gn, k), np.nan)
    agg_se = np.full((gn, len(codes)), np.nan)
    item_lo = np.full((gn, k), np.nan)
    item_hi = np.full((gn, k), np.nan)
    agg_lo = np.full((gn, len(codes)), np.nan)
    agg_hi = np.full((gn, len(codes)), np.nan)
    interval = {"srs": "wilson/wald", "taylor": "wald", "bootstrap": "percentile"}[design]
    if design == "bootstrap":
        reps = _bootstrap(acc, coef, replicates, seed, single_psu)
        with np.errstate(invalid="ignore"):
            sd = np.nanstd(reps, axis=0, ddof=1)
        agg_se, item_se = sd[:, : len(codes)], sd[:, len(codes) :]
        lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lo = np.nanquantile(reps, lo_q, axis=0)
            hi = np.nanquantile(reps, hi_q, axis=0)
        agg_lo, item_lo = lo[:, : len(codes)], lo[:, len(codes) :]
        agg_hi, item_hi = hi[:, : len(codes)], hi[:, len(codes) :]
    else:
        if acc.mode != "none":
            # linearisation: item i alone has u = (e_i / V_i, -p_i e_i / V_i)
            with np.errstate(invalid="ignore", divide="ignore"):
                inv_v = np.where(V > 0, 1.0 / V, 0.0)
            u_items = np.zeros((gn, k, 2 * k))
            ar = np.arange(k)
            u_items[:, ar, ar] = inv_v
            u_items[:, ar, k + ar] = -p0 * inv_v
            u_agg = np.einsum("gnk,gkl->gnl", coef, u_items)
            if acc.mode == "twopass":
                assert isinstance(responses, Responses)
                var = _twopass_var(responses, acc, by, strata_name, u_agg, p0, inv_v, single_psu)
            else:
                var = _taylor_var(acc, np.concatenate([u_agg, u_items], axis=1), single_psu)
            se = np.sqrt(var) * 100.0
            agg_se, item_se = se[:, : len(codes)], se[:, len(codes) :]
            agg_se = np.where(np.isnan(agg), np.nan, agg_se)
            item_se = np.where(avail, item_se, np.nan)
            agg_lo, agg_hi = wald(agg * 100, agg_se, level, (0.0, 100.0))
        if design == "srs":
            lo, hi = wilson(p0, n_valid.astype(np.float64), level)
            item_lo, item_hi = lo * 100, hi * 100
            if acc.mode == "none":
                # the same linearised variance in closed form: sum z^2 = p (1 - p) / V within
                # the unit, and the n / (n - 1) factor of the whole sample (units are domains)
                total = float(acc.respondents[:gn].sum())
                with np.errstate(invalid="ignore", divide="ignore"):
                    factor = total / (total - 1) if total > 1 else np.nan
                    item_se = np.sqrt(factor * p * (1 - p) / V) * 100
        else:
            item_lo, item_hi = wald(p * 100, item_se, level, (0.0, 100.0))
    item_lo = np.where(avail, item_lo, np.nan)
    item_hi = np.where(avail, item_hi, np.nan)

    statuses = {n.code: n.status for n in methodology.walk()}
    groups: list[GroupEstimates] = []
    labels = list(acc.groups.index)
    order = sorted((i for i in range(gn) if acc.respondents[i] > 0), key=lambda i: labels[i])
    # plain Python numbers, converted once (the loop below only builds the result objects)
    agg_l, agg_se_l = (agg * 100).tolist(), agg_se.tolist()
    agg_lo_l, agg_hi_l, agg_n_l = agg_lo.tolist(), agg_hi.tolist(), agg_n.tolist()
    p_l, item_se_l = (p * 100).tolist(), item_se.tolist()
    item_lo_l, item_hi_l = item_lo.tolist(), item_hi.tolist()
    n_valid_l, mean_l = n_valid.tolist(), mean.tolist()
    kinds = ["overall" if c == "" else "aggregate" for c in codes]
    names = [c or "overall" for c in codes]
    node_status = [methodology.overall_status if c == "" else statuses[c] for c in codes]
    item_status = [statuses[i] for i in items]
    for g in order:
        nodes: dict[str, Estimate] = {}
        ov_est: Estimate | None = None
        for ni, code in enumerate(codes):
            e = Estimate(
                names[ni],
                kinds[ni],
                agg_l[g][ni],
                agg_se_l[g][ni],
                agg_lo_l[g][ni],
                agg_hi_l[g][ni],
                agg_n_l[g][ni],
                agg_n_l[g][ni] < minimum,
                node_status[ni],
            )
            if code == "":
                ov_est = e
            else:
                nodes[code] = e
        for j, item in enumerate(items):
            nodes[item] = Estimate(
                item,
                "item",
                p_l[g][j],
                item_se_l[g][j],
                item_lo_l[g][j],
                item_hi_l[g][j],
                n_valid_l[g][j],
                n_valid_l[g][j] < minimum,
                item_status[j],
                mean_l[g][j],
            )
        assert ov_est is not None
        groups.append(
            GroupEstimates(
                key=labels[g],
                respondents=int(acc.respondents[g]),
                overall=ov_est,
                nodes=MappingProxyType(nodes),
                answers=MappingProxyType(
                    {
                        "valid": int(n_valid[g].sum()),
                        "no_opinion": int(counts_noop[g].sum()),
                        "not_applicable": int(counts_na[g].sum()),
                        "blank": int(counts_blank[g].sum()),
                        "excluded": int(counts_invalid[g].sum()),
                    }
                ),
            )
        )
    return Estimates(
        methodology=methodology.id,
        by=tuple(by),
        design=design,
        interval=interval,
        level=level,
        single_psu=single_psu,
        overall_method=ov,
        min_answers=minimum,
        groups=tuple(groups),
        excluded=acc.excluded,
        weighted=weighted,
    )


def _respondent_psu(r: Responses) -> Any:
    from .responses import Factor

    labels = tuple(f"r{int(x)}" for x in r.rows.tolist())
    return Factor(labels, np.arange(r.n, dtype=np.int32))
