"""Checking anything keyed by units (assessments, responsibility maps, results) against a unit
list: unknown units, units of the wrong type, units with nothing given."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from ..assessment import Assessment
from ..errors import UnitError
from ..units import UNIT_TYPES, UnitList

__all__ = ["UnitCheck", "check_units"]


@attrs.frozen
class UnitCheck:
    """What a set of unit keys has that a unit list does not, and the other way round."""

    unknown: tuple[str, ...]
    wrong_type: tuple[tuple[str, str, str], ...]  # (unit, type given, type in the list)
    missing: tuple[str, ...]
    list_source: str = ""
    source: str | None = None
    suggestions: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, eq=False)

    @property
    def ok(self) -> bool:
        """True when no unit is unknown and no type disagrees (missing units are allowed)."""
        return not self.unknown and not self.wrong_type

    def raise_for_errors(self, *, require_all: bool = False) -> None:
        """Raise :class:`UnitError` for unknown units or wrong types (and missing units if
        ``require_all``); the message lists every unit at fault."""
        where = f"the unit list {self.list_source}" if self.list_source else "the unit list"
        if self.unknown:
            parts = []
            for u in self.unknown:
                close = self.suggestions.get(u, ())
                parts.append(f"{u!r}" + (f" (did you mean {', '.join(close)}?)" if close else ""))
            raise UnitError(
                f"{len(self.unknown)} unit(s) not in {where}: {', '.join(parts)}",
                file=self.source,
                unit=self.unknown[0],
                value=list(self.unknown),
            )
        if self.wrong_type:
            u, given, _listed = self.wrong_type[0]
            shown = "; ".join(
                f"{a!r} is given as {b!r} but listed as {c!r}" for a, b, c in self.wrong_type
            )
            raise UnitError(
                f"unit type disagrees with {where}: {shown}",
                file=self.source,
                unit=u,
                value=given,
            )
        if require_all and self.missing:
            raise UnitError(
                f"{len(self.missing)} unit(s) of {where} have nothing: {', '.join(self.missing)}",
                file=self.source,
                unit=self.missing[0],
                value=list(self.missing),
            )


def check_units(
    units: UnitList,
    items: Iterable[Any] | Mapping[str, Any],
    *,
    types: Iterable[str] | None = None,
    source: str | None = None,
) -> UnitCheck:
    """Check the units of ``items`` against a unit list.

    ``items`` may be assessments, score cards (anything with a ``unit`` attribute), plain unit
    ids, a mapping keyed by unit ids (results, targets...), or nested lists of these: for a map
    whose VALUES name units (criterion → responsible units), pass ``mapping.values()``.
    ``types`` restricts which listed units are expected (for ``missing``); by default every unit
    of the list is. An assessment whose ``unit_type`` is one of the unit-list types
    (``department``, ``commune``...) must match the unit's listed type; a scheme-specific type
    (such as ``department_no_tthc``) is left to the methodology.
    """
    keys: list[str] = []
    given_types: dict[str, str] = {}

    def collect(obj: Any, depth: int) -> None:
        if isinstance(obj, Assessment):
            keys.append(obj.unit)
            if obj.unit_type is not None:
                given_types.setdefault(obj.unit, obj.unit_type)
        elif isinstance(obj, str):
            keys.append(obj)
        elif isinstance(getattr(obj, "unit", None), str):
            keys.append(obj.unit)
        elif isinstance(obj, Mapping) and depth < 4:
            for k in obj:
                collect(k, depth + 1)
        elif isinstance(obj, Iterable) and depth < 4:
            for x in obj:
                collect(x, depth + 1)
        else:
            raise UnitError(
                "expected assessments, cards, unit ids, or a mapping keyed by unit ids",
                file=source,
                value=type(obj).__name__,
            )

    collect(items, 0)
    unknown: list[str] = []
    seen: set[str] = set()
    for k in keys:
        if k not in units and k not in unknown:
            unknown.append(k)
        seen.add(k)
    wrong: list[tuple[str, str, str]] = []
    for u, t in given_types.items():
        listed = units.get(u)
        if listed is not None and t in UNIT_TYPES and t != listed.type:
            wrong.append((u, t, listed.type))
    wanted = None if types is None else set(types)
    if wanted is not None:
        bad = sorted(wanted - set(UNIT_TYPES))
        if bad:
            raise UnitError(f"unit type must be one of {', '.join(UNIT_TYPES)}", value=bad[0])
    missing = tuple(
        u.id for u in units if u.id not in seen and (wanted is None or u.type in wanted)
    )
    suggestions = {u: tuple(difflib.get_close_matches(u, list(units.ids), n=3)) for u in unknown}
    return UnitCheck(
        tuple(unknown),
        tuple(wrong),
        missing,
        units.source,
        source,
        MappingProxyType(suggestions),
    )
