"""Ranking units by index, with groups and changes against an earlier set of cards."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from .. import _hooks
from .._compat import renamed
from .._safe import clean
from .._text import group_text, present, publish_round
from .._types import Lang, TieRule, check_lang
from ..card import ScoreCard
from ..errors import ParIndexError
from ..methodology.model import Group
from .crosswalk import Crosswalk

__all__ = ["TIE_RULES", "RankRow", "Ranking", "rank"]

#: The text of each tie rule, in Vietnamese and English.
TIE_RULES: dict[TieRule, tuple[str, str]] = {
    "rounded": (
        "Xếp hạng kiểu thi đấu (1, 2, 2, 4) theo chỉ số đã làm tròn như khi công bố; "
        "đơn vị có chỉ số bằng nhau (sau làm tròn) cùng hạng.",
        "Competition ranking (1, 2, 2, 4) on the index as published (rounded to the "
        "methodology's decimals); units with equal published indices share a place.",
    ),
    "exact": (
        "Xếp hạng kiểu thi đấu (1, 2, 2, 4) theo chỉ số chính xác (không làm tròn).",
        "Competition ranking (1, 2, 2, 4) on the exact (unrounded) index.",
    ),
}


@attrs.frozen
class RankRow:
    """One unit's place: ``group`` is the unit's :class:`~parindex.Group` (``group_code`` its
    code), ``adjusted_max`` the maximum after items that do not apply, and ``previous_*`` the
    figures of the earlier ranking (``rank(..., previous=)``)."""

    unit: str
    place: int | None
    index: float | None
    points: float | None
    adjusted_max: float | None
    group: Group | None
    previous_place: int | None = None
    previous_index: float | None = None
    previous_points: float | None = None

    @property
    def group_code(self) -> str | None:
        """The code of :attr:`group` (``None`` without a group)."""
        return self.group.code if self.group else None

    @property
    def max_points(self) -> float | None:
        """Deprecated: use :attr:`adjusted_max`."""
        renamed("RankRow.max_points", "RankRow.adjusted_max")
        return self.adjusted_max

    @property
    def place_change(self) -> int | None:
        """Places gained (positive) or lost (negative) against the earlier ranking."""
        if self.place is None or self.previous_place is None:
            return None
        return self.previous_place - self.place

    @property
    def index_change(self) -> float | None:
        if self.index is None or self.previous_index is None:
            return None
        return self.index - self.previous_index

    @property
    def points_change(self) -> float | None:
        if self.points is None or self.previous_points is None:
            return None
        return self.points - self.previous_points

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "place": self.place,
            "index": self.index,
            "points": self.points,
            "max_points": self.adjusted_max,
            "group": self.group_code,  # the code, as before; also under "group_code"
            "group_code": self.group_code,
            "previous_place": self.previous_place,
            "place_change": self.place_change,
            "index_change": self.index_change,
            "points_change": self.points_change,
        }


@attrs.frozen
class Ranking:
    """Units in order of place; units whose index cannot be computed come last, unranked."""

    rows: tuple[RankRow, ...]
    tie: TieRule
    decimals: int = 2

    @property
    def tie_rule(self) -> str:
        """The tie rule stated in Vietnamese (``tie_rule_text("vi")``)."""
        return TIE_RULES[self.tie][0]

    def tie_rule_text(self, lang: Lang = "vi") -> str:
        """The tie rule stated in Vietnamese (``"vi"``) or English (``"en"``)."""
        return TIE_RULES[self.tie][0 if check_lang(lang) == "vi" else 1]

    @property
    def tie_rule_en(self) -> str:
        """Deprecated: use ``tie_rule_text("en")``."""
        renamed("Ranking.tie_rule_en", 'Ranking.tie_rule_text("en")')
        return self.tie_rule_text("en")

    def __iter__(self) -> Iterator[RankRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, unit: str) -> RankRow:
        for r in self.rows:
            if r.unit == unit:
                return r
        raise ParIndexError("no such unit in the ranking", unit=unit)

    def to_dicts(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.rows]

    def to_dict(self) -> dict[str, Any]:
        """The ranking as one object (the ``ranking`` JSON Schema): its rows in order of place."""
        return {"format_version": "1", "rows": self.to_dicts()}

    def table(self, lang: Lang = "vi") -> str:
        check_lang(lang)
        head = (
            ("Hạng", "Đơn vị", "Chỉ số (%)", "Điểm", "Nhóm", "Thay đổi hạng")
            if lang == "vi"
            else ("Place", "Unit", "Index (%)", "Points", "Group", "Place change")
        )
        rows = [head]
        for r in self.rows:
            ch = r.place_change
            rows.append(
                (
                    "—" if r.place is None else str(r.place),
                    clean(r.unit, newlines=False),
                    present(r.index, self.decimals, lang=lang),
                    present(r.points, self.decimals, lang=lang),
                    _group_cell(r.group, lang),
                    "—" if ch is None else (f"+{ch}" if ch > 0 else str(ch)),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        note = self.tie_rule_text(lang)
        return "\n".join([*lines, "", note])

    def _repr_html_(self) -> str:
        return _hooks.html(self)  # parindex.render.notebook.ranking_html


def _group_cell(group: Group | None, lang: Lang) -> str:
    # the group's label in Vietnamese ("Nhóm B" without one); the bare code in English
    if group is None:
        return "—"
    return group.code if lang == "en" else group_text(group.code, group.label, lang)


def _key(card: ScoreCard, tie: TieRule, decimals: int) -> float | None:
    idx = card.index
    if idx is None:
        return None
    return publish_round(idx, decimals) if tie == "rounded" else idx


def rank(
    cards: Iterable[ScoreCard],
    *,
    previous: Iterable[ScoreCard] | None = None,
    tie: TieRule = "rounded",
    crosswalk: Crosswalk | None = None,
) -> Ranking:
    """Rank cards by index, high to low, with competition ranking (1, 2, 2, 4).

    ``tie="rounded"`` (default) treats indices that are equal as published (rounded to the
    methodology's decimals) as a tie; ``tie="exact"`` compares unrounded values. ``previous``
    gives an earlier set of cards: each row then carries the earlier place, index and points.
    An earlier set scored under another methodology is refused unless ``crosswalk`` (from
    :func:`~parindex.analysis.crosswalk.load_crosswalk`) links the two versions, as
    :func:`~parindex.analysis.compare.compare_periods` refuses it.
    """
    if tie not in TIE_RULES:
        raise ParIndexError(f"unknown tie rule; expected one of {', '.join(TIE_RULES)}", value=tie)
    cards = list(cards)
    decimals = cards[0].methodology.rounding.decimals if cards else 2
    seen: set[str] = set()
    for c in cards:
        if c.unit in seen:
            raise ParIndexError("the same unit appears twice among the cards to rank", unit=c.unit)
        seen.add(c.unit)
    ids = {c.methodology.id for c in cards}
    if len(ids) > 1:
        raise ParIndexError(
            "cards scored under different methodologies cannot be ranked together; compare them "
            "through a crosswalk",
            value=sorted(ids),
        )
    keyed = [(c, _key(c, tie, decimals)) for c in cards]
    ranked = sorted((x for x in keyed if x[1] is not None), key=lambda x: (-x[1], x[0].unit))  # type: ignore[operator]
    unranked = sorted((x for x in keyed if x[1] is None), key=lambda x: x[0].unit)
    prev_rows: dict[str, RankRow] = {}
    if previous is not None:
        previous = list(previous)
        _check_previous(cards, previous, crosswalk)
        prev = rank(previous, tie=tie)
        prev_rows = {r.unit: r for r in prev.rows}
    rows: list[RankRow] = []
    place = 0
    last: float | None = None
    for i, (c, k) in enumerate(ranked, start=1):
        if k != last:
            place = i
            last = k
        rows.append(_row(c, place, prev_rows.get(c.unit)))
    rows.extend(_row(c, None, prev_rows.get(c.unit)) for c, _ in unranked)
    return Ranking(tuple(rows), tie, decimals)


def _check_previous(
    cards: list[ScoreCard], previous: list[ScoreCard], crosswalk: Crosswalk | None
) -> None:
    """Refuse an earlier ranking scored under another methodology, unless a crosswalk links the
    two versions (checked against both)."""
    if not cards or not previous:
        return
    now, before = cards[0].methodology, previous[0].methodology
    if before.id == now.id:
        return
    if crosswalk is None:
        raise ParIndexError(
            f"the previous ranking was scored under {before.id} and this one under {now.id}; "
            "give crosswalk= (load_crosswalk) to set places of two versions side by side",
            value=[before.id, now.id],
        )
    crosswalk.check(before, now)


def _row(c: ScoreCard, place: int | None, prev: RankRow | None) -> RankRow:
    return RankRow(
        c.unit,
        place,
        c.index,
        c.points,
        c.adjusted_max,
        c.group,
        prev.place if prev else None,
        prev.index if prev else None,
        prev.points if prev else None,
    )
