"""Province registry: the 63 province-level units, the six regions, and the 2025 reorganisation.

Vietnam had 63 province-level units (tỉnh, thành phố trực thuộc trung ương) until 30 June 2025.
From 1 July 2025 there are 34: eleven unchanged and twenty-three formed by merging, and the
district level (cấp huyện) is gone. Every unit therefore has a validity period, and every lookup
takes a date (``on=``; default: today).

The facts live in ``parindex/data/provinces.yaml``; each fact group carries its source and status
(confirmed / derived / inferred / unknown). The statistics codes of the merged units are not
recorded: such units have ``code=None`` and ``code_status="unknown"``.

Besides the registry, this module has the small amount of arithmetic that depends on it: plain
regional and national means (as MOHA publishes regional averages), pro-forma figures combining the
pre-merger results of a merged province, and :class:`UnitList`, a province's own list of scored
units (departments, communes/wards) for a period.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import io
import itertools
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import resources
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeAlias, cast

import attrs
import yaml

from parindex.errors import UnitError

__all__ = [
    "STATUSES",
    "UNIT_TYPES",
    "DateLike",
    "ProForma",
    "Province",
    "ProvinceName",
    "Region",
    "Status",
    "Unit",
    "UnitList",
    "UnitType",
    "components_of",
    "load_unit_list",
    "merger_date",
    "national_mean",
    "normalize_name",
    "pro_forma",
    "province",
    "provinces",
    "region",
    "region_of",
    "regional_means",
    "regions",
    "successor_of",
]

Status = Literal["confirmed", "derived", "inferred", "unknown"]
STATUSES: tuple[Status, ...] = ("confirmed", "derived", "inferred", "unknown")

UnitType = Literal["department", "district", "commune", "ward", "central_agency", "other"]
UNIT_TYPES: tuple[UnitType, ...] = (
    "department",
    "district",
    "commune",
    "ward",
    "central_agency",
    "other",
)

DateLike: TypeAlias = dt.date | str

_DATA_FILE = "provinces.yaml"
_ONE_DAY = dt.timedelta(days=1)


# --------------------------------------------------------------------------------------------
# Name folding


_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Administrative prefixes and English suffixes dropped for lookups, in folded compact form.
_PREFIXES = ("thanhpho", "tinh", "tp")
_SUFFIXES = ("province", "city")


def _fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: diacritics removed, đ/Đ → d."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("", bare.casefold())


def normalize_name(text: str) -> str:
    """Fold a province name for lookups.

    Case, diacritics (including đ/Đ → d), spaces, hyphens and punctuation are ignored, and the
    prefixes "tỉnh", "thành phố", "TP." / "TP" and the English suffixes "province" and "city" are
    dropped (never down to an empty string). The result contains only ``a-z`` and ``0-9``, and
    ``normalize_name(normalize_name(x)) == normalize_name(x)``.

    >>> normalize_name("  TP. Hồ Chí Minh ")
    'hochiminh'
    >>> normalize_name("Tỉnh Bình Định")
    'binhdinh'
    """
    compact = _fold(text)
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if compact.startswith(prefix) and len(compact) > len(prefix):
                compact = compact[len(prefix) :]
                changed = True
                break
        for suffix in _SUFFIXES:
            if compact.endswith(suffix) and len(compact) > len(suffix):
                compact = compact[: -len(suffix)]
                changed = True
                break
    return compact


# --------------------------------------------------------------------------------------------
# Records


def _in_period(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


@attrs.frozen
class ProvinceName:
    """One name of a province for a period (both ends inclusive; ``None`` is open)."""

    name: str
    name_en: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def is_valid_on(self, day: dt.date) -> bool:
        return _in_period(day, self.valid_from, self.valid_to)


@attrs.frozen
class Province:
    """A province-level unit (tỉnh / thành phố trực thuộc trung ương) for its validity period.

    ``name`` and ``name_en`` are the names on the date the record was looked up for; ``names``
    holds the whole name history and ``aliases`` extra spellings accepted by lookups.
    ``status`` concerns the unit itself (existence, dates, composition), ``code_status`` its
    statistics code and ``region_status`` its region.
    """

    id: str
    code: str | None
    name: str
    name_en: str
    region: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    predecessors: tuple[str, ...] = ()
    successor: str | None = None
    status: Status = "confirmed"
    source: str = ""
    code_status: Status = "confirmed"
    region_status: Status = "confirmed"
    names: tuple[ProvinceName, ...] = ()
    aliases: tuple[str, ...] = ()

    def is_valid_on(self, on: DateLike | None = None) -> bool:
        """Whether the unit exists on that date (default: today)."""
        return _in_period(_as_date(on), self.valid_from, self.valid_to)

    def name_on(self, on: DateLike | None = None) -> str:
        """The Vietnamese name on that date (default: today)."""
        day = _as_date(on)
        for entry in self.names:
            if entry.is_valid_on(day):
                return entry.name
        return self.name

    @property
    def label(self) -> str:
        """``"Bình Định (52)"``, or ``"Gia Lai (gia-lai-2025)"`` when the code is not known."""
        return f"{self.name} ({self.code if self.code is not None else self.id})"

    def _on(self, day: dt.date) -> Province:
        for entry in self.names:
            if entry.is_valid_on(day):
                if entry.name == self.name and entry.name_en == self.name_en:
                    return self
                return attrs.evolve(self, name=entry.name, name_en=entry.name_en)
        return self


@attrs.frozen
class Region:
    """A socio-economic region (vùng kinh tế - xã hội) with the codes of its 63-period provinces."""

    id: str
    name: str
    name_en: str
    provinces: tuple[str, ...]
    status: Status = "confirmed"
    source: str = ""


# --------------------------------------------------------------------------------------------
# Dates


def _as_date(on: object) -> dt.date:
    if on is None:
        return dt.date.today()
    if isinstance(on, dt.datetime):
        return on.date()
    if isinstance(on, dt.date):
        return on
    if isinstance(on, str):
        try:
            return dt.date.fromisoformat(on.strip())
        except ValueError:
            raise UnitError("dates must be written YYYY-MM-DD", value=on) from None
    raise UnitError("a date must be a datetime.date or a YYYY-MM-DD string", value=on)


def _fmt(day: dt.date | None) -> str:
    return "(open)" if day is None else day.isoformat()


# --------------------------------------------------------------------------------------------
# Registry loading and validation


@attrs.frozen
class _Registry:
    records: tuple[Province, ...]
    regions: tuple[Region, ...]
    merger_date: dt.date
    by_id: Mapping[str, Province]
    by_code: Mapping[str, tuple[str, ...]]
    by_name: Mapping[str, tuple[str, ...]]
    order: Mapping[str, tuple[str, int, str]]


def _data_error(message: str, value: Any = None) -> UnitError:
    return UnitError(message, file=_DATA_FILE, value=value)


def _req(mapping: Any, key: str, where: str) -> Any:
    if not isinstance(mapping, Mapping) or key not in mapping:
        raise _data_error(f"{where}: missing {key!r}")
    return mapping[key]


def _status(value: Any, where: str) -> Status:
    if value not in STATUSES:
        raise _data_error(f"{where}: status must be one of {', '.join(STATUSES)}", value)
    return cast(Status, value)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _data_error(f"{where}: expected a non-empty text", value)
    text = unicodedata.normalize("NFC", value.strip())
    if text != value:
        raise _data_error(f"{where}: text must be NFC and trimmed", value)
    return text


def _opt_date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise _data_error(f"{where}: expected a YYYY-MM-DD date", value)


def _source(section: Mapping[str, Any], where: str) -> tuple[Status, str]:
    return (
        _status(_req(section, "status", where), where),
        _text(_req(section, "source", where), where),
    )


def _names(item: Mapping[str, Any], where: str) -> tuple[ProvinceName, ...]:
    if "names" in item:
        raw = item["names"]
        if not isinstance(raw, list) or not raw:
            raise _data_error(f"{where}: 'names' must be a non-empty list", raw)
        result = tuple(
            ProvinceName(
                name=_text(_req(entry, "name", where), where),
                name_en=_text(_req(entry, "name_en", where), where),
                valid_from=_opt_date(entry.get("valid_from"), where),
                valid_to=_opt_date(entry.get("valid_to"), where),
            )
            for entry in raw
        )
        for before, after in itertools.pairwise(result):
            if before.valid_to is None or after.valid_from != before.valid_to + _ONE_DAY:
                raise _data_error(f"{where}: name periods must follow each other without gaps")
        if result[0].valid_from is not None or result[-1].valid_to is not None:
            raise _data_error(f"{where}: the name history must cover the unit's whole life")
    else:
        result = (
            ProvinceName(
                name=_text(_req(item, "name", where), where),
                name_en=_text(_req(item, "name_en", where), where),
            ),
        )
    for entry in result:
        if not entry.name_en.isascii():
            raise _data_error(f"{where}: name_en must be ASCII", entry.name_en)
        if normalize_name(entry.name_en) != normalize_name(entry.name):
            raise _data_error(f"{where}: name_en does not match name", entry.name_en)
    return result


def _aliases(item: Mapping[str, Any], where: str) -> tuple[str, ...]:
    raw = item.get("aliases", [])
    if not isinstance(raw, list):
        raise _data_error(f"{where}: 'aliases' must be a list", raw)
    return tuple(_text(alias, where) for alias in raw)


def _weaker(first: Status, second: Status) -> Status:
    """The less certain of two statuses (confirmed < derived < inferred < unknown)."""
    return max(first, second, key=STATUSES.index)


def _code(value: Any, where: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{2}", value):
        raise _data_error(f"{where}: a statistics code is two digits, quoted", value)
    return value


def _build(data: Any) -> _Registry:
    if not isinstance(data, Mapping) or data.get("schema") != "parindex/provinces/1":
        raise _data_error("not a parindex province registry (schema parindex/provinces/1)")

    # The 63 units before the reorganisation.
    section = _req(data, "provinces", "provinces")
    status, source = _source(section, "provinces")
    _status(_req(_req(section, "name_en", "provinces"), "status", "provinces.name_en"), "name_en")
    last_day = _opt_date(_req(section, "valid_to", "provinces"), "provinces.valid_to")
    hist_status, hist_source = _source(_req(data, "name_history", "name_history"), "name_history")

    regions_section = _req(data, "regions", "regions")
    region_status, region_source = _source(regions_section, "regions")
    regions: list[Region] = []
    region_by_code: dict[str, str] = {}
    for index, raw in enumerate(_req(regions_section, "items", "regions")):
        where = f"regions[{index}]"
        codes = tuple(_code(c, where) for c in _req(raw, "provinces", where))
        rid = _text(_req(raw, "id", where), where)
        for code in codes:
            if code in region_by_code:
                raise _data_error(f"{where}: code {code} is already in {region_by_code[code]}")
            region_by_code[code] = rid
        regions.append(
            Region(
                id=rid,
                name=_text(_req(raw, "name", where), where),
                name_en=_text(_req(raw, "name_en", where), where),
                provinces=codes,
                status=region_status,
                source=region_source,
            )
        )

    reorg = _req(data, "reorganisation", "reorganisation")
    merger = _opt_date(_req(reorg, "date", "reorganisation"), "reorganisation.date")
    if merger is None or last_day is None or last_day + _ONE_DAY != merger:
        raise _data_error("provinces.valid_to must be the day before reorganisation.date")
    reorg_status, reorg_source = _source(reorg, "reorganisation")
    codes_section = _req(reorg, "codes", "reorganisation")
    kept_code_status = _status(
        _req(_req(codes_section, "unchanged", "codes"), "status", "codes.unchanged"), "codes"
    )
    merged_code_status = _status(
        _req(_req(codes_section, "merged", "codes"), "status", "codes.merged"), "codes"
    )
    post_region_status = _status(
        _req(_req(reorg, "regions", "reorganisation"), "status", "reorganisation.regions"),
        "reorganisation.regions",
    )
    unchanged = {_code(c, "reorganisation.unchanged") for c in _req(reorg, "unchanged", "reorg")}

    raw_items = _req(section, "items", "provinces")
    old: dict[str, dict[str, Any]] = {}
    for index, raw in enumerate(raw_items):
        where = f"provinces.items[{index}]"
        code = _code(_req(raw, "code", where), where)
        if code in old:
            raise _data_error(f"{where}: duplicate code", code)
        if code not in region_by_code:
            raise _data_error(f"{where}: code {code} is in no region", code)
        names = _names(raw, where)
        old[code] = {
            "id": _text(_req(raw, "id", where), where),
            "names": names,
            "aliases": _aliases(raw, where),
            "renamed": len(names) > 1,
        }
    unknown = (set(region_by_code) | unchanged) - set(old)
    if unknown:
        raise _data_error("codes used but not defined", sorted(unknown))

    successor_of_code: dict[str, str] = {}
    merged_records: list[Province] = []
    for index, raw in enumerate(_req(reorg, "merged", "reorganisation")):
        where = f"reorganisation.merged[{index}]"
        new_id = _text(_req(raw, "id", where), where)
        components = tuple(_code(c, where) for c in _req(raw, "components", where))
        if len(components) < 2:
            raise _data_error(f"{where}: a merged unit needs at least two components")
        for code in components:
            if code not in old:
                raise _data_error(f"{where}: unknown component code", code)
            if code in unchanged or code in successor_of_code:
                raise _data_error(f"{where}: code {code} is used twice in the reorganisation")
            successor_of_code[code] = new_id
        names = _names(raw, where)
        if normalize_name(names[0].name) != normalize_name(old[components[0]]["names"][-1].name):
            raise _data_error(f"{where}: a merged unit is named after its first component")
        shared = {region_by_code[c] for c in components}
        post_region = shared.pop() if len(shared) == 1 else None
        merged_records.append(
            Province(
                id=new_id,
                code=None,
                name=names[-1].name,
                name_en=names[-1].name_en,
                region=post_region,
                valid_from=merger,
                valid_to=None,
                predecessors=tuple(old[c]["id"] for c in components),
                successor=None,
                status=reorg_status,
                source=reorg_source,
                code_status=merged_code_status,
                region_status=post_region_status if post_region is not None else "unknown",
                names=names,
                aliases=_aliases(raw, where),
            )
        )
    uncovered = set(old) - unchanged - set(successor_of_code)
    if uncovered:
        raise _data_error("units neither unchanged nor merged", sorted(uncovered))

    old_records: list[Province] = []
    for code, info in old.items():
        names = info["names"]
        kept = code in unchanged
        record_source = source + (f"; {hist_source}" if info["renamed"] else "")
        if kept:
            record_source += f"; {reorg_source}"
        old_records.append(
            Province(
                id=info["id"],
                code=code,
                name=names[-1].name,
                name_en=names[-1].name_en,
                region=region_by_code[code],
                valid_from=None,
                valid_to=None if kept else last_day,
                predecessors=(),
                successor=None if kept else successor_of_code[code],
                status=_weaker(status, hist_status) if info["renamed"] else status,
                source=record_source,
                code_status=_weaker("confirmed", kept_code_status) if kept else "confirmed",
                region_status=region_status,
                names=names,
                aliases=info["aliases"],
            )
        )
    records = tuple(old_records + merged_records)
    by_id: dict[str, Province] = {}
    for record in records:
        if record.id in by_id or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", record.id):
            raise _data_error("ids must be unique lower-case slugs", record.id)
        by_id[record.id] = record

    by_code: dict[str, list[str]] = {}
    by_name: dict[str, list[str]] = {}
    for record in records:
        if record.code is not None:
            by_code.setdefault(record.code, []).append(record.id)
        keys = {normalize_name(n.name) for n in record.names}
        keys |= {normalize_name(n.name_en) for n in record.names}
        keys |= {normalize_name(a) for a in record.aliases}
        for key in keys:
            by_name.setdefault(key, []).append(record.id)
    for key, ids in by_name.items():
        for i, first in enumerate(ids):
            for second in ids[i + 1 :]:
                a, b = by_id[first], by_id[second]
                if _overlap(a, b):
                    raise _data_error(f"{first} and {second} share the name {key!r}", key)

    order: dict[str, tuple[str, int, str]] = {}
    for record in records:
        own = [record.code] if record.code is not None else []
        own += [by_id[p].code or "" for p in record.predecessors]
        order[record.id] = (min(own), 0 if record.code is not None else 1, record.id)

    return _Registry(
        records=records,
        regions=tuple(regions),
        merger_date=merger,
        by_id=MappingProxyType(by_id),
        by_code=MappingProxyType({k: tuple(v) for k, v in by_code.items()}),
        by_name=MappingProxyType({k: tuple(v) for k, v in by_name.items()}),
        order=MappingProxyType(order),
    )


def _overlap(a: Province, b: Province) -> bool:
    start = max(a.valid_from or dt.date.min, b.valid_from or dt.date.min)
    end = min(a.valid_to or dt.date.max, b.valid_to or dt.date.max)
    return start <= end


@functools.cache
def _registry() -> _Registry:
    text = (resources.files("parindex") / "data" / _DATA_FILE).read_text(encoding="utf-8")
    return _build(yaml.safe_load(text))


def merger_date() -> dt.date:
    """The date the 34-unit map took effect (2025-07-01)."""
    return _registry().merger_date


# --------------------------------------------------------------------------------------------
# Lookups


def _sorted(records: Iterable[Province]) -> tuple[Province, ...]:
    order = _registry().order
    return tuple(sorted(records, key=lambda r: order[r.id]))


def provinces(on: DateLike | None = None) -> tuple[Province, ...]:
    """The province-level units valid on a date (default: today): 63 before 2025-07-01, then 34.

    Ordered by statistics code; a merged unit takes the place of its lowest-coded component.
    """
    day = _as_date(on)
    return tuple(r._on(day) for r in _sorted(_registry().records) if r.is_valid_on(day))


def _candidates(key: object) -> tuple[str, tuple[str, ...]]:
    """(kind, ids) of every record the key could name, regardless of dates."""
    if isinstance(key, bool) or not isinstance(key, str | int):
        raise UnitError("a province key is a statistics code or a name", value=key)
    reg = _registry()
    text = str(key).strip()
    if not text:
        raise UnitError("empty province name or code", value=key)
    if re.fullmatch(r"[0-9]+", text):
        code = f"{int(text):02d}"
        ids = reg.by_code.get(code, ())
        if not ids:
            raise UnitError(f"no province has statistics code {code}", value=key)
        return "code", ids
    folded = normalize_name(text)
    ids = reg.by_name.get(folded, ())
    if text.lower() in reg.by_id:
        # An id is one more candidate: "gia-lai" is both the old unit's id and a spelling of the
        # name of the new one; the date decides.
        return "id", tuple(dict.fromkeys((text.lower(), *ids)))
    if ids:
        return "name", ids
    raise UnitError(f"no province is called {text!r}{_suggest(folded)}", value=key)


def _suggest(folded: str) -> str:
    reg = _registry()
    close = difflib.get_close_matches(folded, list(reg.by_name), n=3, cutoff=0.6)
    labels: list[str] = []
    for match in close:
        for rid in reg.by_name[match]:
            record = reg.by_id[rid]
            label = record.name if record.code is None else f"{record.name} ({record.code})"
            if label not in labels:
                labels.append(label)
    return f"; did you mean {', '.join(labels)}?" if labels else ""


def _resolve(key: object, day: dt.date) -> Province:
    """The canonical record the key names on that date, or a UnitError explaining why not."""
    reg = _registry()
    kind, ids = _candidates(key)
    records = [reg.by_id[i] for i in ids]
    valid = [r for r in records if r.is_valid_on(day)]
    if len(valid) == 1:
        return valid[0]
    if len(valid) > 1:  # pragma: no cover - excluded by the registry's validation
        raise UnitError("ambiguous province key", value=key)
    ended = [r for r in records if r.valid_to is not None and r.valid_to < day]
    if ended:
        gone = max(ended, key=lambda r: r.valid_to or dt.date.min)
        last = gone.valid_to or dt.date.min
        old_label = f"{gone.name_on(last)} ({gone.code or gone.id})"
        if gone.successor is None:
            raise UnitError(
                f"{old_label} ceased to exist after {last.isoformat()} and has no recorded "
                f"successor",
                unit=gone.id,
                value=key,
            )
        after = reg.by_id[gone.successor]
        while not after.is_valid_on(day) and after.successor is not None:
            after = reg.by_id[after.successor]
        formed = " + ".join(reg.by_id[p].name_on(last) for p in after.predecessors)
        code_note = (
            "; the statistics code of the merged unit is not recorded"
            if kind == "code" and after.code is None
            else ""
        )
        raise UnitError(
            f"{old_label} merged into {after.name_on(day)} ({after.id}"
            + (f", formed from {formed}" if formed else "")
            + f") on {_fmt(after.valid_from)} and does not exist on {day.isoformat()}; use the "
            f"successor {after.id!r} (successor_of({str(key)!r})){code_note}",
            unit=gone.id,
            value=key,
        )
    future = min(records, key=lambda r: r.valid_from or dt.date.min)
    before = (future.valid_from or dt.date.min) - _ONE_DAY
    formed = ", ".join(reg.by_id[p].name_on(before) for p in future.predecessors)
    raise UnitError(
        f"{future.name} ({future.id}) exists only from {_fmt(future.valid_from)}"
        + (f"; before that its area was {formed}" if formed else ""),
        unit=future.id,
        value=key,
    )


def province(key: str | int, on: DateLike | None = None) -> Province:
    """Find a province-level unit valid on a date (default: today).

    ``key`` is a statistics code ("52", "052", 52), a registry id ("gia-lai-2025") or a name in
    any spelling that :func:`normalize_name` folds to the same text ("binh dinh", "TP.HCM",
    "Thừa Thiên Huế"). Former names work too; ``name`` is the name on that date. A unit that did
    not exist on that date raises :class:`UnitError` naming what became of it.
    """
    day = _as_date(on)
    return _resolve(key, day)._on(day)


def successor_of(key: str | int, on_or_after: DateLike = "2025-07-01") -> Province:
    """The unit that a province had become on a date (default: the day of the 2025 merger).

    ``successor_of("Bình Định")`` is the new Gia Lai; an unchanged province is its own successor.
    """
    day = _as_date(on_or_after)
    reg = _registry()
    _, ids = _candidates(key)
    records = [reg.by_id[i] for i in ids]
    earlier = [r for r in records if r.valid_from is None or r.valid_from < day]
    if earlier:
        record = max(earlier, key=lambda r: r.valid_to or dt.date.max)
    else:
        record = _resolve(key, day)
    while not record.is_valid_on(day):
        if record.successor is None:
            if record.valid_from is not None and record.valid_from > day:
                return _resolve(key, day)  # raises "exists only from"
            raise UnitError(
                f"{record.label} ended on {_fmt(record.valid_to)} with no recorded successor",
                unit=record.id,
                value=key,
            )
        record = reg.by_id[record.successor]
    return record._on(day)


def _post_merger_day(on: DateLike | None) -> dt.date:
    if on is not None:
        return _as_date(on)
    return max(dt.date.today(), _registry().merger_date)


def components_of(key: str | int, on: DateLike | None = None) -> tuple[Province, ...]:
    """The pre-merger provinces forming a unit of the 34-unit map, as they were on 2025-06-30.

    The key is resolved on ``on`` (default: today, and never before the merger). An unchanged
    province's only component is itself.
    """
    reg = _registry()
    day = _post_merger_day(on)
    record = _resolve(key, day)
    before = reg.merger_date - _ONE_DAY
    if record.predecessors:
        return tuple(reg.by_id[p]._on(before) for p in record.predecessors)
    if record.valid_to is None:
        return (record._on(before),)
    raise UnitError(
        f"{record.label} is a pre-merger province; it is a component of "
        f"{reg.by_id[record.successor or ''].label if record.successor else 'no later unit'}",
        unit=record.id,
        value=key,
    )


def regions() -> tuple[Region, ...]:
    """The six socio-economic regions used by MOHA's regional averages (63-unit period)."""
    return _registry().regions


def region(key: str) -> Region:
    """A region by id or by its Vietnamese or English name (folded like province names)."""
    folded = normalize_name(key)
    for item in _registry().regions:
        if key.strip().lower() == item.id or folded in {
            normalize_name(item.name),
            normalize_name(item.name_en),
        }:
            return item
    names = {normalize_name(r.name): r.name for r in _registry().regions}
    close = difflib.get_close_matches(folded, list(names), n=2, cutoff=0.6)
    hint = f"; did you mean {', '.join(names[c] for c in close)}?" if close else ""
    raise UnitError(f"no region is called {key!r}{hint}", value=key)


def _region_by_id(rid: str) -> Region:
    for item in _registry().regions:
        if item.id == rid:
            return item
    raise UnitError("unknown region id", value=rid)  # pragma: no cover


def region_of(key: str | int, on: DateLike | None = None) -> Region:
    """The region of a province on a date (default: today).

    A merged unit whose components lay in different regions has no region: UnitError.
    """
    day = _as_date(on)
    record = province(key, on=day)
    if record.region is None:
        raise UnitError(_no_region_message(record), unit=record.id, value=key)
    return _region_by_id(record.region)


def _no_region_message(record: Province) -> str:
    reg = _registry()
    parts = sorted({reg.by_id[p].region or "" for p in record.predecessors})
    return (
        f"{record.label} has no region: its components lay in several regions "
        f"({', '.join(parts)}); regions apply to the 63-province period, so pass on= a date "
        f"before {reg.merger_date.isoformat()} with the pre-merger provinces"
    )


# --------------------------------------------------------------------------------------------
# Means and pro-forma figures


def _number(value: object, key: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise UnitError(f"the value for {key!r} is not a number", value=value)
    number = float(value)
    if not math.isfinite(number):
        raise UnitError(f"the value for {key!r} is not finite", value=value)
    return number


def _resolve_values(
    values: Mapping[str, float], day: dt.date
) -> list[tuple[Province, float, object]]:
    seen: dict[str, object] = {}
    result: list[tuple[Province, float, object]] = []
    for key, value in values.items():
        record = province(key, on=day)
        if record.id in seen:
            raise UnitError(
                f"{record.label} is given twice, as {seen[record.id]!r} and {key!r}",
                unit=record.id,
                value=key,
            )
        seen[record.id] = key
        result.append((record, _number(value, key), key))
    return result


def regional_means(values: Mapping[str, float], on: DateLike | None = None) -> dict[str, float]:
    """Plain (unweighted) mean of per-province values for each region, keyed by region id.

    Keys are province codes or names resolved with :func:`province` on ``on`` (default: today;
    pass the date of the results, e.g. ``on="2023-12-31"``). A region with no values is absent
    from the result. A unit without a region (merged across regions) raises UnitError.
    """
    day = _as_date(on)
    grouped: dict[str, list[float]] = {}
    for record, number, key in _resolve_values(values, day):
        if record.region is None:
            raise UnitError(_no_region_message(record), unit=record.id, value=key)
        grouped.setdefault(record.region, []).append(number)
    return {
        r.id: math.fsum(grouped[r.id]) / len(grouped[r.id])
        for r in _registry().regions
        if r.id in grouped
    }


def national_mean(values: Mapping[str, float], on: DateLike | None = None) -> float:
    """Plain (unweighted) mean of per-province values; keys resolved as in :func:`province`."""
    resolved = _resolve_values(values, _as_date(on))
    if not resolved:
        raise UnitError("no values to average")
    return math.fsum(number for _, number, _ in resolved) / len(resolved)


@attrs.frozen
class ProForma:
    """A pro-forma figure for a post-merger province from its components' pre-merger values.

    ``components`` holds ``(province, value, weight)`` for the components that had a value, with
    weights normalised to sum to 1; ``missing`` the ids of components without a value.
    """

    value: float
    province: Province
    components: tuple[tuple[Province, float, float], ...]
    rule: Literal["equal weights", "caller weights"]
    missing: tuple[str, ...] = ()


def pro_forma(
    values: Mapping[str, float],
    into: str,
    *,
    weights: Mapping[str, float] | str = "equal",
    allow_missing: bool = False,
    on: DateLike | None = None,
) -> ProForma:
    """Combine the pre-merger values of a merged province's components into one figure.

    ``values`` are keyed by pre-merger code or name (keys for other provinces are ignored, but
    must exist). ``into`` names the post-merger unit, resolved on ``on`` (default: today, never
    before the merger). ``weights`` is ``"equal"`` or a mapping from component code/name to a
    non-negative finite weight. A component without a value is an error unless
    ``allow_missing=True``; then the weights are renormalised over the components present.
    """
    reg = _registry()
    target = province(into, on=_post_merger_day(on))
    parts = components_of(target.id, on=_post_merger_day(on))
    part_ids = {p.id for p in parts}
    before = reg.merger_date - _ONE_DAY

    got: dict[str, float] = {}
    for record, number, _key in _resolve_values(values, before):
        if record.id in part_ids:
            got[record.id] = number

    if isinstance(weights, str):
        if weights != "equal":
            raise UnitError('weights must be "equal" or a mapping', value=weights)
        raw_weights = {p.id: 1.0 for p in parts}
        rule: Literal["equal weights", "caller weights"] = "equal weights"
    else:
        raw_weights = {}
        for key, weight in weights.items():
            record = province(key, on=before)
            if record.id not in part_ids:
                raise UnitError(
                    f"{record.label} is not a component of {target.label}; components: "
                    f"{', '.join(p.label for p in parts)}",
                    unit=record.id,
                    value=key,
                )
            if record.id in raw_weights:
                raise UnitError(f"two weights for {record.label}", unit=record.id, value=key)
            number = _number(weight, key)
            if number < 0:
                raise UnitError(f"the weight for {record.label} is negative", value=weight)
            raw_weights[record.id] = number
        rule = "caller weights"

    missing = tuple(p.id for p in parts if p.id not in got)
    if missing and not allow_missing:
        raise UnitError(
            f"no value for {', '.join(reg.by_id[m].name_on(before) for m in missing)}, "
            f"component(s) of {target.label}; pass allow_missing=True to renormalise the "
            "weights over the components present",
            unit=target.id,
            value=list(missing),
        )
    present = [p for p in parts if p.id in got]
    if not present:
        raise UnitError(f"no component of {target.label} has a value", unit=target.id)
    lacking = [p.label for p in present if p.id not in raw_weights]
    if lacking:
        raise UnitError(f"no weight for {', '.join(lacking)}", unit=target.id, value=lacking)
    total = math.fsum(raw_weights[p.id] for p in present)
    if total <= 0:
        raise UnitError(
            f"the weights of the components of {target.label} are all zero",
            unit=target.id,
            value=dict(raw_weights),
        )
    combined = tuple((p, got[p.id], raw_weights[p.id] / total) for p in present)
    value = math.fsum(raw_weights[p.id] * got[p.id] for p in present) / total
    return ProForma(value=value, province=target, components=combined, rule=rule, missing=missing)


# --------------------------------------------------------------------------------------------
# A province's own units


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
            return _as_date(value)
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
            f"{record.label} exists from {_fmt(record.valid_from)} to {_fmt(record.valid_to)}, "
            f"but the list runs from {_fmt(start)} to {_fmt(end)}",
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
    abolished = _registry().merger_date
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
                f"{(abolished - _ONE_DAY).isoformat()} (this one ends {_fmt(end)})",
                value=unit_type,
                **where,
            )
        units.append(
            Unit(
                id=unit_id,
                name=unicodedata.normalize("NFC", name.strip()),
                type=cast(UnitType, unit_type),
            )
        )
    return UnitList(
        province=record, valid_from=start, valid_to=end, units=tuple(units), source=source
    )


def _yaml_unit_lines(text: str) -> tuple[list[int | None] | None, int | None]:
    """Line numbers of the items under ``units:`` and of the document start, if findable."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        return None, None
    header = node.start_mark.line + 1
    for key_node, value_node in node.value:
        if key_node.value == "units" and isinstance(value_node, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value_node.value], header
    return None, header


def _csv_unit_list(text: str, source: str) -> UnitList:
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip() for f in reader.fieldnames or []]
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
    reader.fieldnames = fields
    header: dict[str, str] | None = None
    header_line: int | None = None
    units: list[dict[str, str]] = []
    lines: list[int | None] = []
    for row in reader:
        cells = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if not any(cells.values()):
            continue
        meta = {k: cells.get(k, "") for k in ("province", "valid_from", "valid_to")}
        if header is None:
            header, header_line = meta, reader.line_num
        elif meta != header:
            changed = next(k for k in meta if meta[k] != header[k])
            raise UnitError(
                f"every row must have the same {changed} (line {header_line} has "
                f"{header[changed]!r})",
                file=source,
                line=reader.line_num,
                value=meta[changed],
            )
        units.append({k: cells.get(k, "") for k in ("id", "name", "type")})
        lines.append(reader.line_num)
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
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise UnitError(f"cannot read the unit list: {error.strerror}", file=source) from None
    suffix = file.suffix.lower()
    if suffix == ".csv":
        return _csv_unit_list(text, source)
    if suffix not in {".yaml", ".yml"}:
        raise UnitError("a unit list is a .yaml, .yml or .csv file", file=source, value=suffix)
    try:
        data = yaml.safe_load(text)
        lines, header = _yaml_unit_lines(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise UnitError(
            f"not valid YAML: {getattr(error, 'problem', None) or error}",
            file=source,
            line=mark.line + 1 if mark is not None else None,
        ) from None
    if not isinstance(data, Mapping):
        raise UnitError(
            "a unit list is a mapping with province, valid_from, valid_to, units",
            file=source,
            value=type(data).__name__,
        )
    return _unit_list(data, source=source, lines=lines, line_of_header=header)
