"""Reading one unit's inputs: which input decides each leaf, and the checks of an assessment.

:func:`resolve` checks every input of an assessment against the methodology (in the order the
errors are reported) and picks each leaf's deciding stage and value; :func:`applies` tells
whether a node applies to a unit type; :func:`as_assessment` accepts the ``{code: value}``
short form; :func:`layer_points` scores one stage's value of a leaf.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from .._types import MISSING_POLICIES, MissingPolicy
from ..assessment import STAGE_POSITION, STAGES, Assessment, Entry, stage_name
from ..card import ScoreCard
from ..errors import AssessmentError, ParIndexError
from ..methodology.model import ROOT, Methodology, Node

__all__ = [
    "Carry",
    "LeafInput",
    "applies",
    "as_assessment",
    "carry_forward",
    "check_missing_policy",
    "layer_points",
    "require_inputs",
    "resolve",
]


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


def as_assessment(assessment: Assessment | Mapping[str, Any], unit: str | None) -> Assessment:
    """An :class:`Assessment` as it is, or a mapping ``{code: value}`` as the self-assessment
    of ``unit``."""
    if isinstance(assessment, Assessment):
        return assessment
    if isinstance(assessment, Mapping):
        return Assessment.from_mapping(assessment, unit=unit or "")
    raise AssessmentError(
        "expected an Assessment or a mapping {code: value}", value=type(assessment).__name__
    )


#: What a value can be carried forward from: the earlier period's assessment, its card, or
#: its published results as ``{code: value}``.
Carry = Assessment | ScoreCard | Mapping[str, Any]


def carry_forward(
    m: Methodology, a: Assessment, earlier: Carry, *, period: str | None = None
) -> tuple[Assessment, dict[str, str]]:
    """``a`` with, for every applicable leaf that has no input at any stage, the value the
    ``earlier`` period gave it; and the leaves so filled, each with the period it came from
    (``period``, else the earlier period's own, else ``""`` for "the previous period").

    Carried values enter the first stage (``self``), so that a card as of any stage counts them;
    cards mark them as carried (:attr:`~parindex.card.NodeResult.carried_from`), with no stage:
    they are never shown as self-assessment.
    """
    values: dict[str, Any] = {}
    if isinstance(earlier, ScoreCard):
        label = period or earlier.period or ""
        for r in earlier.leaves():
            if not r.not_applicable and not r.missing and r.value is not None:
                values[r.code] = r.value
    else:
        before = as_assessment(earlier, a.unit)
        label = period or before.period or ""
        for code, (_, e) in before.merged().items():
            if not e.not_applicable:
                values[code] = e.value
    given = a.codes()
    na_nodes = {c for entries in a.stages.values() for c, e in entries.items() if e.not_applicable}
    fill: dict[str, Any] = {}
    for leaf in m.leaves():
        code = leaf.code
        if code in given or code not in values or not applies(m, leaf, a.unit_type):
            continue
        if any(x.code in na_nodes for x in m.ancestors(code)):
            continue
        fill[code] = values[code]
    if not fill:
        return a, {}
    return a.with_values(fill, stage="self"), dict.fromkeys(fill, label)


def check_missing_policy(policy: str) -> MissingPolicy:
    """``policy`` if it is a missing-input policy (:data:`MISSING_POLICIES`), else the error."""
    for p in MISSING_POLICIES:
        if policy == p:
            return p
    raise ParIndexError(
        "missing must be one of " + ", ".join(repr(p) for p in MISSING_POLICIES), value=policy
    )


def layer_points(node: Node, checked: Any) -> float | None:
    """The points one stage's checked value would give a leaf (None if the rule refuses it)."""
    assert node.rule is not None
    try:
        return node.rule.evaluate(checked, node.min, node.max).points
    except ParIndexError:
        return None


def require_inputs(inputs: Mapping[str, LeafInput], unit: str) -> None:
    """Raise, under the ``block`` policy, when some leaves have no input."""
    absent = [c for c, li in inputs.items() if li.missing]
    if absent:
        shown = ", ".join(absent[:20]) + (
            f" and {len(absent) - 20} more" if len(absent) > 20 else ""
        )
        raise AssessmentError(
            f"no input for {len(absent)} item(s): {shown}; give them, or score with missing='zero' to count them as 0 "
            "or missing='exclude' to leave them out of the maximum",
            unit=unit,
            error_code="missing-input",
            params={"count": len(absent), "codes": shown, "nodes": absent},
        )


def resolve(
    m: Methodology,
    a: Assessment,
    upto: str | None = None,
    errors: list[ParIndexError] | None = None,
) -> dict[str, LeafInput]:
    """Check every input of an assessment against the methodology and pick each leaf's value.

    Without ``errors`` the first wrong input raises; with a list, every wrong input is appended
    to it (the ``collect`` mode) and the inputs at fault are left out.
    """
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
        stages = [s for s in stages if STAGE_POSITION[s] <= STAGE_POSITION[upto]]
    na_nodes = _internal_na(m, a, stages, errors)
    out: dict[str, LeafInput] = {}
    for leaf in m.leaves():
        if errors is None:
            out[leaf.code] = _leaf_input(m, a, leaf, stages, na_nodes)
            continue
        try:
            out[leaf.code] = _leaf_input(m, a, leaf, stages, na_nodes, errors)
        except ParIndexError as exc:
            errors.append(exc)
            out[leaf.code] = LeafInput(None, None, False, False, ())
    return out


def _internal_na(
    m: Methodology,
    a: Assessment,
    stages: Sequence[str],
    errors: list[ParIndexError] | None = None,
) -> dict[str, str]:
    """Internal node → the stage that marked it not applicable; check every code on the way."""
    na_nodes: dict[str, str] = {}
    for st in stages:
        for code, e in a.stages[st].items():
            if errors is not None:
                try:
                    _check_code(m, a, st, code, e, na_nodes)
                except ParIndexError as exc:
                    errors.append(exc)
            else:
                _check_code(m, a, st, code, e, na_nodes)
    return na_nodes


def _check_code(
    m: Methodology, a: Assessment, st: str, code: str, e: Entry, na_nodes: dict[str, str]
) -> None:
    if code not in m:
        raise AssessmentError(
            f"unknown code: {m.id} has no such node",
            unit=a.unit,
            code=code,
            stage=st,
            value=e.value,
            error_code="unknown-code",
            params={"methodology": m.id},
        )
    node = m.nodes[code]
    if not node.is_leaf:
        if not e.not_applicable:
            raise AssessmentError(
                "this node is scored by its sub-items; give values for them (only 'NA' may be given for a whole node)",
                unit=a.unit,
                code=code,
                stage=st,
                value=e.value,
            )
        na_nodes[code] = st


def _leaf_input(
    m: Methodology,
    a: Assessment,
    leaf: Node,
    stages: Sequence[str],
    na_nodes: Mapping[str, str],
    errors: list[ParIndexError] | None = None,
) -> LeafInput:
    unit, code = a.unit, leaf.code
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
            if errors is None:
                raise exc.with_context(unit=unit, code=code, stage=st) from None
            errors.append(exc.with_context(unit=unit, code=code, stage=st))
            continue
        layers.append((st, e, checked))
    if not applicable or covering is not None:
        return LeafInput(
            None if not applicable else na_nodes[covering or ""], None, True, False, tuple(layers)
        )
    if layers:
        st, e, checked = layers[-1]
        return LeafInput(st, checked, e.not_applicable, False, tuple(layers), e.note, e.evidence)
    return LeafInput(None, None, False, True, ())
