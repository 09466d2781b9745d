"""``bands``: a number falling in one of several bands with explicit inclusive/exclusive edges."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any, ClassVar, Self

import attrs
import numpy as np

from ..._text import fmt
from ...expr import excel_number
from .. import yamlio
from ._band import Band
from ._base import (
    TOL,
    ArrayOutcome,
    ExcelRefs,
    Explained,
    Rule,
    Target,
    ValueReader,
    bad,
    points_text,
    unit_text,
)
from ._input import NumberInput, read_band, read_number_input

if TYPE_CHECKING:
    from ..model import Node

__all__ = ["BandsRule"]


@attrs.frozen
class BandsRule(Rule):
    """A number mapped to points by bands with explicit edges."""

    kind: ClassVar[str] = "bands"
    input: NumberInput
    bands: tuple[Band, ...]
    points: tuple[float, ...]

    @classmethod
    def parse(cls, sub: yamlio.Reader, read_label: ValueReader) -> Self:
        inp = sub.opt("input", read_number_input(read_label), NumberInput("percent", 0.0, 100.0))
        seq = sub.req("bands", list)
        bands, points = [], []
        for i, (item, mark) in enumerate(zip(seq, yamlio.item_marks(seq), strict=True)):
            b = yamlio.Reader(
                item, file=sub.file, what=f"rule: bands[{i + 1}]", code=sub.code, mark=mark
            )
            bands.append(b.req("range", read_band))
            points.append(b.req("points", float))
            b.done()
        if len(bands) < 2:
            sub.fail("rule: a bands rule needs at least two bands")
        for i, a in enumerate(bands):
            for j in range(i + 1, len(bands)):
                if a.overlaps(bands[j]):
                    sub.fail(f"rule: bands {a} and {bands[j]} overlap: a value would fall in both")
        _check_coverage(sub, inp, bands)
        return cls(inp, tuple(bands), tuple(points))

    def check(self, value: Any) -> Any:
        return self.input.check(value)

    def input_range(self, node: Node, name: str | None = None) -> tuple[float, float, bool]:
        return self.input.range

    def band_of(self, x: float) -> int | None:
        for i, b in enumerate(self.bands):
            if b.contains(x):
                return i
        return None

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        return (min(self.points), max(self.points))

    def evaluate_array(self, values: Any, node_min: float, node_max: float | None) -> ArrayOutcome:
        x = np.asarray(values, np.float64)
        idx = np.full(len(x), -1, np.int64)
        for b_i, b in enumerate(self.bands):
            idx = np.where((idx < 0) & b.contains(x), b_i, idx)
        none = idx < 0
        idx = np.where(none, 0, idx)
        pts = np.array(self.points, np.float64)[idx]
        return ArrayOutcome(pts, pts, none, band=idx)

    def refusal(
        self, value: Any, out: ArrayOutcome, node_min: float, node_max: float | None
    ) -> Exception:
        return bad(
            "falls in none of the bands " + ", ".join(str(b) for b in self.bands),
            value,
        )

    # -- how the rule reads ----------------------------------------------------------------

    @property
    def input_suffix(self) -> str:
        return self.input.suffix

    def counted(self, lang: str) -> str:
        """What a count input counts, after a number (" văn bản"), from the input's label;
        empty for an input that is not whole numbers or has no label."""
        inp = self.input
        if not inp.integer or inp.label is None:
            return ""
        return " " + str(inp.label.text(lang))

    def describe_band(self, i: int, lang: str) -> str:
        """Band ``i`` in words; a count's bands speak of whole numbers ("0 văn bản",
        "từ 1 đến 2 văn bản"), never of "dưới 1"."""
        unit = unit_text(self.input.suffix, lang) + self.counted(lang)
        return self.bands[i].describe(lang, unit, integer=self.input.integer)

    def explain(self, result: Explained, lang: str) -> str:
        if result.band is None:
            return super().explain(result, lang)
        vi = lang == "vi"
        unit = unit_text(self.input.suffix, lang) + self.counted(lang)
        band = self.describe_band(result.band, lang)
        val = fmt(float(result.value), lang) + unit
        return (
            f"Giá trị {val} thuộc khoảng {band}: " if vi else f"value {val} is in the band {band}: "
        ) + points_text(result.points, result.node.max, lang)

    def guide(self, node: Node, reserved: str = "") -> str:
        return "; ".join(
            f"{_capital(self.describe_band(i, 'vi'))}: {fmt(p)} điểm"
            for i, p in enumerate(self.points)
        )

    def how_to_enter(self, node: Node) -> str:
        return self.input.how_to_enter()

    def excel(self, node: Node, cell: str, refs: ExcelRefs) -> str:
        text = '"?"'
        for b, p in reversed(list(zip(self.bands, self.points, strict=True))):
            text = f"IF({b.excel_test(cell)},{excel_number(p)},{text})"
        return text

    def targets(self, node: Node, value: Any, current: float) -> list[Target]:
        x = float(value)
        inp = self.input
        cands = []
        for b, p in zip(self.bands, self.points, strict=True):
            if p > current + TOL and b.reachable(inp.min, inp.max, inp.integer):
                v, bound = b.nearest(x, inp.min, inp.max, inp.integer)
                thr = b.lo if bound in (">=", ">") else b.hi
                if inp.integer:  # a count: the whole number itself, "= 0" for a one-number band
                    w = b.whole()
                    bound = "=" if w is not None and w[0] == w[1] else _WHOLE_BOUND[bound]
                    thr = v
                cands.append((p, abs(v - x), v, bound, thr))
        if not cands:
            return []
        nxt = min(cands, key=lambda c: (c[0], c[1]))
        top = max(c[0] for c in cands)
        full = min((c for c in cands if c[0] == top), key=lambda c: c[1])
        out: list[Target] = [("next", nxt[2], nxt[3], nxt[4])]
        if full is not nxt:
            out.append(("full", full[2], full[3], full[4]))
        else:
            out = [("next", nxt[2], nxt[3], nxt[4]), ("full", nxt[2], nxt[3], nxt[4])]
        return out

    def to_dict(self, *, band_text: Any = str) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "input": self.input.to_dict(),
            "bands": [
                {"range": band_text(b), "points": p}
                for b, p in zip(self.bands, self.points, strict=True)
            ],
        }


#: a strict bound on whole numbers is the inclusive one at the whole number past the edge
_WHOLE_BOUND = {">": ">=", ">=": ">=", "<": "<=", "<=": "<="}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _check_coverage(sub: yamlio.Reader, inp: NumberInput, bands: list[Band]) -> None:
    """Every value the input may take must fall in some band: every number, or for an input of
    whole numbers every whole number (so ``[0, 0]``, ``[1, 2]``, ``[3, ∞)`` cover a count)."""
    edges = sorted({inp.min, inp.max, *(b.lo for b in bands), *(b.hi for b in bands)})
    points = [e for e in edges if inp.min <= e <= inp.max and math.isfinite(e)]
    if inp.integer:
        # between two edges every whole number falls in the same bands: try the whole numbers
        # next to each edge
        near = {float(k) for e in points for k in (math.floor(e) - 1, math.floor(e) + 1)}
        near |= {e for e in points if e == int(e)}
        if not math.isfinite(inp.min) or not math.isfinite(inp.max):
            near |= (
                {float(math.floor(points[0]) - 2), float(math.floor(points[-1]) + 2)}
                if points
                else {0.0}
            )
        checks = sorted(near)
    else:
        mids = [(a + b) / 2 for a, b in itertools.pairwise(points)]
        if not math.isfinite(inp.min):
            mids.append(points[0] - 1 if points else 0.0)
        if not math.isfinite(inp.max):
            mids.append(points[-1] + 1 if points else 0.0)
        checks = points + mids
    for x in checks:
        if inp.min <= x <= inp.max and not any(b.contains(x) for b in bands):
            sub.fail(
                f"rule: the value {fmt(x, 'en')} falls in none of the bands "
                f"{', '.join(str(b) for b in bands)} (the input runs from "
                f"{fmt(inp.min, 'en')} to {fmt(inp.max, 'en')})"
            )
