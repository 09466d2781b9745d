"""Scoring rules of leaves, as data.

Each rule kind reads its parameters from the methodology file, checks an input value, and turns
it into points. Rules never see units or stages: the engine adds that context to errors.

Kinds (``kind:`` in the file):

``points``        points given directly, within the node's bounds
``levels``        a choice (level code) mapped to points, negative points allowed
``bands``         a number falling in one of several bands with explicit inclusive/exclusive edges
``proportional``  points = maximum × value / full, inside a band; fixed points outside it
``formula``       an arithmetic formula over named inputs (see :mod:`parindex.expr`)
``deductions``    a starting figure less a fixed amount per occurrence, with a floor
``survey_mean``   a survey group's mean answer mapped onto the maximum
``satisfaction``  a satisfaction rate times the maximum
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ..errors import AssessmentError, UnknownValueError

__all__ = [
    "RULE_KINDS",
    "Band",
    "BandsRule",
    "DeductionItem",
    "DeductionsRule",
    "FormulaInput",
    "FormulaRule",
    "Level",
    "LevelsRule",
    "Outcome",
    "PointsRule",
    "ProportionalRule",
    "Rule",
    "SatisfactionRule",
    "SurveyMeanRule",
    "parse_band",
]

INF = math.inf


@attrs.frozen
class Outcome:
    """What a rule made of a value: points (after any clamping) and how it got there."""

    points: float
    raw: float
    clamped: str | None = None  # "floor" / "min" / "max" when a bound was applied
    band: int | None = None  # index of the band or level used
    fallback: bool = False  # the rule's declared fallback was used (e.g. zero division)


# -- bands ------------------------------------------------------------------------------------

_BAND_RE = re.compile(
    r"^\s*([\[(])\s*([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)|[-−]?∞|-?inf)\s*[,;]\s*"
    r"([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)|\+?∞|\+?inf)\s*([\])])\s*$"
)


def _num(text: str) -> float:
    t = text.replace(",", ".").replace("−", "-").replace("+", "")
    if t in ("∞", "inf"):
        return INF
    if t in ("-∞", "-inf"):
        return -INF
    return float(t)


@attrs.frozen
class Band:
    """An interval of input values with explicit edges, e.g. ``[80, 100)``."""

    lo: float
    hi: float
    lo_inclusive: bool
    hi_inclusive: bool

    def contains(self, x: float) -> bool:
        above = x >= self.lo if self.lo_inclusive else x > self.lo
        below = x <= self.hi if self.hi_inclusive else x < self.hi
        return above and below

    def __str__(self) -> str:
        lo = "-∞" if self.lo == -INF else _g(self.lo)
        hi = "∞" if self.hi == INF else _g(self.hi)
        return f"{'[' if self.lo_inclusive else '('}{lo}, {hi}{']' if self.hi_inclusive else ')'}"

    def describe(self, lang: str = "vi", unit: str = "") -> str:
        """Human words for the band: 'from 80 % to under 100 %'."""
        u = unit
        lo = fmt(self.lo, lang) + u
        hi = fmt(self.hi, lang) + u
        if lang == "vi":
            if self.lo == -INF:
                return ("đến " if self.hi_inclusive else "dưới ") + hi
            if self.hi == INF:
                return ("từ " if self.lo_inclusive else "trên ") + lo
            if self.lo == self.hi:
                return "bằng " + lo
            left = ("từ " if self.lo_inclusive else "trên ") + lo
            right = (" đến " if self.hi_inclusive else " đến dưới ") + hi
            return left + right
        if self.lo == -INF:
            return ("up to " if self.hi_inclusive else "below ") + hi
        if self.hi == INF:
            return ("at least " if self.lo_inclusive else "above ") + lo
        if self.lo == self.hi:
            return "exactly " + lo
        left = ("" if self.lo_inclusive else "over ") + lo
        right = ("–" if self.hi_inclusive else "–<") + hi
        return left + right

    def overlaps(self, other: Band) -> bool:
        lo, lo_inc = (self.lo, self.lo_inclusive)
        if other.lo > lo or (other.lo == lo and not other.lo_inclusive):
            lo, lo_inc = other.lo, other.lo_inclusive
        hi, hi_inc = (self.hi, self.hi_inclusive)
        if other.hi < hi or (other.hi == hi and not other.hi_inclusive):
            hi, hi_inc = other.hi, other.hi_inclusive
        if lo < hi:
            return True
        return lo == hi and lo_inc and hi_inc


def parse_band(text: str) -> Band:
    """Parse ``"[80, 100)"``; raise ValueError with a reason if it is not a band."""
    m = _BAND_RE.match(text.replace("\u00a0", " "))
    if not m:
        raise ValueError(
            "expected an interval such as '[80, 100)' (square bracket = edge included, "
            "round = excluded; ∞ for no bound)"
        )
    lo, hi = _num(m.group(2)), _num(m.group(3))
    band = Band(lo, hi, m.group(1) == "[" and lo != -INF, m.group(4) == "]" and hi != INF)
    if lo > hi or (lo == hi and not (band.lo_inclusive and band.hi_inclusive)):
        raise ValueError("the band is empty: its lower edge is not below its upper edge")
    return band


# -- number formatting for explanations ---------------------------------------------------------


def _g(x: float) -> str:
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def fmt(x: float | None, lang: str = "vi") -> str:
    """Format a number for an officer: up to 4 decimals, trailing zeros dropped, vi decimal comma."""
    if x is None:
        return "?"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return s.replace(".", ",") if lang == "vi" else s


# -- rule base ----------------------------------------------------------------------------------


def _bad(message: str, value: Any) -> AssessmentError:
    return AssessmentError(message, value=value)


def _as_number(value: Any, what: str = "a number") -> float:
    if isinstance(value, bool) or value is None:
        raise _bad(f"expected {what}", value)
    if isinstance(value, int | float):
        x = float(value)
    elif isinstance(value, str):
        t = value.strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
        if t.count(",") == 1 and "." not in t:
            t = t.replace(",", ".")
        try:
            x = float(t)
        except ValueError:
            raise _bad(f"expected {what}", value) from None
    else:
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise _bad(f"expected {what}", value) from None
    if not math.isfinite(x):
        raise _bad(f"expected {what}, not a non-finite figure", value)
    return x


@attrs.frozen
class Rule:
    """Base of all rule kinds."""

    kind: ClassVar[str] = ""
    #: what an assessment gives for this rule: number, level, inputs, counts
    value_kind: ClassVar[str] = "number"

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        raise NotImplementedError

    def needs_max(self) -> bool:
        return False

    def check(self, value: Any) -> Any:
        """Normalise and check an input value; raise AssessmentError if it is wrong."""
        return _as_number(value)

    def evaluate(self, value: Any, node_min: float, node_max: float | None) -> Outcome:
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError


def _need_max(node_max: float | None, kind: str) -> float:
    if node_max is None:
        raise UnknownValueError(
            f"cannot score a '{kind}' rule: the maximum points of this item are not known "
            "from the public record; supply the official annex table"
        )
    return node_max


@attrs.frozen
class PointsRule(Rule):
    """Points given directly (as appraised), within the node's bounds."""

    kind: ClassVar[str] = "points"

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        return (node_min, INF if node_max is None else node_max)

    def evaluate(self, value: Any, node_min: float, node_max: float | None) -> Outcome:
        x = float(value)
        if x < node_min or (node_max is not None and x > node_max):
            hi = "?" if node_max is None else fmt(node_max, "en")
            raise _bad(f"points must lie between {fmt(node_min, 'en')} and {hi}", value)
        return Outcome(x, x)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind}


@attrs.frozen
class Level:
    code: str
    points: float
    label: Any = None  # Label; typed loosely to avoid an import cycle


@attrs.frozen
class LevelsRule(Rule):
    """A choice mapped to points ("ban hành kịp thời: 1; chậm: 0,5; không ban hành: 0")."""

    kind: ClassVar[str] = "levels"
    value_kind: ClassVar[str] = "level"
    levels: tuple[Level, ...]

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
            raise _bad(
                f"expected one of the levels {', '.join(lv.code for lv in self.levels)}", value
            )
        i = self.index_of(str(value))
        if i is None:
            raise _bad(
                f"not a level of this item; expected one of: "
                f"{', '.join(lv.code for lv in self.levels)}",
                value,
            )
        return self.levels[i].code

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        pts = [lv.points for lv in self.levels]
        return (min(pts), max(pts))

    def evaluate(self, value: Any, node_min: float, node_max: float | None) -> Outcome:
        i = self.index_of(str(value))
        assert i is not None
        p = self.levels[i].points
        return Outcome(p, p, band=i)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "levels": [
                {"code": lv.code, "points": lv.points}
                | ({"label": lv.label.to_dict()} if lv.label is not None else {})
                for lv in self.levels
            ],
        }


@attrs.frozen
class NumberInput:
    """What a numeric input is: its unit (percent, count, number) and its valid range."""

    unit: str = "number"
    min: float = -INF
    max: float = INF
    integer: bool = False
    label: Any = None

    def check(self, value: Any) -> float:
        x = _as_number(value, "a whole number" if self.integer else "a number")
        if self.integer and x != int(x):
            raise _bad("expected a whole number", value)
        if x < self.min or x > self.max:
            u = " %" if self.unit == "percent" else ""
            lo = "-∞" if self.min == -INF else fmt(self.min, "en") + u
            hi = "∞" if self.max == INF else fmt(self.max, "en") + u
            raise _bad(f"out of range: expected a {self.unit} from {lo} to {hi}", value)
        return x

    @property
    def suffix(self) -> str:
        return "%" if self.unit == "percent" else ""

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


@attrs.frozen
class BandsRule(Rule):
    """A number mapped to points by bands with explicit edges."""

    kind: ClassVar[str] = "bands"
    input: NumberInput
    bands: tuple[Band, ...]
    points: tuple[float, ...]

    def check(self, value: Any) -> Any:
        return self.input.check(value)

    def band_of(self, x: float) -> int | None:
        for i, b in enumerate(self.bands):
            if b.contains(x):
                return i
        return None

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        return (min(self.points), max(self.points))

    def evaluate(self, value: Any, node_min: float, node_max: float | None) -> Outcome:
        x = float(value)
        i = self.band_of(x)
        if i is None:
            raise _bad(
                "falls in none of the bands " + ", ".join(str(b) for b in self.bands),
                value,
            )
        return Outcome(self.points[i], self.points[i], band=i)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "input": self.input.to_dict(),
            "bands": [
                {"range": str(b), "points": p} for b, p in zip(self.bands, self.points, strict=True)
            ],
        }


@attrs.frozen
class ProportionalRule(Rule):
    """Points = maximum × value / full, when the value lies in ``band``; else ``otherwise``."""

    kind: ClassVar[str] = "proportional"
    input: NumberInput
    band: Band
    full: float
    otherwise: float = 0.0

    def needs_max(self) -> bool:
        return True

    def check(self, value: Any) -> Any:
        return self.input.check(value)

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        mx = _need_max(node_max, self.kind)
        lo_v = max(self.band.lo, self.input.min)
        hi_v = min(self.band.hi, self.input.max)
        inside = (mx * lo_v / self.full, mx * hi_v / self.full)
        return (min(inside[0], self.otherwise), max(inside[1], self.otherwise))

    def evaluate(self, value: Any, node_min: float, node_max: float | None) -> Outcome:
        mx = _need_max(node_max, self.kind)
        x = float(value)
        if self.band.contains(x):
            p = mx * x / self.full
            return Outcome(p, p, band=0)
        return Outcome(self.otherwise, self.otherwise, band=1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "input": self.input.to_dict(),
            "range": str(self.band),
            "full": self.full,
            "otherwise": self.otherwise,
        }


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
    value_kind: ClassVar[str] = "inputs"
    expr: Any  # parindex.expr.Expr
    inputs: tuple[FormulaInput, ...]
    on_zero_division: float | None = None
    clamp: bool = False

    def check(self, value: Any) -> Any:
        if not isinstance(value, Mapping):
            names = ", ".join(i.name for i in self.inputs)
            raise _bad(f"expected the named inputs {names} (a mapping)", value)
        known = {i.name for i in self.inputs}
        for k in value:
            if k not in known:
                raise _bad(
                    f"unknown input '{k}' for this formula; expected {', '.join(sorted(known))}",
                    dict(value),
                )
        out: dict[str, float] = {}
        for spec in self.inputs:
            if spec.name not in value:
                raise _bad(f"the formula input '{spec.name}' is missing", dict(value))
            x = _as_number(value[spec.name], f"a number for input '{spec.name}'")
            if spec.integer and x != int(x):
                raise _bad(f"input '{spec.name}' must be a whole number", value[spec.name])
            if x < spec.min or x > spec.max:
                raise _bad(
                    f"input '{spec.name}' out of range {fmt(spec.min, 'en')}–{fmt(spec.max, 'en')}",
                    value[spec.name],
                )
            out[spec.name] = x
        for spec in self.inputs:
            if spec.max_name is not None and out[spec.name] > out[spec.max_name]:
                raise _bad(
                    f"input '{spec.name}' ({fmt(out[spec.name], 'en')}) may not exceed "
                    f"'{spec.max_name}' ({fmt(out[spec.max_name], 'en')})",
                    dict(value),
                )
        return out

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        lo, hi = self.expr.bounds({i.name: (i.min, i.max) for i in self.inputs})
        if self.on_zero_division is not None:
            lo, hi = min(lo, self.on_zero_division), max(hi, self.on_zero_division)
        if self.clamp:
            top = INF if node_max is None else node_max
            return (max(lo, node_min), min(hi, top))
        return (float(lo), float(hi))

    def evaluate(self, value: Any, node_min: float, node_max: float | None) -> Outcome:
        from ..errors import ScoringError

        try:
            raw = float(self.expr.evaluate(value))
        except ScoringError as exc:
            if self.on_zero_division is None or not exc.message.startswith("division by zero"):
                raise
            return Outcome(self.on_zero_division, self.on_zero_division, fallback=True)
        return _clamp(raw, node_min, node_max, self.clamp)

    def to_dict(self) -> dict[str, Any]:
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


def _clamp(raw: float, lo: float, hi: float | None, allowed: bool) -> Outcome:
    if raw < lo:
        if not allowed:
            raise _bad(
                f"the rule gave {fmt(raw, 'en')}, below the item's minimum {fmt(lo, 'en')}", raw
            )
        return Outcome(lo, raw, clamped="min")
    if hi is not None and raw > hi:
        if not allowed:
            raise _bad(
                f"the rule gave {fmt(raw, 'en')}, above the item's maximum {fmt(hi, 'en')}", raw
            )
        return Outcome(hi, raw, clamped="max")
    return Outcome(raw, raw)


@attrs.frozen
class DeductionItem:
    code: str
    points: float  # deducted per occurrence (positive number)
    label: Any = None


@attrs.frozen
class DeductionsRule(Rule):
    """Start from ``start`` (default: the maximum) and deduct per occurrence, not below ``floor``."""

    kind: ClassVar[str] = "deductions"
    value_kind: ClassVar[str] = "counts"
    items: tuple[DeductionItem, ...]
    start: float | None = None
    floor: float | None = None

    def needs_max(self) -> bool:
        return self.start is None

    def start_for(self, node_max: float | None) -> float:
        return self.start if self.start is not None else _need_max(node_max, self.kind)

    def floor_for(self, node_min: float) -> float:
        return self.floor if self.floor is not None else node_min

    def check(self, value: Any) -> Any:
        codes = [i.code for i in self.items]
        if isinstance(value, int | float) and not isinstance(value, bool) and len(codes) == 1:
            value = {codes[0]: value}
        if not isinstance(value, Mapping):
            raise _bad(f"expected counts of occurrences by kind: {', '.join(codes)}", value)
        out: dict[str, int] = {}
        for k, v in value.items():
            if k not in codes:
                raise _bad(
                    f"unknown deduction '{k}'; expected one of {', '.join(codes)}", dict(value)
                )
            x = _as_number(v, f"a count for '{k}'")
            if x < 0 or x != int(x):
                raise _bad(f"the count for '{k}' must be a whole number ≥ 0", v)
            out[str(k)] = int(x)
        return {c: out.get(c, 0) for c in codes}

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        return (self.floor_for(node_min), self.start_for(node_max))

    def evaluate(self, value: Any, node_min: float, node_max: float | None) -> Outcome:
        raw = self.start_for(node_max)
        for item in self.items:
            raw = raw - item.points * value[item.code]
        floor = self.floor_for(node_min)
        if raw < floor:
            return Outcome(floor, raw, clamped="floor")
        return Outcome(raw, raw)

    def to_dict(self) -> dict[str, Any]:
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


@attrs.frozen
class SurveyMeanRule(Rule):
    """A survey mean answer on ``scale`` mapped linearly onto the maximum.

    ``anchor: min`` maps the lowest answer to 0 points; ``anchor: zero`` maps 0 to 0 points
    (points = maximum × mean / top of scale).
    """

    kind: ClassVar[str] = "survey_mean"
    scale: tuple[float, float]
    anchor: str = "min"

    def needs_max(self) -> bool:
        return True

    def check(self, value: Any) -> Any:
        x = _as_number(value, "a mean answer")
        lo, hi = self.scale
        if x < lo or x > hi:
            raise _bad(
                f"a mean answer must lie on the scale {fmt(lo, 'en')}–{fmt(hi, 'en')}", value
            )
        return x

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        mx = _need_max(node_max, self.kind)
        lo, hi = self.scale
        return ((0.0 if self.anchor == "min" else mx * lo / hi), mx)

    def evaluate(self, value: Any, node_min: float, node_max: float | None) -> Outcome:
        mx = _need_max(node_max, self.kind)
        lo, hi = self.scale
        x = float(value)
        p = mx * (x - lo) / (hi - lo) if self.anchor == "min" else mx * x / hi
        return Outcome(p, p)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "scale": list(self.scale), "anchor": self.anchor}


@attrs.frozen
class SatisfactionRule(Rule):
    """Points = satisfaction rate × maximum (rate in percent, or a fraction)."""

    kind: ClassVar[str] = "satisfaction"
    unit: str = "percent"

    def needs_max(self) -> bool:
        return True

    @property
    def top(self) -> float:
        return 100.0 if self.unit == "percent" else 1.0

    def check(self, value: Any) -> Any:
        x = _as_number(value, "a satisfaction rate")
        if x < 0 or x > self.top:
            raise _bad(
                f"a satisfaction rate must lie between 0 and {fmt(self.top, 'en')}"
                + (" %" if self.unit == "percent" else ""),
                value,
            )
        return x

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        return (0.0, _need_max(node_max, self.kind))

    def evaluate(self, value: Any, node_min: float, node_max: float | None) -> Outcome:
        mx = _need_max(node_max, self.kind)
        p = mx * float(value) / self.top
        return Outcome(p, p)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "unit": self.unit}


RULE_KINDS: Mapping[str, type[Rule]] = {
    r.kind: r
    for r in (
        PointsRule,
        LevelsRule,
        BandsRule,
        ProportionalRule,
        FormulaRule,
        DeductionsRule,
        SurveyMeanRule,
        SatisfactionRule,
    )
}
