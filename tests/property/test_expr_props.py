"""Property tests of the formula language (parindex.expr)."""

from __future__ import annotations

import math
import re
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from parindex.errors import ExpressionError, ScoringError
from parindex.expr import MAX_LENGTH, Call, Expr, Name, Negate, Node, Number, Product, Sum, parse

NAMES = ("a", "b", "c", "d")
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MEDIUM = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------------------------

literals = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 10.0, 0.1, 100.0, 1e-3, 7.25]),
    st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False).map(
        lambda x: abs(x)
    ),
)
leaves: st.SearchStrategy[Node] = st.one_of(literals.map(Number), st.sampled_from(NAMES).map(Name))


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    def chain(kind: type[Sum] | type[Product], ops: str) -> st.SearchStrategy[Node]:
        steps = st.lists(st.tuples(st.sampled_from(list(ops)), children), min_size=1, max_size=3)
        return st.builds(lambda first, rest: kind(first, tuple(rest)), children, steps)

    return st.one_of(
        children.map(Negate),
        chain(Sum, "+-"),
        chain(Product, "*/"),
        st.lists(children, min_size=2, max_size=3).map(lambda xs: Call("min", tuple(xs))),
        st.lists(children, min_size=2, max_size=3).map(lambda xs: Call("max", tuple(xs))),
        children.map(lambda x: Call("abs", (x,))),
        st.tuples(children, children, children).map(lambda xs: Call("clamp", xs)),
    )


trees: st.SearchStrategy[Node] = st.recursive(leaves, _extend, max_leaves=12)

values = st.one_of(
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.0, 0.5, 3.0, 1e300, -1e300, 1e-300, 1e-320]),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
)

with_zeros = st.one_of(st.just(0.0), values)

formula_pieces = st.lists(
    st.sampled_from([*"abcd()+-*/.,e 0123456789", "min(", "max(", "abs(", "clamp(", "1e3", ".5"]),
    max_size=40,
).map("".join)


def _children(node: Node) -> list[Node]:
    if isinstance(node, Negate):
        return [node.operand]
    if isinstance(node, Sum | Product):
        return [node.first, *(operand for _, operand in node.rest)]
    if isinstance(node, Call):
        return list(node.args)
    return []


def _depth(node: Node) -> int:
    return 1 + max((_depth(child) for child in _children(node)), default=0)


def _constant(node: Node) -> float | None:
    """Value of a part without names; NaN if it cannot be computed; None if it uses names."""
    expr = Expr(node)
    if expr.names:
        return None
    try:
        return expr.evaluate({})
    except ScoringError:
        return math.nan


def _rejected_at_parse_time(node: Node) -> bool:
    """Whether parse() must refuse the canonical text of this tree (constant checks)."""
    if isinstance(node, Product):
        for op, operand in node.rest:
            if op == "/":
                value = _constant(operand)
                if value is not None and (math.isnan(value) or value == 0):
                    return True
    if isinstance(node, Call) and node.func == "clamp":
        lo, hi = _constant(node.args[1]), _constant(node.args[2])
        if lo is not None and hi is not None and not lo <= hi:
            return True
    return any(_rejected_at_parse_time(child) for child in _children(node))


def bits(x: float) -> bytes:
    return np.float64(x).tobytes()


# ---------------------------------------------------------------------------------------------
# Any text gives an Expr or an ExpressionError
# ---------------------------------------------------------------------------------------------


def _parse_anything(text: str) -> None:
    try:
        e = parse(text)
    except ExpressionError as err:
        assert err.value is not None
        assert "column" in err.message or "too long" in err.message
        return
    assert isinstance(e, Expr)
    again = parse(str(e))
    assert again == e
    assert str(again) == str(e)


@FAST
@given(st.text())
def test_any_text(text: str) -> None:
    _parse_anything(text)


@FAST
@given(st.binary().map(lambda b: b.decode("utf-8", "replace")))
def test_any_decoded_bytes(text: str) -> None:
    _parse_anything(text)


@FAST
@given(formula_pieces)
def test_formula_like_text(text: str) -> None:
    _parse_anything(text)


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="(-+)a1,abs", min_size=1500, max_size=2100))
def test_long_nested_text(text: str) -> None:
    _parse_anything(text)


def test_unusual_characters() -> None:
    for text in ["\ud800", "\x00", "a\x1c", "\u202e1", "\U0001f600", "1\u0300", "-" * MAX_LENGTH]:
        _parse_anything(text)


# ---------------------------------------------------------------------------------------------
# Trees
# ---------------------------------------------------------------------------------------------


@MEDIUM
@given(trees)
def test_round_trip(tree: Node) -> None:
    assume(_depth(tree) <= 20)
    e = Expr(tree)
    text = str(e)
    if _rejected_at_parse_time(tree):
        with pytest.raises(ExpressionError):
            parse(text)
        return
    again = parse(text)
    assert again == e
    assert hash(again) == hash(e)
    assert str(again) == text
    assert again.names == e.names


def _python_text(text: str) -> str:
    # Make every literal a float literal so that Python computes with floats as we do.
    return re.sub(r"(?<![A-Za-z_])[0-9.]+(?:e[+-]?[0-9]+)?", lambda m: repr(float(m.group())), text)


def _python_value(text: str, env: dict[str, float]) -> float:
    namespace: dict[str, Any] = {
        "__builtins__": {},
        "min": min,
        "max": max,
        "abs": abs,
        "clamp": lambda x, lo, hi: min(max(x, lo), hi),
        **env,
    }
    # Test oracle only: Python itself evaluates the canonical text.
    return float(eval(_python_text(text), namespace))


@MEDIUM
@given(trees, st.fixed_dictionaries({name: values for name in NAMES}))
def test_evaluate_matches_python(tree: Node, env: dict[str, float]) -> None:
    e = Expr(tree)
    try:
        ours = e.evaluate(env)
    except ScoringError as err:
        if err.message.startswith("division by zero"):
            with pytest.raises(ZeroDivisionError):
                _python_value(str(e), env)
        else:
            assert err.message.startswith("overflow in")
        return
    assert math.isfinite(ours)
    assert bits(_python_value(str(e), env)) == bits(ours)


@MEDIUM
@given(trees, st.data())
def test_evaluate_array_matches_evaluate(tree: Node, data: st.DataObject) -> None:
    e = Expr(tree)
    rows = data.draw(st.integers(min_value=1, max_value=6))
    env = {
        name: np.array(data.draw(st.lists(with_zeros, min_size=rows, max_size=rows)))
        for name in NAMES
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got, failed = e.evaluate_array(env)
    assert got.shape == (rows,) and failed.shape == (rows,)
    for i in range(rows):
        row = {name: float(env[name][i]) for name in NAMES}
        try:
            expected = e.evaluate(row)
        except ScoringError:
            assert failed[i]
            assert math.isnan(got[i])
            continue
        assert not failed[i]
        assert bits(got[i]) == bits(expected)


ends = st.floats(min_value=-100.0, max_value=100.0, allow_nan=False)


@st.composite
def _ranges(draw: st.DrawFn) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for name in NAMES:
        lo, hi = sorted((draw(ends), draw(ends)))
        if lo == hi:
            hi = lo  # (0.0, -0.0) would be an empty range for the point sampler
        if draw(st.integers(0, 5)) == 0:
            lo = -math.inf
        if draw(st.integers(0, 5)) == 0:
            hi = math.inf
        out[name] = (lo, hi)
    return out


@MEDIUM
@given(trees, _ranges(), st.data())
def test_bounds_are_sound(tree: Node, ranges: dict[str, tuple[float, float]], data: Any) -> None:
    e = Expr(tree)
    lo, hi = e.bounds(ranges)
    assert not math.isnan(lo) and not math.isnan(hi) and lo <= hi
    for _ in range(5):
        point = {
            name: data.draw(
                st.floats(min_value=max(r[0], -1e6), max_value=min(r[1], 1e6), allow_nan=False),
                label=name,
            )
            for name, r in ranges.items()
        }
        try:
            value = e.evaluate(point)
        except ScoringError:
            continue
        assert lo <= value <= hi, (str(e), point, value, (lo, hi))


@FAST
@given(trees)
def test_names_and_constant_bounds(tree: Node) -> None:
    e = Expr(tree)
    assert e.names <= set(NAMES)
    if not e.names:
        try:
            value = e.evaluate({})
        except ScoringError:
            return
        lo, hi = e.bounds({})
        assert lo <= value <= hi
