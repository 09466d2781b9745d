"""Numeric inputs and bands, as read from a methodology file."""

from __future__ import annotations

from typing import Any

import attrs

from ..._text import fmt
from .. import yamlio
from ._band import Band, parse_band
from ._base import INF, ValueReader, as_number, bad

__all__ = ["NumberInput", "read_band", "read_number_input"]


@attrs.frozen
class NumberInput:
    """What a numeric input is: its unit (percent, count, number) and its valid range."""

    unit: str = "number"
    min: float = -INF
    max: float = INF
    integer: bool = False
    label: Any = None

    def check(self, value: Any) -> float:
        x = as_number(value, "a whole number" if self.integer else "a number")
        if self.integer and x != int(x):
            raise bad("expected a whole number", value, "wrong-type", what="a whole number")
        if x < self.min or x > self.max:
            u = " %" if self.unit == "percent" else ""
            lo = "-∞" if self.min == -INF else fmt(self.min, "en") + u
            hi = "∞" if self.max == INF else fmt(self.max, "en") + u
            raise bad(
                f"out of range: expected a {self.unit} from {lo} to {hi}",
                value,
                "out-of-range",
                what=self.unit,
                low=lo,
                high=hi,
            )
        return x

    @property
    def range(self) -> tuple[float, float, bool]:
        """``(min, max, whole numbers only)``."""
        return (self.min, self.max, self.integer)

    @property
    def suffix(self) -> str:
        return "%" if self.unit == "percent" else ""

    def how_to_enter(self) -> str:
        """The workbook's help on what to type (Vietnamese)."""
        if self.unit == "percent":
            return f"Nhập tỷ lệ % ({fmt(self.min)}–{fmt(self.max)})"
        return "Nhập số nguyên" if self.integer else "Nhập số"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"unit": self.unit}
        if self.min != -INF:
            out["min"] = self.min
        if self.max != INF:
            out["max"] = self.max
        if self.integer:
            out["integer"] = True
        if self.label is not None:
            out["label"] = self.label.to_dict()
        return out


def read_number_input(read_label: ValueReader) -> ValueReader:
    """A value reader of the ``input:`` mapping of a rule (labels read by ``read_label``)."""

    def read(r: yamlio.Reader, key: str, value: Any) -> NumberInput:
        sub = yamlio.Reader(
            value, file=r.file, what=f"{r.what}: {key}", code=r.code, mark=r.value_mark(key)
        )
        unit = sub.opt("unit", yamlio.choice(("percent", "count", "number", "days")), "number")
        lo = sub.opt("min", float, 0.0 if unit in ("percent", "count", "days") else -INF)
        hi = sub.opt("max", float, 100.0 if unit == "percent" else INF)
        integer = sub.opt("integer", bool, unit == "count")
        label = sub.opt("label", read_label)
        sub.done()
        if lo > hi:
            sub.fail("the input's min is above its max", value=[lo, hi])
        return NumberInput(unit, lo, hi, integer, label)

    return read


def read_band(r: yamlio.Reader, key: str, value: Any) -> Band:
    s = r.check_type(key, value, str)
    try:
        return parse_band(s)
    except ValueError as exc:
        r.fail_key(key, str(exc), value=s)
