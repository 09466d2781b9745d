"""Loading and validating the province registry (``parindex/data/provinces.yaml``).

:func:`build_registry` checks the file step by step (the 63 units, the six regions, the 2025
reorganisation) and returns a :class:`Registry` of :class:`~parindex.units.Province` records
with the indexes the lookups use; :func:`get_registry` loads the shipped file once.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any, cast

import attrs
import yaml

from .._text import nfc_strip
from ..errors import UnitError
from ._base import ONE_DAY, STATUSES, Province, ProvinceName, Region, Status, normalize_name

__all__ = ["DATA_FILE", "Registry", "build_registry", "get_registry", "merger_date"]

DATA_FILE = "provinces.yaml"


@attrs.frozen
class Registry:
    """The validated registry: every record, the regions, and the indexes lookups use."""

    records: tuple[Province, ...]
    regions: tuple[Region, ...]
    merger_date: dt.date
    by_id: Mapping[str, Province]
    by_code: Mapping[str, tuple[str, ...]]
    by_name: Mapping[str, tuple[str, ...]]
    order: Mapping[str, tuple[str, int, str]]


def _data_error(message: str, value: Any = None) -> UnitError:
    return UnitError(message, file=DATA_FILE, value=value)


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
    text = nfc_strip(value)
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
            if before.valid_to is None or after.valid_from != before.valid_to + ONE_DAY:
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


@attrs.frozen
class _Before:
    """The header of the 63-unit period: its status and source, last day, name history."""

    status: Status
    source: str
    last_day: dt.date | None
    hist_status: Status
    hist_source: str


@attrs.frozen
class _Reorg:
    """The header of the 2025 reorganisation: date, statuses, sources, unchanged codes."""

    merger: dt.date
    status: Status
    source: str
    kept_code_status: Status
    merged_code_status: Status
    post_region_status: Status
    unchanged: frozenset[str]


def _check_schema(data: Any) -> None:
    if not isinstance(data, Mapping) or data.get("schema") != "parindex/provinces/1":
        raise _data_error("not a parindex province registry (schema parindex/provinces/1)")


def _read_before(data: Mapping[str, Any], section: Any) -> _Before:
    """The 63 units before the reorganisation: section header and name history."""
    status, source = _source(section, "provinces")
    _status(_req(_req(section, "name_en", "provinces"), "status", "provinces.name_en"), "name_en")
    last_day = _opt_date(_req(section, "valid_to", "provinces"), "provinces.valid_to")
    hist_status, hist_source = _source(_req(data, "name_history", "name_history"), "name_history")
    return _Before(status, source, last_day, hist_status, hist_source)


def _read_regions(section: Any) -> tuple[list[Region], dict[str, str], Status]:
    """The regions, the region of each pre-merger code, and the regions' status."""
    region_status, region_source = _source(section, "regions")
    regions: list[Region] = []
    region_by_code: dict[str, str] = {}
    for index, raw in enumerate(_req(section, "items", "regions")):
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
    return regions, region_by_code, region_status


def _read_reorg(reorg: Any, last_day: dt.date | None) -> _Reorg:
    merger = _opt_date(_req(reorg, "date", "reorganisation"), "reorganisation.date")
    if merger is None or last_day is None or last_day + ONE_DAY != merger:
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
    return _Reorg(
        merger=merger,
        status=reorg_status,
        source=reorg_source,
        kept_code_status=kept_code_status,
        merged_code_status=merged_code_status,
        post_region_status=post_region_status,
        unchanged=frozenset(unchanged),
    )


def _read_old(
    raw_items: Any, region_by_code: Mapping[str, str], unchanged: frozenset[str]
) -> dict[str, dict[str, Any]]:
    """The pre-merger items by code (id, names, aliases, whether renamed)."""
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
    return old


def _read_merged(
    raw_merged: Any,
    old: Mapping[str, Mapping[str, Any]],
    reorg: _Reorg,
    region_by_code: Mapping[str, str],
) -> tuple[list[Province], dict[str, str]]:
    """The units formed on the merger date, and the successor id of each merged code."""
    successor_of_code: dict[str, str] = {}
    merged_records: list[Province] = []
    for index, raw in enumerate(raw_merged):
        where = f"reorganisation.merged[{index}]"
        new_id = _text(_req(raw, "id", where), where)
        components = tuple(_code(c, where) for c in _req(raw, "components", where))
        if len(components) < 2:
            raise _data_error(f"{where}: a merged unit needs at least two components")
        for code in components:
            if code not in old:
                raise _data_error(f"{where}: unknown component code", code)
            if code in reorg.unchanged or code in successor_of_code:
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
                valid_from=reorg.merger,
                valid_to=None,
                predecessors=tuple(old[c]["id"] for c in components),
                successor=None,
                status=reorg.status,
                source=reorg.source,
                code_status=reorg.merged_code_status,
                region_status=reorg.post_region_status if post_region is not None else "unknown",
                names=names,
                aliases=_aliases(raw, where),
            )
        )
    uncovered = set(old) - reorg.unchanged - set(successor_of_code)
    if uncovered:
        raise _data_error("units neither unchanged nor merged", sorted(uncovered))
    return merged_records, successor_of_code


def _old_records(
    old: Mapping[str, Mapping[str, Any]],
    before: _Before,
    reorg: _Reorg,
    region_by_code: Mapping[str, str],
    region_status: Status,
    successor_of_code: Mapping[str, str],
) -> list[Province]:
    """The records of the 63 pre-merger units (the eleven unchanged ones run on)."""
    old_records: list[Province] = []
    for code, info in old.items():
        names = info["names"]
        kept = code in reorg.unchanged
        record_source = before.source + (f"; {before.hist_source}" if info["renamed"] else "")
        if kept:
            record_source += f"; {reorg.source}"
        old_records.append(
            Province(
                id=info["id"],
                code=code,
                name=names[-1].name,
                name_en=names[-1].name_en,
                region=region_by_code[code],
                valid_from=None,
                valid_to=None if kept else before.last_day,
                predecessors=(),
                successor=None if kept else successor_of_code[code],
                status=(
                    _weaker(before.status, before.hist_status) if info["renamed"] else before.status
                ),
                source=record_source,
                code_status=_weaker("confirmed", reorg.kept_code_status) if kept else "confirmed",
                region_status=region_status,
                names=names,
                aliases=info["aliases"],
            )
        )
    return old_records


def _index_by_id(records: tuple[Province, ...]) -> dict[str, Province]:
    by_id: dict[str, Province] = {}
    for record in records:
        if record.id in by_id or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", record.id):
            raise _data_error("ids must be unique lower-case slugs", record.id)
        by_id[record.id] = record
    return by_id


def _index_by_code_and_name(
    records: tuple[Province, ...], by_id: Mapping[str, Province]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Ids by statistics code and by folded name; a name is never shared at the same time."""
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
    return by_code, by_name


def _sort_keys(
    records: tuple[Province, ...], by_id: Mapping[str, Province]
) -> dict[str, tuple[str, int, str]]:
    """Order by code; a merged unit takes the place of its lowest-coded component."""
    order: dict[str, tuple[str, int, str]] = {}
    for record in records:
        own = [record.code] if record.code is not None else []
        own += [by_id[p].code or "" for p in record.predecessors]
        order[record.id] = (min(own), 0 if record.code is not None else 1, record.id)
    return order


def build_registry(data: Any) -> Registry:
    """Validate the parsed registry file and index its records; UnitError on any fault."""
    _check_schema(data)
    section = _req(data, "provinces", "provinces")
    before = _read_before(data, section)
    regions, region_by_code, region_status = _read_regions(_req(data, "regions", "regions"))
    raw_reorg = _req(data, "reorganisation", "reorganisation")
    reorg = _read_reorg(raw_reorg, before.last_day)
    old = _read_old(_req(section, "items", "provinces"), region_by_code, reorg.unchanged)
    merged_records, successor_of_code = _read_merged(
        _req(raw_reorg, "merged", "reorganisation"), old, reorg, region_by_code
    )
    old_records = _old_records(old, before, reorg, region_by_code, region_status, successor_of_code)
    records = tuple(old_records + merged_records)
    by_id = _index_by_id(records)
    by_code, by_name = _index_by_code_and_name(records, by_id)
    return Registry(
        records=records,
        regions=tuple(regions),
        merger_date=reorg.merger,
        by_id=MappingProxyType(by_id),
        by_code=MappingProxyType({k: tuple(v) for k, v in by_code.items()}),
        by_name=MappingProxyType({k: tuple(v) for k, v in by_name.items()}),
        order=MappingProxyType(_sort_keys(records, by_id)),
    )


def _overlap(a: Province, b: Province) -> bool:
    start = max(a.valid_from or dt.date.min, b.valid_from or dt.date.min)
    end = min(a.valid_to or dt.date.max, b.valid_to or dt.date.max)
    return start <= end


@functools.cache
def get_registry() -> Registry:
    """The shipped registry, loaded and validated once."""
    text = (resources.files("parindex") / "data" / DATA_FILE).read_text(encoding="utf-8")
    return build_registry(yaml.safe_load(text))


def merger_date() -> dt.date:
    """The date the 34-unit map took effect (2025-07-01)."""
    return get_registry().merger_date
