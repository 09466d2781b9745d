"""``levels``: a choice (level code) mapped to points; negative points allowed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

import attrs
import numpy as np

from ..._text import fmt, fold_case
from .. import yamlio
from ._base import (
    I64,
    TOL,
    ArrayOutcome,
    Choice,
    ExcelRefs,
    Explained,
    LeafRows,
    Rule,
    Target,
    ValueReader,
    bad,
    label_text,
    points_text,
)

if TYPE_CHECKING:
    from ..model import Node

__all__ = ["Level", "LevelsRule"]


@attrs.frozen
class Level:
    code: str
    points: float
    label: Any = None  # Label; typed loosely to avoid an import cycle


@attrs.frozen
class LevelsRule(Rule):
    """A choice mapped to points ("ban hành kịp thời: 1; chậm: 0,5; không ban hành: 0")."""

    kind: ClassVar[str] = "levels"
    levels: tuple[Level, ...]

    @classmethod
    def parse(cls, sub: yamlio.Reader, read_label: ValueReader) -> Self:
        seq = sub.req("levels", list)
        levels = []
        for i, (item, mark) in enumerate(zip(seq, yamlio.item_marks(seq), strict=True)):
            lv = yamlio.Reader(
                item, file=sub.file, what=f"rule: levels[{i + 1}]", code=sub.code, mark=mark
            )
            levels.append(
                Level(
                    lv.req("code", yamlio.text),
                    lv.req("points", float),
                    lv.opt("label", read_label),
                )
            )
            lv.done()
        if len(levels) < 2:
            sub.fail("rule: a levels rule needs at least two levels")
        codes = [lv.code.casefold() for lv in levels]
        if len(set(codes)) != len(codes):
            sub.fail(
                "rule: level codes must be unique (ignoring case)", value=[lv.code for lv in levels]
            )
        return cls(tuple(levels))

    def index_of(self, code: str) -> int | None:
        for i, lv in enumerate(self.levels):
            if lv.code == code:
                return i
        folded = code.strip().casefold()
        for i, lv in enumerate(self.levels):
            if lv.code.casefold() == folded:
                return i
        return None

    def check(self, value: Any) -> Any:
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise bad(
                f"expected one of the levels {', '.join(lv.code for lv in self.levels)}", value
            )
        i = self.index_of(str(value))
        if i is None:
            raise bad(
                f"not a level of this item; expected one of: "
                f"{', '.join(lv.code for lv in self.levels)}",
                value,
            )
        return self.levels[i].code

    def check_array(self, rows: LeafRows, node: Node) -> I64:
        """The index of each row's level (0 for refused rows)."""
        out = np.zeros(len(rows), np.int64)
        idx = np.flatnonzero(rows.live)
        text, texts = rows.texts(idx)
        # level codes given as text: check each distinct text once
        used = np.unique(text[text >= 0])
        lookup = np.full(max(len(texts), 1), -1, np.int64)
        for t in used.tolist():
            try:
                k = self.index_of(self.check(texts[t]))
            except Exception:
                k = None
            lookup[t] = -1 if k is None else k
        got = lookup[np.where(text >= 0, text, 0)]
        is_text = text >= 0
        wrong = np.zeros(len(rows), np.bool_)
        wrong[idx[is_text & (got < 0)]] = True
        rows.refuse(wrong)
        out[idx[is_text]] = np.where(got[is_text] < 0, 0, got[is_text])
        # anything else (whole numbers as codes, wrong kinds): one by one
        for i in idx[~is_text].tolist():
            checked = rows.check_one(i, self.check)
            k = None if checked is None else self.index_of(checked)
            out[i] = 0 if k is None else k
        return out

    def as_array(self, checked: Any) -> I64:
        i = self.index_of(str(checked))
        assert i is not None
        return np.array([i], np.int64)

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        pts = [lv.points for lv in self.levels]
        return (min(pts), max(pts))

    def evaluate_array(self, values: Any, node_min: float, node_max: float | None) -> ArrayOutcome:
        idx = np.asarray(values, np.int64)
        pts = np.array([lv.points for lv in self.levels], np.float64)[idx]
        return ArrayOutcome(pts, pts, np.zeros(len(idx), np.bool_), band=idx)

    # -- how the rule reads ----------------------------------------------------------------

    def explain(self, result: Explained, lang: str) -> str:
        if result.band is None:
            return super().explain(result, lang)
        lv = self.levels[result.band]
        return (
            f"Mức{label_text(lv, lang)} ({lv.code}): "
            if lang == "vi"
            else f"level{label_text(lv, lang)} ({lv.code}): "
        ) + points_text(result.points, result.node.max, lang)

    def choices(self, reserved: str = "") -> tuple[Choice, ...]:
        """The Vietnamese labels when they tell the levels apart (and none is ``reserved``),
        else ``code: label``."""
        texts = [lv.label.vi if lv.label is not None else lv.code for lv in self.levels]
        folded = [fold_case(t) for t in texts]
        if len(set(folded)) != len(folded) or fold_case(reserved) in folded:
            texts = [
                lv.code if lv.label is None else f"{lv.code}: {lv.label.vi}" for lv in self.levels
            ]
        return tuple(
            Choice(t, lv.code, lv.points) for t, lv in zip(texts, self.levels, strict=True)
        )

    def guide(self, node: Node, reserved: str = "") -> str:
        return "; ".join(f"{c.text}: {fmt(c.points)} điểm" for c in self.choices(reserved))

    def how_to_enter(self, node: Node) -> str:
        return "Chọn mức trong danh sách"

    def excel(self, node: Node, cell: str, refs: ExcelRefs) -> str:
        return f"INDEX({refs.points},MATCH({cell},{refs.options},0))"

    def value_names(self) -> tuple[tuple[str, str, str], ...]:
        return tuple(
            (
                lv.code,
                f"{lv.label.vi} ({lv.code})" if lv.label else lv.code,
                f"{lv.label.text('en')} ({lv.code})" if lv.label else lv.code,
            )
            for lv in self.levels
        )

    def targets(self, node: Node, value: Any, current: float) -> list[Target]:
        better = [lv for lv in self.levels if lv.points > current + TOL]
        if not better:
            return []
        nxt = min(better, key=lambda lv: lv.points)
        top = max(better, key=lambda lv: lv.points)
        return [("next", nxt.code, "=", nxt.code), ("full", top.code, "=", top.code)]

    def to_dict(self, *, band_text: Any = str) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "levels": [
                {"code": lv.code, "points": lv.points}
                | ({"label": lv.label.to_dict()} if lv.label is not None else {})
                for lv in self.levels
            ],
        }
