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

from .._compat import methodology_keyword
from ..errors import SurveyError
from ._accumulate import F64, I64, Acc, luts, packs
from .intervals import INTERVALS, effective_n, korn_graubard, logit, wald, wilson
from .methodology import SurveyMethodology
from .responses import INVALID, Exclusions, Factor, Responses
from .variance import (
    bootstrap_replicates,
    design_df,
    linearised_variance,
    percentile_spread,
    respondent_share_variance,
    srs_item_se,
)

__all__ = [
    "DESIGNS",
    "DF",
    "INTERVALS",
    "SHARES",
    "SINGLE_PSU",
    "Estimate",
    "Estimates",
    "GroupEstimates",
    "estimate",
]

DESIGNS = ("srs", "taylor", "bootstrap")
#: Policies for a stratum with a single PSU: raise an error, leave it out of the variance
#: ("skip", as samplics' ``skip`` and R's ``certainty``), or centre it on the mean of all PSUs
#: ("center", as R's ``options(survey.lonely.psu = "adjust")``), or give it the average variance
#: of the other strata ("average", as R's ``options(survey.lonely.psu = "average")``: the sum
#: over the strata with several PSUs times all strata over those strata).
SINGLE_PSU = ("error", "skip", "center", "average")
#: Quantiles of the intervals: the normal ("z") or Student t on the design degrees of freedom.
DF = ("z", "design")
#: Definitions of a factor's (and the overall index's) share satisfied: the mean of its items'
#: rates ("items", the default), all satisfied answers over all valid answers of its items
#: ("pooled"), or the mean over respondents of each one's share of satisfied answers among their
#: valid answers to its items ("respondents").
SHARES = ("items", "pooled", "respondents")
Design = Literal["srs", "taylor", "bootstrap"]
Share = Literal["items", "pooled", "respondents"]
SinglePSU = Literal["error", "skip", "center", "average"]


@attrs.frozen
class Estimate:
    """One index (an item, an aggregate or the overall index) for one group of respondents.

    ``value``, ``low``, ``high`` and ``se`` are percentages (0–100) of satisfied answers.
    ``n`` is the number of valid answers (for an aggregate: the fewest valid answers of any of its
    items); ``small`` flags ``n`` below the stated minimum. ``mean`` is an item's mean answer on
    its scale (valid answers only), with its standard error and interval ``mean_se``,
    ``mean_low``, ``mean_high`` (a ratio estimator: sum of weighted levels over weighted valid
    answers, in every design).
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
    mean_se: float | None = None
    mean_low: float | None = None
    mean_high: float | None = None

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
            out["mean_se"] = num(self.mean_se)
            out["mean_low"] = num(self.mean_low)
            out["mean_high"] = num(self.mean_high)
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
    share: str = "items"

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
        head: dict[str, Any] = {
            "methodology": self.methodology,
            "by": list(self.by),
            "design": self.design,
            "weighted": self.weighted,
            "interval": self.interval,
            "level": self.level,
            "single_psu": self.single_psu,
            "overall_method": self.overall_method,
        }
        if self.share != "items":  # the default layout is unchanged
            head["share"] = self.share
        return {
            **head,
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


# -- the estimator -----------------------------------------------------------------------------


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


def _members(m: SurveyMethodology, items: Sequence[str], codes: Sequence[str], overall: str) -> F64:
    """members[node, item]: 1 for the items below each node of ``codes`` ("" is the overall)."""
    pos = {c: j for j, c in enumerate(items)}
    out = np.zeros((len(codes), len(items)))
    for n, code in enumerate(codes):
        if code:
            below = list(m.items_below(code))
        elif overall in ("children", "items"):
            below = [i for part in m.overall_parts for i in m.items_below(part)]
        else:
            below = [overall]
        for i in below:
            if i in pos:
                out[n, pos[i]] = 1.0
    return out


def _pooled(members: F64, p: F64, V: F64) -> tuple[F64, F64]:
    """Pooled shares (satisfied over valid answers of each node's items), and their
    linearised coefficients u = (e_S / V_S, -P e_S / V_S, 0) on the totals (Y, V, L): (g, nodes, 3k).
    """
    Y = np.nan_to_num(p) * V
    ys, vs = Y @ members.T, V @ members.T  # (g, nodes)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(vs > 0, ys / np.where(vs > 0, vs, 1.0), np.nan)
        inv = np.where(vs > 0, 1.0 / np.where(vs > 0, vs, 1.0), 0.0)
    gn, k = V.shape
    u = np.zeros((gn, members.shape[0], 3 * k))
    u[:, :, :k] = inv[:, :, None] * members[None, :, :]
    u[:, :, k : 2 * k] = (-np.nan_to_num(share) * inv)[:, :, None] * members[None, :, :]
    return share, u


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


@methodology_keyword
def estimate(
    responses: Responses | Iterable[Responses],
    *,
    methodology: SurveyMethodology,
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
    df: Literal["z", "design"] = "z",
    interval: Literal["wald", "logit", "beta", "wilson"] | None = None,
    share: Share = "items",
) -> Estimates:
    """Satisfaction indices per group, with standard errors and intervals.

    ``design``: ``"srs"`` (simple random sample, respondents as PSUs without strata, weighted when
    the responses have weights and ``weights`` is true: Wilson intervals for items, on the
    effective sample size when weighted, Wald on the linearised standard error for aggregates),
    ``"taylor"`` (weights, strata and PSUs when the
    responses have them: Taylor linearisation, Wald intervals) or ``"bootstrap"`` (Rao–Wu
    rescaling bootstrap of the PSUs within strata; percentile intervals).
    ``single_psu``: what to do with a stratum that has one PSU (see :data:`SINGLE_PSU`).
    ``overall``: ``"children"`` (mean of the top-level parts, the file's usual default),
    ``"items"`` (flat mean of all items) or an item code (an overall question); ``None`` takes the
    methodology's default. ``min_answers`` flags estimates with fewer valid answers (default: the
    methodology's). Indices are percentages with full precision; round only to present them.
    ``share``: the definition of an aggregate's (and the overall index's) share satisfied, see
    :data:`SHARES`; "pooled" and "respondents" take all the items below the node (or below the
    overall parts), whatever the nodes' ``aggregate``. Both are ratio estimators with a linearised
    standard error in "srs" and "taylor"; under "bootstrap" their standard error is null.
    """
    if share not in SHARES:
        raise SurveyError(f"share must be one of {', '.join(SHARES)}", value=share)
    if design not in DESIGNS:
        raise SurveyError(f"design must be one of {', '.join(DESIGNS)}", value=design)
    if single_psu not in SINGLE_PSU:
        raise SurveyError(f"single_psu must be one of {', '.join(SINGLE_PSU)}", value=single_psu)
    if design == "bootstrap" and single_psu in ("center", "average"):
        raise SurveyError(
            f"single_psu={single_psu!r} has no bootstrap counterpart: a stratum with one PSU has "
            "nothing to resample, so its PSU keeps the factor 1 and adds no variance; choose "
            "single_psu='skip' to say so, or design='taylor' for 'center' or 'average'",
            value=single_psu,
        )
    ov = overall or methodology.overall_aggregate
    if ov not in ("children", "items") and ov not in methodology.items:
        raise SurveyError(
            "overall must be 'children', 'items' or an item code of the methodology", value=ov
        )
    minimum = methodology.min_answers if min_answers is None else int(min_answers)
    in_memory = isinstance(responses, Responses)
    chunks: Iterable[Responses] = [responses] if isinstance(responses, Responses) else responses
    acc: Acc | None = None
    items: tuple[str, ...] = ()
    strata_name: str | None = None
    psu_name: str | None = None
    weighted = False
    respondent_psus = False
    for r in chunks:
        if acc is None:
            items = r.items
            weighted = weights and r.weight is not None
            if design != "srs":
                strata_name = "stratum" if "stratum" in r.attributes else None
                psu_name = "psu" if "psu" in r.attributes else None
            mode = "none"
            if aggregate_intervals or design != "srs" or weighted:
                mode = "psu" if psu_name else ("twopass" if in_memory else "cross")
            if design == "bootstrap":
                mode = "psu"
            sat, val, level_lut, *_ = luts(methodology, items)
            acc = Acc(len(items), weighted, mode, sat, val, packs(methodology, items), level_lut)
            if share == "respondents":
                codes0 = [n.code for n in methodology.walk() if not n.is_item] + [""]
                acc.track_respondent_shares(_members(methodology, items, codes0, ov))
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

    tallies = _tallies(acc, methodology, items, weighted)
    avail = tallies.V > 0
    codes, coef = _coefficients(methodology, items, avail, ov)  # (g, nodes, k)
    agg = _values(methodology, items, tallies.p, codes, ov)
    u_nodes: F64 | None = None
    if share == "pooled":
        agg, u_nodes = _pooled(_members(methodology, items, codes, ov), tallies.p, tallies.V)
    elif share == "respondents":
        gn = len(acc.groups)
        rsum, rcnt = acc.rsum[:gn], acc.rcnt[:gn]
        with np.errstate(invalid="ignore", divide="ignore"):
            agg = np.where(rcnt > 0, rsum / np.where(rcnt > 0, rcnt, 1.0), np.nan)
    spread = _spread(
        acc,
        tallies,
        coef,
        agg,
        design=design,
        level=level,
        replicates=replicates,
        seed=seed,
        single_psu=single_psu,
        responses=responses if isinstance(responses, Responses) else None,
        by=by,
        strata=strata_name,
        df=df,
        method=interval,
        aggregate_se=aggregate_intervals or design != "srs",
        share=share,
        u_nodes=u_nodes,
        share_weight=acc.rcnt[: len(acc.groups)] if share == "respondents" else None,
    )
    groups = _group_estimates(acc, methodology, items, codes, tallies, coef, agg, spread, minimum)
    return Estimates(
        methodology=methodology.id,
        by=tuple(by),
        design=design,
        interval=interval
        or {"srs": "wilson/wald", "taylor": "wald", "bootstrap": "percentile"}[design],
        level=level,
        single_psu=single_psu,
        overall_method=ov,
        min_answers=minimum,
        groups=groups,
        excluded=acc.excluded,
        weighted=weighted,
        share=share,
    )


# -- the steps after accumulation ---------------------------------------------------------------


@attrs.frozen
class _Tallies:
    """Per (group, item) figures read off the answer histograms."""

    V: F64  # valid answers (weighted)
    p: F64  # satisfied / valid; NaN without valid answers
    mean: F64  # mean answer level
    ss: F64  # sum of squared deviations of the answer levels from the mean
    n_valid: I64  # valid answers (unweighted)
    no_opinion: npt.NDArray[Any]  # answers of that kind (unweighted)
    not_applicable: npt.NDArray[Any]  # answers of that kind (unweighted)
    blank: npt.NDArray[Any]  # answers of that kind (unweighted)
    invalid: npt.NDArray[Any]  # answers of that kind (unweighted)


def _per_item(h: npt.NDArray[Any], lut: npt.NDArray[Any]) -> F64:
    out: F64 = np.einsum("gkb,kb->gk", h, lut.astype(h.dtype), optimize=False)
    return out


def _tallies(
    acc: Acc, methodology: SurveyMethodology, items: Sequence[str], weighted: bool
) -> _Tallies:
    gn = len(acc.groups)
    sat, val, level_lut, noop, na, blank = luts(methodology, items)
    hist = acc.hist[:gn]
    H = acc.whist[:gn] if weighted else hist
    Y = _per_item(H, sat).astype(np.float64)  # (g, k) satisfied (weighted)
    V = _per_item(H, val).astype(np.float64)
    n_valid = _per_item(hist, val.astype(np.int64)).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(V > 0, Y / V, np.nan)
        mean = np.where(V > 0, _per_item(H, level_lut) / V, np.nan)
    dev = (level_lut[None, :, :] - np.nan_to_num(mean)[:, :, None]) ** 2 * val[None, :, :]
    ss = np.einsum("gkb,gkb->gk", H, dev, optimize=False)
    return _Tallies(
        V=V,
        p=p,
        mean=mean,
        ss=ss,
        n_valid=n_valid,
        no_opinion=_per_item(hist, noop),
        not_applicable=_per_item(hist, na),
        blank=_per_item(hist, blank),
        invalid=acc.hist[:gn, :, INVALID & 0xFF],
    )


@attrs.frozen
class _Spread:
    """Standard errors and interval bounds of the aggregates and items, per group."""

    agg_se: F64
    agg_lo: F64
    agg_hi: F64
    item_se: F64
    item_lo: F64
    item_hi: F64
    mean_se: F64
    mean_lo: F64
    mean_hi: F64


def _spread(
    acc: Acc,
    t: _Tallies,
    coef: F64,
    agg: F64,
    *,
    design: str,
    level: float,
    replicates: int,
    seed: int,
    single_psu: str,
    responses: Responses | None,
    by: Sequence[str],
    strata: str | None,
    df: str = "z",
    method: str | None = None,
    aggregate_se: bool = True,
    share: str = "items",
    u_nodes: F64 | None = None,
    share_weight: F64 | None = None,
) -> _Spread:
    """Standard errors and intervals: bootstrap percentiles, or linearisation with Wilson/Wald."""
    gn, k = t.V.shape
    ncodes = coef.shape[1]
    avail = t.V > 0
    p0 = np.nan_to_num(t.p)
    item_se = np.full((gn, k), np.nan)
    agg_se = np.full((gn, ncodes), np.nan)
    item_lo = np.full((gn, k), np.nan)
    item_hi = np.full((gn, k), np.nan)
    agg_lo = np.full((gn, ncodes), np.nan)
    agg_hi = np.full((gn, ncodes), np.nan)
    mean_se = np.full((gn, k), np.nan)
    if design == "bootstrap":
        reps = bootstrap_replicates(acc, coef, replicates, seed, single_psu)
        sd, lo, hi = percentile_spread(reps, level)
        agg_se, item_se, mean_se = sd[:, :ncodes], sd[:, ncodes : ncodes + k], sd[:, ncodes + k :]
        agg_lo, item_lo, mean_lo = lo[:, :ncodes], lo[:, ncodes : ncodes + k], lo[:, ncodes + k :]
        agg_hi, item_hi, mean_hi = hi[:, :ncodes], hi[:, ncodes : ncodes + k], hi[:, ncodes + k :]
        # an estimate that is not defined in the full sample is null in every field
        undefined = np.isnan(agg)
        agg_se = np.where(undefined, np.nan, agg_se)
        agg_lo = np.where(undefined, np.nan, agg_lo)
        agg_hi = np.where(undefined, np.nan, agg_hi)
        item_se = np.where(avail, item_se, np.nan)
    else:
        if acc.mode != "none":
            var = linearised_variance(
                acc, coef, p0, t.V, responses, by, strata, single_psu, t.mean, u_nodes
            )
            se = np.sqrt(var)
            agg_se, item_se = se[:, :ncodes] * 100.0, se[:, ncodes : ncodes + k] * 100.0
            mean_se = se[:, ncodes + k :]
            if share_weight is not None:  # the respondents' mean shares: their own totals
                rv = respondent_share_variance(acc, agg, share_weight, single_psu)
                agg_se = np.sqrt(rv) * 100.0
            agg_se = np.where(np.isnan(agg), np.nan, agg_se)
            item_se = np.where(avail, item_se, np.nan)
        dfv: Any = math.inf
        item_df: Any = math.inf
        if df == "design":
            group_df, item_df = design_df(acc, responses, by, strata)
            dfv = group_df[:, None]
        if design == "srs" and acc.mode == "none":
            item_se, mean_se = srs_item_se(acc, t.p, t.V, t.mean, t.ss)
        if not aggregate_se:  # weighted srs makes the design pass anyway: drop what was not asked
            agg_se = np.full_like(agg_se, np.nan)
        n_agg = _aggregate_n(coef, t.n_valid)
        n_dom = acc.respondents[:gn].astype(np.float64)[:, None]
        agg_lo, agg_hi = _interval(method or "wald", agg, agg_se, n_agg, n_dom, level, dfv)
        # an item's subset: the respondents with a valid answer to it (R's degf and nrow of it)
        n_item = t.n_valid.astype(np.float64)
        if design == "srs" and method is None and acc.weighted:
            # weighted answers: Wilson on the effective sample size (design effect of the weights)
            item_lo, item_hi = _interval("wilson", t.p, item_se, t.n_valid, n_item, level, item_df)
        elif design == "srs" and method is None:
            lo, hi = wilson(p0, n_item, level, item_df)
            item_lo, item_hi = lo * 100, hi * 100
        else:
            item_lo, item_hi = _interval(
                method or "wald", t.p, item_se, t.n_valid, n_item, level, item_df
            )
        mean_se = np.where(avail, mean_se, np.nan)
        mean_lo, mean_hi = wald(t.mean, mean_se, level, df=item_df)
    if share != "items" and design == "bootstrap":
        # no standard error is computed for these (see docs/survey.md): null, never a wrong number
        agg_se = np.full_like(agg_se, np.nan)
    if share != "items":
        no_se = np.isnan(agg_se)
        agg_lo, agg_hi = np.where(no_se, np.nan, agg_lo), np.where(no_se, np.nan, agg_hi)
    item_lo = np.where(avail, item_lo, np.nan)
    item_hi = np.where(avail, item_hi, np.nan)
    mean_se = np.where(avail, mean_se, np.nan)
    mean_lo = np.where(avail, mean_lo, np.nan)
    mean_hi = np.where(avail, mean_hi, np.nan)
    return _Spread(agg_se, agg_lo, agg_hi, item_se, item_lo, item_hi, mean_se, mean_lo, mean_hi)


def _aggregate_n(coef: F64, n_valid: I64) -> I64:
    """An aggregate's count of valid answers: the least over the items it combines."""
    big = np.iinfo(np.int64).max
    agg_n = np.where(coef > 0, n_valid[:, None, :], big).min(axis=2)
    out: I64 = np.where(agg_n == big, 0, agg_n)
    return out


def _interval(
    method: str, p: F64, se: F64, n_valid: I64, n_dom: F64, level: float, dfv: Any
) -> tuple[F64, F64]:
    """Interval bounds (percent) of proportions ``p`` (0–1) with standard errors ``se`` (percent);
    ``n_dom``: the respondents of the estimate's subset, ``dfv`` its degrees of freedom.

    Where the standard error is 0 (p = 0 or 1, or no spread between PSUs) the effective sample
    size is taken as the valid answers (design effect 1), so that "beta", "wilson" and "logit"
    give a non-degenerate interval; "logit", undefined at p = 0 or 1, gives the "beta" one there.
    """
    if method == "wald":
        return wald(p * 100, se, level, (0.0, 100.0), df=dfv)
    s = se / 100
    n_eff = np.where(s > 0, effective_n(p, s), n_valid.astype(np.float64))
    kg = korn_graubard(p, n_eff, level, dfv, n_dom)
    if method == "beta":
        lo, hi = kg
    elif method == "wilson":
        lo, hi = wilson(p, n_eff, level, dfv)
    else:
        lg = logit(p, s, level, dfv)
        edge = (p <= 0) | (p >= 1) | ~(s > 0)
        lo, hi = np.where(edge, kg[0], lg[0]), np.where(edge, kg[1], lg[1])
    return lo * 100, hi * 100


def _group_estimates(
    acc: Acc,
    methodology: SurveyMethodology,
    items: Sequence[str],
    codes: Sequence[str],
    t: _Tallies,
    coef: F64,
    agg: F64,
    s: _Spread,
    minimum: int,
) -> tuple[GroupEstimates, ...]:
    """The result objects, one per group with respondents, in the order of their keys."""
    gn = len(acc.groups)
    agg_n = _aggregate_n(coef, t.n_valid)
    statuses = {n.code: n.status for n in methodology.walk()}
    groups: list[GroupEstimates] = []
    labels = list(acc.groups.index)
    order = sorted((i for i in range(gn) if acc.respondents[i] > 0), key=lambda i: labels[i])
    # plain Python numbers, converted once (the loop below only builds the result objects)
    agg_l, agg_se_l = (agg * 100).tolist(), s.agg_se.tolist()
    agg_lo_l, agg_hi_l, agg_n_l = s.agg_lo.tolist(), s.agg_hi.tolist(), agg_n.tolist()
    p_l, item_se_l = (t.p * 100).tolist(), s.item_se.tolist()
    item_lo_l, item_hi_l = s.item_lo.tolist(), s.item_hi.tolist()
    n_valid_l, mean_l = t.n_valid.tolist(), t.mean.tolist()
    mean_se_l, mean_lo_l, mean_hi_l = s.mean_se.tolist(), s.mean_lo.tolist(), s.mean_hi.tolist()
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
                mean_se_l[g][j],
                mean_lo_l[g][j],
                mean_hi_l[g][j],
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
                        "valid": int(t.n_valid[g].sum()),
                        "no_opinion": int(t.no_opinion[g].sum()),
                        "not_applicable": int(t.not_applicable[g].sum()),
                        "blank": int(t.blank[g].sum()),
                        "excluded": int(t.invalid[g].sum()),
                    }
                ),
            )
        )
    return tuple(groups)


def _respondent_psu(r: Responses) -> Factor:
    """Each respondent as its own PSU, labelled by its id (or, without ids, its row number)."""
    if r.respondent_id is not None:
        labels = tuple(f"id:{x}" for x in r.respondent_id.tolist())
    else:
        labels = tuple(f"row:{int(x)}" for x in r.rows.tolist())
    return Factor(labels, np.arange(r.n, dtype=np.int32))
