"""Scoring a province's units with its scheme family: each unit by the member tree that fits its
type, after checking the units, the province, the year and the applicability rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType

import attrs

from ..assessment import Assessment
from ..card import ScoreCard
from ..engine import score
from ..errors import MethodologyError, UnitError
from ..units import UNIT_TYPES, Unit, UnitList
from ._hints import close_hint
from .applicability import Applicability, apply_applicability
from .family import Member, SchemeFamily
from .units_check import check_units

__all__ = ["FamilyCards", "score_family"]


@attrs.frozen
class FamilyCards:
    """The cards of a province's units, each scored by the member tree that fits its type."""

    family: SchemeFamily = attrs.field(repr=False)
    units: UnitList = attrs.field(repr=False)
    cards: Mapping[str, ScoreCard] = attrs.field(repr=False)
    year: int | None = None

    def __getitem__(self, unit_id: str) -> ScoreCard:
        try:
            return self.cards[unit_id]
        except KeyError:
            raise UnitError(
                "no card for this unit" + close_hint(unit_id, self.cards),
                unit=unit_id,
                value=unit_id,
            ) from None

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self.cards

    def __iter__(self) -> Iterator[ScoreCard]:
        return iter(self.cards.values())

    def __len__(self) -> int:
        return len(self.cards)

    def by_scheme(self, scheme: str) -> tuple[ScoreCard, ...]:
        """The cards scored by one member (``"department"``), in unit-list order; they share a
        methodology, so they can be ranked together with :func:`parindex.rank`."""
        member = self.family.member(scheme)
        return tuple(c for c in self.cards.values() if c.methodology.id == member.id)

    def missing_units(self) -> tuple[str, ...]:
        """Units of the list, of a type the family scores, that have no card."""
        types = {
            t
            for m in self.family.members
            if self.year is None or self.year in m.years
            for t in m.unit_types
        }
        return tuple(u.id for u in self.units if u.type in types and u.id not in self.cards)


def _unit_type_for(member: Member, unit: Unit, a: Assessment) -> str | None:
    given = a.unit_type
    if given is None:
        return unit.type if unit.type in member.methodology.unit_types else None
    if given in UNIT_TYPES and given != unit.type:
        raise UnitError(
            f"the assessment gives the unit type {given!r}, the unit list {unit.type!r}",
            file=None,
            unit=unit.id,
            value=given,
        )
    return given


def score_family(
    family: SchemeFamily,
    units: UnitList,
    assessments: Iterable[Assessment],
    *,
    year: int | None = None,
    applicability: Applicability | None = None,
    upto: str | None = None,
) -> FamilyCards:
    """Score every assessment with the member tree for its unit's type.

    Checks first, and refuses with a :class:`UnitError` naming every unit at fault: units not in
    the list, unit types that disagree with it, a unit list of another province than the
    family's, a year the family does not govern, and applicability rules naming unknown units.
    Items that do not apply to named units are marked not applicable
    (:func:`apply_applicability`) and scored with the member's not-applicable policy.
    """
    items = list(assessments)
    if year is not None and not family.covers(year):
        raise MethodologyError(
            f"the family {family.id} governs {', '.join(map(str, family.years))}, not {year}",
            file=family.file,
            value=year,
        )
    if family.province is not None and family.province.id != units.province.id:
        raise UnitError(
            f"the family {family.id} is for {family.province.label}, the unit list for "
            f"{units.province.label}",
            file=units.source or None,
            value=units.province.id,
        )
    if year is not None and not _list_covers(units, year):
        raise UnitError(
            f"the unit list runs from {units.valid_from or '…'} to {units.valid_to or '…'}, "
            f"outside the year {year}",
            file=units.source or None,
            value=year,
        )
    check_units(units, items).raise_for_errors()
    seen: set[str] = set()
    for a in items:
        if a.unit in seen:
            raise UnitError("the unit has two assessments", unit=a.unit, value=a.period)
        seen.add(a.unit)
    if applicability is not None:
        applicability.check_units(units)
        for u in applicability.units:
            member = family.member_for(units[u].type, year, unit=u)
            applicability.check(member.methodology, [u])
    cards: dict[str, ScoreCard] = {}
    order = {uid: i for i, uid in enumerate(units.ids)}
    for a in sorted(items, key=lambda x: order[x.unit]):
        unit = units[a.unit]
        member = family.member_for(unit.type, year, unit=unit.id)
        m = member.methodology
        ut = _unit_type_for(member, unit, a)
        prepared = Assessment(a.unit, a.stages, a.period, ut)
        if applicability is not None:
            prepared = apply_applicability(m, prepared, applicability)
        cards[unit.id] = score(m, prepared, upto=upto)
    return FamilyCards(family, units, MappingProxyType(cards), year)


def _list_covers(units: UnitList, year: int) -> bool:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if units.valid_from is not None and units.valid_from > end:
        return False
    return not (units.valid_to is not None and units.valid_to < start)
