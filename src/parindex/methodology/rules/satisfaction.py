"""``satisfaction``: a satisfaction rate times the maximum."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

import attrs
import numpy as np

from ..._text import fmt
from ...expr import excel_number
from .. import yamlio
from ._base import (
    ArrayOutcome,
    ExcelRefs,
    Explained,
    Rule,
    Target,
    ValueReader,
    as_number,
    bad,
    need_max,
    plain,
    points_text,
)

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

    # -- how the rule reads ----------------------------------------------------------------

    @property
    def input_suffix(self) -> str:
        return "%" if self.unit == "percent" else ""

    def explain(self, result: Explained, lang: str) -> str:
        v = fmt(float(result.value), lang)
        mx = fmt(result.node.max, lang)
        unit = "%" if self.unit == "percent" else ""
        return (
            f"Tỷ lệ hài lòng {v}{unit}: {mx} × {v}{unit} = "
            if lang == "vi"
            else f"satisfaction {v}{' ' + unit if unit else ''}: {mx} × {v}{' ' + unit if unit else ''} = "
        ) + points_text(result.points, result.node.max, lang)

    def guide(self, node: Node, reserved: str = "") -> str:
        return f"Điểm = {fmt(node.max)} × tỷ lệ hài lòng"

    def how_to_enter(self, node: Node) -> str:
        return "Nhập tỷ lệ hài lòng (%)" if self.unit == "percent" else "Nhập tỷ lệ (0–1)"

    def excel(self, node: Node, cell: str, refs: ExcelRefs) -> str:
        mx = node.max
        assert mx is not None
        return f"{excel_number(mx)}*{cell}/{excel_number(self.top)}"

    def targets(self, node: Node, value: Any, current: float) -> list[Target]:
        return [("full", self.top, ">=", self.top)]

    def to_dict(self, *, band_text: Any = str) -> dict[str, Any]:
        return {"kind": self.kind, "unit": self.unit}
