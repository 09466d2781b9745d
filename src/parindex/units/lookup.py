"""Date-aware lookups in the province registry: provinces, successors, components, regions.

Every lookup takes a date (``on=``; default: today): 63 units before 2025-07-01, then 34.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable

from ..errors import UnitError
from ._base import ONE_DAY, DateLike, Province, Region, as_date, fmt_day, normalize_name
from .registry import get_registry

__all__ = [
    "components_of",
    "no_region_message",
    "post_merger_day",
    "province",
    "provinces",
    "region",
    "region_of",
    "regions",
    "successor_of",
]


def _sorted(records: Iterable[Province]) -> tuple[Province, ...]:
    order = get_registry().order
    return tuple(sorted(records, key=lambda r: order[r.id]))


def provinces(on: DateLike | None = None) -> tuple[Province, ...]:
    """The province-level units valid on a date (default: today): 63 before 2025-07-01, then 34.

    Ordered by statistics code; a merged unit takes the place of its lowest-coded component.
    """
    day = as_date(on)
    return tuple(r._on(day) for r in _sorted(get_registry().records) if r.is_valid_on(day))


def _candidates(key: object) -> tuple[str, tuple[str, ...]]:
    """(kind, ids) of every record the key could name, regardless of dates."""
    if isinstance(key, bool) or not isinstance(key, str | int):
        raise UnitError("a province key is a statistics code or a name", value=key)
    reg = get_registry()
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
    reg = get_registry()
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
    reg = get_registry()
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
            + f") on {fmt_day(after.valid_from)} and does not exist on {day.isoformat()}; use the "
            f"successor {after.id!r} (successor_of({str(key)!r})){code_note}",
            unit=gone.id,
            value=key,
        )
    future = min(records, key=lambda r: r.valid_from or dt.date.min)
    before = (future.valid_from or dt.date.min) - ONE_DAY
    formed = ", ".join(reg.by_id[p].name_on(before) for p in future.predecessors)
    raise UnitError(
        f"{future.name} ({future.id}) exists only from {fmt_day(future.valid_from)}"
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
    day = as_date(on)
    return _resolve(key, day)._on(day)


def successor_of(key: str | int, on_or_after: DateLike = "2025-07-01") -> Province:
    """The unit that a province had become on a date (default: the day of the 2025 merger).

    ``successor_of("Bình Định")`` is the new Gia Lai; an unchanged province is its own successor.
    """
    day = as_date(on_or_after)
    reg = get_registry()
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
                f"{record.label} ended on {fmt_day(record.valid_to)} with no recorded successor",
                unit=record.id,
                value=key,
            )
        record = reg.by_id[record.successor]
    return record._on(day)


def post_merger_day(on: DateLike | None) -> dt.date:
    if on is not None:
        return as_date(on)
    return max(dt.date.today(), get_registry().merger_date)


def components_of(key: str | int, on: DateLike | None = None) -> tuple[Province, ...]:
    """The pre-merger provinces forming a unit of the 34-unit map, as they were on 2025-06-30.

    The key is resolved on ``on`` (default: today, and never before the merger). An unchanged
    province's only component is itself.
    """
    reg = get_registry()
    day = post_merger_day(on)
    record = _resolve(key, day)
    before = reg.merger_date - ONE_DAY
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
    return get_registry().regions


def region(key: str) -> Region:
    """A region by id or by its Vietnamese or English name (folded like province names)."""
    folded = normalize_name(key)
    for item in get_registry().regions:
        if key.strip().lower() == item.id or folded in {
            normalize_name(item.name),
            normalize_name(item.name_en),
        }:
            return item
    names = {normalize_name(r.name): r.name for r in get_registry().regions}
    close = difflib.get_close_matches(folded, list(names), n=2, cutoff=0.6)
    hint = f"; did you mean {', '.join(names[c] for c in close)}?" if close else ""
    raise UnitError(f"no region is called {key!r}{hint}", value=key)


def _region_by_id(rid: str) -> Region:
    for item in get_registry().regions:
        if item.id == rid:
            return item
    raise UnitError("unknown region id", value=rid)  # pragma: no cover


def region_of(key: str | int, on: DateLike | None = None) -> Region:
    """The region of a province on a date (default: today).

    A merged unit whose components lay in different regions has no region: UnitError.
    """
    day = as_date(on)
    record = province(key, on=day)
    if record.region is None:
        raise UnitError(no_region_message(record), unit=record.id, value=key)
    return _region_by_id(record.region)


def no_region_message(record: Province) -> str:
    reg = get_registry()
    parts = sorted({reg.by_id[p].region or "" for p in record.predecessors})
    return (
        f"{record.label} has no region: its components lay in several regions "
        f"({', '.join(parts)}); regions apply to the 63-province period, so pass on= a date "
        f"before {reg.merger_date.isoformat()} with the pre-merger provinces"
    )
