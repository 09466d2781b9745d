"""``formula``: an arithmetic formula over named inputs (see :mod:`parindex.expr`)."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self

import attrs
import numpy as np

from ..._text import fmt
from ...errors import ExpressionError, ParIndexError, ScoringError
from ...expr import Expr, excel_number, parse
from .. import yamlio
from ._base import (
    CLAMP_MAX,
    CLAMP_MIN,
    F64,
    I64,
    INF,
    TOL,
    ArrayOutcome,
    ExcelRefs,
    Explained,
    LeafRows,
    Outcome,
    Rule,
    Target,
    ValueReader,
    as_number,
    bad,
    one,
    points_text,
)

if TYPE_CHECKING:
    from ..model import Node

__all__ = ["FormulaInput", "FormulaRule"]

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")
#: the largest number of input combinations :meth:`FormulaRule.targets` searches
MAX_COMBOS = 200_000


@attrs.frozen
class FormulaInput:
    name: str
    label: Any = None
    min: float = 0.0
    max: float = INF
    max_name: str | None = None  # the input may not exceed another input (b ≤ a)
    integer: bool = False


@attrs.frozen
class FormulaRule(Rule):
    """Points from a formula over named inputs, e.g. ``(b / a) * 1 + (c / a) * 0.5``."""

    kind: ClassVar[str] = "formula"
    out_of_bounds_hint: ClassVar[str] = " (declare clamp: true to cap it and record the capping)"
    expr: Expr
    inputs: tuple[FormulaInput, ...]
    on_zero_division: float | None = None
    clamp: bool = False

    @classmethod
    def parse(cls, sub: yamlio.Reader, read_label: ValueReader) -> Self:
        spec = sub.req("inputs", dict)
        inputs = []
        names: list[str] = []
        for name in spec:
            if not NAME_RE.match(name):
                sub.fail(
                    f"rule: input name {name!r} must be a plain name such as a, b or on_time",
                    value=name,
                )
            names.append(name)
        for name in spec:
            item = spec[name]
            imark: tuple[int, int] | None = (
                spec.value_marks.get(name) if hasattr(spec, "value_marks") else None
            )
            ir = yamlio.Reader(
                item if item is not None else {},
                file=sub.file,
                what=f"rule: inputs: {name}",
                code=sub.code,
                mark=imark,
            )
            label = ir.opt("label", read_label)
            lo = ir.opt("min", float, 0.0)
            raw_max = ir.opt("max", (float, str), None)
            integer = ir.opt("integer", bool, False)
            ir.done()
            max_name = None
            hi = INF
            if isinstance(raw_max, str):
                if raw_max not in names or raw_max == name:
                    ir.fail_key(
                        "max",
                        f"expected a number or the name of another input ({', '.join(n for n in names if n != name)})",
                        value=raw_max,
                    )
                max_name = raw_max
            elif raw_max is not None:
                hi = raw_max
            if lo > hi:
                ir.fail("min is above max", value=[lo, hi])
            inputs.append(FormulaInput(name, label, lo, hi, max_name, integer))
        if not inputs:
            sub.fail("rule: a formula needs at least one input")
        text = sub.req("expr", str)
        try:
            expr = parse(text, allowed_names=names)
        except ExpressionError as exc:
            mark = sub.value_mark("expr")
            raise ExpressionError(
                f"rule: expr: {exc.message}",
                file=sub.file,
                line=mark[0],
                column=mark[1],
                code=sub.code,
                value=text,
            ) from None
        unused = sorted(set(names) - set(expr.names))
        if unused:
            sub.fail(f"rule: inputs declared but not used in the formula: {', '.join(unused)}")
        ozd = sub.opt("on_zero_division", (float, str), None)
        if isinstance(ozd, str):
            if ozd != "error":
                sub.fail_key(
                    "on_zero_division", "expected a number of points or 'error'", value=ozd
                )
            ozd = None
        clamp = sub.opt("clamp", bool, False)
        return cls(expr, tuple(inputs), ozd, clamp)

    def check(self, value: Any) -> Any:
        if not isinstance(value, Mapping):
            names = ", ".join(i.name for i in self.inputs)
            raise bad(f"expected the named inputs {names} (a mapping)", value)
        known = {i.name for i in self.inputs}
        for k in value:
            if k not in known:
                raise bad(
                    f"unknown input '{k}' for this formula; expected {', '.join(sorted(known))}",
                    dict(value),
                )
        out: dict[str, float] = {}
        for spec in self.inputs:
            if spec.name not in value:
                raise bad(f"the formula input '{spec.name}' is missing", dict(value))
            x = as_number(value[spec.name], f"a number for input '{spec.name}'")
            if spec.integer and x != int(x):
                raise bad(f"input '{spec.name}' must be a whole number", value[spec.name])
            if x < spec.min or x > spec.max:
                raise bad(
                    f"input '{spec.name}' out of range {fmt(spec.min, 'en')}–{fmt(spec.max, 'en')}",
                    value[spec.name],
                )
            out[spec.name] = x
        for spec in self.inputs:
            if spec.max_name is not None and out[spec.name] > out[spec.max_name]:
                raise bad(
                    f"input '{spec.name}' ({fmt(out[spec.name], 'en')}) may not exceed "
                    f"'{spec.max_name}' ({fmt(out[spec.max_name], 'en')})",
                    dict(value),
                )
        return out

    def input_range(self, node: Node, name: str | None = None) -> tuple[float, float, bool]:
        if name is None:
            return super().input_range(node)
        spec = next(i for i in self.inputs if i.name == name)
        return spec.min, spec.max, spec.integer

    def check_array(self, rows: LeafRows, node: Node) -> dict[str, F64]:
        """One array per input name."""
        names = [s.name for s in self.inputs]
        k = len(names)
        cols = np.zeros((k, len(rows)), np.float64)
        fast = np.zeros(len(rows), np.bool_)
        idx = np.flatnonzero(rows.live)
        mid = rows.mappings(idx)
        ok = (mid >= 0) & (rows.mapping_length(mid) == k)
        for q, nm in enumerate(names):
            found, x, plain_ = rows.lookup(mid, nm)
            ok &= found & plain_
            cols[q, idx] = x
        fast[idx[ok]] = True
        for i in idx[~ok].tolist():
            checked = rows.check_one(i, self.check)
            if checked is not None:
                cols[:, i] = [checked[nm] for nm in names]
        wrong = fast & ~np.isfinite(cols).all(axis=0)
        by_name = {nm: cols[q] for q, nm in enumerate(names)}
        for q, spec in enumerate(self.inputs):
            x = cols[q]
            if spec.integer:
                wrong |= fast & (x != np.trunc(x))
            wrong |= fast & ((x < spec.min) | (x > spec.max))
        for spec in self.inputs:
            if spec.max_name is not None:
                wrong |= fast & (by_name[spec.name] > by_name[spec.max_name])
        rows.refuse(wrong)
        return by_name

    def as_array(self, checked: Any) -> dict[str, F64]:
        return {name: one(x) for name, x in checked.items()}

    def select(self, values: Any, pos: I64) -> dict[str, F64]:
        return {name: col[pos] for name, col in values.items()}

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        lo, hi = self.expr.bounds({i.name: (i.min, i.max) for i in self.inputs})
        if self.on_zero_division is not None:
            lo, hi = min(lo, self.on_zero_division), max(hi, self.on_zero_division)
        if self.clamp:
            top = INF if node_max is None else node_max
            return (max(lo, node_min), min(hi, top))
        return (float(lo), float(hi))

    def evaluate_array(self, values: Any, node_min: float, node_max: float | None) -> ArrayOutcome:
        raw, failed = self.expr.evaluate_array(values)
        z = self.on_zero_division
        refused = np.zeros(len(raw), np.bool_)
        if z is None:
            refused |= failed
            raw = np.where(failed, 0.0, raw)
        pts = raw
        under = ~failed & (raw < node_min)
        top = node_max if node_max is not None else 0.0
        over = ~failed & ~under & (node_max is not None) & (raw > top)
        if not self.clamp:
            refused |= under | over
        pts = np.where(under, node_min, pts)
        if node_max is not None:
            pts = np.where(over, node_max, pts)
        cl = np.where(under, CLAMP_MIN, np.where(over, CLAMP_MAX, 0)).astype(np.int8)
        fallback = None
        if z is not None:
            pts = np.where(failed, z, pts)
            raw = np.where(failed, z, raw)
            fallback = failed
        return ArrayOutcome(pts, raw, refused, cl, fallback=fallback)

    def evaluate(self, value: Any, node_min: float, node_max: float | None) -> Outcome:
        out = self.evaluate_array(self.as_array(value), node_min, node_max)
        if out.bad[0] or (out.fallback is not None and out.fallback[0]):
            # the formula failed for this unit, or its result is out of bounds: the scalar
            # formula names the failure (a zero divisor, a step without a finite number)
            try:
                self.expr.evaluate(value)
            except ScoringError as exc:
                if self.on_zero_division is None or not exc.message.startswith("division by zero"):
                    raise
        if out.bad[0]:
            raise self.refusal(value, out, node_min, node_max)
        return out.outcome(0)

    def refusal(
        self, value: Any, out: ArrayOutcome, node_min: float, node_max: float | None
    ) -> Exception:
        raw = float(out.raw[0])
        if raw < node_min:
            return bad(
                f"the rule gave {fmt(raw, 'en')}, below the item's minimum {fmt(node_min, 'en')}",
                raw,
            )
        if node_max is not None and raw > node_max:
            return bad(
                f"the rule gave {fmt(raw, 'en')}, above the item's maximum {fmt(node_max, 'en')}",
                raw,
            )
        return ScoringError(f"formula {self.expr.text!r}: gave no number", value=self.expr.text)

    # -- how the rule reads ----------------------------------------------------------------

    needs_every_input: ClassVar[bool] = True

    def explain(self, result: Explained, lang: str) -> str:
        vi = lang == "vi"
        args = ", ".join(f"{k} = {fmt(float(x), lang)}" for k, x in (result.value or {}).items())
        pts = points_text(result.points, result.node.max, lang)
        if result.fallback:
            return (
                f"Công thức {self.expr.text} với {args}: mẫu số bằng 0, tính theo quy định: "
                if vi
                else f"formula {self.expr.text} with {args}: zero denominator, the rule's fallback gives "
            ) + pts
        return (
            f"Công thức {self.expr.text} với {args}: "
            if vi
            else f"formula {self.expr.text} with {args}: "
        ) + pts

    def guide(self, node: Node, reserved: str = "") -> str:
        names = "; ".join(
            f"{i.name} = {i.label.vi}" if i.label is not None else i.name for i in self.inputs
        )
        text = f"Điểm = {self.expr.text} ({names})"
        if self.on_zero_division is not None:
            text += f"; mẫu số bằng 0: {fmt(self.on_zero_division)} điểm"
        return text

    def how_to_enter(self, node: Node) -> str:
        return "Nhập các số liệu ở các dòng bên dưới"

    def excel(self, node: Node, cell: str, refs: ExcelRefs) -> str:
        text = self.expr.to_excel(refs.inputs)
        if self.clamp:
            text = f"MAX({excel_number(node.min)},{text})"
            if node.max is not None:
                text = f"MIN({excel_number(node.max)},{text})"
        if self.on_zero_division is not None:
            text = f"IFERROR({text},{excel_number(self.on_zero_division)})"
        return text

    def input_names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.inputs)

    def input_label(self, name: str) -> str:
        spec = next(i for i in self.inputs if i.name == name)
        return f"{name}: {spec.label.vi}" if spec.label is not None else name

    def input_hint(self, name: str) -> str:
        spec = next(i for i in self.inputs if i.name == name)
        kind = "số nguyên" if spec.integer else "số"
        hi = spec.max_name if spec.max_name else ("" if spec.max == INF else fmt(spec.max))
        return f"Nhập {kind} ≥ {fmt(spec.min)}" + (f", ≤ {hi}" if hi else "")

    def value_names(self) -> tuple[tuple[str, str, str], ...]:
        return tuple(
            (
                i.name,
                f"{i.label.vi} ({i.name})" if i.label else i.name,
                f"{i.label.text('en')} ({i.name})" if i.label else i.name,
            )
            for i in self.inputs
        )

    def targets(self, node: Node, value: Any, current: float) -> list[Target]:
        """Search the inputs that can change (those that bound no other input, e.g. not the
        count of issues found) over whole numbers: the next step is the one-unit change that
        gains most; the full score is the nearest combination (fewest units changed) that
        earns the most."""
        inputs: Mapping[str, float] = value
        fixed = {i.max_name for i in self.inputs if i.max_name is not None}
        free = [i for i in self.inputs if i.name not in fixed]
        ranges: list[list[float]] = []
        for spec in free:
            hi = inputs[spec.max_name] if spec.max_name is not None else spec.max
            if not spec.integer or not math.isfinite(hi):
                return []
            lo = math.ceil(spec.min)
            ranges.append([float(v) for v in range(int(lo), math.floor(hi) + 1)])
        total = math.prod(len(r) for r in ranges) if ranges else 0
        if total == 0 or total > MAX_COMBOS:
            return []
        base = dict(inputs)
        best_next: tuple[float, dict[str, float]] | None = None
        best_full: tuple[float, float, dict[str, float]] | None = None
        for combo in itertools.product(*ranges):
            trial = dict(base)
            for spec, v in zip(free, combo, strict=True):
                trial[spec.name] = v
            try:
                checked = self.check(trial)
                pts = self.evaluate(checked, node.min, node.max).points
            except ParIndexError:
                continue
            dist = sum(abs(trial[s.name] - base[s.name]) for s in free)
            if (
                dist == 1
                and pts > current + TOL
                and (best_next is None or pts > best_next[0] + TOL)
            ):
                best_next = (pts, trial)
            if (
                best_full is None
                or pts > best_full[0] + TOL
                or (abs(pts - best_full[0]) <= TOL and dist < best_full[1])
            ):
                best_full = (pts, dist, trial)
        out: list[Target] = []
        if best_next is not None:
            out.append(("next", best_next[1], "=", best_next[1]))
        if best_full is not None and best_full[0] > current + TOL:
            out.append(("full", best_full[2], "=", best_full[2]))
        return out

    def to_dict(self, *, band_text: Any = str) -> dict[str, Any]:
        inputs: dict[str, Any] = {}
        for i in self.inputs:
            d: dict[str, Any] = {}
            if i.label is not None:
                d["label"] = i.label.to_dict()
            d["min"] = i.min
            if i.max_name is not None:
                d["max"] = i.max_name
            elif i.max != INF:
                d["max"] = i.max
            if i.integer:
                d["integer"] = True
            inputs[i.name] = d
        out: dict[str, Any] = {"kind": self.kind, "expr": str(self.expr.text), "inputs": inputs}
        if self.on_zero_division is not None:
            out["on_zero_division"] = self.on_zero_division
        if self.clamp:
            out["clamp"] = True
        return out
