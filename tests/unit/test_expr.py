"""Unit tests of the formula language (parindex.expr)."""

from __future__ import annotations

import ast
import copy
import math
import pathlib
import pickle
import warnings

import attrs
import numpy as np
import pytest

import parindex.expr as expr_module
from parindex.errors import ExpressionError, MethodologyError, ScoringError
from parindex.expr import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    Call,
    Expr,
    Name,
    Negate,
    Number,
    Product,
    Sum,
    parse,
)

PAR = "(b / a) * 1 + (c / a) * 0.5"
INF = math.inf


def bits(x: float) -> bytes:
    return np.float64(x).tobytes()


# ---------------------------------------------------------------------------------------------
# Values worked out by hand
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "c", "expected"),
    [
        (4, 2, 1, 0.625),  # 2/4 + 1/4 * 0.5
        (8, 5, 2, 0.75),  # 0.625 + 0.125
        (3, 3, 0, 1.0),
        (8, 0, 8, 0.5),
        (5, 0, 0, 0.0),
    ],
)
def test_par_formula_by_hand(a: float, b: float, c: float, expected: float) -> None:
    assert parse(PAR).evaluate({"a": a, "b": b, "c": c}) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8 / 4 / 2", 1.0),
        ("2 - 3 - 4", -5.0),
        ("-2 * 3", -6.0),
        ("2 * -3", -6.0),
        ("2 + 3 * 4", 14.0),
        ("(2 + 3) * 4", 20.0),
        ("2 * 3 + 4", 10.0),
        ("10 - 2 * 3", 4.0),
        ("12 / 3 * 2", 8.0),
        ("12 / (3 * 2)", 2.0),
        ("1 - 2 + 3", 2.0),
        ("1 - (2 + 3)", -4.0),
        ("-2 - -3", 1.0),
        ("-(2 + 3)", -5.0),
        ("--2", 2.0),
        ("+2", 2.0),
        ("- + - 2", 2.0),
        (".5 + 0.25", 0.75),
        ("1e3", 1000.0),
        ("1.5E+2 / 1e-1", 1500.0),
        ("min(3, 1, 2)", 1.0),
        ("max(3, 1, 2)", 3.0),
        ("abs(-4.5)", 4.5),
        ("abs(4.5)", 4.5),
        ("clamp(5, 0, 1)", 1.0),
        ("clamp(-5, 0, 1)", 0.0),
        ("clamp(0.25, 0, 1)", 0.25),
        ("min(1, 2) * max(3, 4)", 4.0),
        ("max(min(7, 9), 2) - abs(-1)", 6.0),
        ("\t1\u00a0+\n2\u202f*\u30003 ", 7.0),
    ],
)
def test_precedence_and_values(text: str, expected: float) -> None:
    assert parse(text).evaluate({}) == expected


def test_left_associativity_in_the_tree() -> None:
    assert parse("8 / 4 / 2").node == Product(Number(8), (("/", Number(4)), ("/", Number(2))))
    assert parse("2 - 3 - 4").node == Sum(Number(2), (("-", Number(3)), ("-", Number(4))))
    assert parse("-2 * 3").node == Product(Negate(Number(2)), (("*", Number(3)),))
    assert parse("-(2 * 3)").node == Negate(Product(Number(2), (("*", Number(3)),)))
    grouped = Sum(Name("a"), (("-", Sum(Name("b"), (("-", Name("c")),))),))
    assert parse("a - (b - c)").node == grouped
    assert parse("a+b*c").node == Sum(Name("a"), (("+", Product(Name("b"), (("*", Name("c")),))),))
    assert parse("min(a, 1)").node == Call("min", (Name("a"), Number(1)))


def test_values_with_names() -> None:
    e = parse("a - b - c")
    assert e.evaluate({"a": 10, "b": 3, "c": 2}) == 5.0
    assert parse("a / b / c").evaluate({"a": 8.0, "b": 4.0, "c": 2.0}) == 1.0
    # Extra inputs are ignored; ints, numpy numbers and fractions-like reals are accepted.
    env = {"a": np.float64(1), "b": np.int64(1), "c": 1, "z": "ignored"}
    assert e.evaluate(env) == -1.0  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Canonical text, equality, names
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        (PAR, "(b / a) * 1 + (c / a) * 0.5"),
        ("b/a*1+c/a*0.5", "b / a * 1 + c / a * 0.5"),
        ("((a))", "a"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "(a - b) - c"),
        ("a - b * c", "a - b * c"),
        ("(a - b) * c", "(a - b) * c"),
        ("-(a*b)", "-(a * b)"),
        ("- a * b", "-a * b"),
        ("-(-a)", "--a"),
        ("a - -b", "a - -b"),
        ("+a", "a"),
        ("2.50", "2.5"),
        ("007", "7"),
        ("1e3", "1000"),
        ("1e20", "1e+20"),
        (".000001", "1e-06"),
        ("min( a ,b,  1 )", "min(a, b, 1)"),
        ("clamp(a/b, 0, 1)", "clamp(a / b, 0, 1)"),
    ],
)
def test_canonical_text(text: str, canonical: str) -> None:
    e = parse(text)
    assert str(e) == canonical
    assert parse(str(e)) == e
    assert e.text == text


def test_equality_is_structural() -> None:
    assert parse("a+b") == parse("  (a)  +  ((b)) ")
    assert hash(parse("a+b")) == hash(parse("(a) + (b)"))
    assert parse("a + b") != parse("b + a")
    assert parse("a + b + c") != parse("a + (b + c)")
    assert parse("a") != parse("-a")
    assert parse("1") == parse("1.0") == parse("1e0")
    assert len({parse("a*b"), parse("a * b"), parse("b*a")}) == 2
    assert parse("(a)").text == "(a)"


def test_names() -> None:
    assert parse(PAR).names == frozenset({"a", "b", "c"})
    assert parse("1 + 2 * 3").names == frozenset()
    assert parse("min(x_1, _y, x_1)").names == frozenset({"x_1", "_y"})


def test_expr_from_a_tree() -> None:
    tree = Sum(Name("a"), (("+", Number(0.5)),))
    e = Expr(tree)
    assert e.text == "a + 0.5"
    assert e.names == frozenset({"a"})
    assert e == parse("a+.5")
    assert repr(e) == "parse('a + 0.5')"


def test_immutability_and_node_validation() -> None:
    e = parse("a + 1")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        e.text = "b"  # type: ignore[misc]
    with pytest.raises(ValueError):
        Number(-1)
    with pytest.raises(ValueError):
        Number(-0.0)
    with pytest.raises(ValueError):
        Number(math.inf)
    with pytest.raises(ValueError):
        Name("min")
    with pytest.raises(ValueError):
        Name("1a")
    with pytest.raises(ValueError):
        Call("abs", (Name("a"), Name("b")))
    with pytest.raises(ValueError):
        Call("pow", (Name("a"), Name("b")))
    with pytest.raises(ValueError):
        Sum(Name("a"), ())
    with pytest.raises(ValueError):
        Product(Name("a"), (("+", Name("b")),))  # type: ignore[arg-type]


def test_pickle_and_copy() -> None:
    e = parse(PAR)
    again = pickle.loads(pickle.dumps(e))
    assert again == e and again.text == PAR and again.names == e.names
    assert copy.deepcopy(e) == e
    assert again.evaluate({"a": 4, "b": 2, "c": 1}) == 0.625


def test_nfc_normalisation() -> None:
    # U+2000 EN QUAD has the canonical decomposition U+2002 EN SPACE.
    e = parse("a\u2000+ b")
    assert e.text == "a\u2002+ b"
    assert e == parse("a + b")
    # A combining accent composes with the letter before it, and the error points at it.
    with pytest.raises(ExpressionError, match="column 1: unexpected character 'á'"):
        parse("a\u0301 + b")


# ---------------------------------------------------------------------------------------------
# Parse errors
# ---------------------------------------------------------------------------------------------


def test_error_message_exact() -> None:
    with pytest.raises(ExpressionError) as info:
        parse("(b / a) * ")
    assert info.value.message == (
        "formula '(b / a) * ': column 11: expected a number, a name or '(' but found end of formula"
    )
    assert info.value.value == "(b / a) * "
    assert isinstance(info.value, MethodologyError)


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("a +* b", 4, "expected a number, a name or '(' but found '*'"),
        ("a b", 3, "expected an operator (+ - * /) or end of formula but found 'b'"),
        ("(a + b", 7, "expected an operator (+ - * /) or ')' but found end of formula"),
        ("a)", 2, "found ')' (there is no '(' open)"),
        ("()", 2, "expected a number, a name or '(' but found ')'"),
        ("min(a b)", 7, "expected an operator (+ - * /), ',' or ')' but found 'b'"),
        ("min(a, b,)", 10, "expected a number, a name or '(' but found ')'"),
        ("a ** 2", 4, "powers are not supported"),
        ("a ^ 2", 3, "unexpected character '^'"),
        ("0,5 * a", 2, "use '.' as the decimal separator"),
        ("2a", 1, "malformed number '2a'"),
        ("1.2.3", 1, "malformed number '1.2.3'"),
        ("1.", 1, "malformed number '1.'"),
        ("1e", 1, "malformed number '1e'"),
        ("a.b", 2, "malformed number '.b'"),
        ("a == b", 3, "unexpected character '='"),
        ("a < b", 3, "comparisons are not supported"),
        ("'a'", 1, 'unexpected character "\'"'),
        ("a\u2212b", 2, "U+2212 MINUS SIGN"),
        ("a × b", 3, "write '*' to multiply"),
        ("a ÷ b", 3, "write '/' to divide"),
        ("50%", 3, "percentages are not supported"),
        ("\u0661 + 1", 1, "only the digits 0-9 are allowed"),
        ("\uff11", 1, "U+FF11 FULLWIDTH DIGIT ONE"),
        ("tỷ_lệ", 2, "names may use only the letters A-Z"),
        ("\ufeffa", 1, "remove this invisible character"),
        ("a\x00", 2, "unexpected character '\\x00'"),
        ("\ud800", 1, "U+D800"),
        ("", 1, "the formula is empty"),
        ("   ", 4, "the formula is empty"),
        ("foo(a)", 1, "unknown function 'foo'; the functions are abs, clamp, max, min"),
        ("Max(a, b)", 1, "did you mean 'max'?"),
        ("abs(a, b)", 1, "function 'abs' takes exactly 1 argument but was given 2"),
        ("abs()", 1, "function 'abs' takes exactly 1 argument but was given none"),
        ("2 * clamp(a, 1)", 5, "function 'clamp' takes exactly 3 arguments but was given 2"),
        ("max(a)", 1, "function 'max' takes at least 2 arguments but was given 1"),
        ("min + 1", 5, "'min' is a function; expected '(' after it but found '+'"),
        ("1e999", 1, "the number '1e999' is too large"),
        ("a / 0", 5, "division by zero: the divisor `0` is 0"),
        ("a / (2 - 2)", 5, "division by zero: the divisor `2 - 2` is 0"),
        ("a / -0.0", 5, "division by zero: the divisor `-0` is 0"),
        ("a * 3 / 0e5 + 1", 9, "division by zero: the divisor `0` is 0"),
        ("a / (1e200 * 1e200)", 5, "the divisor `1e+200 * 1e+200` cannot be computed"),
        ("clamp(a, 1, 0)", 1, "clamp: the lower limit `1` is above the upper limit `0`"),
        ("clamp(a, 1e308 * 10, 1)", 1, "clamp: the limit `1e+308 * 10` cannot be computed"),
    ],
)
def test_parse_errors(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    message = info.value.message
    assert message.startswith(f"formula {text!r}: column {column}: "), message
    assert fragment in message, message
    assert info.value.value == text


def test_leftmost_error_is_reported() -> None:
    with pytest.raises(ExpressionError, match="column 4: expected a number"):
        parse("a +) $")


def test_not_a_string() -> None:
    with pytest.raises(ExpressionError, match="a formula must be text, not int"):
        parse(12)  # type: ignore[arg-type]


def test_division_by_a_name_or_expression_is_fine_at_parse_time() -> None:
    assert parse("a / (b - 1)").names == frozenset({"a", "b"})
    # A divisor that uses a name is only known to be 0 once the inputs are given.
    e = parse("a / (0 * b)")
    with pytest.raises(ScoringError, match=r"the divisor `0 \* b` is 0"):
        e.evaluate({"a": 1, "b": 2})


# ---------------------------------------------------------------------------------------------
# Allowed names
# ---------------------------------------------------------------------------------------------


def test_allowed_names() -> None:
    assert parse(PAR, allowed_names=("a", "b", "c")).names == frozenset("abc")
    assert parse(PAR, allowed_names=["a", "b", "c", "d"]) == parse(PAR)
    with pytest.raises(ExpressionError) as info:
        parse("a + d * 2", allowed_names={"a", "b", "c"})
    assert info.value.message == (
        "formula 'a + d * 2': column 5: unknown input 'd'; expected one of: a, b, c"
    )
    with pytest.raises(ExpressionError, match="names are case-sensitive: did you mean 'a'"):
        parse("A + b", allowed_names={"a", "b"})
    with pytest.raises(ExpressionError, match="column 1: unknown input 'x'; this formula may not"):
        parse("x", allowed_names=())
    assert parse("1 + 2", allowed_names=()).evaluate({}) == 3.0
    # Function names are not inputs, so they need not be allowed.
    assert parse("min(a, 1)", allowed_names=["a"]).names == frozenset({"a"})
    with pytest.raises(TypeError):
        parse("a", allowed_names="abc")


# ---------------------------------------------------------------------------------------------
# Limits
# ---------------------------------------------------------------------------------------------


def test_compact_canonical_text_near_the_limit() -> None:
    # Literals written shorter than their spaced canonical form still round-trip.
    text = "+".join(["1e5*.5"] * ((MAX_LENGTH + 1) // 7))
    assert len(text) <= MAX_LENGTH
    e = parse(text)
    assert len(str(e)) <= MAX_LENGTH
    assert parse(str(e)) == e
    assert e.evaluate({}) == 50000.0 * ((MAX_LENGTH + 1) // 7)


def test_length_limit() -> None:
    text = "1" + " + 1" * ((MAX_LENGTH - 1) // 4)
    text += " " * (MAX_LENGTH - len(text))
    assert len(text) == MAX_LENGTH
    assert parse(text).evaluate({}) == float((MAX_LENGTH - 1) // 4 + 1)
    with pytest.raises(ExpressionError, match=f"too long: {MAX_LENGTH + 1} characters"):
        parse(text + "1")
    with pytest.raises(ExpressionError, match="too long"):
        parse("a" * 1_000_000)


def test_depth_limit_parentheses() -> None:
    ok = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert parse(ok) == parse("a")
    deep = "(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1)
    with pytest.raises(ExpressionError, match=f"column {MAX_DEPTH + 1}: .*nested too deeply"):
        parse(deep)


def test_depth_limit_functions_and_signs() -> None:
    ok = "abs(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert parse(ok).evaluate({"a": -3}) == 3.0
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("abs(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    assert parse("-" * MAX_DEPTH + "a").evaluate({"a": 2}) == 2.0
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("-" * (MAX_DEPTH + 1) + "a")
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("-(" * 40 + "a" + ")" * 40)
    # Deep garbage far beyond the limit still gives an ExpressionError, not a RecursionError.
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("(" * 1990)


def test_deepest_formula_works_everywhere() -> None:
    # Each level: a sign, a call and a parenthesised product; the tree is as deep as allowed.
    levels = MAX_DEPTH // 3
    text = "a"
    for _ in range(levels):
        text = f"-max(({text}) * 1 - 0, b)"
    e = parse(text)
    assert parse(str(e)) == e
    value = e.evaluate({"a": 1.0, "b": -5.0})
    values, failed = e.evaluate_array({"a": np.array([1.0]), "b": np.array([-5.0])})
    assert not failed[0] and bits(values[0]) == bits(value)
    lo, hi = e.bounds({"a": (0.0, 1.0), "b": (-5.0, -5.0)})
    assert lo <= value <= hi


def test_long_flat_chain_does_not_recurse() -> None:
    text = "+".join(["a"] * 500) + "-" + "*".join(["b"] * 100)
    assert len(text) <= MAX_LENGTH
    e = parse(text)
    # The spaced canonical text would be too long, so the compact one is used.
    assert str(e) == text
    assert e.evaluate({"a": 1.0, "b": 1.0}) == 499.0
    values, failed = e.evaluate_array({"a": np.ones(3), "b": np.ones(3)})
    assert values.tolist() == [499.0] * 3 and not failed.any()
    assert e.bounds({"a": (0.0, 1.0), "b": (1.0, 1.0)}) == (-1.0, 499.0)
    assert parse(str(e)) == e
    assert hash(e) == hash(parse(str(e)))


# ---------------------------------------------------------------------------------------------
# Evaluation errors
# ---------------------------------------------------------------------------------------------


def test_division_by_zero_names_divisor() -> None:
    with pytest.raises(ScoringError) as info:
        parse(PAR).evaluate({"a": 0, "b": 0, "c": 0})
    assert info.value.message.startswith(
        f"division by zero in formula {PAR!r}: the divisor `a` is 0"
    )
    assert "column 6" in info.value.message
    assert info.value.value == PAR
    with pytest.raises(ScoringError, match=r"the divisor `a - b` is 0"):
        parse("c / (a - b)").evaluate({"a": 2, "b": 2, "c": 1})
    with pytest.raises(ScoringError, match=r"the divisor `b` is 0"):
        parse("a / b").evaluate({"a": 0.0, "b": -0.0})


def test_missing_and_bad_inputs() -> None:
    e = parse(PAR)
    with pytest.raises(ScoringError, match=r"the input `c` is missing; given inputs: a, b"):
        e.evaluate({"a": 1, "b": 1})
    with pytest.raises(ScoringError, match=r"the input `a` is missing; given inputs: none"):
        e.evaluate({})
    with pytest.raises(ScoringError, match=r"the input `b` must be a number, not str"):
        e.evaluate({"a": 1, "b": "2", "c": 1})  # type: ignore[dict-item]
    with pytest.raises(ScoringError, match=r"the input `b` must be a number, not bool"):
        e.evaluate({"a": 1, "b": True, "c": 1})
    with pytest.raises(ScoringError, match=r"the input `a` is not a finite number \(nan\)"):
        e.evaluate({"a": math.nan, "b": 1, "c": 1})
    with pytest.raises(ScoringError, match=r"the input `c` is not a finite number \(inf\)"):
        e.evaluate({"a": 1, "b": 1, "c": INF})
    with pytest.raises(ScoringError, match=r"the input `a` is not usable"):
        e.evaluate({"a": 10**400, "b": 1, "c": 1})


def test_overflow_is_an_error() -> None:
    with pytest.raises(ScoringError) as info:
        parse("a * b * c").evaluate({"a": 1e200, "b": 1e200, "c": 0.0})
    assert "overflow in formula 'a * b * c': `a * b` does not give a finite number (inf)" in str(
        info.value
    )
    # Even when a later step would bring the value back into range.
    with pytest.raises(ScoringError, match="finite"):
        parse("min(a + a, 1)").evaluate({"a": 1e308})
    with pytest.raises(ScoringError, match="finite"):
        parse("1 / (a * a)").evaluate({"a": 1e200})


# ---------------------------------------------------------------------------------------------
# Arrays
# ---------------------------------------------------------------------------------------------


def test_evaluate_array_by_hand() -> None:
    e = parse(PAR)
    env = {
        "a": np.array([4.0, 0.0, 8.0, 3.0]),
        "b": np.array([2.0, 1.0, 5.0, 3.0]),
        "c": np.array([1.0, 1.0, 2.0, 0.0]),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values, failed = e.evaluate_array(env)
    assert values.dtype == np.float64 and failed.dtype == np.bool_
    assert failed.tolist() == [False, True, False, False]
    assert math.isnan(values[1])
    assert values[[0, 2, 3]].tolist() == [0.625, 0.75, 1.0]
    for i in (0, 2, 3):
        scalar = e.evaluate({k: float(v[i]) for k, v in env.items()})
        assert bits(values[i]) == bits(scalar)


def test_evaluate_array_failures_and_shapes() -> None:
    e = parse("a * b / c")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values, failed = e.evaluate_array(
            {
                "a": np.array([1.0, np.nan, 1e200, 2.0, np.inf]),
                "b": 1e200,  # broadcast to every unit
                "c": np.array([2.0, 1.0, 1.0, 0.0, 1.0]),
            }
        )
    assert failed.tolist() == [False, True, True, True, True]
    assert values[0] == 5e199 and np.isnan(values[1:]).all()
    assert values.flags.writeable
    with pytest.raises(ScoringError, match=r"the input `c` is missing"):
        e.evaluate_array({"a": np.ones(2), "b": np.ones(2)})
    with pytest.raises(ScoringError, match=r"different shapes"):
        e.evaluate_array({"a": np.ones(2), "b": np.ones(3), "c": np.ones(2)})
    with pytest.raises(ScoringError, match=r"must hold numbers"):
        e.evaluate_array({"a": np.array(["x"]), "b": np.ones(1), "c": np.ones(1)})
    ints, _ = parse("a + 1").evaluate_array({"a": np.array([1, 2], dtype=np.int32)})
    assert ints.dtype == np.float64 and ints.tolist() == [2.0, 3.0]
    constant, failed = parse("1 / 4").evaluate_array({"a": np.zeros(3)})
    assert constant.tolist() == [0.25] * 3 and not failed.any()
    alone, failed = parse("2").evaluate_array({})
    assert alone.shape == () and float(alone) == 2.0


def test_min_max_signed_zero_match_python() -> None:
    for text, a, b in [
        ("min(a, b)", 0.0, -0.0),
        ("max(a, b)", -0.0, 0.0),
        ("min(b, a)", 0.0, -0.0),
    ]:
        e = parse(text)
        scalar = e.evaluate({"a": a, "b": b})
        assert bits(scalar) == bits(eval_builtin(text, a, b))
        values, _ = e.evaluate_array({"a": np.array([a]), "b": np.array([b])})
        assert bits(values[0]) == bits(scalar)


def eval_builtin(text: str, a: float, b: float) -> float:
    func = min if text.startswith("min") else max
    first, second = (a, b) if text.endswith("(a, b)") else (b, a)
    return func(first, second)


# ---------------------------------------------------------------------------------------------
# Bounds
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ranges", "expected"),
    [
        (PAR, {"a": (1, 10), "b": (0, 10), "c": (0, 10)}, (0.0, 15.0)),
        (PAR, {"a": (0, INF), "b": (0, INF), "c": (0, INF)}, (-INF, INF)),
        ("min(b / a, 1)", {"a": (1, INF), "b": (0, INF)}, (0.0, 1.0)),
        ("b / a * 100", {"a": (1, 1), "b": (0, 1)}, (0.0, 100.0)),
        ("a - a", {"a": (0, 1)}, (-1.0, 1.0)),
        ("-a", {"a": (2, 3)}, (-3.0, -2.0)),
        ("abs(a)", {"a": (-2, 1)}, (0.0, 2.0)),
        ("abs(a)", {"a": (-2, -1)}, (1.0, 2.0)),
        ("clamp(a, 0, 1)", {"a": (-INF, INF)}, (0.0, 1.0)),
        ("clamp(a, 0, 1)", {"a": (0.25, 0.5)}, (0.25, 0.5)),
        ("a * b", {"a": (-1, 2), "b": (-3, 4)}, (-6.0, 8.0)),
        ("a * b", {"a": (0, INF), "b": (0, 0)}, (0.0, 0.0)),
        ("a * b", {"a": (0, INF), "b": (1, 2)}, (0.0, INF)),
        ("a / b", {"a": (1, INF), "b": (1, INF)}, (0.0, INF)),
        ("a / b", {"a": (1, 2), "b": (-4, -1)}, (-2.0, -0.25)),
        ("a / b", {"a": (1, 2), "b": (-1, 1)}, (-INF, INF)),
        ("max(a, b, 3)", {"a": (0, 1), "b": (2, 5)}, (3.0, 5.0)),
        ("min(a, b) + 1", {"a": (0, 1), "b": (2, 5)}, (1.0, 2.0)),
        ("7", {}, (7.0, 7.0)),
    ],
)
def test_bounds_by_hand(
    text: str, ranges: dict[str, tuple[float, float]], expected: tuple[float, float]
) -> None:
    assert parse(text).bounds(ranges) == expected


def test_bounds_errors() -> None:
    e = parse("a + b")
    with pytest.raises(ScoringError, match=r"no range was given for the input `b`"):
        e.bounds({"a": (0, 1)})
    with pytest.raises(ScoringError, match=r"contains no real number"):
        e.bounds({"a": (2, 1), "b": (0, 1)})
    with pytest.raises(ScoringError, match=r"contains no real number"):
        e.bounds({"a": (INF, INF), "b": (0, 1)})
    with pytest.raises(ScoringError, match=r"contains no real number"):
        e.bounds({"a": (math.nan, 1), "b": (0, 1)})
    with pytest.raises(ScoringError, match=r"must be a pair"):
        e.bounds({"a": (0, 1, 2), "b": (0, 1)})  # type: ignore[dict-item]


# ---------------------------------------------------------------------------------------------
# The source never hands text to Python
# ---------------------------------------------------------------------------------------------


def test_source_does_not_use_python_evaluation() -> None:
    source = pathlib.Path(expr_module.__file__).read_text(encoding="utf-8")
    forbidden = {"eval", "exec", "compile", "literal_eval", "__import__", "ast", "getattr"}
    used: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and node.id in forbidden:
            used.add(node.id)
        elif isinstance(node, ast.Attribute) and node.attr in forbidden - {"compile"}:
            used.add(node.attr)  # re.compile is fine; builtins.compile is not
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [alias.name for alias in node.names] + [getattr(node, "module", "") or ""]
            used.update(n for n in names if n in forbidden)
    assert used == set()


def test_function_table() -> None:
    assert dict(FUNCTIONS) == {"abs": (1, 1), "clamp": (3, 3), "max": (2, None), "min": (2, None)}
