"""Variance of the satisfaction indices: Taylor linearisation, its two-pass form, bootstrap.

Every index is a linear combination of item rates p_i = Y_i / V_i, so its linearised variable is
z = sum_i c_i (y_i - p_i v_i) / V_i. :func:`taylor_variance` sums z over PSUs from the totals the
accumulator kept; :func:`twopass_variance` computes z per respondent in a second pass when the
respondents are the PSUs and the data are in memory; :func:`bootstrap_replicates` draws Rao–Wu
rescaling bootstrap replicates of the PSUs within strata, with factors drawn by
:func:`replicate_factors`. Like samplics, which keeps Taylor
estimation (``estimation/expansion.py``) apart from replication (``estimation/replication.py``).
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import SurveyError
from ._accumulate import F64, I64, Acc, combine
from .responses import Responses

__all__ = [
    "bootstrap_replicates",
    "check_psu_counts",
    "design_df",
    "item_psus",
    "linearised_variance",
    "percentile_spread",
    "replicate_factors",
    "srs_item_se",
    "sum_strata",
    "taylor_variance",
    "twopass_variance",
]


def linearised_variance(
    acc: Acc,
    coef: F64,
    p0: F64,
    V: F64,
    responses: Responses | None,
    by: Sequence[str],
    strata: str | None,
    single_psu: str,
    m0: F64 | None = None,
    u_nodes: F64 | None = None,
) -> F64:
    """Taylor variance of every aggregate, item rate and item mean: (g, aggregates + 2 items).

    The design totals are T = (Y, V, L) per item (satisfied, valid, sum of levels). Item i's rate
    Y_i / V_i has u = (e_i / V_i, -p_i e_i / V_i, 0); an aggregate combines them with ``coef``;
    item i's mean L_i / V_i (a ratio estimator) has u = (0, -m_i e_i / V_i, e_i / V_i).
    ``responses`` is needed (in memory) for the two-pass form only. ``u_nodes`` (g, aggregates,
    3 k), when given, replaces the aggregates' linearised coefficients made from ``coef`` (e.g. a
    pooled ratio of the node's satisfied over valid answers).
    """
    gn, k = V.shape
    mean0 = np.zeros_like(p0) if m0 is None else np.nan_to_num(m0)
    with np.errstate(invalid="ignore", divide="ignore"):
        inv_v = np.where(V > 0, 1.0 / V, 0.0)
    u_items = np.zeros((gn, k, 3 * k))
    u_means = np.zeros((gn, k, 3 * k))
    ar = np.arange(k)
    u_items[:, ar, ar] = inv_v
    u_items[:, ar, k + ar] = -p0 * inv_v
    u_means[:, ar, k + ar] = -mean0 * inv_v
    u_means[:, ar, 2 * k + ar] = inv_v
    u_agg = np.einsum("gnk,gkl->gnl", coef, u_items) if u_nodes is None else u_nodes
    if acc.mode == "twopass":
        assert isinstance(responses, Responses)
        return twopass_variance(responses, acc, by, strata, u_agg, p0, mean0, inv_v, single_psu)
    return taylor_variance(acc, np.concatenate([u_agg, u_items, u_means], axis=1), single_psu)


def item_psus(
    acc: Acc, responses: Responses | None, by: Sequence[str], strata: str | None
) -> tuple[I64, I64]:
    """PSUs per (stratum, group, item) with a valid answer of positive weight to the item, and
    PSUs per (stratum, group) with respondents: the subsets whose ``degf`` R reports.

    Respondents are the PSUs where there is no PSU column.
    """
    gn, k = len(acc.groups), acc.k
    if acc.mode == "psu":
        nh = len(acc.strata)
        npairs = len(acc.pairs)
        cell = acc.psu_stratum[acc.pair_psu[:npairs]] * gn + acc.pair_group[:npairs]
        has = (acc.totals[:npairs, k : 2 * k] > 0).astype(np.int64)
        items = np.zeros((nh * gn, k), dtype=np.int64)
        np.add.at(items, cell, has)
        groups = np.bincount(cell, minlength=nh * gn)
    elif acc.mode == "cross":
        nh = len(acc.strata)
        items = np.zeros((nh * gn, k), dtype=np.int64)
        groups = np.zeros(nh * gn, dtype=np.int64)
        for (h, g), c in acc.cells.index.items():
            items[h * gn + g] = acc.npos[c]
            groups[h * gn + g] = acc.n_h[h]  # only its presence is used
    elif responses is not None:
        n = responses.n
        labels, local = combine(
            [(responses.factor(b).labels, responses.factor(b).codes) for b in by], n
        )
        gidx = acc.groups.codes(labels)[local]
        if strata:
            sf = responses.factor(strata)
            nh, sidx = len(sf.labels), sf.codes.astype(np.int64)
        else:
            nh, sidx = 1, np.zeros(n, dtype=np.int64)
        cell = sidx * gn + gidx
        positive = np.ones(n, dtype=bool)
        if acc.weighted and responses.weight is not None:
            positive = responses.weight > 0
        u8 = responses.answers.view(np.uint8)
        items = np.zeros((nh * gn, k), dtype=np.int64)
        for j in range(k):
            valid = (acc.val_lut[j][u8[:, j]] > 0) & positive
            items[:, j] = np.bincount(cell, weights=valid, minlength=nh * gn).astype(np.int64)
        groups = np.bincount(cell, minlength=nh * gn)
    else:  # unweighted simple random sample, nothing kept per respondent
        nh = 1
        hist = acc.hist[:gn]
        items = np.einsum("gkb,kb->gk", hist, (acc.val_lut > 0).astype(np.int64))
        groups = acc.respondents[:gn].copy()
    return items.reshape(nh, gn, k), groups.reshape(nh, gn)


def design_df(
    acc: Acc, responses: Responses | None, by: Sequence[str], strata: str | None
) -> tuple[F64, F64]:
    """Design degrees of freedom: per group, its PSUs minus its strata (R's ``degf`` of the
    subset of the group's respondents), and per (group, item), the PSUs with a valid answer of
    positive weight to the item minus their strata (R's ``degf`` of the item's subset).
    Respondents are the PSUs where there is no PSU column."""
    gn = len(acc.groups)
    items, _ = item_psus(acc, responses, by, strata)
    item_df: F64 = (items.sum(axis=0) - (items > 0).sum(axis=0)).astype(np.float64)
    if acc.mode == "psu":
        npairs = len(acc.pairs)
        pg = acc.pair_group[:npairs]
        ph = acc.psu_stratum[acc.pair_psu[:npairs]]
        psus = np.bincount(pg, minlength=gn)
        cells = np.unique(ph * gn + pg)
        nstrata = np.bincount(cells % gn, minlength=gn)
    elif acc.mode == "cross":
        psus = acc.respondents[:gn]
        nstrata = np.bincount([g for (_, g) in acc.cells.index], minlength=gn)
    else:
        psus = acc.respondents[:gn]
        nstrata = np.ones(gn, dtype=np.int64)
        if responses is not None and strata:
            n = responses.n
            labels, local = combine(
                [(responses.factor(b).labels, responses.factor(b).codes) for b in by], n
            )
            gidx = acc.groups.codes(labels)[local]
            cells = np.unique(responses.factor(strata).codes.astype(np.int64) * gn + gidx)
            nstrata = np.bincount(cells % gn, minlength=gn)
    out: F64 = (psus - nstrata).astype(np.float64)
    return out, item_df


def srs_item_se(acc: Acc, p: F64, V: F64, mean: F64, ss: F64) -> tuple[F64, F64]:
    """Linearised standard errors of item rates and means in closed form (no design part kept).

    Within a unit sum z^2 = p (1 - p) / V for a rate and ``ss`` / V^2 for a mean (``ss``: the sum
    of squared deviations of the answers from the mean), times the n / (n - 1) factor of the whole
    sample (units are domains).
    """
    gn = V.shape[0]
    total = float(acc.respondents[:gn].sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = total / (total - 1) if total > 1 else np.nan
        se: F64 = np.sqrt(factor * p * (1 - p) / V) * 100
        mean_se: F64 = np.where(V > 0, np.sqrt(factor * ss / (V * V)), np.nan)
    return se, mean_se


def percentile_spread(reps: F64, level: float) -> tuple[Any, Any, Any]:
    """Standard deviation and percentile interval of bootstrap replicates (axis 0).

    Replicates that are NaN (the estimate is not defined in them) are left out; with fewer than
    two defined replicates the standard error is NaN.
    """
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        sd = np.nanstd(reps, axis=0, ddof=1)
        lo = np.nanquantile(reps, lo_q, axis=0)
        hi = np.nanquantile(reps, hi_q, axis=0)
    return sd, lo, hi


def check_psu_counts(
    n_h: I64, strata: Sequence[Any], single_psu: str, what: str = "primary sampling unit"
) -> None:
    if single_psu == "error" and list(strata) != [""]:  # "": no strata given
        ones = np.flatnonzero(n_h == 1)
        if ones.size:
            h = strata[int(ones[0])]
            raise SurveyError(
                f"stratum {h!r} has only one {what}, so its variance cannot be estimated; "
                "choose single_psu='skip', 'center' or 'average' (see docs/survey.md)",
                code="stratum",
                value=h,
            )


def sum_strata(
    contrib: F64,
    n_h: I64,
    single_psu: str,
    centred: F64,
    present: npt.NDArray[np.bool_] | None = None,
) -> F64:
    """Add up per-stratum variance contributions (strata, groups, nodes) with the policy for a
    stratum with a single PSU: ``skip`` (it adds nothing), ``center`` (``centred``: its PSU total
    about the mean PSU total) or ``average`` (as R's ``survey.lonely.psu = "average"``: the sum
    over the strata with several PSUs times the group's strata over those of them with several
    PSUs; ``present[h, g, node]`` marks the strata in the subset of each estimate, see
    :func:`node_presence`)."""
    single = (n_h == 1)[:, None, None]
    if single_psu == "center":
        out: F64 = np.nansum(np.where(single, centred, contrib), axis=0)
        return out
    out = np.nansum(np.where(single, 0.0, contrib), axis=0)
    if single_psu == "average":
        assert present is not None
        strata = present.sum(axis=0).astype(np.float64)
        several = (present & (n_h > 1)[:, None, None]).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = out * np.where(strata > 0, strata / several, 1.0)
    return out


def node_presence(
    acc: Acc, responses: Responses | None, by: Sequence[str], strata: str | None, nodes: int
) -> npt.NDArray[np.bool_]:
    """present[h, g, node]: stratum h is in the subset of the estimate (group g's respondents for
    an aggregate, those with a valid answer for an item's rate and mean). ``nodes``: aggregates,
    then the k item rates, then the k item means."""
    items, groups = item_psus(acc, responses, by, strata)
    k = acc.k
    present = np.empty((*groups.shape, nodes), dtype=bool)
    present[:, :, : nodes - 2 * k] = (groups > 0)[:, :, None]
    present[:, :, nodes - 2 * k : nodes - k] = items > 0
    present[:, :, nodes - k :] = items > 0
    return present


def taylor_variance(acc: Acc, u: F64, single_psu: str) -> F64:
    """Variance of sum_j u·T_j for each (group, node): u has shape (g, nodes, 3k)."""
    gn, nodes, _ = u.shape
    var = np.zeros((gn, nodes))
    strata = list(acc.strata.index)
    if acc.mode == "psu":
        n_psu = len(acc.psus)
        n_h = np.bincount(acc.psu_stratum[:n_psu], minlength=len(strata))
        check_psu_counts(n_h, strata, single_psu)
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
        grand = s1.sum(axis=0) / max(n_psu, 1)  # mean PSU total per (group, node)
        present = node_presence(acc, None, (), None, nodes) if single_psu == "average" else None
        var = sum_strata(contrib, n_h, single_psu, (s1 - grand[None]) ** 2, present)
    else:
        n_h = acc.n_h[: len(strata)]
        check_psu_counts(n_h, strata, single_psu, "respondent")
        contrib = np.zeros((len(strata), gn, nodes))
        centred = np.zeros((len(strata), gn, nodes))
        for (h, g), c in acc.cells.index.items():
            nhf = float(n_h[h])
            uu = u[g]  # (nodes, 3k)
            t1 = uu @ acc.s1[c]
            t2 = np.einsum("nk,kl,nl->n", uu, acc.s2[c], uu)
            if nhf > 1:
                contrib[h, g] = nhf / (nhf - 1) * (t2 - t1 * t1 / nhf)
            else:
                centred[h, g] = t1 * t1
        present = node_presence(acc, None, (), None, nodes) if single_psu == "average" else None
        var = sum_strata(contrib, n_h, single_psu, centred, present)
    if strata == [""] and n_h[0] <= 1:
        var[:] = np.nan  # one PSU (or respondent) in all: no variance can be estimated
    return np.maximum(var, 0.0)


def respondent_share_variance(acc: Acc, share: F64, weight: F64, single_psu: str) -> F64:
    """Taylor variance (g, nodes) of the respondents' mean shares R = A / D (a ratio estimator:
    A, the weighted sum of the respondents' shares; D, the weight of those with a valid answer),
    z = (A_p - R D_p) / D per PSU p, from :meth:`Acc.share_moments`; NaN where R is undefined."""
    strata, mom, cell_h, cell_g = acc.share_moments()
    gn, nodes = share.shape
    n_h = np.asarray([acc.r_nh[h] for h in strata], dtype=np.int64)
    check_psu_counts(n_h, strata, single_psu)
    R = np.nan_to_num(share)[cell_g]  # (cells, nodes)
    with np.errstate(invalid="ignore", divide="ignore"):
        inv = np.where(weight > 0, 1.0 / np.where(weight > 0, weight, 1.0), 0.0)[cell_g]
    sa, sd, saa, sad, sdd = (mom[:, i, :] for i in range(5))
    z1 = (sa - R * sd) * inv
    z2 = (saa - 2 * R * sad + R * R * sdd) * inv * inv
    s1 = np.zeros((len(strata), gn, nodes))
    s2 = np.zeros((len(strata), gn, nodes))
    present = np.zeros((len(strata), gn, nodes), dtype=bool)
    s1[cell_h, cell_g] = z1
    s2[cell_h, cell_g] = z2
    present[cell_h, cell_g] = True
    nh = n_h.astype(np.float64)[:, None, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        contrib = nh / (nh - 1) * (s2 - s1 * s1 / nh)
    grand = s1.sum(axis=0) / max(int(n_h.sum()), 1)
    var = sum_strata(contrib, n_h, single_psu, (s1 - grand[None]) ** 2, present)
    if strata == [""] and n_h[0] <= 1:
        var[:] = np.nan
    out: F64 = np.where(weight > 0, np.maximum(var, 0.0), np.nan)
    return out


def twopass_variance(
    r: Responses,
    acc: Acc,
    by: Sequence[str],
    strata: str | None,
    u_agg: F64,
    p0: F64,
    m0: F64,
    inv_v: F64,
    single_psu: str,
) -> F64:
    """Taylor variance when respondents are the PSUs and the data are in memory.

    A second pass over the answers computes each respondent's linearised values
    z = M u (M: weighted satisfied, valid and level indicators), and sums z and z² per
    (stratum, group): cheaper than the cross-products the streaming path keeps.
    Returns (g, aggregates + item rates + item means).
    """
    n, k = r.answers.shape
    gn, nodes, _ = u_agg.shape
    labels, local = combine([(r.factor(b).labels, r.factor(b).codes) for b in by], n)
    gidx = acc.groups.codes(labels)[local]
    if strata:
        sf = r.factor(strata)
        s_labels, sidx = list(sf.labels), sf.codes.astype(np.int64)
    else:
        s_labels, sidx = [""], np.zeros(n, dtype=np.int64)
    nstr = len(s_labels)
    n_h = np.bincount(sidx, minlength=nstr)
    check_psu_counts(n_h, s_labels, single_psu, "respondent")
    w = r.weight if acc.weighted else None
    combo = sidx * gn + gidx
    in_order = n < 2 or bool(np.all(combo[1:] >= combo[:-1]))
    order = np.arange(n) if in_order else np.argsort(combo, kind="stable")
    sc = combo[order]
    starts = np.flatnonzero(np.r_[True, sc[1:] != sc[:-1]])
    ends = np.r_[starts[1:], n]
    sums = np.zeros((nstr, gn, nodes + 2 * k))
    squares = np.zeros((nstr, gn, nodes + 2 * k))
    u8 = r.answers.view(np.uint8)
    step = 16_384
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        c = int(sc[a])
        h, g = c // gn, c % gn
        ua = u_agg[g].T  # (3k, nodes)
        for s0 in range(a, b, step):
            e0 = min(b, s0 + step)
            block = u8[s0:e0] if in_order else u8[order[s0:e0]]
            mat = np.empty((e0 - s0, 3 * k), order="F")
            for j in range(k):
                np.take(acc.sat_lut[j], block[:, j], out=mat[:, j])
                np.take(acc.val_lut[j], block[:, j], out=mat[:, k + j])
                np.take(acc.level_lut[j], block[:, j], out=mat[:, 2 * k + j])
            if w is not None:
                mat *= (w[s0:e0] if in_order else w[order[s0:e0]])[:, None]
            z_agg = mat @ ua
            z_items = mat[:, :k] * inv_v[g] - mat[:, k : 2 * k] * (p0[g] * inv_v[g])
            z_means = mat[:, 2 * k :] * inv_v[g] - mat[:, k : 2 * k] * (m0[g] * inv_v[g])
            sums[h, g, :nodes] += z_agg.sum(axis=0)
            squares[h, g, :nodes] += np.einsum("rn,rn->n", z_agg, z_agg)
            sums[h, g, nodes : nodes + k] += z_items.sum(axis=0)
            squares[h, g, nodes : nodes + k] += np.einsum("rk,rk->k", z_items, z_items)
            sums[h, g, nodes + k :] += z_means.sum(axis=0)
            squares[h, g, nodes + k :] += np.einsum("rk,rk->k", z_means, z_means)
    nh = n_h.astype(np.float64)[:, None, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        contrib = nh / (nh - 1) * (squares - sums * sums / nh)
    present = None
    if single_psu == "average":
        present = node_presence(acc, r, by, strata, nodes + 2 * k)
    var: F64 = np.maximum(sum_strata(contrib, n_h, single_psu, sums * sums, present), 0.0)
    if s_labels == [""] and n_h[0] <= 1:
        var[:] = np.nan
    return var


def replicate_factors(psus: Sequence[tuple[str, str]], replicates: int, seed: int) -> F64:
    """Rao–Wu rescaling bootstrap factors, shape (replicates, PSUs), one column per (stratum, PSU).

    In a stratum of n_h PSUs each replicate draws n_h − 1 of them with replacement and gives a
    PSU drawn m times the factor m n_h / (n_h − 1). A stratum's draws come from a generator seeded
    by ``seed`` and the stratum's label, over its PSUs sorted by label: the factors are a pure
    function of (seed, stratum, the stratum's PSU labels), whatever the order of the rows and the
    size of the chunks. A stratum with one PSU keeps the factor 1 (it adds no variance).
    """
    factors = np.ones((replicates, len(psus)))
    by_stratum: dict[str, list[int]] = {}
    for i, (h, _) in enumerate(psus):
        by_stratum.setdefault(h, []).append(i)
    for h, members_l in by_stratum.items():
        nh = len(members_l)
        if nh < 2:
            continue
        members = np.asarray(sorted(members_l, key=lambda i: psus[i][1]), dtype=np.int64)
        digest = hashlib.sha256(h.encode("utf-8")).digest()
        key = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]
        rng = np.random.default_rng(np.random.SeedSequence([seed, *key]))
        draws = rng.integers(0, nh, size=(replicates, nh - 1))
        counts = np.zeros((replicates, nh))
        np.add.at(counts, (np.arange(replicates)[:, None], draws), 1.0)
        factors[:, members] = counts * nh / (nh - 1)
    return factors


def bootstrap_replicates(
    acc: Acc,
    coef: F64,
    replicates: int,
    seed: int,
    single_psu: str,
) -> F64:
    """Bootstrap replicates of every index and item mean: shape (replicates, g, nodes + 2 items).

    Indices are percentages; item means are on the answer scale.

    The replicate of an item is its rate under the replicate's weights, NaN where it has no
    weighted valid answers; the replicate of an aggregate combines the replicate's item rates with
    the full sample's coefficients, and is NaN where any item it combines is NaN (a replicate in
    which the aggregate is not defined, left out of its standard error and interval).
    """
    strata = list(acc.strata.index)
    n_psu = len(acc.psus)
    ps = acc.psu_stratum[:n_psu]
    n_h = np.bincount(ps, minlength=len(strata))
    check_psu_counts(n_h, strata, single_psu)
    factors = replicate_factors(list(acc.psus.index), replicates, seed)
    npairs = len(acc.pairs)
    T = acc.totals[:npairs]
    pg = acc.pair_group[:npairs]
    fp = factors[:, acc.pair_psu[:npairs]]  # (R, pairs)
    gn = coef.shape[0]
    k = acc.k
    nodes = coef.shape[1]
    out = np.zeros((replicates, gn, nodes + 2 * k))
    # PSUs in the order of their labels, so that sums run in the same order for any row order
    labels = list(acc.psus.index)
    rank = np.empty(n_psu, dtype=np.int64)
    rank[sorted(range(n_psu), key=labels.__getitem__)] = np.arange(n_psu)
    for g in range(gn):
        sel = np.flatnonzero(pg == g)
        sel = sel[np.argsort(rank[acc.pair_psu[sel]])]
        rt = fp[:, sel] @ T[sel]  # (R, 3k)
        valid = rt[:, k : 2 * k]
        defined = valid > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(defined, rt[:, :k] / valid, 0.0)
            mean = np.where(defined, rt[:, 2 * k :] / valid, np.nan)
        used = (coef[g] != 0).astype(np.float64)  # (nodes, k)
        missing = (~defined).astype(np.float64) @ used.T > 0  # (R, nodes)
        missing |= used.sum(axis=1) == 0  # an aggregate of no item at all
        out[:, g, :nodes] = np.where(missing, np.nan, p @ coef[g].T)
        out[:, g, nodes : nodes + k] = np.where(defined, p * 100.0, np.nan)
        out[:, g, nodes + k :] = mean
    out[:, :, :nodes] *= 100.0
    return out
