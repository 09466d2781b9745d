"""``deductions``: a starting figure less a fixed amount per occurrence, with a floor."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self

import attrs
import numpy as np

from ..._text import fmt
from ...expr import excel_number
from .. import yamlio
from ._base import (
    CLAMP_FLOOR,
    F64,
    I64,
    INF,
    TOL,
    ArrayOutcome,
    ExcelRefs,
    Explained,
    LeafRows,
    Rule,
    Target,
    ValueReader,
    as_number,
    bad,
    label_text,
    need_max,
    points_text,
)

if TYPE_CHECKING:
    from ..model import Node

__all__ = ["DeductionItem", "DeductionsRule"]


@attrs.frozen
class DeductionItem:
    code: str
    points: float  # deducted per occurrence (positive number)
    label: Any = None


@attrs.frozen
class DeductionsRule(Rule):
    """Start from ``start`` (default: the maximum) and deduct per occurrence, not below ``floor``."""

    kind: ClassVar[str] = "deductions"
    items: tuple[DeductionItem, ...]
    start: float | None = None
    floor: float | None = None

    @classmethod
    def parse(cls, sub: yamlio.Reader, read_label: ValueReader) -> Self:
        seq = sub.req("items", list)
        items = []
        for i, (item, mark) in enumerate(zip(seq, yamlio.item_marks(seq), strict=True)):
            d = yamlio.Reader(
                item, file=sub.file, what=f"rule: items[{i + 1}]", code=sub.code, mark=mark
            )
            code = d.req("code", yamlio.text)
            per = d.req("points", float)
            if per <= 0:
                d.fail_key(
                    "points", "the points deducted per occurrence must be positive", value=per
                )
            items.append(DeductionItem(code, per, d.opt("label", read_label)))
            d.done()
        if not items:
            sub.fail("rule: list at least one kind of deduction")
        if len({i.code for i in items}) != len(items):
            sub.fail("rule: deduction codes must be unique", value=[i.code for i in items])
        return cls(tuple(items), sub.opt("start", float), sub.opt("floor", float))

    def needs_max(self) -> bool:
        return self.start is None

    def start_for(self, node_max: float | None) -> float:
        return self.start if self.start is not None else need_max(node_max, self.kind)

    def floor_for(self, node_min: float) -> float:
        return self.floor if self.floor is not None else node_min

    def check(self, value: Any) -> Any:
        codes = [i.code for i in self.items]
        if isinstance(value, int | float) and not isinstance(value, bool) and len(codes) == 1:
            value = {codes[0]: value}
        if not isinstance(value, Mapping):
            raise bad(f"expected counts of occurrences by kind: {', '.join(codes)}", value)
        out: dict[str, int] = {}
        for k, v in value.items():
            if k not in codes:
                raise bad(
                    f"unknown deduction '{k}'; expected one of {', '.join(codes)}", dict(value)
                )
            x = as_number(v, f"a count for '{k}'")
            if x < 0 or x != int(x):
                raise bad(f"the count for '{k}' must be a whole number ≥ 0", v)
            out[str(k)] = int(x)
        return {c: out.get(c, 0) for c in codes}

    def input_range(self, node: Node, name: str | None = None) -> tuple[float, float, bool]:
        """Counts of occurrences: whole numbers from 0."""
        return (0.0, INF, True)

    def check_array(self, rows: LeafRows, node: Node) -> F64:
        """The counts, one row per deduction item and one column per row."""
        codes = [it.code for it in self.items]
        cols = np.zeros((len(codes), len(rows)), np.float64)
        fast = np.zeros(len(rows), np.bool_)
        idx = np.flatnonzero(rows.live)
        mid = rows.mappings(idx)
        ok = mid >= 0
        known = np.zeros(len(idx), np.int64)
        for q, c in enumerate(codes):
            found, x, plain_ = rows.lookup(mid, c)
            ok &= ~found | plain_
            known += found
            cols[q, idx] = x
        ok &= rows.mapping_length(mid) == known  # no unknown kinds
        fast[idx[ok]] = True
        for i in idx[~ok].tolist():
            checked = rows.check_one(i, self.check)
            if checked is not None:
                cols[:, i] = [checked[c] for c in codes]
        wrong = fast & ~(np.isfinite(cols).all(axis=0))
        wrong |= fast & ((cols < 0) | (cols != np.trunc(cols))).any(axis=0)
        rows.refuse(wrong)
        return cols

    def as_array(self, checked: Any) -> F64:
        return np.array([[float(checked[it.code])] for it in self.items], np.float64)

    def select(self, values: Any, pos: I64) -> F64:
        return values[:, pos]  # type: ignore[no-any-return]

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        return (self.floor_for(node_min), self.start_for(node_max))

    def evaluate_array(self, values: Any, node_min: float, node_max: float | None) -> ArrayOutcome:
        counts = np.asarray(values, np.float64)
        raw = np.full(counts.shape[1], self.start_for(node_max), np.float64)
        for q, item in enumerate(self.items):
            raw = raw - item.points * counts[q]
        floor = self.floor_for(node_min)
        low = raw < floor
        return ArrayOutcome(
            np.where(low, floor, raw),
            raw,
            np.zeros(len(raw), np.bool_),
            np.where(low, CLAMP_FLOOR, 0).astype(np.int8),
        )

    # -- how the rule reads ----------------------------------------------------------------

    def explain(self, result: Explained, lang: str) -> str:
        vi = lang == "vi"
        v = result.value
        pts = points_text(result.points, result.node.max, lang)
        start = self.start_for(result.node.max)
        terms = [
            f"{fmt(it.points, lang)} × {int(v[it.code])}{label_text(it, lang) or ' (' + it.code + ')'}"
            for it in self.items
            if v and v.get(it.code)
        ]
        if not terms:
            return ("Không có trường hợp bị trừ điểm: " if vi else "no deductions: ") + pts
        text = f"{fmt(start, lang)} − " + " − ".join(terms) + f" = {fmt(result.raw, lang)}"
        if result.clamped:
            text += (
                f", không thấp hơn {fmt(result.points, lang)}"
                if vi
                else f", floored at {fmt(result.points, lang)}"
            )
        return text + ": " + pts

    def clamp_note(self, result: Explained, lang: str) -> str:
        """Nothing: :meth:`explain` already says where the floor applied."""
        return ""

    def guide(self, node: Node, reserved: str = "") -> str:
        items = "; ".join(
            f"trừ {fmt(i.points)} điểm mỗi {i.label.vi if i.label is not None else i.code}"
            for i in self.items
        )
        return (
            f"Bắt đầu {fmt(self.start_for(node.max))} điểm; {items}; "
            f"không thấp hơn {fmt(self.floor_for(node.min))} điểm"
        )

    def how_to_enter(self, node: Node) -> str:
        return "Nhập số lần ở các dòng bên dưới"

    def excel(self, node: Node, cell: str, refs: ExcelRefs) -> str:
        text = excel_number(self.start_for(node.max))
        for item in self.items:
            text += f"-{excel_number(item.points)}*{refs.inputs[item.code]}"
        return f"MAX({excel_number(self.floor_for(node.min))},{text})"

    def input_names(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.items)

    def input_label(self, name: str) -> str:
        item = next(i for i in self.items if i.code == name)
        label = item.label.vi if item.label is not None else name
        return f"Số lần {label} (trừ {fmt(item.points)} điểm/lần)"

    def input_hint(self, name: str) -> str:
        return "Nhập số nguyên ≥ 0"

    def as_entered(self, value: Any) -> Any:
        """The counts given (one count alone for a rule of one kind), checked."""
        if not isinstance(value, Mapping):
            codes = [i.code for i in self.items]
            value = {codes[0]: value} if len(codes) == 1 else value
        checked = self.check(value)
        return {k: checked[k] for k in value}

    def value_names(self) -> tuple[tuple[str, str, str], ...]:
        return tuple(
            (
                it.code,
                it.label.vi if it.label else it.code,
                it.label.text("en") if it.label else it.code,
            )
            for it in self.items
        )

    def targets(self, node: Node, value: Any, current: float) -> list[Target]:
        """Next: remove occurrences, the heaviest first, until the points rise; full: none."""
        order = sorted(self.items, key=lambda it: -it.points)
        trial = dict(value)
        nxt: dict[str, int] | None = None
        for it in order:
            while trial.get(it.code, 0) > 0:
                trial[it.code] -= 1
                if self.evaluate(trial, node.min, node.max).points > current + TOL:
                    nxt = dict(trial)
                    break
            if nxt is not None:
                break
        out: list[Target] = []
        if nxt is not None:
            out.append(("next", nxt, "=", nxt))
        zero = {it.code: 0 for it in self.items}
        if self.evaluate(zero, node.min, node.max).points > current + TOL:
            out.append(("full", zero, "=", zero))
        return out

    def to_dict(self, *, band_text: Any = str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "items": [
                {"code": i.code, "points": i.points}
                | ({"label": i.label.to_dict()} if i.label is not None else {})
                for i in self.items
            ],
        }
        if self.start is not None:
            out["start"] = self.start
        if self.floor is not None:
            out["floor"] = self.floor
        return out
