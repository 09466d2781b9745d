"""A panel: many units over many periods, possibly under several methodology versions.

``Panel(cards)`` holds score cards of units × periods (a card's ``period``); each period is
scored under one methodology. :meth:`Panel.to_frame` gives the long layout (one row per unit,
period and node) or the wide one (one row per unit and period, one column per node), and
:meth:`Panel.places` the competition places within each period.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import attrs

from .._types import TieRule
from ..card import ScoreCard
from ..errors import MissingExtraError, ParIndexError
from ..methodology.model import ROOT
from .rank import rank

__all__ = ["Panel", "panel"]


def _cards(cards: Iterable[ScoreCard]) -> tuple[ScoreCard, ...]:
    return tuple(cards)


@attrs.frozen(eq=False)
class Panel:
    """Score cards of many units over many periods (one methodology per period)."""

    cards: tuple[ScoreCard, ...] = attrs.field(converter=_cards)

    def __attrs_post_init__(self) -> None:
        seen: set[tuple[str, str | None]] = set()
        version: dict[str | None, str] = {}
        for c in self.cards:
            key = (c.unit, c.period)
            if key in seen:
                raise ParIndexError(
                    "a unit appears twice in one period of the panel", unit=c.unit, value=c.period
                )
            seen.add(key)
            mid = version.setdefault(c.period, c.methodology.id)
            if mid != c.methodology.id:
                raise ParIndexError(
                    "the cards of one period must be scored under one methodology",
                    unit=c.unit,
                    value=[mid, c.methodology.id],
                )

    @property
    def periods(self) -> tuple[str | None, ...]:
        """The periods, in sorted order (``None`` first)."""
        found = {c.period for c in self.cards}
        return tuple(sorted(found, key=lambda p: (p is not None, p or "")))

    @property
    def units(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.unit for c in self.cards))

    def methodology_of(self, period: str | None) -> str:
        """The id of the methodology of ``period``."""
        for c in self.cards:
            if c.period == period:
                return c.methodology.id
        raise ParIndexError("the panel has no such period", value=period)

    def period(self, period: str | None) -> tuple[ScoreCard, ...]:
        """The cards of one period."""
        return tuple(c for c in self.cards if c.period == period)

    def places(self, tie: TieRule = "rounded") -> dict[tuple[str, str | None], int | None]:
        """Each (unit, period)'s place within its period (:func:`~parindex.rank`)."""
        out: dict[tuple[str, str | None], int | None] = {}
        for p in self.periods:
            for row in rank(self.period(p), tie=tie).rows:
                out[(row.unit, p)] = row.place
        return out

    def rows(self) -> list[dict[str, Any]]:
        """The long layout: one row per unit, period and node (the total has code ``""``)."""
        places = self.places()
        out: list[dict[str, Any]] = []
        for c in self.cards:
            for r in c.results:
                out.append(
                    {
                        "unit": c.unit,
                        "period": c.period,
                        "methodology": c.methodology.id,
                        "code": r.code,
                        "points": r.points,
                        "adjusted_max": r.adjusted_max,
                        "index": c.index if r.code == ROOT else r.index,
                        "place": places[(c.unit, c.period)] if r.code == ROOT else None,
                    }
                )
        return out

    def to_frame(self, layout: Literal["long", "wide"] = "long", value: str = "index") -> Any:
        """A pandas DataFrame: ``"long"`` (:meth:`rows`) or ``"wide"`` (one row per unit and
        period, with the methodology, the place and one column per node holding ``value``:
        ``index``, ``points`` or ``adjusted_max``; codes of other versions are other columns)."""
        if layout not in ("long", "wide"):
            raise ParIndexError("layout is 'long' or 'wide'", value=layout)
        if value not in ("index", "points", "adjusted_max"):
            raise ParIndexError("value is 'index', 'points' or 'adjusted_max'", value=value)
        try:
            import pandas as pd
        except ImportError:
            raise MissingExtraError.for_extra("pandas", "pandas", "panel frames") from None
        if layout == "long":
            return pd.DataFrame(self.rows())
        places = self.places()
        wide: list[dict[str, Any]] = []
        for c in self.cards:
            row: dict[str, Any] = {
                "unit": c.unit,
                "period": c.period,
                "methodology": c.methodology.id,
                "place": places[(c.unit, c.period)],
            }
            for r in c.results:
                x = c.index if (r.code == ROOT and value == "index") else getattr(r, value)
                row["total" if r.code == ROOT else r.code] = x
            wide.append(row)
        return pd.DataFrame(wide)


def panel(cards: Iterable[ScoreCard]) -> Panel:
    """A :class:`Panel` of ``cards``."""
    return Panel(_cards(cards))
