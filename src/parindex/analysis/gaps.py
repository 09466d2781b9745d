"""Gaps: which items lost points, why, what it takes to earn them back, and who is responsible.

``gaps(card, responsibilities=rmap)`` lists every leaf that did not earn its maximum, the most
points lost first. For each: the points lost, the cause in words (from the rule's explanation:
the value and the band it fell in), the stage that decided it and what the appraisal cut, what
it takes to reach the next band and the full score and how many points each is worth (computed by
evaluating the rule, and for the whole index by scoring the card again), the units responsible,
and the remedies proposed from the map's templates. Roll-ups by domain and by unit follow.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import attrs

from .. import _hooks
from .._text import fmt, present
from ..card import NodeResult, ScoreCard
from ..errors import ParIndexError
from ..methodology.model import ROOT, Methodology, Node
from ..methodology.rules import TOL
from .responsibility import Cascade, CascadeItem, Responsibility, ResponsibilityMap
from .whatif import rescore_many

__all__ = [
    "DomainGaps",
    "Gap",
    "GapReport",
    "Step",
    "UnitGaps",
    "gaps",
    "no_step_text",
    "steps_for",
]


@attrs.frozen
class Step:
    """A target for one item: the input that reaches it and what it is worth.

    ``kind`` is ``"next"`` (the next band or level up) or ``"full"`` (the item's maximum).
    ``value`` is the input to give (a number, a level code, counts or named inputs);
    ``bound`` is ``">="`` when any value from ``value`` up reaches the target, ``">"`` when the
    value must exceed it (an excluded band edge: ``value`` is then the smallest number above),
    ``"<="``/``"<"`` likewise downwards, ``"="`` for a level, counts or named inputs.
    ``points`` are the item's points at the target, ``gain`` the item's points gained, and
    ``total_gain`` the points the whole index gains (scored again: caps, bonuses and shared
    points taken into account).
    """

    kind: str
    value: Any
    bound: str
    threshold: Any
    points: float
    gain: float
    total_gain: float | None = None
    index_gain: float | None = None
    unit: str = ""
    names: tuple[tuple[str, str, str], ...] = ()  # (code, vi label, en label) of levels/items

    def _name(self, code: str, lang: str) -> str:
        for c, vi, en in self.names:
            if c == code:
                return vi if lang != "en" else en
        return code

    def describe(self, lang: str = "vi") -> str:
        vi = lang != "en"
        if isinstance(self.value, Mapping):
            shown = ", ".join(
                f"{self._name(k, lang)}: {fmt(float(v), lang)}" for k, v in self.value.items()
            )
        elif isinstance(self.value, str):
            shown = self._name(self.value, lang)
        else:
            shown = fmt(float(self.threshold), lang) + (
                self.unit if vi else (" " + self.unit if self.unit else "")
            )
        words = {
            ">=": ("từ ", "at least "),
            ">": ("trên ", "above "),
            "<=": ("không quá ", "at most "),
            "<": ("dưới ", "below "),
            "=": ("", ""),
        }[self.bound]
        return (words[0] if vi else words[1]) + shown

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "value": dict(self.value) if isinstance(self.value, Mapping) else self.value,
            "bound": self.bound,
            "threshold": dict(self.threshold)
            if isinstance(self.threshold, Mapping)
            else self.threshold,
            "points": self.points,
            "gain": self.gain,
            "total_gain": self.total_gain,
            "index_gain": self.index_gain,
        }


def steps_for(card: ScoreCard, code: str, *, total: bool = True) -> tuple[Step | None, Step | None]:
    """(next, full): what it takes for item ``code`` to reach the next band and the full score.

    The item's points at each target come from evaluating its rule; with ``total=True`` the card
    is scored again with the changed input to give the whole index's gain (all the targets in
    one run of the engine).
    """
    found = _targets(card, code)
    if found is None:
        return None, None
    gains = _total_gains(card, [(code, found)]) if total else None
    return _steps(card[code], found, gains)


#: a target of an item and the item's points there: (kind, value, bound, threshold, points)
_Target = tuple[str, Any, str, Any, float]


def _targets(card: ScoreCard, code: str) -> list[_Target] | None:
    """The targets of item ``code`` (None when it has no steps: no rule, or not applicable)."""
    r = card[code]
    node = r.node
    if not node.is_leaf:
        raise ParIndexError("steps are computed for leaf items", code=code)
    if node.rule is None or r.not_applicable:
        return None
    current = r.points if r.points is not None else 0.0
    targets = [] if r.missing or r.value is None else node.rule.targets(node, r.value, current)
    out: list[_Target] = []
    for kind, value, bound, thr in targets:
        checked = node.rule.check(value)
        out.append(
            (kind, value, bound, thr, node.rule.evaluate(checked, node.min, node.max).points)
        )
    return out


def _total_gains(
    card: ScoreCard, items: Sequence[tuple[str, Sequence[_Target]]]
) -> list[tuple[float | None, float | None]]:
    """What the whole index gains at each target of ``items`` (code, targets), in that order:
    (points, index), from one run of the engine over all the changed inputs."""
    variants = [{code: t[1]} for code, targets in items for t in targets]
    if not variants:
        return []
    after = rescore_many(card, variants)
    out: list[tuple[float | None, float | None]] = []
    for p, x in zip(after.points.tolist(), after.index.tolist(), strict=True):
        tg = p - card.points if card.points is not None else None
        ig = x - card.index if not math.isnan(x) and card.index is not None else None
        out.append((tg, ig))
    return out


def _steps(
    r: NodeResult,
    targets: Sequence[_Target],
    gains: Sequence[tuple[float | None, float | None]] | None,
) -> tuple[Step | None, Step | None]:
    """(next, full) of item ``r`` from its targets and, if computed, the index's gains there."""
    rule = r.node.rule
    assert rule is not None
    current = r.points if r.points is not None else 0.0
    nxt: Step | None = None
    full: Step | None = None
    for k, (kind, value, bound, thr, pts) in enumerate(targets):
        tg, ig = gains[k] if gains is not None else (None, None)
        step = Step(
            kind,
            value,
            bound,
            thr,
            pts,
            pts - current,
            tg,
            ig,
            rule.input_suffix,
            rule.value_names(),
        )
        if kind == "next":
            nxt = step
        else:
            full = step
    return nxt, full


# -- gaps -------------------------------------------------------------------------------------


@attrs.frozen
class Gap:
    """One leaf that lost points."""

    result: NodeResult = attrs.field(repr=False)
    lost: float
    domain: str
    share_factor: float = 1.0
    self_points: float | None = None
    appraised_points: float | None = None
    next: Step | None = None
    full: Step | None = None
    responsibility: Responsibility | None = None
    remedies: tuple[tuple[str, str], ...] = ()
    cascade: tuple[CascadeItem, ...] = ()

    @property
    def code(self) -> str:
        return self.result.code

    @property
    def node(self) -> Node:
        return self.result.node

    @property
    def points(self) -> float | None:
        return self.result.points

    @property
    def max(self) -> float | None:
        return self.result.adjusted_max

    @property
    def stage(self) -> str | None:
        return self.result.stage

    @property
    def missing(self) -> bool:
        return self.result.missing

    @property
    def cut(self) -> float | None:
        """Points the appraisal took off the self-assessed score (None when not cut)."""
        if self.self_points is None or self.appraised_points is None:
            return None
        d = self.self_points - self.appraised_points
        return d if d > TOL else None

    @property
    def lead(self) -> tuple[str, ...]:
        return () if self.responsibility is None else self.responsibility.lead

    @property
    def cooperating(self) -> tuple[str, ...]:
        return () if self.responsibility is None else self.responsibility.cooperating

    def label(self, lang: str = "vi") -> str:
        return self.result.node.label.text(lang)

    def cause(self, lang: str = "vi") -> str:
        """Why points were lost: the rule's explanation, then what the appraisal did."""
        vi = lang != "en"
        text = self.result.explain("vi" if vi else "en")
        cut = self.cut
        if cut is not None:
            p = partial(present, lang="vi" if vi else "en")
            text += (
                f"; thẩm định giảm {p(cut)} điểm so với tự đánh giá ({p(self.self_points)})"
                if vi
                else f"; the appraisal cut {p(cut)} points from the self-assessed {p(self.self_points)}"
            )
        if self.share_factor != 1.0:
            text += (
                f"; điểm mất tính theo hệ số chia điểm {fmt(self.share_factor, lang)}"
                if vi
                else f"; lost points counted with the sharing factor {fmt(self.share_factor, lang)}"
            )
        return text

    def remedy(self, lang: str = "vi") -> str:
        """The remedies: the map's templates filled in, else what the next target needs."""
        i = 1 if lang == "en" else 0
        if self.remedies:
            return " ".join(r[i] for r in self.remedies)
        return self.what_it_takes(lang)

    def what_it_takes(self, lang: str = "vi") -> str:
        vi = lang != "en"
        p = partial(present, lang="vi" if vi else "en")
        if self.missing:
            return (
                "Bổ sung số liệu, tài liệu kiểm chứng cho tiêu chí"
                if vi
                else "Supply the input and its evidence"
            )
        parts = []
        for step, name in (
            (self.next, ("mức kế tiếp", "next band")),
            (self.full, ("đủ điểm", "full score")),
        ):
            if step is None or (
                step is self.full and self.next is not None and _same(self.next, step)
            ):
                continue
            gain = step.total_gain if step.total_gain is not None else step.gain
            parts.append(
                (f"Đạt {name[0]}: {step.describe(lang)} (+{p(gain)} điểm)")
                if vi
                else f"Reach the {name[1]}: {step.describe(lang)} (+{p(gain)} points)"
            )
        return "; ".join(parts) or no_step_text(lang)

    def template_fields(
        self, lang: str = "vi", responsibilities: ResponsibilityMap | None = None
    ) -> dict[str, str]:
        """The values of the remedy templates' placeholders
        (:data:`~parindex.analysis.responsibility.PLACEHOLDERS`), as shown in ``lang``."""
        p = partial(present, lang=lang)
        rmap = responsibilities

        def name(u: str) -> str:
            return rmap.unit_name(u) if rmap is not None else u

        vi = lang != "en"
        v = self.result.value
        if isinstance(v, Mapping):
            value = ", ".join(f"{k} = {x}" for k, x in v.items())
        elif v is None:
            value = "chưa có số liệu" if vi else "no input"
        elif isinstance(v, str):
            value = v
        else:
            value = p(float(v))
        out = {"code": self.code, "label": self.node.label.text(lang), "value": value}
        out |= {
            k: p(x) for k, x in (("lost", self.lost), ("points", self.points), ("max", self.max))
        }
        for key, step in (("next", self.next), ("full", self.full)):
            if step is None:  # said in words; a template that needs the step is not used
                out[key] = "không có bước kế tiếp" if vi else "no next step"
                out[f"{key}_gain"] = p(0.0)
                continue
            out[key] = step.describe(lang)
            gain = step.total_gain if step.total_gain is not None else step.gain
            out[f"{key}_gain"] = p(gain)
        none = "chưa phân công" if vi else "none assigned"
        out["lead"] = ", ".join(name(u) for u in self.lead) or none
        out["cooperating"] = ", ".join(name(u) for u in self.cooperating) or (
            "không có" if vi else "none"
        )
        return out

    def absent_fields(self) -> frozenset[str]:
        """The template placeholders without a value: those of a step the rule does not give
        (``next``, ``next_gain``, ``full``, ``full_gain``)."""
        return frozenset(
            n
            for key, step in (("next", self.next), ("full", self.full))
            if step is None
            for n in (key, f"{key}_gain")
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.node.label.to_dict(),
            "domain": self.domain,
            "max": self.max,
            "points": self.points,
            "lost": self.lost,
            "stage": self.stage,
            "missing": self.missing,
            "self_points": self.self_points,
            "appraised_points": self.appraised_points,
            "cut": self.cut,
            "cause": {"vi": self.cause("vi"), "en": self.cause("en")},
            "next": None if self.next is None else self.next.to_dict(),
            "full": None if self.full is None else self.full.to_dict(),
            "lead": list(self.lead),
            "cooperating": list(self.cooperating),
            "remedy": {"vi": self.remedy("vi"), "en": self.remedy("en")},
            "cascade": [c.to_dict() for c in self.cascade],
        }


def no_step_text(lang: str = "vi") -> str:
    """What a gap's remedy says when its rule gives no next step (no band, level or count
    above the current one follows from the rule, as for a formula over a continuous input)."""
    return (
        "Quy tắc chấm của tiêu chí không cho bước kế tiếp để tăng điểm: "
        "rà soát số liệu, tài liệu kiểm chứng của tiêu chí"
        if lang != "en"
        else "The item's rule gives no next step to a higher score: "
        "review the item's input and its evidence"
    )


def _same(a: Step, b: Step) -> bool:
    return a.value == b.value and a.points == b.points


@attrs.frozen
class DomainGaps:
    """Lost points of one top-level node (domain or component)."""

    code: str
    label: Any
    max: float | None
    points: float | None
    lost: float | None
    index: float | None
    leaf_lost: float
    count: int


@attrs.frozen
class UnitGaps:
    """Lost points a unit is responsible for, as lead and as cooperating unit."""

    unit: str
    name: str
    lead_lost: float
    lead_codes: tuple[str, ...]
    cooperating_lost: float
    cooperating_codes: tuple[str, ...]


@attrs.frozen
class GapReport:
    """Every gap of a card, the most points lost first, with roll-ups."""

    card: ScoreCard = attrs.field(repr=False)
    items: tuple[Gap, ...]
    responsibilities: ResponsibilityMap | None = attrs.field(default=None, repr=False)
    unknown: tuple[str, ...] = ()
    bonus_not_earned: tuple[tuple[str, float], ...] = ()

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, code: str) -> Gap:
        for g in self.items:
            if g.code == code:
                return g
        raise ParIndexError("no gap for this code (it lost no points)", code=code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(g.code for g in self.items)

    @property
    def total_lost(self) -> float | None:
        """Points lost by the whole index (adjusted maximum less points)."""
        return self.card.lost

    @property
    def leaf_lost(self) -> float:
        """The sum of the gaps' lost points (differs from ``total_lost`` by bonus points and caps)."""
        return math.fsum(g.lost for g in self.items)

    @property
    def missing_input(self) -> tuple[Gap, ...]:
        return tuple(g for g in self.items if g.missing)

    @property
    def missing_evidence(self) -> tuple[str, ...]:
        """Appraised items with an input but no evidence reference at any stage."""
        out = []
        for r in self.card.leaves():
            if r.not_applicable or r.missing or r.node.method != "appraisal":
                continue
            if not any(la.evidence for la in r.layers) and not r.evidence:
                out.append(r.code)
        return tuple(out)

    @property
    def cut_at_appraisal(self) -> tuple[Gap, ...]:
        return tuple(g for g in self.items if g.cut is not None)

    def by_domain(self) -> tuple[DomainGaps, ...]:
        out = []
        for r in self.card.domains:
            mine = [g for g in self.items if g.domain == r.code]
            out.append(
                DomainGaps(
                    r.code,
                    r.node.label,
                    r.adjusted_max,
                    r.points,
                    r.lost,
                    r.index,
                    math.fsum(g.lost for g in mine),
                    len(mine),
                )
            )
        return tuple(sorted(out, key=lambda d: -d.leaf_lost))

    def by_unit(self) -> tuple[UnitGaps, ...]:
        """Units by the points lost on items they lead (then as cooperating units)."""
        lead: dict[str, list[Gap]] = {}
        coop: dict[str, list[Gap]] = {}
        for g in self.items:
            for u in g.lead:
                lead.setdefault(u, []).append(g)
            for u in g.cooperating:
                coop.setdefault(u, []).append(g)
        rmap = self.responsibilities
        rows = []
        for u in dict.fromkeys([*lead, *coop]):
            name = rmap.unit_name(u) if rmap is not None else u
            lg, cg = lead.get(u, []), coop.get(u, [])
            rows.append(
                UnitGaps(
                    u,
                    name,
                    math.fsum(g.lost for g in lg),
                    tuple(g.code for g in lg),
                    math.fsum(g.lost for g in cg),
                    tuple(g.code for g in cg),
                )
            )
        return tuple(sorted(rows, key=lambda r: (-r.lead_lost, -r.cooperating_lost, r.unit)))

    @property
    def unassigned(self) -> tuple[Gap, ...]:
        """Gaps with no responsible unit in the map."""
        return tuple(g for g in self.items if not g.lead)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": "1",
            "unit": self.card.unit,
            "period": self.card.period,
            "methodology": self.card.methodology.id,
            "points": self.card.points,
            "max_points": self.card.max_points,
            "index": self.card.index,
            "total_lost": self.total_lost,
            "leaf_lost": self.leaf_lost,
            "gaps": [g.to_dict() for g in self.items],
            "by_domain": [
                {
                    "code": d.code,
                    "label": d.label.to_dict(),
                    "max": d.max,
                    "points": d.points,
                    "lost": d.lost,
                    "index": d.index,
                    "leaf_lost": d.leaf_lost,
                    "count": d.count,
                }
                for d in self.by_domain()
            ],
            "by_unit": [attrs.asdict(u) for u in self.by_unit()],
            "missing_input": [g.code for g in self.missing_input],
            "missing_evidence": list(self.missing_evidence),
            "unknown": list(self.unknown),
            "bonus_not_earned": [list(x) for x in self.bonus_not_earned],
        }

    def _repr_html_(self) -> str:
        return _hooks.html(self)  # parindex.render.notebook.gaps_html

    def table(self, lang: str = "vi") -> str:
        """A plain-text list of the gaps (:func:`parindex.render.text.gaps_table`)."""
        return _hooks.table(self, lang=lang)


def _in_role(m: Methodology, node: Node) -> str:
    n: Node | None = node
    while n is not None and n.code != ROOT:
        if n.role != "regular":
            return n.role
        n = m.nodes[n.parent] if n.parent is not None else None
    return "regular"


def _layer_points(r: NodeResult, stages: Sequence[str]) -> float | None:
    found = None
    for la in r.layers:
        if la.stage in stages and not la.not_applicable:
            found = la.points
    return found


def gaps(
    card: ScoreCard,
    responsibilities: ResponsibilityMap | None = None,
    *,
    cascade: Cascade | None = None,
    steps: bool = True,
    min_lost: float = 0.0,
) -> GapReport:
    """Every leaf of ``card`` that lost points, ordered by points lost (then by the tree order).

    ``responsibilities`` (see :func:`parindex.analysis.responsibility.load_responsibilities`)
    gives the lead and cooperating units of each item and the remedy templates. ``cascade``
    puts the cards of the units responsible, on the related items of their own scheme, beside
    each gap. ``steps=False`` skips what it takes to reach the next band (no re-scoring).
    Items lost by less than ``min_lost`` points are left out (default: every loss is listed).
    """
    m = card.methodology
    if responsibilities is not None:
        responsibilities.check_methodology(m)
    factors = card.share_factors()
    items: list[tuple[int, Gap]] = []
    unknown: list[str] = []
    bonus: list[tuple[str, float]] = []
    order = {code: i for i, code in enumerate(m.nodes)}
    lost_items: list[tuple[NodeResult, float, float]] = []  # (result, points lost, factor)
    for r in card.leaves():
        if r.not_applicable:
            continue
        role = _in_role(m, r.node)
        if r.lost is None:
            unknown.append(r.code)
            continue
        f = factors.get(r.code, 1.0)
        if role == "bonus":
            if r.lost > TOL:
                bonus.append((r.code, r.lost))
            continue
        lost = (-(r.points or 0.0) if role == "penalty" else r.lost) * f
        if lost <= TOL or lost < min_lost:
            continue
        lost_items.append((r, lost, f))
    # the targets of every item, and the index's gain at each from one run of the engine
    targets = [_targets(card, r.code) if steps else None for r, _, _ in lost_items]
    with_steps = [(r.code, t) for (r, _, _), t in zip(lost_items, targets, strict=True) if t]
    gains = iter(_total_gains(card, with_steps))
    for (r, lost, f), t in zip(lost_items, targets, strict=True):
        nxt = full = None
        if t is not None:
            nxt, full = _steps(r, t, [next(gains) for _ in t])
        resp = responsibilities.for_code(m, r.code) if responsibilities else None
        selfp = _layer_points(r, ("self",))
        appr = _layer_points(r, ("appraisal1", "appraisal2"))
        g = Gap(
            r,
            lost,
            m.domain_of(r.code).code,
            f,
            selfp,
            appr,
            nxt,
            full,
            resp,
            (),
            cascade.for_code(r.code) if cascade is not None else (),
        )
        if resp is not None and resp.remedies:
            fields = {lang: g.template_fields(lang, responsibilities) for lang in ("vi", "en")}
            instead = (g.what_it_takes("vi"), g.what_it_takes("en"))
            g = attrs.evolve(g, remedies=resp.render(fields, g.absent_fields(), instead))
        items.append((order[r.code], g))
    items.sort(key=lambda x: (-x[1].lost, x[0]))
    return GapReport(
        card, tuple(g for _, g in items), responsibilities, tuple(unknown), tuple(bonus)
    )
