"""``survey_mean``: a survey group's mean answer mapped onto the maximum."""

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

__all__ = ["SurveyMeanRule"]


@attrs.frozen
class SurveyMeanRule(Rule):
    """A survey mean answer on ``scale`` mapped linearly onto the maximum.

    ``anchor: min`` maps the lowest answer to 0 points; ``anchor: zero`` maps 0 to 0 points
    (points = maximum × mean / top of scale).
    """

    kind: ClassVar[str] = "survey_mean"
    scale: tuple[float, float]
    anchor: str = "min"

    @classmethod
    def parse(cls, sub: yamlio.Reader, read_label: ValueReader) -> Self:
        scale = sub.req("scale", list)
        if (
            len(scale) != 2
            or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in scale)
            or not scale[0] < scale[1]
        ):
            sub.fail_key(
                "scale", "expected [lowest answer, highest answer], e.g. [1, 5]", value=list(scale)
            )
        anchor = sub.opt("anchor", yamlio.choice(("min", "zero")), "min")
        if anchor == "zero" and scale[0] < 0:
            sub.fail_key("anchor", "anchor 'zero' needs a scale that starts at 0 or above")
        return cls((float(scale[0]), float(scale[1])), anchor)

    def needs_max(self) -> bool:
        return True

    def check(self, value: Any) -> Any:
        x = as_number(value, "a mean answer")
        lo, hi = self.scale
        if x < lo or x > hi:
            raise bad(f"a mean answer must lie on the scale {fmt(lo, 'en')}–{fmt(hi, 'en')}", value)
        return x

    def input_range(self, node: Node, name: str | None = None) -> tuple[float, float, bool]:
        return (self.scale[0], self.scale[1], False)

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        mx = need_max(node_max, self.kind)
        lo, hi = self.scale
        return ((0.0 if self.anchor == "min" else mx * lo / hi), mx)

    def evaluate_array(self, values: Any, node_min: float, node_max: float | None) -> ArrayOutcome:
        mx = need_max(node_max, self.kind)
        lo, hi = self.scale
        x = np.asarray(values, np.float64)
        return plain(mx * (x - lo) / (hi - lo) if self.anchor == "min" else mx * x / hi)

    # -- how the rule reads ----------------------------------------------------------------

    def explain(self, result: Explained, lang: str) -> str:
        lo, hi = self.scale
        v = fmt(float(result.value), lang)
        return (
            f"Điểm trung bình khảo sát {v} trên thang {fmt(lo, lang)}–{fmt(hi, lang)}: "
            if lang == "vi"
            else f"survey mean {v} on the scale {fmt(lo, lang)}–{fmt(hi, lang)}: "
        ) + points_text(result.points, result.node.max, lang)

    def guide(self, node: Node, reserved: str = "") -> str:
        lo, hi = self.scale
        formula = (
            f"{fmt(node.max)} × (TB − {fmt(lo)}) / ({fmt(hi)} − {fmt(lo)})"
            if self.anchor == "min"
            else f"{fmt(node.max)} × TB / {fmt(hi)}"
        )
        return f"Điểm trung bình khảo sát (TB) trên thang {fmt(lo)}–{fmt(hi)}: điểm = {formula}"

    def how_to_enter(self, node: Node) -> str:
        return f"Nhập điểm trung bình ({fmt(self.scale[0])}–{fmt(self.scale[1])})"

    def excel(self, node: Node, cell: str, refs: ExcelRefs) -> str:
        mx = node.max
        assert mx is not None
        lo, hi = self.scale
        if self.anchor == "min":
            return (
                f"{excel_number(mx)}*({cell}-{excel_number(lo)})/"
                f"({excel_number(hi)}-{excel_number(lo)})"
            )
        return f"{excel_number(mx)}*{cell}/{excel_number(hi)}"

    def targets(self, node: Node, value: Any, current: float) -> list[Target]:
        return [("full", self.scale[1], ">=", self.scale[1])]

    def to_dict(self, *, band_text: Any = str) -> dict[str, Any]:
        return {"kind": self.kind, "scale": list(self.scale), "anchor": self.anchor}
