"""The reference engine: one unit, node by node, as the methodology reads.

This is the readable walk that scored one unit before there was one engine (it is no longer
production code: ``parindex.score`` runs the array engine on one unit). It is the oracle of the
property test ``test_batch_equals_scalar``: the engine must give its cards bit for bit, and its
errors. It shares only the input checks (:mod:`parindex.engine.resolve`) and the rules' own
``check``/``evaluate``; the aggregation below is written independently, node by node. Sums run in
the tree's order, left to right, with no rounding inside.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from parindex.assessment import Assessment, stage_name
from parindex.card import Layer, NodeResult, ScoreCard
from parindex.engine.resolve import (
    LeafInput,
    as_assessment,
    check_missing_policy,
    layer_points,
    require_inputs,
    resolve,
)
from parindex.errors import ParIndexError, ScoringError, UnknownValueError
from parindex.methodology.model import Methodology

__all__ = ["score"]


def score(
    methodology: Methodology,
    assessment: Assessment | Mapping[str, Any],
    *,
    upto: str | None = None,
    missing: str | None = None,
    unit: str | None = None,
) -> ScoreCard:
    """Score one unit.

    ``assessment`` is an :class:`Assessment` or, for the simple case, a mapping ``{code: value}``
    (taken as the self-assessment). ``upto`` scores as of a stage (e.g. ``"self"`` for the
    self-assessed score). ``missing`` overrides the methodology's policy for leaves without input:
    ``"zero"`` scores them 0 and lists them on the card; ``"block"`` raises; ``"exclude"``
    leaves them out of the maximum like items that do not apply (dropped, or shared under
    ``not_applicable: share``; never counted as earned).
    """
    m = methodology
    a = as_assessment(assessment, unit)
    policy = check_missing_policy(missing or m.missing)
    if upto is not None:
        upto = stage_name(upto, unit=a.unit)
    inputs = resolve(m, a, upto)
    if policy == "block":
        require_inputs(inputs, a.unit)
    results = _evaluate(m, inputs, a.unit, policy)
    return ScoreCard(m, a.unit, tuple(results[c] for c in m.nodes), a.period, a.unit_type, upto)


def _evaluate(
    m: Methodology, inputs: Mapping[str, LeafInput], unit: str, policy: str
) -> dict[str, NodeResult]:
    na_policy = m.not_applicable
    res: dict[str, NodeResult] = {}
    red: dict[str, float] = {}  # maximum removed by dropped items below (drop policy)
    dropped: dict[str, bool] = {}
    excluded: dict[str, bool] = {}  # out of the maximum for want of input (policy exclude)
    order = list(m.nodes)  # pre-order, root first
    for code in reversed(order):
        node = m.nodes[code]
        excluded[code] = False
        if node.is_leaf:
            li = inputs[code]
            layers = tuple(
                Layer(
                    st,
                    None if e.not_applicable else checked,
                    e.not_applicable,
                    None if e.not_applicable else layer_points(node, checked),
                    e.note,
                    e.evidence,
                )
                for st, e, checked in li.layers
            )
            if li.not_applicable:
                if na_policy == "earned":
                    if node.max is None:
                        raise UnknownValueError(
                            "cannot count a not-applicable item as earned: its maximum is not known",
                            unit=unit,
                            code=code,
                        )
                    res[code] = NodeResult(
                        node,
                        node.max,
                        node.max,
                        node.max,
                        True,
                        False,
                        li.stage,
                        layers=layers,
                        na_policy=na_policy,
                    )
                    red[code] = 0.0
                    dropped[code] = False
                else:
                    if node.max is None:
                        raise UnknownValueError(
                            "cannot drop a not-applicable item whose maximum is not known",
                            unit=unit,
                            code=code,
                        )
                    res[code] = NodeResult(
                        node,
                        0.0,
                        node.max,
                        0.0,
                        True,
                        False,
                        li.stage,
                        layers=layers,
                        na_policy=na_policy,
                    )
                    red[code] = node.max
                    dropped[code] = True
                continue
            red[code] = 0.0
            dropped[code] = False
            if li.missing and policy == "exclude":
                if node.max is None:
                    raise UnknownValueError(
                        "cannot leave out an item without input whose maximum is not known",
                        unit=unit,
                        code=code,
                    )
                res[code] = NodeResult(node, 0.0, node.max, 0.0, False, True, missing_policy=policy)
                red[code] = node.max
                dropped[code] = True
                excluded[code] = True
                continue
            if li.missing:
                res[code] = NodeResult(
                    node, 0.0, node.max, node.max, False, True, missing_policy=policy
                )
                continue
            assert node.rule is not None
            try:
                out = node.rule.evaluate(li.value, node.min, node.max)
            except ParIndexError as exc:
                raise exc.with_context(unit=unit, code=code, stage=li.stage) from None
            res[code] = NodeResult(
                node,
                out.points,
                node.max,
                node.max,
                False,
                False,
                li.stage,
                li.value,
                out.raw,
                out.clamped,
                out.fallback,
                out.band,
                layers=layers,
                note=li.note,
                evidence=li.evidence,
            )
            continue
        kids = node.children
        regular = [c for c in kids if m.nodes[c].role == "regular"]
        extras = [c for c in kids if m.nodes[c].role != "regular"]
        if regular and all(dropped[c] for c in regular):
            if node.max is None:
                raise UnknownValueError(
                    "every item below does not apply, but this node's maximum is not known",
                    unit=unit,
                    code=code,
                )
            if any(excluded[c] for c in regular):
                res[code] = NodeResult(node, 0.0, node.max, 0.0, False, True, missing_policy=policy)
                excluded[code] = True
            else:
                res[code] = NodeResult(node, 0.0, node.max, 0.0, True, na_policy=na_policy)
            red[code] = node.max
            dropped[code] = True
            continue
        s = 0.0
        reduction = 0.0
        for c in regular:
            s = s + res[c].points  # type: ignore[operator]
            reduction = reduction + red[c]
        shared: float | None = None
        mx = node.max
        # A bonus node's maximum is the cap on the bonus, not the sum of its items: items that
        # do not apply lower it only as far as the applicable items can no longer reach it,
        # as for aggregate 'capped' (subtracting their maxima from the cap would cut the bonus
        # the applicable items earn).
        cap_like = node.aggregate == "capped" or (node.role == "bonus" and reduction > 0)
        if cap_like and mx is not None:
            kid_adj = [res[c].adjusted_max for c in regular]
            if reduction > 0 and na_policy == "share":
                adj: float | None = mx
            elif any(x is None for x in kid_adj):
                adj = None
            else:
                total_adj = 0.0
                for x in kid_adj:
                    total_adj = total_adj + x  # type: ignore[operator]
                adj = min(mx, total_adj)
        else:
            adj = None if mx is None else mx - reduction
        if reduction > 0 and na_policy == "share":
            if mx is None:
                raise UnknownValueError(
                    "cannot share the points of items that do not apply: this node's maximum is not known",
                    unit=unit,
                    code=code,
                )
            base = mx - reduction if not cap_like else _applicable_cap(m, mx, regular, dropped)
            if base == 0:
                raise ScoringError(
                    "cannot share the points of items that do not apply: the applicable items "
                    "below this node have a maximum of 0",
                    unit=unit,
                    code=code,
                )
            shared = mx / base
            s = s * shared
            adj = mx
            red[code] = 0.0
        else:
            red[code] = 0.0 if mx is None or adj is None else mx - adj
            if mx is None:
                red[code] = reduction
        for c in extras:
            s = s + res[c].points  # type: ignore[operator]
        raw = s
        clamped = None
        if adj is not None and s > adj:
            s, clamped = adj, "max"
        elif s < node.min:
            s, clamped = node.min, "min"
        dropped[code] = False
        res[code] = NodeResult(
            node, s, mx, adj, raw=raw if clamped else None, clamped=clamped, shared=shared
        )
    return res


def _applicable_cap(
    m: Methodology, mx: float, regular: list[str], dropped: Mapping[str, bool]
) -> float:
    """The share base of a capped node: what its applicable items can reach, at most the cap."""
    total = 0.0
    for c in regular:
        if not dropped[c]:
            total = total + (m.nodes[c].max or 0.0)
    return min(mx, total)
