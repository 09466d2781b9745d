"""A small arithmetic language for formula-scored leaves.

Some criteria of the PAR INDEX scoring tables are scored by a formula over named inputs, for
example ``(b / a) * 1 + (c / a) * 0.5`` where ``a`` is the number of issues found, ``b`` the number
fully resolved and ``c`` the number handled but not finished. This module parses such formulas
with its own scanner and recursive-descent parser (nothing is ever handed to Python's ``eval``),
checks them, and evaluates them:

* :func:`parse` turns text into an :class:`Expr` or raises :class:`~parindex.errors.ExpressionError`
  naming the column, the offending text and what was expected;
* :meth:`Expr.evaluate` computes one value with Python floats;
* :meth:`Expr.evaluate_array` computes many units at once with numpy, bit for bit equal to
  :meth:`Expr.evaluate` on every unit that does not fail;
* :meth:`Expr.bounds` encloses every value the formula can give when each input lies in a range.

Grammar (whitespace, including the non-breaking space, is ignored)::

    formula  := sum
    sum      := product (("+" | "-") product)*
    product  := unary (("*" | "/") unary)*
    unary    := ("+" | "-") unary | primary
    primary  := number | name | function "(" sum ("," sum)* ")" | "(" sum ")"
    number   := digits ["." digits] [exponent] | "." digits [exponent]
    exponent := ("e" | "E") ["+" | "-"] digits
    name     := [A-Za-z_][A-Za-z0-9_]*
    function := "abs" | "clamp" | "max" | "min"

The tree keeps runs of operators of the same precedence together (a :class:`Sum` or a
:class:`Product` with its operands in order), so evaluating ``a + b + c + ...`` never recurses
deeper than the nesting of parentheses, function calls and signs, which is limited.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from collections.abc import Collection, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from ._text import nfc
from .errors import ExpressionError, ScoringError

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Call",
    "Expr",
    "Name",
    "Negate",
    "Node",
    "Number",
    "Product",
    "Sum",
    "excel_number",
    "parse",
]

MAX_LENGTH = 2000
"""Longest formula accepted, in characters (after NFC normalisation)."""

MAX_DEPTH = 64
"""Deepest nesting accepted; each parenthesis, function call and sign opens one level."""

FUNCTIONS: Mapping[str, tuple[int, int | None]] = MappingProxyType(
    {"abs": (1, 1), "clamp": (3, 3), "max": (2, None), "min": (2, None)}
)
"""Function names with their (fewest, most) number of arguments; ``None`` means no upper limit."""

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER_RE = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NUMBER_START = frozenset("0123456789.")
_WORD_CHARS = _NAME_START | _NUMBER_START

# Characters met when formulas are copied from word processors or spreadsheets, with advice.
_HINTS: Mapping[str, str] = {
    "\u2212": "write '-' (the ASCII minus) instead",
    "\u2013": "write '-' (the ASCII minus) instead",
    "\u2014": "write '-' (the ASCII minus) instead",
    "\u00d7": "write '*' to multiply",
    "\u00f7": "write '/' to divide",
    "\u2215": "write '/' to divide",
    ":": "write '/' to divide",
    "^": "powers are not supported; write the product out, e.g. a * a",
    "%": "percentages are not supported; divide by 100 instead",
    "=": "comparisons are not supported",
    "<": "comparisons are not supported",
    ">": "comparisons are not supported",
    "[": "use '(' and ')' for grouping",
    "]": "use '(' and ')' for grouping",
    "{": "use '(' and ')' for grouping",
    "}": "use '(' and ')' for grouping",
    ";": "separate function arguments with ','",
    "\ufeff": "remove this invisible character",
    "\u200b": "remove this invisible character",
}

# ---------------------------------------------------------------------------------------------
# The tree
# ---------------------------------------------------------------------------------------------


def _check_number(_inst: object, _attr: object, value: float) -> None:
    if not math.isfinite(value) or value < 0 or math.copysign(1.0, value) < 0:
        raise ValueError(f"a Number must be finite and not negative (use Negate), got {value!r}")


def _check_name(_inst: object, _attr: object, value: str) -> None:
    if not isinstance(value, str) or _NAME_RE.fullmatch(value) is None:
        raise ValueError(f"not a valid input name: {value!r}")
    if value in FUNCTIONS:
        raise ValueError(f"{value!r} is a function name and cannot be used as an input name")


def _pos_field() -> Any:
    return attrs.field(default=None, eq=False, repr=False, kw_only=True)


@attrs.frozen
class Number:
    """A number written in the formula (never negative: ``-2`` is ``Negate(Number(2))``)."""

    value: float = attrs.field(converter=float, validator=_check_number)
    pos: int | None = _pos_field()


@attrs.frozen
class Name:
    """A named input, such as ``a``."""

    name: str = attrs.field(validator=_check_name)
    pos: int | None = _pos_field()


@attrs.frozen
class Negate:
    """Unary minus."""

    operand: Node
    pos: int | None = _pos_field()


def _check_rest(ops: frozenset[str]) -> Any:
    def check(_inst: object, _attr: object, value: tuple[tuple[str, Node], ...]) -> None:
        if not isinstance(value, tuple) or not value:
            raise ValueError("an operator chain needs a non-empty tuple of (operator, operand)")
        for item in value:
            if len(item) != 2 or item[0] not in ops:
                raise ValueError(f"bad operator step {item!r}; operators are {sorted(ops)}")

    return check


@attrs.frozen
class Sum:
    """``first op1 x1 op2 x2 ...`` with each op ``+`` or ``-``, evaluated left to right."""

    first: Node
    rest: tuple[tuple[Literal["+", "-"], Node], ...] = attrs.field(
        validator=_check_rest(frozenset("+-"))
    )
    pos: int | None = _pos_field()


@attrs.frozen
class Product:
    """``first op1 x1 op2 x2 ...`` with each op ``*`` or ``/``, evaluated left to right."""

    first: Node
    rest: tuple[tuple[Literal["*", "/"], Node], ...] = attrs.field(
        validator=_check_rest(frozenset("*/"))
    )
    pos: int | None = _pos_field()


def _check_call(inst: Call, _attr: object, value: tuple[Node, ...]) -> None:
    if not isinstance(value, tuple):
        raise ValueError("the arguments of a Call must be a tuple")
    if inst.func not in FUNCTIONS:
        raise ValueError(f"unknown function {inst.func!r}")
    problem = _arity_problem(inst.func, len(value))
    if problem is not None:
        raise ValueError(problem)


@attrs.frozen
class Call:
    """A call of one of :data:`FUNCTIONS`."""

    func: str
    args: tuple[Node, ...] = attrs.field(validator=_check_call)
    pos: int | None = _pos_field()


Node: TypeAlias = Number | Name | Negate | Sum | Product | Call


def _arity_problem(func: str, count: int) -> str | None:
    least, most = FUNCTIONS[func]
    given = "none" if count == 0 else str(count)
    if most is None:
        if count < least:
            return f"function '{func}' takes at least {least} arguments but was given {given}"
        return None
    if count != least:
        word = "argument" if least == 1 else "arguments"
        return f"function '{func}' takes exactly {least} {word} but was given {given}"
    return None


# ---------------------------------------------------------------------------------------------
# Canonical text
# ---------------------------------------------------------------------------------------------


def _format_number(value: float) -> str:
    if value.is_integer() and value < 1e16:
        return str(int(value))
    return repr(value)


def _format_number_short(value: float) -> str:
    # The shortest text that reads back as the same float: the fewest significant digits
    # (those of repr) written either positionally without a leading zero, or as digits
    # followed by an exponent, e.g. 100000 -> "1e5", 0.5 -> ".5", 12300000 -> "123e5".
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exponent, int) and not sign
    mantissa = "".join(map(str, digits))
    scientific = mantissa if exponent == 0 else f"{mantissa}e{exponent}"
    if exponent >= 0:
        positional = mantissa + "0" * exponent
    elif -exponent >= len(mantissa):
        positional = "." + "0" * (-exponent - len(mantissa)) + mantissa
    else:
        positional = mantissa[:exponent] + "." + mantissa[exponent:]
    return positional if len(positional) <= len(scientific) else scientific


def _level(node: Node) -> int:
    if isinstance(node, Sum):
        return 1
    if isinstance(node, Product):
        return 2
    if isinstance(node, Negate):
        return 3
    return 4


def _format_operand(node: Node, parent_level: int, compact: bool) -> str:
    text = _format(node, compact)
    return f"({text})" if _level(node) <= parent_level else text


def _format(node: Node, compact: bool = False) -> str:
    """Canonical text: the parentheses the tree needs and no others.

    The compact form has no spaces and the shortest numbers; it is never longer than any text
    that parses to the same tree, so it is used when the spaced form would exceed MAX_LENGTH.
    """
    if isinstance(node, Number):
        return _format_number_short(node.value) if compact else _format_number(node.value)
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Negate):
        return "-" + _format_operand(node.operand, 2, compact)
    if isinstance(node, Sum | Product):
        level = _level(node)
        parts = [_format_operand(node.first, level, compact)]
        for op, operand in node.rest:
            parts.append(op if compact else f" {op} ")
            parts.append(_format_operand(operand, level, compact))
        return "".join(parts)
    separator = "," if compact else ", "
    return f"{node.func}({separator.join(_format(arg, compact) for arg in node.args)})"


def _canonical(node: Node) -> str:
    text = _format(node)
    return text if len(text) <= MAX_LENGTH else _format(node, compact=True)


def _collect_names(node: Node, into: set[str]) -> None:
    if isinstance(node, Name):
        into.add(node.name)
    elif isinstance(node, Negate):
        _collect_names(node.operand, into)
    elif isinstance(node, Sum | Product):
        _collect_names(node.first, into)
        for _, operand in node.rest:
            _collect_names(operand, into)
    elif isinstance(node, Call):
        for arg in node.args:
            _collect_names(arg, into)


def _names_of(node: Node) -> frozenset[str]:
    found: set[str] = set()
    _collect_names(node, found)
    return frozenset(found)


# ---------------------------------------------------------------------------------------------
# Evaluation (one unit)
# ---------------------------------------------------------------------------------------------


class _Failure(Exception):
    """Raised inside evaluation; turned into a ScoringError that names the formula."""

    def __init__(self, lead: str, detail: str) -> None:
        super().__init__(detail)
        self.lead = lead
        self.detail = detail


def _where(node: Node) -> str:
    return "" if node.pos is None else f" (column {node.pos + 1})"


def _overflow(value: float, partial: Node) -> _Failure:
    return _Failure(
        "overflow in",
        f"`{_format(partial)}` does not give a finite number ({value!r}){_where(partial)}",
    )


def _eval(node: Node, env: Mapping[str, float]) -> float:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Name):
        return env[node.name]
    if isinstance(node, Negate):
        return -_eval(node.operand, env)
    if isinstance(node, Sum):
        acc = _eval(node.first, env)
        for i, (op, operand) in enumerate(node.rest):
            value = _eval(operand, env)
            acc = acc + value if op == "+" else acc - value
            if not math.isfinite(acc):
                raise _overflow(acc, Sum(node.first, node.rest[: i + 1], pos=node.pos))
        return acc
    if isinstance(node, Product):
        acc = _eval(node.first, env)
        for i, (mul_op, operand) in enumerate(node.rest):
            value = _eval(operand, env)
            if mul_op == "*":
                acc = acc * value
            else:
                if value == 0:
                    raise _Failure(
                        "division by zero in",
                        f"the divisor `{_format(operand)}` is 0{_where(operand)}",
                    )
                acc = acc / value
            if not math.isfinite(acc):
                raise _overflow(acc, Product(node.first, node.rest[: i + 1], pos=node.pos))
        return acc
    values = [_eval(arg, env) for arg in node.args]
    if node.func == "abs":
        return abs(values[0])
    if node.func == "min":
        return _py_min(values)
    if node.func == "max":
        return _py_max(values)
    x, lo, hi = values
    return _py_min([_py_max([x, lo]), hi])


def _py_min(values: list[float]) -> float:
    # The same rule as the builtin min(): keep the first, replace it only by a smaller one.
    current = values[0]
    for value in values[1:]:
        if value < current:
            current = value
    return current


def _py_max(values: list[float]) -> float:
    current = values[0]
    for value in values[1:]:
        if value > current:
            current = value
    return current


# ---------------------------------------------------------------------------------------------
# Evaluation (many units)
# ---------------------------------------------------------------------------------------------

_F64 = npt.NDArray[np.float64]
_Bool = npt.NDArray[np.bool_]


def _eval_array(node: Node, env: Mapping[str, _F64], shape: tuple[int, ...], failed: _Bool) -> _F64:
    if isinstance(node, Number):
        return np.full(shape, node.value, dtype=np.float64)
    if isinstance(node, Name):
        return env[node.name]
    if isinstance(node, Negate):
        return np.negative(_eval_array(node.operand, env, shape, failed))
    if isinstance(node, Sum | Product):
        acc = _eval_array(node.first, env, shape, failed)
        for op, operand in node.rest:
            value = _eval_array(operand, env, shape, failed)
            if op == "+":
                acc = np.add(acc, value)
            elif op == "-":
                acc = np.subtract(acc, value)
            elif op == "*":
                acc = np.multiply(acc, value)
            else:
                failed |= value == 0
                acc = np.divide(acc, value)
            failed |= ~np.isfinite(acc)
        return acc
    values = [_eval_array(arg, env, shape, failed) for arg in node.args]
    if node.func == "abs":
        return np.abs(values[0])
    if node.func == "min":
        return _np_min(values)
    if node.func == "max":
        return _np_max(values)
    x, lo, hi = values
    return _np_min([_np_max([x, lo]), hi])


def _np_min(values: list[_F64]) -> _F64:
    current = values[0]
    for value in values[1:]:
        current = np.where(value < current, value, current)
    return current


def _np_max(values: list[_F64]) -> _F64:
    current = values[0]
    for value in values[1:]:
        current = np.where(value > current, value, current)
    return current


# ---------------------------------------------------------------------------------------------
# Interval bounds
# ---------------------------------------------------------------------------------------------

_Interval = tuple[float, float]
_EVERYTHING: _Interval = (-math.inf, math.inf)


def _mul_corner(x: float, y: float) -> float:
    # The inputs are real numbers; an infinite end is a limit, and 0 times any real is 0.
    if x == 0 or y == 0:
        return 0.0
    return x * y


def _div_corners(x: float, y: float) -> list[float]:
    if math.isinf(x) and math.isinf(y):
        # Both ends unbounded: the quotient can take any value of the right sign.
        sign = math.copysign(1.0, x) * math.copysign(1.0, y)
        return [0.0, sign * math.inf]
    if math.isinf(y):
        return [0.0]
    return [x / y]


def _tidy(lo: float, hi: float) -> _Interval:
    if math.isnan(lo) or math.isnan(hi) or lo > hi:
        return _EVERYTHING
    return (lo, hi)


def _bounds(node: Node, ranges: Mapping[str, _Interval]) -> _Interval:
    # Every step uses the same floating-point operation as _eval on the interval ends. Rounding
    # to nearest is monotonic, so the result encloses what _eval computes, not merely the exact
    # real value; no outward rounding is needed (and none is wanted: a formula whose maximum is
    # exactly the node's maximum must not appear to exceed it).
    if isinstance(node, Number):
        return (node.value, node.value)
    if isinstance(node, Name):
        return ranges[node.name]
    if isinstance(node, Negate):
        lo, hi = _bounds(node.operand, ranges)
        return (-hi, -lo)
    if isinstance(node, Sum | Product):
        acc = _bounds(node.first, ranges)
        for op, operand in node.rest:
            other = _bounds(operand, ranges)
            if op == "+":
                acc = _tidy(acc[0] + other[0], acc[1] + other[1])
            elif op == "-":
                acc = _tidy(acc[0] - other[1], acc[1] - other[0])
            elif op == "*":
                corners = [_mul_corner(x, y) for x in acc for y in other]
                acc = _tidy(min(corners), max(corners))
            elif other[0] <= 0 <= other[1]:
                acc = _EVERYTHING
            else:
                quotients = [q for x in acc for y in other for q in _div_corners(x, y)]
                acc = _tidy(min(quotients), max(quotients))
        return acc
    spans = [_bounds(arg, ranges) for arg in node.args]
    if node.func == "abs":
        lo, hi = spans[0]
        if lo >= 0:
            return (lo, hi)
        if hi <= 0:
            return (-hi, -lo)
        return (0.0, max(-lo, hi))
    if node.func == "min":
        return (min(s[0] for s in spans), min(s[1] for s in spans))
    if node.func == "max":
        return (max(s[0] for s in spans), max(s[1] for s in spans))
    x, lo_span, hi_span = spans
    raised = (max(x[0], lo_span[0]), max(x[1], lo_span[1]))
    return (min(raised[0], hi_span[0]), min(raised[1], hi_span[1]))


# ---------------------------------------------------------------------------------------------
# The public expression object
# ---------------------------------------------------------------------------------------------


def _default_text(self: Expr) -> str:
    return _canonical(self.node)


def _default_names(self: Expr) -> frozenset[str]:
    return _names_of(self.node)


def _list_names(names: Collection[str], limit: int = 30) -> str:
    ordered = sorted(names)
    shown = ", ".join(ordered[:limit])
    if len(ordered) > limit:
        shown += f", … ({len(ordered) - limit} more)"
    return shown


@attrs.frozen(repr=False)
class Expr:
    """A parsed formula.

    Two expressions are equal when their trees are equal, whatever the spacing and the
    redundant parentheses of their texts: ``parse("(a)+b") == parse("a + b")``.
    """

    node: Node
    text: str = attrs.field(eq=False, default=attrs.Factory(_default_text, takes_self=True))
    _names: frozenset[str] = attrs.field(
        init=False, eq=False, default=attrs.Factory(_default_names, takes_self=True)
    )

    @property
    def names(self) -> frozenset[str]:
        """The input names the formula uses."""
        return self._names

    def __str__(self) -> str:
        return _canonical(self.node)

    def __repr__(self) -> str:
        return f"parse({self.text!r})"

    def _scoring_error(self, message: str) -> ScoringError:
        return ScoringError(f"formula {self.text!r}: {message}", value=self.text)

    def _failure_error(self, failure: _Failure) -> ScoringError:
        return ScoringError(
            f"{failure.lead} formula {self.text!r}: {failure.detail}", value=self.text
        )

    def _missing(self, name: str, env: Mapping[str, object]) -> ScoringError:
        given = _list_names([str(k) for k in env]) if env else "none"
        return self._scoring_error(f"the input `{name}` is missing; given inputs: {given}")

    def evaluate(self, env: Mapping[str, float]) -> float:
        """Compute the formula for one unit with Python floats.

        Raises :class:`~parindex.errors.ScoringError` when an input is missing, not a number or
        not finite, when a divisor is 0 (naming it), or when a step does not give a finite
        number.
        """
        values: dict[str, float] = {}
        for name in sorted(self._names):
            if name not in env:
                raise self._missing(name, env)
            raw: object = env[name]
            if not isinstance(raw, numbers.Real) or isinstance(raw, bool):
                raise self._scoring_error(
                    f"the input `{name}` must be a number, not {type(raw).__name__} {raw!r}"
                )
            try:
                value = float(raw)
            except (OverflowError, ValueError, TypeError) as exc:
                raise self._scoring_error(f"the input `{name}` is not usable: {exc}") from None
            if not math.isfinite(value):
                raise self._scoring_error(f"the input `{name}` is not a finite number ({value!r})")
            values[name] = value
        try:
            return _eval(self.node, values)
        except _Failure as failure:
            raise self._failure_error(failure) from None

    def evaluate_array(self, env: Mapping[str, npt.ArrayLike]) -> tuple[_F64, _Bool]:
        """Compute the formula for many units at once.

        Each input is an array with one entry per unit (arrays are broadcast together). Returns
        ``(values, failed)``: ``failed`` marks the units where a divisor was 0, an input was not
        finite or a step did not give a finite number; ``values`` is NaN there. Everywhere else
        ``values`` equals :meth:`evaluate` on that unit's numbers, bit for bit.
        """
        arrays: dict[str, _F64] = {}
        for name in sorted(self._names):
            if name not in env:
                raise self._missing(name, env)
            arrays[name] = self._as_array(name, env[name])
        if not arrays:
            # No inputs are used: take the units from whatever was given.
            for key, raw in env.items():
                arrays[str(key)] = self._as_array(str(key), raw)
        try:
            shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
        except ValueError:
            shapes = ", ".join(f"`{k}` {a.shape}" for k, a in arrays.items())
            raise self._scoring_error(f"the inputs have different shapes: {shapes}") from None
        used = {name: np.broadcast_to(arrays[name], shape) for name in self._names}
        failed = np.zeros(shape, dtype=np.bool_)
        with np.errstate(all="ignore"):
            for array in used.values():
                failed |= ~np.isfinite(array)
            result = _eval_array(self.node, used, shape, failed)
            values = np.array(np.broadcast_to(result, shape), dtype=np.float64, copy=True)
        values[failed] = np.nan
        return values, failed

    def _as_array(self, name: str, raw: object) -> _F64:
        try:
            array = np.asarray(raw)
        except (ValueError, TypeError) as exc:
            raise self._scoring_error(f"the input `{name}` is not an array: {exc}") from None
        if array.dtype.kind not in "biuf":
            raise self._scoring_error(
                f"the input `{name}` must hold numbers, not values of type {array.dtype}"
            )
        return np.asarray(array, dtype=np.float64)

    def bounds(self, ranges: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
        """Enclose every value :meth:`evaluate` can give when each input lies in its range.

        ``ranges`` maps each input name to a closed range ``(low, high)``; the ends may be
        infinite (meaning unbounded). Dividing by a range that contains 0 gives
        ``(-inf, inf)`` for that step. The enclosure is guaranteed for every choice of inputs
        for which :meth:`evaluate` gives a value; it is not always the tightest one (each
        occurrence of a name is treated independently).
        """
        spans: dict[str, _Interval] = {}
        for name in sorted(self._names):
            if name not in ranges:
                raise self._scoring_error(f"no range was given for the input `{name}`")
            spans[name] = self._as_range(name, ranges[name])
        return _bounds(self.node, spans)

    def to_excel(self, refs: Mapping[str, str]) -> str:
        """The formula as an Excel expression, each input name replaced by its cell in ``refs``."""
        return _excel(self.node, refs)

    def _as_range(self, name: str, raw: object) -> _Interval:
        try:
            pair: Any = raw
            lo, hi = float(pair[0]), float(pair[1])
            if len(pair) != 2:
                raise ValueError("not a pair")
        except (TypeError, ValueError, OverflowError):
            raise self._scoring_error(
                f"the range of `{name}` must be a pair (low, high) of numbers, not {raw!r}"
            ) from None
        if math.isnan(lo) or math.isnan(hi) or lo > hi or lo == math.inf or hi == -math.inf:
            raise self._scoring_error(
                f"the range of `{name}` ({lo!r}, {hi!r}) contains no real number"
            )
        return (lo, hi)


# ---------------------------------------------------------------------------------------------
# Excel formulas
# ---------------------------------------------------------------------------------------------


def excel_number(x: float) -> str:
    """A number as an Excel formula writes it (``2`` for 2.0, ``0.5`` otherwise)."""
    return repr(float(x)) if x != int(x) else str(int(x))


def _excel(node: Node, refs: Mapping[str, str]) -> str:
    if isinstance(node, Number):
        return excel_number(node.value)
    if isinstance(node, Name):
        return refs[node.name]
    if isinstance(node, Negate):
        return f"(-{_excel(node.operand, refs)})"
    if isinstance(node, Sum | Product):
        text = _excel(node.first, refs)
        for op, operand in node.rest:
            text += f"{op}{_excel(operand, refs)}"
        return f"({text})"
    args = [_excel(a, refs) for a in node.args]
    if node.func == "clamp":
        return f"MIN(MAX({args[0]},{args[1]}),{args[2]})"
    return f"{node.func.upper()}({','.join(args)})"


# ---------------------------------------------------------------------------------------------
# Scanner and parser
# ---------------------------------------------------------------------------------------------


@attrs.frozen
class _Token:
    kind: Literal["num", "name", "op", "(", ")", ",", "end"]
    text: str
    pos: int
    value: float = 0.0


def _is_space(ch: str) -> bool:
    return ch in " \t\r\n" or unicodedata.category(ch) == "Zs"


def _show_char(ch: str) -> str:
    if ch.isascii() and ch.isprintable():
        return repr(ch)
    name = unicodedata.name(ch, "")
    return f"{ch!r} (U+{ord(ch):04X}{' ' + name if name else ''})"


def _describe(token: _Token) -> str:
    return "end of formula" if token.kind == "end" else repr(token.text)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


class _Parser:
    def __init__(self, text: str, allowed: frozenset[str] | None) -> None:
        self.text = text
        self.allowed = allowed
        self.index = 0
        self.depth = 0
        self.previous: _Token | None = None
        self.token = self._scan()

    # -- errors ---------------------------------------------------------------------------

    def fail(self, pos: int, message: str) -> ExpressionError:
        return ExpressionError(
            f"formula {self.text!r}: column {pos + 1}: {message}", value=self.text
        )

    def unexpected(self, expected: str) -> ExpressionError:
        token = self.token
        message = f"expected {expected} but found {_describe(token)}"
        if (
            token.kind == ","
            and self.previous is not None
            and self.previous.kind == "num"
            and self.text[token.pos + 1 : token.pos + 2].isdigit()
        ):
            message += " (use '.' as the decimal separator: write 0.5, not 0,5)"
        elif token.kind == ")" and expected.endswith("end of formula"):
            message += " (there is no '(' open)"
        elif token.kind == "op" and self.previous is not None and self.previous.kind == "op":
            if token.text == "*" and self.previous.text == "*":
                message += " (powers are not supported; write the product out, e.g. a * a)"
        return self.fail(token.pos, message)

    # -- scanner --------------------------------------------------------------------------

    def _scan(self) -> _Token:
        text, n = self.text, len(self.text)
        i = self.index
        while i < n and _is_space(text[i]):
            i += 1
        if i >= n:
            self.index = n
            return _Token("end", "", n)
        ch = text[i]
        if ch in "+-*/":
            self.index = i + 1
            return _Token("op", ch, i)
        if ch == "(" or ch == ")" or ch == ",":
            self.index = i + 1
            return _Token(ch, ch, i)  # type: ignore[arg-type]
        if ch in _NUMBER_START:
            match = _NUMBER_RE.match(text, i)
            end = match.end() if match else i
            stop = end
            while stop < n and text[stop] in _WORD_CHARS:
                stop += 1
            if match is None or stop > end:
                raise self.fail(
                    i,
                    f"malformed number {text[i:stop]!r}; expected a number such as "
                    "12, 0.5, .5 or 1e3",
                )
            value = float(text[i:end])
            if not math.isfinite(value):
                raise self.fail(i, f"the number {text[i:end]!r} is too large")
            self.index = end
            return _Token("num", text[i:end], i, value)
        if ch in _NAME_START:
            match = _NAME_RE.match(text, i)
            assert match is not None
            self.index = match.end()
            return _Token("name", match.group(), i)
        message = f"unexpected character {_show_char(ch)}"
        hint = _HINTS.get(ch)
        if hint is None and ch.isdigit():
            hint = "only the digits 0-9 are allowed in numbers"
        elif hint is None and (ch.isalpha() or unicodedata.category(ch) == "Mn"):
            hint = "names may use only the letters A-Z and a-z, the digits 0-9 and '_'"
        if hint is not None:
            message += f"; {hint}"
        raise self.fail(i, message)

    def advance(self) -> _Token:
        token = self.token
        self.previous = token
        self.token = self._scan()
        return token

    def at(self, kind: str) -> bool:
        return self.token.kind == kind

    def at_op(self, ops: str) -> bool:
        return self.token.kind == "op" and self.token.text in ops

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(
                token.pos,
                f"the formula is nested too deeply (more than {MAX_DEPTH} levels of "
                "parentheses, function calls and signs)",
            )

    # -- grammar --------------------------------------------------------------------------

    def formula(self) -> Node:
        if self.at("end"):
            raise self.fail(
                self.token.pos, "the formula is empty; expected a number, a name or '('"
            )
        node = self.sum()
        if not self.at("end"):
            raise self.unexpected("an operator (+ - * /) or end of formula")
        return node

    def sum(self) -> Node:
        first = self.product()
        rest: list[tuple[Literal["+", "-"], Node]] = []
        while self.at_op("+-"):
            op: Literal["+", "-"] = "+" if self.advance().text == "+" else "-"
            rest.append((op, self.product()))
        return Sum(first, tuple(rest), pos=first.pos) if rest else first

    def product(self) -> Node:
        first = self.unary()
        rest: list[tuple[Literal["*", "/"], Node]] = []
        while self.at_op("*/"):
            op: Literal["*", "/"] = "*" if self.advance().text == "*" else "/"
            operand = self.unary()
            if op == "/":
                self.check_divisor(operand)
            rest.append((op, operand))
        return Product(first, tuple(rest), pos=first.pos) if rest else first

    def unary(self) -> Node:
        token = self.token
        if token.kind == "op" and token.text in "+-":
            self.enter(token)
            self.advance()
            operand = self.unary()
            self.depth -= 1
            return operand if token.text == "+" else Negate(operand, pos=token.pos)
        return self.primary()

    def primary(self) -> Node:
        token = self.token
        if token.kind == "num":
            self.advance()
            return Number(token.value, pos=token.pos)
        if token.kind == "name":
            self.advance()
            if token.text in FUNCTIONS:
                if not self.at("("):
                    raise self.fail(
                        self.token.pos,
                        f"'{token.text}' is a function; expected '(' after it but found "
                        f"{_describe(self.token)}",
                    )
                return self.call(token)
            if self.at("("):
                raise self.fail(token.pos, self.unknown_function(token.text))
            self.check_name(token)
            return Name(token.text, pos=token.pos)
        if token.kind == "(":
            self.enter(token)
            self.advance()
            inner = self.sum()
            if not self.at(")"):
                raise self.unexpected("an operator (+ - * /) or ')'")
            self.advance()
            self.depth -= 1
            return attrs.evolve(inner, pos=token.pos)
        raise self.unexpected("a number, a name or '('")

    def call(self, name: _Token) -> Node:
        self.enter(self.token)
        self.advance()  # the '('
        args: list[Node] = []
        if self.at(")"):
            raise self.fail(name.pos, _arity_problem(name.text, 0) or "missing arguments")
        args.append(self.sum())
        while self.at(","):
            self.advance()
            args.append(self.sum())
        if not self.at(")"):
            raise self.unexpected("an operator (+ - * /), ',' or ')'")
        self.advance()
        self.depth -= 1
        problem = _arity_problem(name.text, len(args))
        if problem is not None:
            raise self.fail(name.pos, problem)
        if name.text == "clamp":
            self.check_clamp(name, args[1], args[2])
        return Call(name.text, tuple(args), pos=name.pos)

    # -- checks ---------------------------------------------------------------------------

    def unknown_function(self, func: str) -> str:
        message = f"unknown function '{func}'; the functions are {', '.join(sorted(FUNCTIONS))}"
        if func.lower() in FUNCTIONS:
            message += f" (did you mean '{func.lower()}'?)"
        return message

    def check_name(self, token: _Token) -> None:
        if self.allowed is None or token.text in self.allowed:
            return
        if not self.allowed:
            raise self.fail(
                token.pos,
                f"unknown input '{token.text}'; this formula may not use any inputs",
            )
        message = f"unknown input '{token.text}'; expected one of: {_list_names(self.allowed)}"
        same = [a for a in self.allowed if a.lower() == token.text.lower()]
        if same:
            message += f" (names are case-sensitive: did you mean '{sorted(same)[0]}'?)"
        raise self.fail(token.pos, message)

    def constant(self, node: Node) -> float | None:
        """The value of a part without names, or None if it uses names or cannot be computed."""
        if _names_of(node):
            return None
        try:
            return _eval(node, {})
        except _Failure:
            return math.nan

    def check_divisor(self, operand: Node) -> None:
        value = self.constant(operand)
        pos = operand.pos if operand.pos is not None else self.token.pos
        if value is None:
            return
        if math.isnan(value):
            raise self.fail(pos, f"the divisor `{_format(operand)}` cannot be computed")
        if value == 0:
            raise self.fail(pos, f"division by zero: the divisor `{_format(operand)}` is 0")

    def check_clamp(self, name: _Token, lo: Node, hi: Node) -> None:
        low, high = self.constant(lo), self.constant(hi)
        if low is None or high is None:
            return
        for limit, value in ((lo, low), (hi, high)):
            if math.isnan(value):
                raise self.fail(name.pos, f"clamp: the limit `{_format(limit)}` cannot be computed")
        if low > high:
            raise self.fail(
                name.pos,
                f"clamp: the lower limit `{_format(lo)}` is above the upper limit `{_format(hi)}`",
            )


def parse(text: str, *, allowed_names: Collection[str] | None = None) -> Expr:
    """Parse a formula.

    The text is first normalised to Unicode NFC. With ``allowed_names``, every name used must
    be one of them. Raises :class:`~parindex.errors.ExpressionError` for any problem, naming
    the column (1-based, counted in the normalised text), the text found and what was expected.
    """
    if not isinstance(text, str):
        raise ExpressionError(
            f"a formula must be text, not {type(text).__name__} {_short(repr(text))}", value=text
        )
    if isinstance(allowed_names, str):
        raise TypeError("allowed_names must be a collection of names, not a single string")
    allowed = None if allowed_names is None else frozenset(allowed_names)
    normal = nfc(text)
    if len(normal) > MAX_LENGTH:
        raise ExpressionError(
            f"formula {_short(normal)!r} is too long: {len(normal)} characters "
            f"(the limit is {MAX_LENGTH})",
            value=_short(normal),
        )
    parser = _Parser(normal, allowed)
    return Expr(parser.formula(), normal)
