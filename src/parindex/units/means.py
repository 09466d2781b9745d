"""Regional and national means of per-province values, and pro-forma figures of merged units.

Plain (unweighted) means, as MOHA publishes regional averages; a pro-forma figure combines the
pre-merger results of a merged province's components.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Mapping
from typing import Literal

import attrs

from ..errors import UnitError
from ._base import ONE_DAY, DateLike, Province, as_date
from .lookup import components_of, no_region_message, post_merger_day, province
from .registry import get_registry

__all__ = ["ProForma", "national_mean", "pro_forma", "regional_means"]


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
    day = as_date(on)
    grouped: dict[str, list[float]] = {}
    for record, number, key in _resolve_values(values, day):
        if record.region is None:
            raise UnitError(no_region_message(record), unit=record.id, value=key)
        grouped.setdefault(record.region, []).append(number)
    return {
        r.id: math.fsum(grouped[r.id]) / len(grouped[r.id])
        for r in get_registry().regions
        if r.id in grouped
    }


def national_mean(values: Mapping[str, float], on: DateLike | None = None) -> float:
    """Plain (unweighted) mean of per-province values; keys resolved as in :func:`province`."""
    resolved = _resolve_values(values, as_date(on))
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
    reg = get_registry()
    target = province(into, on=post_merger_day(on))
    parts = components_of(target.id, on=post_merger_day(on))
    part_ids = {p.id for p in parts}
    before = reg.merger_date - ONE_DAY

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
