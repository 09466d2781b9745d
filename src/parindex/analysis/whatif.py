"""What-if: change some inputs, or the methodology itself in memory, and see the new result.

Nothing on disk is touched. A changed methodology is written out as data and read back through
the strict loader (:func:`parindex.methodology.loader.parse_methodology`), so it is validated
exactly like a file: a change that breaks the tree (maxima that no longer add up, a band that
leaves a gap) is refused with the loader's message.

``what_if(card, {"2.1": 100})`` re-scores the card's unit with the on-time rate raised to 100 %
(the change is made at the stage that decided the item, so that it takes effect) and returns the
card before and after, with the index, the group and, given peers, the place among them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

from .._compat import renamed
from .._text import present
from .._types import Lang, Stage, TieRule, check_lang
from ..assessment import STAGES, Assessment, Entry, stage_name
from ..card import ScoreCard
from ..engine import CardSet, applies, score, score_many
from ..engine.plan import plan_of
from ..errors import AssessmentError, MethodologyError, ParIndexError
from ..methodology.loader import parse_methodology
from ..methodology.model import ROOT, Group, Methodology, Node
from .rank import Ranking, rank

__all__ = [
    "OVER_MAX",
    "Adjustment",
    "OverMax",
    "WhatIf",
    "assessment_of",
    "fit_inputs",
    "methodology_data",
    "modify",
    "rescore",
    "rescore_fitted",
    "rescore_many",
    "scoring_options",
    "what_if",
]


# -- a card's inputs back as an assessment ----------------------------------------------------


def assessment_of(card: ScoreCard) -> Assessment:
    """The inputs a card was scored from, as an :class:`Assessment` (every stage kept).

    Items marked not applicable on a whole node are marked on each of its leaves, which scores the
    same. Scoring the result gives back the same card.
    """
    stages: dict[str, dict[str, Entry]] = {}
    m = card.methodology
    for r in card.leaves():
        for layer in r.layers:
            entry = (
                Entry(None, True, layer.note, layer.evidence)
                if layer.not_applicable
                else Entry(_plain(layer.value), False, layer.note, layer.evidence)
            )
            stages.setdefault(layer.stage, {})[r.code] = entry
        if r.not_applicable and not any(la.not_applicable for la in r.layers):
            if applies(m, r.node, card.unit_type):
                stages.setdefault(r.stage or "self", {})[r.code] = Entry(None, True)
    ordered = {s: stages[s] for s in STAGES if s in stages}
    return Assessment(card.unit, ordered, card.period, card.unit_type)


def scoring_options(card: ScoreCard) -> dict[str, Any]:
    """The keyword arguments that score ``card``'s inputs (:func:`assessment_of`) as ``card``
    was scored: its missing-input policy (``zero`` when no item lacked input) and the values it
    carried from an earlier period (``carry=``)."""
    policy = next((r.missing_policy for r in card.leaves() if r.missing_policy), "zero")
    carried = {r.code: r.value for r in card.leaves() if r.carried_from is not None}
    if not carried:
        return {"missing": policy}
    period = next(r.carried_from for r in card.leaves() if r.carried_from is not None)
    return {
        "missing": policy,
        "carry": Assessment.from_mapping(carried, unit=card.unit, period=period),
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    return value


def rescore(
    card: ScoreCard,
    changes: Mapping[str, Any] | None = None,
    *,
    stage: Stage | None = None,
    methodology: Methodology | None = None,
    over_max: OverMax = "refuse",
) -> ScoreCard:
    """Score the card's unit again with some inputs changed and/or under another methodology.

    Each changed item is set at ``stage`` when given, otherwise at the stage that decided it on
    the card (so that the change takes effect), or the self-assessment for an item without input.
    ``over_max`` says what to do with inputs beyond a maximum the methodology lowers (see
    :data:`OVER_MAX` and :func:`fit_inputs`); :func:`what_if` also reports the adjustments.
    """
    return rescore_fitted(card, changes, stage=stage, methodology=methodology, over_max=over_max)[0]


def rescore_fitted(
    card: ScoreCard,
    changes: Mapping[str, Any] | None = None,
    *,
    stage: Stage | None = None,
    methodology: Methodology | None = None,
    over_max: OverMax = "refuse",
) -> tuple[ScoreCard, tuple[Adjustment, ...]]:
    """:func:`rescore`, with the inputs adjusted to fit the changed maxima."""
    m = methodology or card.methodology
    a = _changed(card, assessment_of(card), changes, stage)
    made: tuple[Adjustment, ...] = ()
    over: tuple[str, ...] = ()
    if methodology is not None:
        a, made, over = fit_inputs(a, card.methodology, methodology, over_max)
    try:
        return score(m, a, upto=card.upto, **scoring_options(card)), made
    except AssessmentError as e:
        if not over:
            raise
        raise AssessmentError(
            f"{e.message or e}, under the changed methodology; what_if(..., "
            "over_max='rescale') rescales inputs given in points to the new maximum, "
            "over_max='clamp' lowers them to it",
            unit=e.unit,
            code=e.code,
            stage=e.stage,
            value=e.value,
        ) from e


def rescore_many(
    card: ScoreCard,
    variants: Sequence[Mapping[str, Any] | None],
    *,
    stage: Stage | None = None,
    methodology: Methodology | None = None,
) -> CardSet:
    """Score the card's unit again once per set of changes, all in one run of the engine.

    Result ``k`` is ``rescore(card, variants[k], stage=stage, methodology=methodology)``; read
    totals (:attr:`CardSet.points`, :attr:`CardSet.index`) without building the cards.
    """
    a = assessment_of(card)
    m = methodology or card.methodology
    changed = [_changed(card, a, changes, stage) for changes in variants]
    options = scoring_options(card)
    carry = options.get("carry")  # (every variant is the card's unit: one earlier period)
    return score_many(
        m,
        changed,
        upto=card.upto,
        missing=options["missing"],
        plan=plan_of(m),
        carry=None if carry is None else [carry],
    )


def _changed(
    card: ScoreCard, a: Assessment, changes: Mapping[str, Any] | None, stage: Stage | None
) -> Assessment:
    """``a`` (the card's inputs) with ``changes`` made as :func:`rescore` makes them."""
    if changes:
        by_stage: dict[str, dict[str, Any]] = {}
        for code, value in changes.items():
            if code not in card.methodology or not card.methodology[code].is_leaf:
                raise AssessmentError(
                    "what-if changes are given for leaf items of the methodology",
                    unit=card.unit,
                    code=str(code),
                    value=value,
                )
            st = stage_name(stage, unit=card.unit) if stage else (card[code].stage or "self")
            by_stage.setdefault(st, {})[code] = value
        for st, values in by_stage.items():
            a = a.with_values(values, stage=st)
    return a


# -- the methodology as data, and in-memory changes ------------------------------------------------


def _node_data(m: Methodology, node: Node) -> dict[str, Any]:
    out: dict[str, Any] = {"code": node.code, "label": node.label.to_dict()}
    if node.is_leaf:
        out["max"] = node.max
        out["min"] = node.min
    else:
        kids = [m.nodes[c] for c in node.children]
        regular = [k for k in kids if k.role == "regular"]
        maxima = [k.max for k in regular]
        derived_max: float | None = None
        if all(x is not None for x in maxima):
            derived_max = math.fsum(x for x in maxima if x is not None)
        implied = node.aggregate == "sum" and node.role == "regular"
        if not (implied and node.max is not None and node.max == derived_max):
            if node.max is not None or all(x is not None for x in maxima):
                out["max"] = node.max
        kid_min = math.fsum(k.min for k in regular) + math.fsum(
            k.min for k in kids if k.role == "penalty"
        )
        derived_min = 0.0 if node.role == "bonus" else kid_min
        if node.min != derived_min:
            out["min"] = node.min
    if node.method is not None:
        out["method"] = node.method
    out["status"] = node.status
    for key in ("source", "note"):
        v = getattr(node, key)
        if v is not None:
            out[key] = v
    if node.role != "regular":
        out["role"] = node.role
    if node.aggregate != "sum":
        out["aggregate"] = node.aggregate
    if node.counts is not None:
        out["counts"] = dict(node.counts)
    if node.applies_to is not None:
        out["applies_to"] = list(node.applies_to)
    if node.is_leaf and node.rule is not None:
        out["rule"] = node.rule.to_dict()
    if node.children:
        out["children"] = [_node_data(m, m.nodes[c]) for c in node.children]
    return out


def methodology_data(m: Methodology) -> dict[str, Any]:
    """The methodology as the data of a methodology file (what the loader reads back)."""
    out: dict[str, Any] = {
        "parindex": 1,
        "issuer": m.issuer,
        "scheme": m.scheme,
        "version": m.version,
        "years": list(m.years),
        "title": m.title.to_dict(),
        "status": m.status,
        "detail": m.detail,
    }
    if m.source is not None:
        out["source"] = m.source
    out["legal_basis"] = m.legal_basis.to_dict()
    if m.amendments:
        out["amendments"] = [a.to_dict() for a in m.amendments]
    out["scale"] = m.scale
    if m.grouping is not None:
        g = m.grouping
        gd: dict[str, Any] = {"status": g.status}
        if g.source is not None:
            gd["source"] = g.source
        if g.note is not None:
            gd["note"] = g.note
        gd["groups"] = [
            {"code": x.code, "min": x.min}
            | ({"label": x.label.to_dict()} if x.label is not None else {})
            for x in g.groups
        ]
        out["grouping"] = gd
    out["not_applicable"] = m.not_applicable
    out["missing"] = m.missing
    out["rounding"] = {"decimals": m.rounding.decimals, "mode": m.rounding.mode}
    if m.notes:
        out["notes"] = list(m.notes)
    if m.unit_types:
        out["unit_types"] = list(m.unit_types)
    out["nodes"] = [_node_data(m, n) for n in m.top]
    return out


_TOP_KEYS = ("scale", "grouping", "not_applicable", "missing", "rounding")
_NODE_KEYS = ("max", "min", "rule", "label", "method", "status", "aggregate", "role", "applies_to")


def modify(
    methodology: Methodology,
    nodes: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    note: str | None = None,
    **top: Any,
) -> Methodology:
    """A new, validated methodology with some numbers changed in memory (files are not touched).

    ``nodes`` maps a node code to the keys to replace, written as in a methodology file:
    ``{"2.1": {"max": 4}, "5": {"max": 62}}`` or
    ``{"1.2": {"rule": {"kind": "bands", "bands": [...]}}}``. The maxima of parent nodes that were
    the sum of their children follow the change. Top-level keys (``scale``, ``grouping``,
    ``not_applicable``, ``missing``, ``rounding``) are given as keyword arguments. The result is
    read back through the strict loader, so an inconsistent change raises
    :class:`parindex.MethodologyError` naming the node.
    """
    data = methodology_data(methodology)
    for key, value in top.items():
        if key not in _TOP_KEYS:
            raise MethodologyError(
                f"what-if: only {', '.join(_TOP_KEYS)} can be changed at the top level",
                value=key,
            )
        data[key] = value
    index: dict[str, dict[str, Any]] = {}

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            index[item["code"]] = item
            walk(item.get("children", []))

    walk(data["nodes"])
    for code, change in (nodes or {}).items():
        if code not in index:
            raise MethodologyError(
                f"what-if: {methodology.id} has no node with this code", code=str(code)
            )
        for key, value in change.items():
            if key not in _NODE_KEYS:
                raise MethodologyError(
                    f"what-if: a node's {', '.join(_NODE_KEYS)} can be changed",
                    code=code,
                    value=key,
                )
            if key in ("rule", "min") and "children" in index[code]:
                raise MethodologyError(
                    f"what-if: '{key}' belongs to leaf items; this node is scored by its children",
                    code=code,
                )
            index[code][key] = value
    notes = list(data.get("notes", []))
    notes.append(note or "What-if copy changed in memory; not an official version.")
    data["notes"] = notes
    label = f"<what-if of {methodology.id}>"
    return parse_methodology(data, file=label)


# -- inputs under a changed maximum ------------------------------------------------------------

#: What to do with an input given in points of a maximum that the changed methodology lowers:
#: ``refuse`` (an error naming the choices), ``clamp`` (lower it to the new maximum, recorded) or
#: ``rescale`` (every input given in points of a changed maximum keeps its share of the maximum).
OVER_MAX = ("refuse", "clamp", "rescale")
OverMax = Literal["refuse", "clamp", "rescale"]


@attrs.frozen
class Adjustment:
    """An input changed to fit a changed maximum: ``value`` as given, ``adjusted`` as scored."""

    unit: str
    code: str
    stage: str
    value: float
    adjusted: float
    how: str  # clamp / rescale

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


def fit_inputs(
    a: Assessment, old: Methodology, new: Methodology, over_max: OverMax
) -> tuple[Assessment, tuple[Adjustment, ...], tuple[str, ...]]:
    """``a``'s inputs fitted to ``new``'s maxima: the assessment to score, the adjustments made,
    and the codes whose inputs exceed their new range (left as they are: ``refuse``)."""
    if over_max not in OVER_MAX:
        raise ParIndexError(f"over_max is one of {', '.join(OVER_MAX)}", value=over_max)
    changed: dict[str, dict[str, Entry]] = {}
    made: list[Adjustment] = []
    over: list[str] = []
    for stage, entries in a.stages.items():
        for code, e in entries.items():
            if e.not_applicable or code not in new or code not in old:
                continue
            v = e.value
            if isinstance(v, bool) or not isinstance(v, int | float):
                continue
            n_old, n_new = old[code], new[code]
            if n_old.rule is None or n_new.rule is None:
                continue
            _, hi_old, _ = n_old.rule.input_range(n_old)
            _, hi_new, _ = n_new.rule.input_range(n_new)
            in_points = hi_old == n_old.max and hi_new == n_new.max and hi_old != hi_new
            if over_max == "rescale" and in_points and hi_old and math.isfinite(hi_old):
                fitted = v * (hi_new / hi_old)
            elif over_max == "clamp" and v > hi_new:
                fitted = hi_new
            else:
                if v > hi_new:
                    over.append(code)
                continue
            made.append(Adjustment(a.unit, code, stage, float(v), float(fitted), over_max))
            changed.setdefault(stage, {})[code] = Entry(fitted, False, e.note, e.evidence)
    for stage, values in changed.items():
        a = a.with_values(values, stage=stage)
    return a, tuple(made), tuple(dict.fromkeys(over))


# -- what-if ------------------------------------------------------------------------------------


@attrs.frozen
class WhatIf:
    """A card before and after a change, with the group and, given peers, the place.

    The figures of the changed card are ``group``, ``place`` (and ``after.points``...); those of
    the card as it was are ``previous_group`` and ``previous_place``, the same words as on a
    rank row. ``group`` is a :class:`~parindex.Group`; ``group_code`` its code.
    """

    before: ScoreCard
    after: ScoreCard
    changes: Mapping[str, Any]
    previous_ranking: Ranking | None = None
    ranking: Ranking | None = None
    #: inputs changed to fit a lowered maximum (``what_if(..., over_max="clamp" | "rescale")``)
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def points_change(self) -> float | None:
        if self.before.points is None or self.after.points is None:
            return None
        return self.after.points - self.before.points

    @property
    def index_change(self) -> float | None:
        if self.before.index is None or self.after.index is None:
            return None
        return self.after.index - self.before.index

    @property
    def group(self) -> Group | None:
        """The group after the change."""
        return self.after.group

    @property
    def previous_group(self) -> Group | None:
        """The group before the change."""
        return self.before.group

    @property
    def group_code(self) -> str | None:
        return self.after.group_code

    @property
    def previous_group_code(self) -> str | None:
        return self.before.group_code

    @property
    def place(self) -> int | None:
        """The place among the peers after the change (``None`` without peers)."""
        return None if self.ranking is None else self.ranking[self.after.unit].place

    @property
    def previous_place(self) -> int | None:
        """The place among the peers before the change (``None`` without peers)."""
        if self.previous_ranking is None:
            return None
        return self.previous_ranking[self.before.unit].place

    # -- the names before the vocabulary was made one (deprecated, one release) ------------------
    @property
    def group_before(self) -> str | None:
        """Deprecated: use :attr:`previous_group_code` (or :attr:`previous_group`)."""
        renamed("WhatIf.group_before", "WhatIf.previous_group_code")
        return self.previous_group_code

    @property
    def group_after(self) -> str | None:
        """Deprecated: use :attr:`group_code` (or :attr:`group`)."""
        renamed("WhatIf.group_after", "WhatIf.group_code")
        return self.group_code

    @property
    def place_before(self) -> int | None:
        """Deprecated: use :attr:`previous_place`."""
        renamed("WhatIf.place_before", "WhatIf.previous_place")
        return self.previous_place

    @property
    def place_after(self) -> int | None:
        """Deprecated: use :attr:`place`."""
        renamed("WhatIf.place_after", "WhatIf.place")
        return self.place

    @property
    def ranking_before(self) -> Ranking | None:
        """Deprecated: use :attr:`previous_ranking`."""
        renamed("WhatIf.ranking_before", "WhatIf.previous_ranking")
        return self.previous_ranking

    @property
    def ranking_after(self) -> Ranking | None:
        """Deprecated: use :attr:`ranking`."""
        renamed("WhatIf.ranking_after", "WhatIf.ranking")
        return self.ranking

    def changed(self) -> tuple[tuple[str, float | None, float | None], ...]:
        """(code, points before, points after) of every node whose points changed."""
        out = []
        for r in self.after.results:
            if r.code in self.before._pos:
                b = self.before[r.code].points
                if b != r.points:
                    out.append((r.code, b, r.points))
            else:
                out.append((r.code, None, r.points))
        return tuple(out)

    def text(self, lang: Lang = "vi") -> str:
        vi = check_lang(lang) == "vi"
        d = self.after.methodology.rounding.decimals

        def p(x: float | None) -> str:
            return present(x, d, lang=lang)

        parts = [
            ("Chỉ số: " if vi else "Index: ")
            + f"{p(self.before.index)} → {p(self.after.index)}"
            + (f" ({'+' if (self.index_change or 0) >= 0 else ''}{p(self.index_change)})"),
            ("Nhóm: " if vi else "Group: ")
            + f"{self.previous_group_code or '—'} → {self.group_code or '—'}",
        ]
        if self.ranking is not None:
            parts.append(
                ("Hạng: " if vi else "Place: ")
                + f"{self.previous_place or '—'} → {self.place or '—'}"
                + f" / {len(self.ranking)}"
            )
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        out = self._dict()
        if self.adjustments:
            out["adjustments"] = [x.to_dict() for x in self.adjustments]
        return out

    def _dict(self) -> dict[str, Any]:
        return {
            "unit": self.after.unit,
            "changes": {k: _plain(v) for k, v in self.changes.items()},
            "points_before": self.before.points,
            "points_after": self.after.points,
            "index_before": self.before.index,
            "index_after": self.after.index,
            "group_before": self.previous_group_code,
            "group_after": self.group_code,
            "place_before": self.previous_place,
            "place_after": self.place,
            "changed": [
                {"code": c, "before": b, "after": a} for c, b, a in self.changed() if c != ROOT
            ],
        }


def what_if(
    card: ScoreCard,
    changes: Mapping[str, Any] | None = None,
    *,
    stage: Stage | None = None,
    methodology: Methodology | None = None,
    peers: Iterable[ScoreCard] | None = None,
    tie: TieRule = "rounded",
    over_max: OverMax = "refuse",
) -> WhatIf:
    """Re-score ``card``'s unit with ``changes`` (``{code: new value}``) and/or under a changed
    ``methodology`` (see :func:`modify`), and rank it among ``peers`` before and after.

    ``peers`` are cards of other units (the unit itself may be among them; it is replaced by the
    changed card). When the methodology changes, the peers are scored again under it too, so that
    the places compare like with like.

    When the changed methodology lowers a maximum below an input given in points, ``over_max``
    decides: ``"refuse"`` (default: an error naming the other choices), ``"clamp"`` (the input is
    lowered to the new maximum) or ``"rescale"`` (every input given in points of a changed
    maximum keeps its share of the maximum). :attr:`WhatIf.adjustments` records each change, for
    the card and its peers.
    """
    if methodology is not None and methodology.id != card.methodology.id:
        raise ParIndexError(
            "what-if takes a changed copy of the card's methodology (see modify); to compare "
            "versions use a crosswalk",
            value=methodology.id,
        )
    after, made = rescore_fitted(
        card, changes, stage=stage, methodology=methodology, over_max=over_max
    )
    adjustments = list(made)
    before_rank = after_rank = None
    if peers is not None:
        others = [p for p in peers if p.unit != card.unit]
        before_rank = rank([card, *others], tie=tie)
        if methodology is not None:
            rescored = []
            for p in others:
                c, made = rescore_fitted(p, methodology=methodology, over_max=over_max)
                rescored.append(c)
                adjustments.extend(made)
            others = rescored
        after_rank = rank([after, *others], tie=tie)
    return WhatIf(card, after, dict(changes or {}), before_rank, after_rank, tuple(adjustments))
