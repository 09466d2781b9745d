"""The array engine (parindex.engine): the reference cards (tests/reference.py), columnar input,
errors, and the old import paths (parindex.batch, parindex.scoring)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from parindex.assessment import NA, Assessment, Entry, read_assessments
from parindex.card import ScoreCard
from parindex.engine import AssessmentTable, CardSet, Plan, compile_plan, score_many
from parindex.errors import AssessmentError, ParIndexError, ScoringError, UnknownValueError
from parindex.methodology.loader import load_file
from parindex.methodology.model import Methodology
from tests.conftest import make
from tests.reference import score

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.fixture(scope="module")
def m() -> Methodology:
    return load_file(EXAMPLES / "illustrative-department-scheme.yaml")


@pytest.fixture(scope="module")
def units() -> list[Assessment]:
    return read_assessments(EXAMPLES / "example-assessments.yaml")


def same(a: ScoreCard, b: ScoreCard) -> None:
    assert a == b
    assert json.dumps(a.to_dict()) == json.dumps(b.to_dict())


# -- the same cards -------------------------------------------------------------------------------


@pytest.mark.parametrize("upto", [None, "self", "survey", "appraisal1", "appraisal2"])
def test_example_units_give_the_reference_cards(
    m: Methodology, units: list[Assessment], upto: str | None
) -> None:
    cards = score_many(m, units, upto=upto)
    table = score_many(m, AssessmentTable.from_assessments(units), upto=upto)
    assert len(cards) == len(table) == 2
    for i, a in enumerate(units):
        ref = score(m, a, upto=upto)
        same(cards[i], ref)
        same(table[i], ref)
        assert cards[i].upto == upto


def test_mappings_are_self_assessments_of_an_unnamed_unit(m: Methodology) -> None:
    values = [{"1.1": "late", "5": 50, "2.1": 90}, {"1.2": "95", "4.2": "80,5"}]
    cards = score_many(m, values)
    for i, v in enumerate(values):
        same(cards[i], score(m, v))
        assert cards[i].unit == ""


def test_empty_input_gives_an_empty_set(m: Methodology) -> None:
    cards = score_many(m, [])
    assert len(cards) == 0 and list(cards) == [] and cards.points.shape == (0,)


def test_notes_and_evidence_reach_the_cards(m: Methodology, units: list[Assessment]) -> None:
    card = score_many(m, units)[0]
    r = card["1.2"]
    assert r.note == "Hai nhiệm vụ chưa có tài liệu kiểm chứng" and r.evidence == ("KH-12/2025",)
    assert [la.stage for la in r.layers] == ["self", "appraisal1"]
    assert [la.points for la in r.layers] == [2.0, 1.0]


# -- reading without cards ------------------------------------------------------------------------


def test_card_set_arrays(m: Methodology, units: list[Assessment]) -> None:
    cards = score_many(m, units)
    ref = [score(m, a) for a in units]
    assert isinstance(cards, CardSet)
    assert cards.units == tuple(a.unit for a in units)
    assert cards.points.tolist() == [c.points for c in ref]
    assert cards.max_points.tolist() == [c.max_points for c in ref]
    assert cards.index.tolist() == [c.index for c in ref]
    assert cards.groups == tuple(c.group.code if c.group else None for c in ref)
    for code in ("1", "2", "4.2", "6", "7"):
        assert cards.node_points(code).tolist() == [c[code].points for c in ref]
        got = cards.node_index(code).tolist()
        want = [c[code].index for c in ref]
        assert [None if math.isnan(x) else x for x in got] == want
    # domain 2 does not apply to unit B: no index
    assert math.isnan(cards.node_index("2")[1])
    n_nodes = len(m.nodes)
    assert cards.points_matrix.shape == (2, n_nodes)
    assert cards.clamped_matrix.shape == (2, n_nodes)
    assert cards.not_applicable_matrix[1, list(m.nodes).index("2")]
    j = list(m.nodes).index("1.2")
    assert cards.stage_matrix[0, j] == 2 and cards.band_matrix[0, j] == 1  # appraisal1, [70, 90)
    # unit B found no issues (a = 0): the formula's zero-division fallback gives 1.4 its point
    assert cards.fallback_matrix[:, list(m.nodes).index("1.4")].tolist() == [False, True]
    assert cards.fallback_matrix.sum() == 1 and np.isnan(cards.shared_matrix).all()
    assert cards.raw_matrix.shape == cards.missing_matrix.shape == (2, n_nodes)
    assert cards.to_dicts() == [c.to_dict() for c in ref]
    with pytest.raises(ParIndexError):
        cards.node_points("9.9")


def test_card_set_is_a_read_only_sequence(m: Methodology, units: list[Assessment]) -> None:
    cards = score_many(m, units)
    assert cards[-1] == cards[1] and cards[0:2] == (cards[0], cards[1])
    assert [c.unit for c in cards] == [a.unit for a in units]
    with pytest.raises(IndexError):
        cards[2]
    with pytest.raises(ValueError):
        cards.points[0] = 0.0
    with pytest.raises(ValueError):
        cards.points_matrix[0, 0] = 0.0
    with pytest.raises(AttributeError):
        cards.units = ()  # type: ignore[misc]
    assert "2 units" in repr(cards)
    assert [c.unit for c in reversed(cards)] == [a.unit for a in reversed(units)]
    assert cards[0] in cards and cards.count(cards[1]) == 1
    assert not isinstance(cards, Sequence)  # its ``index`` is the array of indices
    assert (
        cards.adjusted_max is not None and cards.max_points.tolist() == cards.adjusted_max.tolist()
    )


def test_one_unit_is_the_engine_on_one_unit(m: Methodology, units: list[Assessment]) -> None:
    import parindex

    for a in units:
        card = parindex.score(m, a)
        same(card, score(m, a))
        same(card, score_many(m, [a])[0])


def test_old_import_paths_still_work(m: Methodology, units: list[Assessment]) -> None:
    import parindex.batch
    import parindex.scoring

    assert parindex.batch.score_many is score_many and parindex.batch.CardSet is CardSet
    assert parindex.batch.AssessmentTable is AssessmentTable and parindex.batch.Plan is Plan
    assert parindex.scoring.score(m, units[0]) == score(m, units[0])
    assert set(parindex.scoring.resolve(m, units[0])) == {n.code for n in m.leaves()}
    assert parindex.scoring.applies(m, m.nodes["1.1"], None)


def test_strategies_cover_every_rule_kind_and_policy() -> None:
    from parindex.methodology.model import NA_POLICIES
    from parindex.methodology.rules import RULE_KINDS
    from tests import strategies

    assert set(strategies.KINDS) == set(RULE_KINDS)
    assert "NA_POLICIES" in vars(strategies) and set(strategies.NA_POLICIES) == set(NA_POLICIES)


# -- the plan ---------------------------------------------------------------------------------------


def test_plan_follows_the_tree(m: Methodology, units: list[Assessment]) -> None:
    plan = compile_plan(m)
    assert isinstance(plan, Plan)
    assert plan.codes == tuple(m.nodes) and plan.codes[0] == ""
    assert [plan.codes[j] for j in plan.leaves] == [n.code for n in m.leaves()]
    assert plan.kinds["formula"] == (plan.position["1.4"],)
    assert plan.kinds["levels"] == (plan.position["1.1"], plan.position["2.2"])
    assert plan.children[0] == tuple(plan.position[c] for c in m.root.children)
    assert plan.roles[plan.position["6"]] == "bonus"
    with pytest.warns(DeprecationWarning, match="position"):
        assert plan.index is plan.position
    with pytest.raises(ValueError):
        plan.max[0] = 1.0
    cards = score_many(m, units, plan=plan)
    assert cards.plan is plan
    other = load_file(EXAMPLES / "illustrative-department-scheme.yaml")
    with pytest.raises(ParIndexError, match="plan"):
        score_many(other, units, plan=plan)


# -- the columnar table -------------------------------------------------------------------------------


def test_table_from_columns_with_a_number_column() -> None:
    m = make(
        """
        - {code: "1", label: a, max: 4, method: survey, rule: {kind: satisfaction}}
        - {code: "2", label: b, max: 6, method: appraisal}
        """
    )
    table = AssessmentTable.from_columns(
        unit=["A", "A", "B", "B", "A"],
        code=["1", "2", "1", "2", "2"],
        stage=["self", "self", "self", "self", "appraisal1"],
        value=np.array([80.0, 5, 90, 6, 4.5]),
    )
    assert len(table) == 2 and table.n_rows == 5 and table.units == ("A", "B")
    cards = score_many(m, table)
    assert cards.points.tolist() == [3.2 + 4.5, 3.6 + 6.0]
    for i, a in enumerate(table.to_assessments()):
        same(cards[i], score(m, a))
    assert cards[0]["2"].stage == "appraisal1"


def test_table_values_of_every_kind(m: Methodology) -> None:
    table = AssessmentTable.from_columns(
        unit=["X"] * 7,
        code=["1.1", "1.3", "1.4", "2", "4.1", "1.2", "1.2"],
        stage=["self", "self", "self", "self", "survey", "self", "tham_dinh_1"],
        value=[
            "ON_TIME",
            {"late": 2},
            {"a": 3, "b": 1, "c": 1},
            "không áp dụng",
            "3,5",
            92,
            Entry(80, note="thiếu tài liệu", evidence=("VB-1",)),
        ],
        period="2025",
        unit_type="department",
    )
    a = table.assessment(0)
    assert a.period == "2025" and a.unit_type == "department"
    assert a.stages["self"]["2"].not_applicable
    card = score_many(m, table)[0]
    same(card, score(m, a))
    assert card["1.2"].note == "thiếu tài liệu" and card["1.2"].points == 1.0
    assert card["2"].not_applicable and card["1.1"].value == "on_time"


def test_table_round_trip(units: list[Assessment]) -> None:
    table = AssessmentTable.from_assessments(units)
    assert table.to_assessments() == units


def test_duplicated_rows_are_named() -> None:
    with pytest.raises(AssessmentError) as info:
        AssessmentTable.from_columns(
            unit=["A", "B", "A"], code=["1", "1", "1"], stage="self", value=[1, 2, 3]
        )
    err = info.value
    assert err.unit == "A" and err.code == "1" and err.stage == "self" and err.row == 3
    assert "rows 1 and 3" in str(err)
    # the same code at two stages is fine; a stage alias counts as that stage
    AssessmentTable.from_columns(
        unit=["A", "A"], code=["1", "1"], stage=["self", "survey"], value=[1, 2]
    )
    with pytest.raises(AssessmentError, match="duplicated"):
        AssessmentTable.from_columns(
            unit=["A", "A"], code=["1", "1"], stage=["appraisal", "appraisal1"], value=[1, 2]
        )


def test_bad_columns() -> None:
    with pytest.raises(AssessmentError, match="unknown stage"):
        AssessmentTable.from_columns(unit=["A"], code=["1"], stage=["final"], value=[1])
    with pytest.raises(AssessmentError, match="length"):
        AssessmentTable.from_columns(unit=["A", "B"], code=["1"], value=[1, 2])
    with pytest.raises(AssessmentError, match="non-empty"):
        AssessmentTable.from_columns(unit=[""], code=["1"], value=[1])
    with pytest.raises(AssessmentError, match="unit type differs"):
        AssessmentTable.from_columns(
            unit=["A", "A"], code=["1", "2"], value=[1, 2], unit_type=["x", "y"]
        )


# -- errors: the reference engine's error, for the first unit that has one ------------------------


def _first_error(m: Methodology, items: list[object], **kw: object) -> Exception:
    for a in items:
        try:
            score(m, a, **kw)  # type: ignore[arg-type]
        except Exception as exc:
            return exc
    raise AssertionError("no unit fails")


@pytest.mark.parametrize(
    "bad",
    [
        {"1.2": 120},  # out of range
        {"1.2": "lots"},  # not a number
        {"1.1": "soon"},  # not a level
        {"1.4": {"a": 2, "b": 3, "c": 0}},  # b may not exceed a
        {"1.3": {"late": 1.5}},  # not a whole count
        {"9.9": 1},  # unknown code
        {"1": 3},  # a value for a whole node
        {"5": 70},  # points above the maximum
    ],
)
def test_errors_are_the_reference_errors(m: Methodology, bad: dict[str, object]) -> None:
    items: list[object] = [{"1.1": "late"}, {"1.1": "none", **bad}, {"9.8": 1}]
    expected = _first_error(m, items)
    for source in (items, AssessmentTable.from_assessments(items)):  # type: ignore[arg-type]
        with pytest.raises(type(expected)) as info:
            score_many(m, source)  # type: ignore[arg-type]
        assert str(info.value) == str(expected)


def test_an_evaluation_error_of_an_earlier_unit_comes_first() -> None:
    m = make(
        """
        - code: "1"
          label: a
          max: 5
          method: appraisal
          rule:
            kind: formula
            expr: "b / a * 5"
            inputs: {a: {}, b: {max: a}}
            clamp: true
        """,
        scale=5,
    )
    items = [
        Assessment("U1", {"self": {"1": {"a": 2, "b": 1}}}),
        Assessment("U2", {"self": {"1": {"a": 0, "b": 0}}}),  # division by zero, no fallback
        Assessment("U3", {"self": {"1": {"a": 1, "b": 5}}}),  # b above a: an input error
    ]
    with pytest.raises(ScoringError) as info:
        score_many(m, items)
    assert info.value.unit == "U2" and info.value.code == "1"
    assert str(info.value) == str(_first_error(m, items))


def test_policies_and_stage_errors(m: Methodology, units: list[Assessment]) -> None:
    with pytest.raises(AssessmentError, match="no input") as info:
        score_many(m, [units[0], {"1.1": "late"}], missing="block")
    assert str(info.value) == str(_first_error(m, [units[0], {"1.1": "late"}], missing="block"))
    with pytest.raises(ParIndexError, match="missing must be"):
        score_many(m, units, missing="skip")
    with pytest.raises(AssessmentError, match="unknown stage"):
        score_many(m, units, upto="final")


def test_unknown_maximum() -> None:
    m = make(
        """
        - {code: "1", label: a, max: 5, method: appraisal}
        - {code: "2", label: b, max: null, method: appraisal}
        """,
        scale=10,
    )
    cards = score_many(m, [{"1": 4, "2": 3}, {"1": 5}])
    # the total's maximum is the scale; the item's maximum is not known
    assert cards.max_points[0] == 10 and cards[0].max_points == 10
    assert math.isnan(cards.node_adjusted_max("2")[0]) and cards[0]["2"].adjusted_max is None
    assert cards[1]["2"].missing and cards[1]["2"].adjusted_max is None
    with pytest.raises(UnknownValueError):
        score_many(m, [{"1": 4}, {"1": 4, "2": NA}])


# -- the reference engine: a bonus node's maximum is a cap -------------------------------------------

BONUS = """
- {code: "1", label: a, max: 8, method: appraisal}
- {code: "2", label: b, max: 2, method: appraisal}
- code: "B"
  label: bonus
  role: bonus
  max: 2
  method: appraisal
  children:
    - {code: B1, label: x, max: 1.5}
    - {code: B2, label: y, max: 1.5}
"""


@pytest.mark.parametrize("na", ["drop", "share"])
def test_a_bonus_item_that_does_not_apply_keeps_the_cap(na: str) -> None:
    m = make(BONUS, na=na)
    a = {"1": 6, "2": 1, "B1": 1.5, "B2": NA}
    card = score(m, a)
    # the applicable bonus item earns its 1.5 (drop), or the whole cap of 2 (share)
    assert card["B"].points == (1.5 if na == "drop" else 2.0)
    assert card["B"].adjusted_max == (1.5 if na == "drop" else 2.0)
    assert card.points == 7 + card["B"].points
    same(score_many(m, [a])[0], card)
    # nothing dropped: the cap is the node's maximum, as before
    full = score(m, {"1": 6, "2": 1, "B1": 1.5, "B2": 1.5})
    assert full["B"].adjusted_max == 2 and full["B"].points == 2 and full["B"].clamped == "max"
