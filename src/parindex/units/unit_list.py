"""A province's own list of scored units (departments, communes/wards) and its file readers."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

import attrs

from .._files import csv_rows, read_text
from .._text import fold_ascii, nfc_strip
from ..errors import MethodologyError, UnitError
from ..methodology.yamlio import MarkedDict, MarkedList, load_yaml
from ._base import ONE_DAY, Province, as_date, fmt_day
from .lookup import province
from .registry import get_registry

__all__ = ["UNIT_TYPES", "Unit", "UnitList", "UnitType", "load_unit_list"]

UnitType = Literal["department", "district", "commune", "ward", "central_agency", "other"]
UNIT_TYPES: tuple[UnitType, ...] = (
    "department",
    "district",
    "commune",
    "ward",
    "central_agency",
    "other",
)


@attrs.frozen
class Unit:
    """A unit scored by a province: a department (sở), a commune (xã) or ward (phường), etc."""

    id: str
    name: str
    type: UnitType


def _unit_index(units: tuple[Unit, ...]) -> Mapping[str, Unit]:
    return MappingProxyType({u.id: u for u in units})


@attrs.frozen
class UnitList:
    """The units a province scores in a period (valid_from/valid_to inclusive, ``None`` open)."""

    province: Province
    valid_from: dt.date | None
    valid_to: dt.date | None
    units: tuple[Unit, ...]
    source: str = ""
    _index: Mapping[str, Unit] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", _unit_index(self.units))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, source: str) -> UnitList:
        """Build and validate a unit list from ``{province, valid_from, valid_to, units}``.

        ``source`` names where the data came from (a file name); errors quote it.
        """
        return _unit_list(data, source=source, lines=None, line_of_header=None)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(u.id for u in self.units)

    def get(self, unit_id: str, default: Unit | None = None) -> Unit | None:
        return self._index.get(unit_id, default)

    def __getitem__(self, unit_id: str) -> Unit:
        try:
            return self._index[unit_id]
        except KeyError:
            close = difflib.get_close_matches(str(unit_id), list(self._index), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UnitError(
                f"no unit {unit_id!r} in the list of {self.province.label}{hint}",
                file=self.source or None,
                value=unit_id,
            ) from None

    def find(self, text: str) -> Unit:
        """The unit whose id or name is ``text``, ignoring case and diacritics ("so tu phap"
        finds "Sở Tư pháp"); refused naming the closest ids when none or several match."""
        if text in self._index:
            return self._index[text]
        key = fold_ascii(nfc_strip(text))
        if not key:
            raise UnitError("the unit name is empty", file=self.source or None, value=text)
        found = [u for u in self.units if key in (fold_ascii(u.id), fold_ascii(u.name))]
        if len(found) == 1:
            return found[0]
        if found:
            raise UnitError(
                f"several units of the list match: {', '.join(u.id for u in found)}",
                file=self.source or None,
                unit=text,
            )
        names = {fold_ascii(u.id): u.id for u in self.units} | {
            fold_ascii(u.name): u.id for u in self.units
        }
        close = [names[c] for c in difflib.get_close_matches(key, list(names), n=3, cutoff=0.5)]
        hint = f"; closest: {', '.join(dict.fromkeys(close))}" if close else ""
        raise UnitError(
            f"not in the unit list of {self.province.label}{hint}",
            file=self.source or None,
            unit=text,
        )

    def __contains__(self, unit_id: object) -> bool:
        return isinstance(unit_id, str) and unit_id in self._index

    def __iter__(self) -> Iterator[Unit]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    def of_type(self, unit_type: str) -> tuple[Unit, ...]:
        """The units of one type ("department", "commune", ...)."""
        if unit_type not in UNIT_TYPES:
            raise UnitError(f"unit type must be one of {', '.join(UNIT_TYPES)}", value=unit_type)
        return tuple(u for u in self.units if u.type == unit_type)

    def check(self, ids: Iterable[str]) -> list[str]:
        """The ids not in this list, in the order first seen (empty when all are known)."""
        unknown: list[str] = []
        for unit_id in ids:
            if unit_id not in self and unit_id not in unknown:
                unknown.append(unit_id)
        return unknown


_UNIT_FIELDS = frozenset({"id", "name", "type"})
_LIST_FIELDS = frozenset({"province", "valid_from", "valid_to", "units"})


def _list_date(value: object, field: str, source: str, line: int | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date | str):
        try:
            return as_date(value)
        except UnitError:
            pass
    raise UnitError(f"{field} must be a YYYY-MM-DD date", file=source, line=line, value=value)


def _unit_list(
    data: Mapping[str, Any],
    *,
    source: str,
    lines: Sequence[int | None] | None,
    line_of_header: int | None,
) -> UnitList:
    if not isinstance(data, Mapping):
        raise UnitError(
            "a unit list is a mapping with province, valid_from, valid_to, units",
            file=source,
            value=type(data).__name__,
        )
    extra = sorted(set(map(str, data)) - _LIST_FIELDS)
    if extra:
        raise UnitError(
            f"unknown field(s) {', '.join(extra)}", file=source, line=line_of_header, value=extra
        )
    if "province" not in data:
        raise UnitError("missing 'province'", file=source, line=line_of_header)
    start = _list_date(data.get("valid_from"), "valid_from", source, line_of_header)
    end = _list_date(data.get("valid_to"), "valid_to", source, line_of_header)
    if start is not None and end is not None and end < start:
        raise UnitError(
            f"valid_to {end} is before valid_from {start}",
            file=source,
            line=line_of_header,
            value=end.isoformat(),
        )

    key = data["province"]
    day = start or end or dt.date.today()
    try:
        record = province(key, on=day)
    except UnitError as error:
        raise cast(UnitError, error.with_context(file=source, line=line_of_header)) from None
    starts_ok = record.valid_from is None or (start is not None and start >= record.valid_from)
    ends_ok = record.valid_to is None or (end is not None and end <= record.valid_to)
    if not (starts_ok and ends_ok):
        raise UnitError(
            f"{record.label} exists from {fmt_day(record.valid_from)} to {fmt_day(record.valid_to)}, "
            f"but the list runs from {fmt_day(start)} to {fmt_day(end)}",
            file=source,
            line=line_of_header,
            unit=record.id,
            value=key,
        )

    raw_units = data.get("units")
    if not isinstance(raw_units, list):
        raise UnitError(
            "'units' must be a list of {id, name, type}",
            file=source,
            line=line_of_header,
            value=type(raw_units).__name__,
        )
    abolished = get_registry().merger_date
    units: list[Unit] = []
    first_seen: dict[str, int] = {}
    for index, raw in enumerate(raw_units):
        line = lines[index] if lines is not None and index < len(lines) else None
        where: dict[str, Any] = {"file": source}
        if line is not None:
            where["line"] = line
        else:
            where["row"] = index + 1
        if not isinstance(raw, Mapping):
            raise UnitError("a unit is a mapping with id, name, type", value=raw, **where)
        extra = sorted(set(map(str, raw)) - _UNIT_FIELDS)
        if extra:
            raise UnitError(f"unknown unit field(s) {', '.join(extra)}", value=extra, **where)
        unit_id = raw.get("id")
        if not isinstance(unit_id, str) or not unit_id.strip():
            hint = (
                " (quote ids in YAML so that leading zeros are kept)"
                if isinstance(unit_id, int)
                else ""
            )
            raise UnitError(f"a unit id must be a non-empty text{hint}", value=unit_id, **where)
        unit_id = unit_id.strip()
        where["unit"] = unit_id
        if unit_id in first_seen:
            raise UnitError(
                f"duplicate unit id (first at {'line' if lines else 'row'} {first_seen[unit_id]})",
                value=unit_id,
                **where,
            )
        first_seen[unit_id] = line if line is not None else index + 1
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise UnitError("a unit needs a non-empty name", value=name, **where)
        unit_type = raw.get("type")
        if unit_type not in UNIT_TYPES:
            raise UnitError(
                f"unit type must be one of {', '.join(UNIT_TYPES)}", value=unit_type, **where
            )
        if unit_type == "district" and (end is None or end >= abolished):
            raise UnitError(
                f"the district level (cấp huyện) was abolished on {abolished.isoformat()}; "
                f"a list with district units must end by "
                f"{(abolished - ONE_DAY).isoformat()} (this one ends {fmt_day(end)})",
                value=unit_type,
                **where,
            )
        units.append(
            Unit(
                id=unit_id,
                name=nfc_strip(name),
                type=cast(UnitType, unit_type),
            )
        )
    return UnitList(
        province=record, valid_from=start, valid_to=end, units=tuple(units), source=source
    )


def _csv_unit_list(text: str, source: str) -> UnitList:
    table = csv_rows(text, file=source, error=UnitError)
    fields = table.header or []
    required = {"province", "id", "name", "type"}
    missing = sorted(required - set(fields))
    if missing:
        raise UnitError(
            f"missing column(s) {', '.join(missing)}", file=source, line=1, value=fields
        )
    unknown = sorted(set(fields) - required - {"valid_from", "valid_to"})
    if unknown:
        raise UnitError(
            f"unknown column(s) {', '.join(unknown)}", file=source, line=1, value=unknown
        )
    header: dict[str, str] | None = None
    header_line: int | None = None
    units: list[dict[str, str]] = []
    lines: list[int | None] = []
    for row, raw in table.rows():
        if len(raw) > len(fields):
            raise UnitError(
                "the row has more cells than the header", file=source, row=row, value=raw
            )
        cells = {k: nfc_strip(v) for k, v in zip(fields, raw, strict=False)}
        meta = {k: cells.get(k, "") for k in ("province", "valid_from", "valid_to")}
        if header is None:
            header, header_line = meta, row
        elif meta != header:
            changed = next(k for k in meta if meta[k] != header[k])
            raise UnitError(
                f"every row must have the same {changed} (line {header_line} has "
                f"{header[changed]!r})",
                file=source,
                line=row,
                value=meta[changed],
            )
        units.append({k: cells.get(k, "") for k in ("id", "name", "type")})
        lines.append(row)
    if header is None:
        raise UnitError("the file has no units", file=source)
    data: dict[str, Any] = {**header, "units": units}
    return _unit_list(data, source=source, lines=lines, line_of_header=header_line)


def load_unit_list(path: str | PathLike[str]) -> UnitList:
    """Read a unit list from a YAML (.yaml/.yml) or CSV (.csv) file.

    YAML: ``province``, ``valid_from``, ``valid_to`` and ``units: [{id, name, type}]``.
    CSV: columns ``province, valid_from, valid_to, id, name, type``, one unit a row, with the same
    province and dates on every row.
    """
    file = Path(path)
    source = str(path)
    suffix = file.suffix.lower()
    if suffix not in {".yaml", ".yml", ".csv"}:
        raise UnitError("a unit list is a .yaml, .yml or .csv file", file=source, value=suffix)
    text = read_text(file, error=UnitError, wide=suffix == ".csv")
    if suffix == ".csv":
        return _csv_unit_list(text, source)
    try:
        data = load_yaml(text, file=source)
    except MethodologyError as error:
        raise UnitError(
            f"not valid YAML: {error.message}", file=source, line=error.line, column=error.column
        ) from None
    lines: list[int | None] | None = None
    header: int | None = None
    if isinstance(data, MarkedDict):
        header = data.mark[0]
        seq = data.get("units")
        if isinstance(seq, MarkedList):
            lines = [m[0] for m in seq.item_marks]
    if not isinstance(data, Mapping):
        raise UnitError(
            "a unit list is a mapping with province, valid_from, valid_to, units",
            file=source,
            value=type(data).__name__,
        )
    return _unit_list(data, source=source, lines=lines, line_of_header=header)
