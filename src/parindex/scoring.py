"""Score one unit: the reference implementation, node by node.

The batch engine (:mod:`parindex.batch`) compiles the tree into arrays and must give exactly
the same numbers; a property test compares the two. Sums run in the tree's order, left to right,
with no rounding inside.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from .assessment import STAGES, Assessment, Entry, stage_name
from .card import Layer, NodeResult, ScoreCard
from .errors import AssessmentError, ParIndexError, ScoringError, UnknownValueError
from .methodology.model import ROOT, Methodology, Node

__all__ = ["LeafInput", "applies", "resolve", "score"]


@attrs.frozen
class LeafInput:
    """The resolved input of one leaf: the deciding stage and value, or NA, or missing."""

    stage: str | None
    value: Any
    not_applicable: bool
    missing: bool
    layers: tuple[tuple[str, Entry, Any], ...]  # (stage, entry, checked value) for every stage
    note: str | None = None
    evidence: tuple[str, ...] = ()


def applies(m: Methodology, node: Node, unit_type: str | None) -> bool:
    """Whether a node applies to a unit type (its own and its ancestors' ``applies_to``)."""
    if unit_type is None:
        return True
    n: Node | None = node
    while n is not None and n.code != ROOT:
        if n.applies_to is not None and unit_type not in n.applies_to:
            return False
        n = m.nodes[n.parent] if n.parent is not None else None
    return True


def _as_assessment(assessment: Assessment | Mapping[str, Any], unit: str | None) -> Assessment:
    if isinstance(assessment, Assessment):
        return assessment
    if isinstance(assessment, Mapping):
        return Assessment.from_mapping(assessment, unit=unit or "")
    raise AssessmentError(
        "expected an Assessment or a mapping {code: value}", value=type(assessment).__name__
    )


def resolve(m: Methodology, a: Assessment, upto: str | None = None) -> dict[str, LeafInput]:
    """Check every input of an assessment against the methodology and pick each leaf's value."""
    unit = a.unit
    if upto is not None:
        upto = stage_name(upto, unit=unit)
    if a.unit_type is not None and m.unit_types and a.unit_type not in m.unit_types:
        raise AssessmentError(
            f"unknown unit type; {m.id} declares {', '.join(m.unit_types)}",
            unit=unit,
            value=a.unit_type,
        )
    stages = [s for s in STAGES if s in a.stages]
    if upto is not None:
        stages = [s for s in stages if STAGES.index(s) <= STAGES.index(upto)]
    na_nodes: dict[str, str] = {}  # internal node -> stage that marked it NA
    for st in stages:
        for code, e in a.stages[st].items():
            if code not in m:
                raise AssessmentError(
                    f"unknown code: {m.id} has no such node",
                    unit=unit,
                    code=code,
                    stage=st,
                    value=e.value,
                )
            node = m.nodes[code]
            if not node.is_leaf:
                if not e.not_applicable:
                    raise AssessmentError(
                        "this node is scored by its sub-items; give values for them (only 'NA' may be given for a whole node)",
                        unit=unit,
                        code=code,
                        stage=st,
                        value=e.value,
                    )
                na_nodes[code] = st
    out: dict[str, LeafInput] = {}
    for leaf in m.leaves():
        code = leaf.code
        applicable = applies(m, leaf, a.unit_type)
        covering = next((c for c in [x.code for x in m.ancestors(code)] if c in na_nodes), None)
        layers: list[tuple[str, Entry, Any]] = []
        for st in stages:
            if code not in a.stages[st]:
                continue
            e = a.stages[st][code]
            if e.not_applicable:
                layers.append((st, e, None))
                continue
            if not applicable:
                raise AssessmentError(
                    f"this item does not apply to units of type {a.unit_type!r}; remove the input",
                    unit=unit,
                    code=code,
                    stage=st,
                    value=e.value,
                )
            if covering is not None:
                raise AssessmentError(
                    f"this item is inside {covering}, which is marked not applicable; remove the input or the NA",
                    unit=unit,
                    code=code,
                    stage=st,
                    value=e.value,
                )
            assert leaf.rule is not None
            try:
                checked = leaf.rule.check(e.value)
            except ParIndexError as exc:
                raise exc.with_context(unit=unit, code=code, stage=st) from None
            layers.append((st, e, checked))
        if not applicable or covering is not None:
            out[code] = LeafInput(
                None if not applicable else na_nodes[covering or ""],
                None,
                True,
                False,
                tuple(layers),
            )
        elif layers:
            st, e, checked = layers[-1]
            out[code] = LeafInput(
                st, checked, e.not_applicable, False, tuple(layers), e.note, e.evidence
            )
        else:
            out[code] = LeafInput(None, None, False, True, ())
    return out


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
    ``"zero"`` scores them 0 and lists them on the card; ``"block"`` raises.
    """
    m = methodology
    a = _as_assessment(assessment, unit)
    policy = missing or m.missing
    if policy not in ("zero", "block"):
        raise ParIndexError("missing must be 'zero' or 'block'", value=policy)
    if upto is not None:
        upto = stage_name(upto, unit=a.unit)
    inputs = resolve(m, a, upto)
    if policy == "block":
        absent = [c for c, li in inputs.items() if li.missing]
        if absent:
            shown = ", ".join(absent[:20]) + (
                f" and {len(absent) - 20} more" if len(absent) > 20 else ""
            )
            raise AssessmentError(
                f"no input for {len(absent)} item(s): {shown}; give them, or score with missing='zero' to count them as 0",
                unit=a.unit,
            )
    results = _evaluate(m, inputs, a.unit)
    return ScoreCard(m, a.unit, tuple(results[c] for c in m.nodes), a.period, a.unit_type, upto)


def _layer_points(node: Node, checked: Any) -> float | None:
    assert node.rule is not None
    try:
        return node.rule.evaluate(checked, node.min, node.max).points
    except ParIndexError:
        return None


def _evaluate(m: Methodology, inputs: Mapping[str, LeafInput], unit: str) -> dict[str, NodeResult]:
    na_policy = m.not_applicable
    res: dict[str, NodeResult] = {}
    red: dict[str, float] = {}  # maximum removed by dropped items below (drop policy)
    dropped: dict[str, bool] = {}
    order = list(m.nodes)  # pre-order, root first
    for code in reversed(order):
        node = m.nodes[code]
        if node.is_leaf:
            li = inputs[code]
            layers = tuple(
                Layer(
                    st,
                    None if e.not_applicable else checked,
                    e.not_applicable,
                    None if e.not_applicable else _layer_points(node, checked),
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
            if li.missing:
                res[code] = NodeResult(node, 0.0, node.max, node.max, False, True)
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
