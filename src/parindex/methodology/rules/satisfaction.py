"""``satisfaction``: a satisfaction rate times the maximum."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

import attrs
import numpy as np

from .. import yamlio
from ._base import ArrayOutcome, Rule, ValueReader, as_number, bad, fmt, need_max, plain

if TYPE_CHECKING:
    from ..model import Node

__all__ = ["SatisfactionRule"]


@attrs.frozen
class SatisfactionRule(Rule):
    """Points = satisfaction rate × maximum (rate in percent, or a fraction)."""

    kind: ClassVar[str] = "satisfaction"
    unit: str = "percent"

    @classmethod
    def parse(cls, sub: yamlio.Reader, read_label: ValueReader) -> Self:
        return cls(sub.opt("unit", yamlio.choice(("percent", "fraction")), "percent"))

    def needs_max(self) -> bool:
        return True

    @property
    def top(self) -> float:
        return 100.0 if self.unit == "percent" else 1.0

    def check(self, value: Any) -> Any:
        x = as_number(value, "a satisfaction rate")
        if x < 0 or x > self.top:
            raise bad(
                f"a satisfaction rate must lie between 0 and {fmt(self.top, 'en')}"
                + (" %" if self.unit == "percent" else ""),
                value,
            )
        return x

    def input_range(self, node: Node, name: str | None = None) -> tuple[float, float, bool]:
        return (0.0, self.top, False)

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        return (0.0, need_max(node_max, self.kind))

    def evaluate_array(self, values: Any, node_min: float, node_max: float | None) -> ArrayOutcome:
        mx = need_max(node_max, self.kind)
        return plain(mx * np.asarray(values, np.float64) / self.top)

    def to_dict(self, *, band_text: Any = str) -> dict[str, Any]:
        return {"kind": self.kind, "unit": self.unit}
