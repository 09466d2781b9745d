"""Rule kinds: one unit and many units give the same bits; bands and rules as lossless text;
RULE_KINDS is the only list of kinds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from parindex.errors import ParIndexError
from parindex.expr import parse
from parindex.methodology.diff import diff
from parindex.methodology.rules import (
    RULE_KINDS,
    Band,
    BandsRule,
    DeductionItem,
    DeductionsRule,
    FormulaInput,
    FormulaRule,
    Level,
    LevelsRule,
    NumberInput,
    PointsRule,
    ProportionalRule,
    Rule,
    SatisfactionRule,
    SurveyMeanRule,
    parse_band,
)
from tests.conftest import make

SRC = Path(__file__).resolve().parents[2] / "src" / "parindex"


def bits(x: float) -> bytes:
    return np.float64(x).tobytes()


def same_as_batch(rule: Rule, values: list[Any], node_min: float, node_max: float | None) -> None:
    """``evaluate(v)`` equals entry i of ``evaluate_array`` over all the values, bit for bit."""
    checked = [rule.check(v) for v in values]
    forms = [rule.as_array(c) for c in checked]
    if isinstance(forms[0], dict):
        many: Any = {k: np.concatenate([f[k] for f in forms]) for k in forms[0]}
    else:
        many = np.concatenate(forms, axis=-1)
    out = rule.evaluate_array(many, node_min, node_max)
    for i, c in enumerate(checked):
        try:
            one = rule.evaluate(c, node_min, node_max)
        except ParIndexError:
            assert out.bad[i]
            continue
        assert not out.bad[i]
        got = out.outcome(i)
        assert bits(got.points) == bits(one.points)
        assert bits(got.raw) == bits(one.raw)
        assert (got.clamped, got.band, got.fallback) == (one.clamped, one.band, one.fallback)


EDGES = [0.0, -0.0, 50.0, 66.66671, 66.666705, 100.0, 1e-300, 5e-324, 99.99999999999999]
numbers = st.one_of(
    st.sampled_from(EDGES), st.floats(min_value=0, max_value=100, allow_subnormal=True)
)
maxima = st.one_of(st.none(), st.sampled_from([0.0, 1.0, 3.0, 10.0, 7.3]))


@given(st.lists(st.floats(-5, 15, allow_subnormal=True), min_size=1, max_size=8), maxima)
@example([0.0, 10.0, -1e-300, 10.000000000000002], 10.0)
def test_points(values: list[float], mx: float | None) -> None:
    same_as_batch(PointsRule(), values, 0.0, mx)


@given(st.lists(st.sampled_from(["A", "b", "C", "a"]), min_size=1, max_size=8))
def test_levels(values: list[str]) -> None:
    rule = LevelsRule((Level("A", 1.0), Level("B", 0.5), Level("C", -0.1)))
    same_as_batch(rule, values, -1.0, 1.0)


@given(st.lists(numbers, min_size=1, max_size=8))
def test_bands(values: list[float]) -> None:
    rule = BandsRule(
        NumberInput("percent", 0.0, 100.0),
        (parse_band("[0, 50)"), parse_band("[50, 66.66671)"), parse_band("[66.66671, 100]")),
        (0.0, 0.3, 1.0),
    )
    same_as_batch(rule, values, 0.0, 1.0)


@given(st.lists(numbers, min_size=1, max_size=8), st.sampled_from([1.0, 3.0, 7.3]))
def test_proportional(values: list[float], mx: float) -> None:
    rule = ProportionalRule(NumberInput("percent", 0.0, 100.0), parse_band("(50, 100]"), 100.0, 0.1)
    same_as_batch(rule, values, 0.0, mx)
    for x in values:  # the arithmetic of 0.1.0, with Python floats
        if 50 < x <= 100:
            assert bits(rule.evaluate(x, 0.0, mx).points) == bits(mx * x / 100.0)


@given(
    st.lists(st.floats(1, 5), min_size=1, max_size=8),
    st.sampled_from(["min", "zero"]),
    st.sampled_from([1.0, 3.0, 7.3]),
)
def test_survey_mean(values: list[float], anchor: str, mx: float) -> None:
    rule = SurveyMeanRule((1.0, 5.0), anchor)
    same_as_batch(rule, values, 0.0, mx)
    for x in values:
        want = mx * (x - 1.0) / 4.0 if anchor == "min" else mx * x / 5.0
        assert bits(rule.evaluate(x, 0.0, mx).points) == bits(want)


@given(st.lists(numbers, min_size=1, max_size=8), st.sampled_from([1.0, 3.0, 7.3]))
def test_satisfaction(values: list[float], mx: float) -> None:
    rule = SatisfactionRule("percent")
    same_as_batch(rule, values, 0.0, mx)
    for x in values:
        assert bits(rule.evaluate(x, 0.0, mx).points) == bits(mx * x / 100.0)


@given(
    st.lists(
        st.fixed_dictionaries({"a": st.integers(0, 6), "b": st.integers(0, 3)}),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([None, 0.0]),
    st.sampled_from([None, 0.7]),
    maxima,
)
def test_deductions(
    values: list[dict[str, int]], start: float | None, floor: float | None, mx: float | None
) -> None:
    rule = DeductionsRule((DeductionItem("a", 0.25), DeductionItem("b", 1.1)), start, floor)
    if rule.needs_max() and mx is None:
        with pytest.raises(ParIndexError):
            rule.evaluate(rule.check(values[0]), 0.0, mx)
        return
    same_as_batch(rule, values, -5.0, mx)


@given(
    st.lists(
        st.fixed_dictionaries({"a": st.integers(0, 20), "b": st.floats(0, 20)}),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([None, 0.0, 2.5]),
    st.booleans(),
    maxima,
)
@example([{"a": 0, "b": 0.0}, {"a": 1, "b": 20.0}, {"a": 20, "b": 1e-300}], None, False, 10.0)
def test_formula(
    values: list[dict[str, float]], ozd: float | None, clamp: bool, mx: float | None
) -> None:
    rule = FormulaRule(parse("b / a * 3 - 1"), (FormulaInput("a"), FormulaInput("b")), ozd, clamp)
    same_as_batch(rule, values, 0.0, mx)


# -- lossless text ---------------------------------------------------------------------------------


def test_band_text_keeps_every_digit() -> None:
    assert str(parse_band("[66.66671, 100]")) != str(parse_band("[66.666705, 100]"))
    assert str(parse_band("[66.0, 100)")) == "[66, 100)"
    assert str(parse_band("(-∞, 1e3]".replace("1e3", "1000"))) == "(-∞, 1000]"
    assert parse_band("[66.66671, 100]").text(6) == "[66.6667, 100]"  # as 0.1.0 wrote it


edges = st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=True)


@given(edges, edges, st.booleans(), st.booleans())
@example(66.666705, 100.0, True, True)
@example(1e-300, 1e300, False, True)
@example(-0.0, 5e-324, True, False)
def test_band_text_round_trips(a: float, b: float, lo_inc: bool, hi_inc: bool) -> None:
    lo, hi = min(a, b), max(a, b)
    if lo == hi:
        lo_inc = hi_inc = True
    band = Band(lo, hi, lo_inc, hi_inc)
    assert parse_band(str(band)) == band
    assert parse_band(band.text()) == band


def test_rule_to_dict_round_trips() -> None:
    rule = BandsRule(
        NumberInput("percent", 0.0, 100.0),
        (parse_band("[0, 66.666705)"), parse_band("[66.666705, 100]")),
        (0.0, 1.0),
    )
    data = rule.to_dict()
    assert [parse_band(b["range"]) for b in data["bands"]] == list(rule.bands)
    prop = ProportionalRule(NumberInput(), parse_band("(0.1, 0.30000000000000004]"), 1.0)
    assert parse_band(prop.to_dict()["range"]) == prop.band


BAND_NODE = """
- code: "1"
  label: Tỷ lệ hồ sơ đúng hạn
  max: 10
  method: statistics
  rule:
    kind: bands
    bands:
      - {{range: "[0, {edge})", points: 0}}
      - {{range: "[{edge}, 100]", points: 10}}
"""


def test_diff_sees_a_band_edge_change() -> None:
    a = make(BAND_NODE.format(edge="66.66671"))
    b = make(BAND_NODE.format(edge="66.666705"))
    changes = diff(a, b).changes
    assert [(c.kind, c.code) for c in changes] == [("rule", "1")]


def test_workbook_fingerprint_sees_band_edges_and_accepts_legacy(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    import openpyxl

    from parindex.errors import ParIndexError as Refused
    from parindex.io.xlsx import META_SHEET, fingerprint, read_workbook, write_workbook

    a = make(BAND_NODE.format(edge="66.66671"))
    b = make(BAND_NODE.format(edge="66.666705"))
    assert fingerprint(a) != fingerprint(b)
    assert fingerprint(a, legacy=True) == fingerprint(b, legacy=True)
    # the stamp parindex 0.1.0 wrote for this methodology (computed with its code)
    assert fingerprint(a, legacy=True) == "50a444624e4b2036"
    p = write_workbook(a, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(p)
    wb[META_SHEET]["B4"] = "50a444624e4b2036"
    wb.save(p)
    read_workbook(p, a)  # a workbook made by 0.1.0 is still accepted
    wb[META_SHEET]["B4"] = "0123456789abcdef"
    wb.save(p)
    with pytest.raises(Refused, match="different text"):
        read_workbook(p, a)


# -- one list of kinds ------------------------------------------------------------------------------


def test_rule_kinds_is_the_registry() -> None:
    assert list(RULE_KINDS) == [
        "points",
        "levels",
        "bands",
        "proportional",
        "formula",
        "deductions",
        "survey_mean",
        "satisfaction",
    ]
    for kind, cls in RULE_KINDS.items():
        assert cls.kind == kind
        assert cls.__module__ == f"parindex.methodology.rules.{kind}"


CLEANED = ["batch.py", "methodology/loader.py", "analysis/whatif.py", "methodology/diff.py"]


@pytest.mark.parametrize("module", CLEANED)
def test_no_dispatch_on_rule_kinds_outside_the_rules(module: str) -> None:
    text = (SRC / module).read_text(encoding="utf-8")
    classes = "|".join(cls.__name__ for cls in RULE_KINDS.values())
    assert not re.search(rf"isinstance\([^)]*\b({classes})\b", text)
    if module not in ("batch.py", "methodology/loader.py"):
        return  # (the what-if docstring shows a rule as data)
    kinds = "|".join(k for k in RULE_KINDS if k != "points")  # ('points' is also a column name)
    assert not re.search(rf"[\"']({kinds})[\"']", text)
    every = "|".join(RULE_KINDS)
    assert not re.search(rf"\bkind\s*(==|!=)\s*[\"']({every})[\"']", text)  # kind == "points"
    assert not re.search(r"rule\.kind\s+in\b", text)  # rule.kind in (...)
