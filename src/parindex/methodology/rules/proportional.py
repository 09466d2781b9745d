"""``proportional``: points = maximum × value / full, inside a band; fixed points outside it."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar, Self

import attrs
import numpy as np

from ..._text import fmt
from ...expr import excel_number
from .. import yamlio
from ._band import Band
from ._base import (
    ArrayOutcome,
    ExcelRefs,
    Explained,
    Rule,
    Target,
    ValueReader,
    need_max,
    points_text,
    unit_text,
)
from ._input import NumberInput, read_band, read_number_input

if TYPE_CHECKING:
    from ..model import Node

__all__ = ["ProportionalRule"]


@attrs.frozen
class ProportionalRule(Rule):
    """Points = maximum × value / full, when the value lies in ``band``; else ``otherwise``."""

    kind: ClassVar[str] = "proportional"
    input: NumberInput
    band: Band
    full: float
    otherwise: float = 0.0

    @classmethod
    def parse(cls, sub: yamlio.Reader, read_label: ValueReader) -> Self:
        inp = sub.opt("input", read_number_input(read_label), NumberInput("percent", 0.0, 100.0))
        band = sub.req("range", read_band)
        full = sub.opt("full", float, inp.max if math.isfinite(inp.max) else None)
        if full is None or full <= 0:
            sub.fail(
                "rule: 'full' (the value that earns the whole maximum) must be a positive number",
                value=full,
            )
        otherwise = sub.opt("otherwise", float, 0.0)
        if band.hi > full:
            sub.fail(
                f"rule: the band {band} reaches above 'full' ({fmt(full, 'en')}), so points could exceed the maximum"
            )
        return cls(inp, band, full, otherwise)

    def needs_max(self) -> bool:
        return True

    def check(self, value: Any) -> Any:
        return self.input.check(value)

    def input_range(self, node: Node, name: str | None = None) -> tuple[float, float, bool]:
        return self.input.range

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        mx = need_max(node_max, self.kind)
        lo_v = max(self.band.lo, self.input.min)
        hi_v = min(self.band.hi, self.input.max)
        inside = (mx * lo_v / self.full, mx * hi_v / self.full)
        return (min(inside[0], self.otherwise), max(inside[1], self.otherwise))

    def evaluate_array(self, values: Any, node_min: float, node_max: float | None) -> ArrayOutcome:
        mx = need_max(node_max, self.kind)
        x = np.asarray(values, np.float64)
        inside = self.band.contains(x)
        pts = np.where(inside, mx * x / self.full, self.otherwise)
        band = np.where(inside, 0, 1).astype(np.int64)
        return ArrayOutcome(pts, pts, np.zeros(len(x), np.bool_), band=band)

    # -- how the rule reads ----------------------------------------------------------------

    @property
    def input_suffix(self) -> str:
        return self.input.suffix

    def explain(self, result: Explained, lang: str) -> str:
        vi = lang == "vi"
        v = float(result.value)
        unit = unit_text(self.input.suffix, lang)
        val = fmt(v, lang) + unit
        band = self.band.describe(lang, unit)
        pts = points_text(result.points, result.node.max, lang)
        if result.band == 0:
            calc = f"{fmt(result.node.max, lang)} × {fmt(v, lang)}/{fmt(self.full, lang)}"
            return (
                f"Giá trị {val} trong khoảng {band}: {calc} = "
                if vi
                else f"value {val} is within {band}: {calc} = "
            ) + pts
        return (
            f"Giá trị {val} ngoài khoảng {band}: " if vi else f"value {val} is outside {band}: "
        ) + pts

    def guide(self, node: Node, reserved: str = "") -> str:
        u = self.input.suffix
        return (
            f"{self.band.describe('vi', u).capitalize()}: điểm = {fmt(node.max)} × giá trị / "
            f"{fmt(self.full)}; ngoài khoảng này: {fmt(self.otherwise)} điểm"
        )

    def how_to_enter(self, node: Node) -> str:
        return self.input.how_to_enter()

    def excel(self, node: Node, cell: str, refs: ExcelRefs) -> str:
        mx = node.max
        assert mx is not None
        return (
            f"IF({self.band.excel_test(cell)},{excel_number(mx)}*{cell}/{excel_number(self.full)},"
            f"{excel_number(self.otherwise)})"
        )

    def targets(self, node: Node, value: Any, current: float) -> list[Target]:
        x = float(value)
        out: list[Target] = []
        b = self.band
        inp = self.input
        if not b.contains(x):
            v, bound = b.nearest(x, inp.min, inp.max, inp.integer)
            out.append(("next", v, bound, b.lo if bound in (">=", ">") else b.hi))
        top_v = min(b.hi, inp.max, self.full)
        if b.contains(top_v):
            out.append(("full", top_v, ">=", top_v))
        return out

    def to_dict(self, *, band_text: Any = str) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "input": self.input.to_dict(),
            "range": band_text(self.band),
            "full": self.full,
            "otherwise": self.otherwise,
        }
