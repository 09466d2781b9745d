"""THE aggregation: from the leaves' points to each node's points, for many units at once.

This is the one written form of every aggregation policy: items that do not apply (dropped,
shared or counted as earned, :data:`~parindex.methodology.model.NA_POLICIES`), ``capped``
aggregates, bonus and penalty items, and clamping to the node's bounds. Each operation is applied
to all units together, in the order of the tree (sums left to right, in tree order), so one unit
and many give the same bits.
"""

from __future__ import annotations

import attrs
import numpy as np

from ..errors import ScoringError, UnknownValueError
from ..methodology.model import Node
from ..methodology.rules import CLAMP_MAX, CLAMP_MIN
from ._common import F64, I8, Bool, Faults, Int, frozen
from .plan import Plan

__all__ = ["Results", "aggregate_node", "excluded_leaf", "not_applicable_leaf"]


@attrs.define(eq=False)
class Results:
    """The working arrays of one run, shaped ``[n_nodes, n_units]``."""

    points: F64
    adjusted: F64  # NaN = not known
    raw: F64  # NaN = none recorded
    clamped: I8  # index into CLAMP_CODES
    band: Int  # -1 = none
    fallback: Bool
    shared: F64  # NaN = none
    na: Bool
    missing: Bool
    stage: I8  # -1 = none
    reduction: F64  # maximum removed by dropped items below
    dropped: Bool

    @classmethod
    def empty(cls, n_nodes: int, n_units: int) -> Results:
        shape = (n_nodes, n_units)
        return cls(
            points=np.zeros(shape, np.float64),
            adjusted=np.full(shape, np.nan),
            raw=np.full(shape, np.nan),
            clamped=np.zeros(shape, np.int8),
            band=np.full(shape, -1, np.int32),
            fallback=np.zeros(shape, np.bool_),
            shared=np.full(shape, np.nan),
            na=np.zeros(shape, np.bool_),
            missing=np.zeros(shape, np.bool_),
            stage=np.full(shape, -1, np.int8),
            reduction=np.zeros(shape, np.float64),
            dropped=np.zeros(shape, np.bool_),
        )

    def freeze(self) -> None:
        for a in attrs.astuple(self, recurse=False):
            frozen(a)


def not_applicable_leaf(
    res: Results, j: int, node: Node, is_na: Bool, policy: str, faults: Faults
) -> None:
    """The points and maximum of leaf ``j`` for the units where it does not apply."""
    if not is_na.any():
        return
    mx = node.max
    earned = policy == "earned"
    if mx is None:
        faults.flag(
            np.flatnonzero(is_na),
            lambda: UnknownValueError(
                "cannot count a not-applicable item as earned: its maximum is not known"
                if earned
                else "cannot drop a not-applicable item whose maximum is not known",
                unit=faults.unit,
                code=node.code,
            ),
        )
    mxv = 0.0 if mx is None else mx
    if earned:
        res.points[j] = np.where(is_na, mxv, 0.0)
        res.adjusted[j] = np.where(is_na, mxv, np.nan)
    else:
        res.adjusted[j] = np.where(is_na, 0.0, np.nan)
        res.reduction[j] = np.where(is_na, mxv, 0.0)
        res.dropped[j] = is_na


def excluded_leaf(res: Results, j: int, node: Node, excluded: Bool, faults: Faults) -> None:
    """Leave leaf ``j`` out of the maximum for the units where it has no input (the missing
    policy ``exclude``): it counts as an item that does not apply and is dropped (shared among
    its siblings under ``not_applicable: share``, never counted as earned)."""
    if not excluded.any():
        return
    if node.max is None:
        faults.flag(
            np.flatnonzero(excluded),
            lambda: UnknownValueError(
                "cannot leave out an item without input whose maximum is not known",
                unit=faults.unit,
                code=node.code,
            ),
        )
    res.adjusted[j][excluded] = 0.0
    res.reduction[j][excluded] = 0.0 if node.max is None else node.max
    res.dropped[j][excluded] = True


def aggregate_node(res: Results, plan: Plan, j: int, policy: str, faults: Faults) -> None:
    """The points of internal node ``j`` from its children's, for every unit."""
    node = plan.node(j)
    reg = plan.regular[j]
    n_units = res.points.shape[1]
    mx = node.max
    excluded = np.zeros(n_units, np.bool_)  # some regular item below is left out for no input
    if reg:
        all_dropped = res.dropped[reg[0]].copy()
        for c in reg[1:]:
            all_dropped &= res.dropped[c]
        for c in reg:
            excluded |= res.dropped[c] & res.missing[c]
    else:
        all_dropped = np.zeros(n_units, np.bool_)
    if all_dropped.any() and mx is None:
        faults.flag(
            np.flatnonzero(all_dropped),
            lambda: UnknownValueError(
                "every item below does not apply, but this node's maximum is not known",
                unit=faults.unit,
                code=node.code,
            ),
        )
    s = np.zeros(n_units, np.float64)
    reduction = np.zeros(n_units, np.float64)
    for c in reg:
        s = s + res.points[c]
        reduction = reduction + res.reduction[c]
    sharing = (reduction > 0) if policy == "share" else np.zeros(n_units, np.bool_)
    # aggregate 'capped', and bonus nodes with dropped items: the maximum is a cap. A bonus
    # node's maximum caps the bonus: items that do not apply lower it only as far as the
    # applicable items can no longer reach it (subtracting their maxima from the cap would cut
    # the bonus the applicable items earn).
    cap_like = np.full(n_units, node.aggregate == "capped")
    if node.role == "bonus":
        cap_like |= reduction > 0
    adj = _adjusted_max(res, reg, mx, reduction, cap_like, sharing)
    shared = np.full(n_units, np.nan)
    if sharing.any():
        s, adj, shared = _share(
            res, plan, j, s, adj, reduction, cap_like, sharing, all_dropped, faults
        )
    if mx is None:
        red = np.where(~sharing, reduction, 0.0)
    else:
        red = np.where(~sharing & ~np.isnan(adj), mx - adj, 0.0)
    for c in plan.extras[j]:
        s = s + res.points[c]
    raw = s
    known = ~np.isnan(adj)
    over = known & (s > adj)
    under = ~over & (s < node.min)
    s = np.where(over, adj, np.where(under, node.min, s))
    cl = np.where(over, CLAMP_MAX, np.where(under, CLAMP_MIN, 0)).astype(np.int8)
    if all_dropped.any():  # every regular item below was dropped
        s = np.where(all_dropped, 0.0, s)
        adj = np.where(all_dropped, 0.0, adj)
        red = np.where(all_dropped, 0.0 if mx is None else mx, red)
        cl = np.where(all_dropped, 0, cl).astype(np.int8)
        shared = np.where(all_dropped, np.nan, shared)
    res.points[j] = s
    res.adjusted[j] = adj
    res.raw[j] = np.where(cl > 0, raw, np.nan)
    res.clamped[j] = cl
    res.shared[j] = shared
    res.reduction[j] = red
    # every item below is out: not applicable, or without input when one of them has none
    res.na[j] = all_dropped & ~excluded
    res.missing[j] = all_dropped & excluded
    res.dropped[j] = all_dropped


def _adjusted_max(
    res: Results,
    reg: tuple[int, ...],
    mx: float | None,
    reduction: F64,
    cap_like: Bool,
    sharing: Bool,
) -> F64:
    """The maximum of a node after the items below that do not apply."""
    n_units = len(reduction)
    if mx is None:
        return np.full(n_units, np.nan)
    adj: F64 = mx - reduction
    if cap_like.any():
        total_adj = np.zeros(n_units, np.float64)
        for c in reg:
            total_adj = total_adj + res.adjusted[c]  # NaN if any is unknown
        capped_adj = np.where(total_adj < mx, total_adj, mx)
        capped_adj = np.where(np.isnan(total_adj), np.nan, capped_adj)
        adj = np.where(cap_like, np.where(sharing, mx, capped_adj), adj)
    return adj


def _share(
    res: Results,
    plan: Plan,
    j: int,
    s: F64,
    adj: F64,
    reduction: F64,
    cap_like: Bool,
    sharing: Bool,
    all_dropped: Bool,
    faults: Faults,
) -> tuple[F64, F64, F64]:
    """Share the points of items that do not apply among the others (policy ``share``):
    the points, adjusted maximum and share factor of the node."""
    node = plan.node(j)
    mx = node.max
    n_units = len(s)
    if mx is None:
        faults.flag(
            np.flatnonzero(sharing & ~all_dropped),
            lambda: UnknownValueError(
                "cannot share the points of items that do not apply: this node's maximum is not known",
                unit=faults.unit,
                code=node.code,
            ),
        )
        base = np.ones(n_units)
        mxv = 1.0
    else:
        mxv = mx
        base = mx - reduction
        if cap_like.any():
            # what the applicable items can reach, at most the cap
            applicable = np.zeros(n_units, np.float64)
            for c in plan.regular[j]:
                kid_max = plan.node(c).max or 0.0
                applicable = applicable + np.where(res.dropped[c], 0.0, kid_max)
            capped_base = np.where(applicable < mx, applicable, mx)
            base = np.where(cap_like, capped_base, base)
    faults.flag(
        np.flatnonzero(sharing & (base == 0) & ~all_dropped),
        lambda: ScoringError(
            "cannot share the points of items that do not apply: the applicable items "
            "below this node have a maximum of 0",
            unit=faults.unit,
            code=node.code,
        ),
    )
    factor = mxv / np.where(base == 0, 1.0, base)
    return (
        np.where(sharing, s * factor, s),
        np.where(sharing, mxv, adj),
        np.where(sharing, factor, np.nan),
    )
