"""Comparisons: self-assessment against appraisal, period against period, version against version.

* :func:`compare_stages`: which items the appraisal cut, by how much, and which still need an
  explanation (giải trình) before the second round.
* :func:`compare_periods`: the same methodology in two periods (quarter against quarter, year
  against year): points gained and lost per node and, given the peers of each period, the place
  of the unit on each node.
* :func:`compare_versions`: two methodology versions through a :class:`Crosswalk`: compared on
  the common part, with what cannot be compared listed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from .._compat import alias, renamed
from .._text import publish_round
from ..assessment import STAGES
from ..card import ScoreCard
from ..engine import score
from ..errors import ParIndexError
from ..methodology.model import Label
from .crosswalk import Crosswalk
from .whatif import assessment_of, scoring_options

__all__ = [
    "PeriodComparison",
    "PeriodRow",
    "StageComparison",
    "StageRow",
    "VersionComparison",
    "VersionRow",
    "compare_periods",
    "compare_stages",
    "compare_versions",
    "self_assessed",
]

TOL = 1e-9


def _diff(a: float | None, b: float | None) -> float | None:
    if a is None or b is None:
        return None
    return b - a


# -- self-assessment against appraisal ----------------------------------------------------------


@attrs.frozen
class StageRow:
    """One leaf: its points at each stage that gave it, and the cut."""

    code: str
    label: Label
    max: float | None
    self_points: float | None
    appraisal1: float | None
    appraisal2: float | None
    final: float | None
    note: str | None = None
    evidence: tuple[str, ...] = ()

    @property
    def appraised(self) -> float | None:
        return self.appraisal2 if self.appraisal2 is not None else self.appraisal1

    @property
    def cut(self) -> float:
        """Points the appraisal took off the self-assessed score (0 when none)."""
        if self.self_points is None or self.appraised is None:
            return 0.0
        return max(0.0, self.self_points - self.appraised)

    @property
    def raised(self) -> float:
        if self.self_points is None or self.appraised is None:
            return 0.0
        return max(0.0, self.appraised - self.self_points)

    @property
    def restored(self) -> float:
        """Points the second round gave back after the explanation (giải trình)."""
        if self.appraisal1 is None or self.appraisal2 is None:
            return 0.0
        return max(0.0, self.appraisal2 - self.appraisal1)

    @property
    def needs_explanation(self) -> bool:
        """Cut at the first round and not yet through a second round: explain (giải trình)."""
        return self.cut > TOL and self.appraisal2 is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label.to_dict(),
            "max": self.max,
            "self": self.self_points,
            "appraisal1": self.appraisal1,
            "appraisal2": self.appraisal2,
            "final": self.final,
            "cut": self.cut,
            "raised": self.raised,
            "restored": self.restored,
            "needs_explanation": self.needs_explanation,
            "note": self.note,
            "evidence": list(self.evidence),
        }


@attrs.frozen
class StageComparison:
    """The self-assessed card against the appraised one."""

    card: ScoreCard = attrs.field(repr=False)
    self_card: ScoreCard = attrs.field(repr=False)
    rows: tuple[StageRow, ...]

    @property
    def cut(self) -> tuple[StageRow, ...]:
        """Items the appraisal cut, the biggest cut first."""
        return tuple(sorted((r for r in self.rows if r.cut > TOL), key=lambda r: -r.cut))

    @property
    def needs_explanation(self) -> tuple[StageRow, ...]:
        return tuple(r for r in self.cut if r.needs_explanation)

    @property
    def self_points(self) -> float | None:
        return self.self_card.points

    @property
    def points(self) -> float | None:
        return self.card.points

    @property
    def total_cut(self) -> float:
        return math.fsum(r.cut for r in self.rows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.card.unit,
            "self_points": self.self_points,
            "self_index": self.self_card.index,
            "points": self.points,
            "index": self.card.index,
            "total_cut": self.total_cut,
            "rows": [r.to_dict() for r in self.rows],
        }


def compare_stages(card: ScoreCard) -> StageComparison:
    """Self-assessment against appraisal for every leaf that has a self-assessed value.

    The self-assessed card compares like with like: it is the unit scored before appraisal
    (the ``self`` and ``survey`` stages), with the same values carried from an earlier period
    and the same missing-input policy as ``card``, so that the difference of the two totals is
    exactly what appraisal cut or restored.
    """
    self_card = self_assessed(card)
    rows = []
    for r in card.leaves():
        pts: dict[str, float | None] = {s: None for s in STAGES}
        note = None
        ev: tuple[str, ...] = ()
        for la in r.layers:
            if not la.not_applicable:
                pts[la.stage] = la.points
            note = la.note or note
            ev = ev + tuple(x for x in la.evidence if x not in ev)
        if pts["self"] is None and pts["appraisal1"] is None and pts["appraisal2"] is None:
            continue
        rows.append(
            StageRow(
                r.code,
                r.node.label,
                r.adjusted_max,
                pts["self"],
                pts["appraisal1"],
                pts["appraisal2"],
                r.points,
                note,
                ev,
            )
        )
    return StageComparison(card, self_card, tuple(rows))


def self_assessed(card: ScoreCard) -> ScoreCard:
    """``card``'s unit as it stood before appraisal: the self-assessment and the survey results,
    with the values carried forward on ``card`` and its missing-input policy."""
    return score(card.methodology, assessment_of(card), upto="survey", **scoring_options(card))


# -- period against period ----------------------------------------------------------------------


@attrs.frozen
class PeriodRow:
    """One node in two periods: the figures of the later period (``points``, ``index``,
    ``adjusted_max``, ``place``) and of the earlier one (``previous_*``), as on a rank row."""

    code: str
    label: Label
    depth: int
    previous_adjusted_max: float | None
    adjusted_max: float | None
    previous_points: float | None
    points: float | None
    previous_index: float | None
    index: float | None
    previous_place: int | None = None
    place: int | None = None

    # the names before the vocabulary was made one (deprecated, one release)
    max_before = alias("PeriodRow", "max_before", "previous_adjusted_max")
    max_after = alias("PeriodRow", "max_after", "adjusted_max")
    points_before = alias("PeriodRow", "points_before", "previous_points")
    points_after = alias("PeriodRow", "points_after", "points")
    index_before = alias("PeriodRow", "index_before", "previous_index")
    index_after = alias("PeriodRow", "index_after", "index")
    place_before = alias("PeriodRow", "place_before", "previous_place")
    place_after = alias("PeriodRow", "place_after", "place")

    @property
    def points_change(self) -> float | None:
        return _diff(self.previous_points, self.points)

    @property
    def index_change(self) -> float | None:
        return _diff(self.previous_index, self.index)

    @property
    def place_change(self) -> int | None:
        """Places gained (positive) or lost (negative)."""
        if self.previous_place is None or self.place is None:
            return None
        return self.previous_place - self.place

    def to_dict(self) -> dict[str, Any]:
        # the keys are those of 0.1.0 (stable output)
        return {
            "code": self.code or "TOTAL",
            "label": self.label.to_dict(),
            "max_before": self.previous_adjusted_max,
            "max_after": self.adjusted_max,
            "points_before": self.previous_points,
            "points_after": self.points,
            "points_change": self.points_change,
            "index_before": self.previous_index,
            "index_after": self.index,
            "index_change": self.index_change,
            "place_before": self.previous_place,
            "place_after": self.place,
            "place_change": self.place_change,
        }


@attrs.frozen
class PeriodComparison:
    before: ScoreCard = attrs.field(repr=False)
    after: ScoreCard = attrs.field(repr=False)
    rows: tuple[PeriodRow, ...]
    peers: int | None = None

    @property
    def total(self) -> PeriodRow:
        return self.rows[0]

    def __getitem__(self, code: str) -> PeriodRow:
        for r in self.rows:
            if r.code == code:
                return r
        raise ParIndexError("no such node in the comparison", code=code)

    def gained(self) -> tuple[PeriodRow, ...]:
        """Leaves that gained points, the biggest gain first."""
        rows = [r for r in self.rows[1:] if (r.points_change or 0.0) > TOL and _leaf(self, r)]
        return tuple(sorted(rows, key=lambda r: -(r.points_change or 0.0)))

    def lost(self) -> tuple[PeriodRow, ...]:
        """Leaves that lost points, the biggest loss first."""
        rows = [r for r in self.rows[1:] if (r.points_change or 0.0) < -TOL and _leaf(self, r)]
        return tuple(sorted(rows, key=lambda r: r.points_change or 0.0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.after.unit,
            "period_before": self.before.period,
            "period_after": self.after.period,
            "peers": self.peers,
            "rows": [r.to_dict() for r in self.rows],
        }


def _leaf(pc: PeriodComparison, r: PeriodRow) -> bool:
    return pc.after.methodology[r.code].is_leaf


def _place(unit: str, cards: Sequence[ScoreCard], code: str, decimals: int) -> int | None:
    """Competition rank (1, 2, 2, 4) of ``unit`` on node ``code``, by the rounded index."""
    keyed = []
    for c in cards:
        idx = c[code].index if code else c.index
        if idx is not None:
            keyed.append((c.unit, publish_round(idx, decimals)))
    mine = next((k for u, k in keyed if u == unit), None)
    if mine is None:
        return None
    return 1 + sum(1 for _, k in keyed if k > mine)


def compare_periods(
    before: ScoreCard,
    after: ScoreCard,
    *,
    previous_peers: Iterable[ScoreCard] | None = None,
    peers: Iterable[ScoreCard] | None = None,
    peers_before: Iterable[ScoreCard] | None = None,
    peers_after: Iterable[ScoreCard] | None = None,
) -> PeriodComparison:
    """Per node: points and index in each period, and with peers the place on each node.

    ``before`` is the card of the earlier period, ``after`` the later one; ``previous_peers``
    and ``peers`` are the cards of the other units in each period (the same words as
    :func:`parindex.report.build_report`; ``peers_before``/``peers_after`` are deprecated).
    Both cards must be scored under the same methodology (for two versions, use
    :func:`compare_versions` with a crosswalk). The places are competition ranks on the index
    rounded as published; each period's peers include the unit itself (added if absent).
    """
    if peers_before is not None:
        renamed("compare_periods(peers_before=)", "compare_periods(previous_peers=)")
        previous_peers = peers_before if previous_peers is None else previous_peers
    if peers_after is not None:
        renamed("compare_periods(peers_after=)", "compare_periods(peers=)")
        peers = peers_after if peers is None else peers
    if before.methodology.id != after.methodology.id:
        raise ParIndexError(
            f"the two periods were scored under {before.methodology.id} and "
            f"{after.methodology.id}; compare versions through a crosswalk",
            value=[before.methodology.id, after.methodology.id],
        )
    pb = pa = None
    if previous_peers is not None and peers is not None:
        pb = [c for c in previous_peers if c.unit != before.unit] + [before]
        pa = [c for c in peers if c.unit != after.unit] + [after]
        for c in (*pb, *pa):
            if c.methodology.id != after.methodology.id:
                raise ParIndexError(
                    "every peer must be scored under the same methodology",
                    unit=c.unit,
                    value=c.methodology.id,
                )
    d = after.methodology.rounding.decimals
    rows = []
    for r in after.results:
        b = before[r.code] if r.code else before.total
        rows.append(
            PeriodRow(
                r.code,
                r.node.label,
                r.node.depth,
                b.adjusted_max,
                r.adjusted_max,
                b.points,
                r.points,
                b.index,
                r.index,
                _place(before.unit, pb, r.code, d) if pb is not None else None,
                _place(after.unit, pa, r.code, d) if pa is not None else None,
            )
        )
    return PeriodComparison(before, after, tuple(rows), None if pa is None else len(pa))


# -- version against version --------------------------------------------------------------------


@attrs.frozen
class VersionRow:
    """A mapped group: the earlier codes against the later ones."""

    source: tuple[str, ...]
    target: tuple[str, ...]
    kind: str
    label: Label
    max_before: float | None
    max_after: float | None
    points_before: float | None
    points_after: float | None

    @property
    def index_before(self) -> float | None:
        if self.points_before is None or not self.max_before:
            return None
        return self.points_before / self.max_before * 100.0

    @property
    def index_after(self) -> float | None:
        if self.points_after is None or not self.max_after:
            return None
        return self.points_after / self.max_after * 100.0

    @property
    def points_comparable(self) -> bool:
        return (
            self.max_before is not None
            and self.max_after is not None
            and abs(self.max_before - self.max_after) <= TOL
        )

    @property
    def points_change(self) -> float | None:
        """Only where the maxima agree; otherwise compare the index."""
        return _diff(self.points_before, self.points_after) if self.points_comparable else None

    @property
    def index_change(self) -> float | None:
        return _diff(self.index_before, self.index_after)

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": list(self.source),
            "to": list(self.target),
            "kind": self.kind,
            "label": self.label.to_dict(),
            "max_before": self.max_before,
            "max_after": self.max_after,
            "points_before": self.points_before,
            "points_after": self.points_after,
            "points_change": self.points_change,
            "index_before": self.index_before,
            "index_after": self.index_after,
            "index_change": self.index_change,
        }


@attrs.frozen
class VersionComparison:
    before: ScoreCard = attrs.field(repr=False)
    after: ScoreCard = attrs.field(repr=False)
    crosswalk: Crosswalk = attrs.field(repr=False)
    rows: tuple[VersionRow, ...]
    not_comparable: tuple[tuple[str, str, str], ...]  # (side, code, reason)

    def _common(self, side: str) -> tuple[float | None, float | None]:
        pts = [r.points_before if side == "before" else r.points_after for r in self.rows]
        mxs = [r.max_before if side == "before" else r.max_after for r in self.rows]
        if any(x is None for x in pts) or any(x is None for x in mxs):
            return None, None
        return math.fsum(x for x in pts if x is not None), math.fsum(
            x for x in mxs if x is not None
        )

    @property
    def common_before(self) -> tuple[float | None, float | None]:
        """(points, maximum) of the earlier card on the common part."""
        return self._common("before")

    @property
    def common_after(self) -> tuple[float | None, float | None]:
        return self._common("after")

    @property
    def common_index_before(self) -> float | None:
        p, m = self.common_before
        return None if p is None or not m else p / m * 100.0

    @property
    def common_index_after(self) -> float | None:
        p, m = self.common_after
        return None if p is None or not m else p / m * 100.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.crosswalk.from_id,
            "to": self.crosswalk.to_id,
            "common_before": list(self.common_before),
            "common_after": list(self.common_after),
            "common_index_before": self.common_index_before,
            "common_index_after": self.common_index_after,
            "rows": [r.to_dict() for r in self.rows],
            "not_comparable": [
                {"side": s, "code": c, "reason": why} for s, c, why in self.not_comparable
            ],
        }


def _group(card: ScoreCard, codes: Sequence[str]) -> tuple[float | None, float | None, bool]:
    pts: list[float] = []
    mxs: list[float] = []
    na = False
    for c in codes:
        r = card[c]
        if r.not_applicable:
            na = True
            continue
        if r.points is None or r.adjusted_max is None:
            return None, None, na
        pts.append(r.points)
        mxs.append(r.adjusted_max)
    if not pts:
        return None, None, na
    return math.fsum(pts), math.fsum(mxs), na


def compare_versions(
    before: ScoreCard, after: ScoreCard, crosswalk: Crosswalk
) -> VersionComparison:
    """Compare two cards scored under two versions, on the part the crosswalk maps.

    Each link compares the sum of its 'from' items with the sum of its 'to' items: points when the
    maxima agree, the index always. Not comparable, and listed: items dropped or added, items no
    link covers, and links where an item does not apply or its maximum is unknown.
    """
    crosswalk.check(before.methodology, after.methodology)
    rows = []
    notc: list[tuple[str, str, str]] = []
    for link in crosswalk.links:
        pb, mb, nab = _group(before, link.source)
        pa, ma, naa = _group(after, link.target)
        if nab or naa or pb is None or pa is None:
            why = "không áp dụng / not applicable" if (nab or naa) else "unknown maximum or points"
            for c in link.source:
                notc.append(("from", c, why))
            continue
        label = after.methodology[link.target[0]].label
        rows.append(VersionRow(link.source, link.target, link.kind, label, mb, ma, pb, pa))
    for c in crosswalk.dropped:
        notc.append(("from", c, "dropped in the later version"))
    for c in crosswalk.added:
        notc.append(("to", c, "new in the later version"))
    for c in crosswalk.unmapped(before.methodology, "from"):
        notc.append(("from", c, "not in the crosswalk"))
    for c in crosswalk.unmapped(after.methodology, "to"):
        notc.append(("to", c, "not in the crosswalk"))
    return VersionComparison(before, after, crosswalk, tuple(rows), tuple(notc))
