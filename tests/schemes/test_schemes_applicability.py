"""Applicability to named units, under each not-applicable policy (hand-worked)."""

from __future__ import annotations

from pathlib import Path

import pytest

import parindex
from parindex import Assessment, AssessmentError
from parindex.schemes import Applicability, apply_applicability, load_applicability
from tests.conftest import EXAMPLES, make

# A tree of scale 10:  1 (max 6) = 1.1 (max 2) + 1.2 (max 4);  2 (max 4).
TREE = """\
- code: "1"
  label: "Lĩnh vực 1"
  method: appraisal
  children:
    - {code: "1.1", label: "Tiêu chí 1.1", max: 2}
    - {code: "1.2", label: "Tiêu chí 1.2", max: 4}
- {code: "2", label: "Lĩnh vực 2", max: 4, method: appraisal}
"""

RULES = {
    "parindex": 1,
    "kind": "applicability",
    "rules": [
        {
            "units": ["u1"],
            "codes": ["1.2"],
            "reason": {"vi": "Không có thủ tục hành chính", "en": "No procedures"},
        }
    ],
}


def _card(policy: str) -> parindex.ScoreCard:
    m = make(TREE, na=policy)
    app = Applicability.from_mapping(RULES, source="rules.yaml")
    a = apply_applicability(m, Assessment.from_mapping({"1.1": 1.5, "2": 2}, unit="u1"), app)
    return parindex.score(m, a)


def test_drop_removes_the_maximum() -> None:
    # 1.2 leaves the tree: points 1.5 + 2 = 3.5 over 2 + 4 = 6 → 58.33 %.
    card = _card("drop")
    assert card["1.2"].not_applicable and card["1.2"].points == 0
    assert card["1"].points == 1.5 and card["1"].adjusted_max == 2
    assert card.points == 3.5 and card.max_points == 6
    assert card.index == pytest.approx(350 / 6)


def test_share_gives_the_points_to_the_applicable_siblings() -> None:
    # node 1: 1.5 of the applicable 2 points, scaled by 6 / 2 = 3 → 4.5 of 6;
    # total 4.5 + 2 = 6.5 of 10 → 65 %.
    card = _card("share")
    assert card["1"].shared == 3 and card["1"].points == 4.5 and card["1"].adjusted_max == 6
    assert card.points == 6.5 and card.max_points == 10 and card.index == 65


def test_earned_counts_the_item_as_fully_earned() -> None:
    # 1.2 earns its 4 points: 1.5 + 4 + 2 = 7.5 of 10 → 75 %.
    card = _card("earned")
    assert card["1.2"].points == 4 and card["1.2"].not_applicable
    assert card.points == 7.5 and card.index == 75


def test_other_units_are_untouched() -> None:
    m = make(TREE)
    app = Applicability.from_mapping(RULES, source="rules.yaml")
    a = Assessment.from_mapping({"1.1": 2, "1.2": 1}, unit="u2")
    assert apply_applicability(m, a, app) is a
    assert parindex.score(m, a).points == 3  # 2 + 1, and 2 missing (0)


def test_the_not_applicable_mark_carries_the_reason() -> None:
    m = make(TREE)
    app = Applicability.from_mapping(RULES, source="rules.yaml")
    a = apply_applicability(m, Assessment.from_mapping({"1.1": 1}, unit="u1"), app)
    entry = a.stages["self"]["1.2"]
    assert entry.not_applicable and entry.note == "không áp dụng: Không có thủ tục hành chính"


@pytest.mark.parametrize("stage", ["self", "appraisal1"])
def test_a_value_for_an_item_that_does_not_apply_is_an_error(stage: str) -> None:
    m = make(TREE)
    app = Applicability.from_mapping(RULES, source="rules.yaml")
    a = Assessment(
        "u1",
        {"self": {"1.1": 1}, stage: {"1.2": 3}}
        if stage != "self"
        else {"self": {"1.1": 1, "1.2": 3}},
    )
    with pytest.raises(AssessmentError) as e:
        apply_applicability(m, a, app)
    err = e.value
    assert (err.unit, err.code, err.stage, err.value) == ("u1", "1.2", stage, 3)
    assert "does not apply to the unit" in str(err) and "Không có thủ tục hành chính" in str(err)


def test_a_value_inside_a_node_that_does_not_apply_is_an_error() -> None:
    m = make(TREE)
    rules = {**RULES, "rules": [{"units": ["u1"], "codes": ["1"], "reason": "Không áp dụng"}]}
    app = Applicability.from_mapping(rules, source="rules.yaml")
    with pytest.raises(AssessmentError, match="stands inside 1") as e:
        apply_applicability(m, Assessment.from_mapping({"1.1": 1, "2": 4}, unit="u1"), app)
    assert (e.value.code, e.value.value) == ("1.1", 1)
    # without the value, the whole node is dropped: 4 of 4 → 100 %
    card = parindex.score(
        m, apply_applicability(m, Assessment.from_mapping({"2": 4}, unit="u1"), app)
    )
    assert card["1"].not_applicable and card.points == 4 and card.max_points == 4


def test_an_na_given_by_the_unit_itself_is_not_an_error() -> None:
    m = make(TREE)
    app = Applicability.from_mapping(RULES, source="rules.yaml")
    a = apply_applicability(m, Assessment.from_mapping({"1.2": "NA", "1.1": 2}, unit="u1"), app)
    assert parindex.score(m, a).max_points == 6


def test_unknown_and_redundant_codes_are_errors() -> None:
    m = make(TREE)
    bad = {**RULES, "rules": [{"units": ["u1"], "codes": ["1.3"], "reason": "x"}]}
    with pytest.raises(AssessmentError, match="has no item with this code; did you mean") as e:
        apply_applicability(
            m, Assessment.from_mapping({}, unit="u1"), Applicability.from_mapping(bad)
        )
    assert (e.value.unit, e.value.code) == ("u1", "1.3")
    nested = {**RULES, "rules": [{"units": ["u1"], "codes": ["1", "1.2"], "reason": "x"}]}
    with pytest.raises(AssessmentError, match="inside 1, which is already declared") as e:
        Applicability.from_mapping(nested).check(m)
    assert e.value.code == "1.2"


def test_the_same_item_twice_for_a_unit_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "app.yaml"
    f.write_text(
        "parindex: 1\nkind: applicability\nrules:\n"
        "  - {units: [a, b], codes: ['2'], reason: x}\n"
        "  - {units: [b], codes: ['2'], reason: y}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        AssessmentError, match=r"declared not applicable twice for this unit \(first at line 4\)"
    ) as e:
        load_applicability(f)
    assert (e.value.file, e.value.line, e.value.unit, e.value.code) == (str(f), 5, "b", "2")


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        (
            "parindex: 1\nkind: family\nrules: []\n",
            "an applicability file has kind: applicability",
            2,
        ),
        (
            "parindex: 1\nkind: applicability\nrules:\n  - {units: [a], codes: ['1'], reason: x, why: y}\n",
            "unknown key 'why'",
            4,
        ),
        (
            "parindex: 1\nkind: applicability\nrules:\n  - {units: [], codes: ['1'], reason: x}\n",
            "'units': list at least one",
            4,
        ),
        (
            "parindex: 1\nkind: applicability\nrules:\n  - {units: [a, a], codes: ['1'], reason: x}\n",
            "listed twice",
            4,
        ),
        (
            "parindex: 1\nkind: applicability\nrules:\n  - {units: [a], codes: ['1']}\n",
            "the key 'reason' is required",
            4,
        ),
    ],
)
def test_file_errors_name_the_file_and_line(
    tmp_path: Path, text: str, message: str, line: int
) -> None:
    f = tmp_path / "app.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(AssessmentError, match=message) as e:
        load_applicability(f)
    assert e.value.file == str(f) and e.value.line == line


def test_duplicate_yaml_keys_are_refused(tmp_path: Path) -> None:
    f = tmp_path / "app.yaml"
    f.write_text("parindex: 1\nkind: applicability\nrules: []\nrules: []\n", encoding="utf-8")
    with pytest.raises(AssessmentError, match="duplicate key 'rules'") as e:
        load_applicability(f)
    assert e.value.line == 4


def test_example_file_on_the_illustrative_department_scheme() -> None:
    # so-ngoai-vu handles no administrative procedures: domain 2 (5 points) is dropped.
    m = parindex.load_file(EXAMPLES / "illustrative-department-scheme.yaml")
    app = load_applicability(EXAMPLES / "example-applicability.yaml")
    assert app.codes_for("so-ngoai-vu") == ("2",) and app.province is not None
    assert app.province.name == "Gia Lai"
    values = {
        "1.1": "on_time",
        "1.2": 92,
        "1.3": {},
        "1.4": {"a": 0, "b": 0, "c": 0},
        "1.5": 40,
        "3.1": 4,
        "3.2": 60,
        "5": 60,
        "4.1": 4,
        "4.2": 80,
    }
    card = parindex.score(
        m, apply_applicability(m, Assessment.from_mapping(values, unit="so-ngoai-vu"), app)
    )
    # 1: 1 + 2 + 1 + 1 (a = 0: on_zero_division) + 1 = 6; 3: 4 + 5 = 9;
    # 4: 4 × (4 − 1) / 4 = 3 and 12 × 80 % = 9.6; 5: 60; bonus and penalty not given: 0.
    assert (
        card["1"].points == 6 and card["3"].points == 9 and card["4"].points == pytest.approx(12.6)
    )
    assert card.points == pytest.approx(87.6) and card.max_points == 95
    assert card.not_applicable == ("2", "2.1", "2.2")
    with pytest.raises(AssessmentError) as e:
        apply_applicability(
            m, Assessment.from_mapping({**values, "2.1": 97}, unit="so-ngoai-vu"), app
        )
    assert (e.value.unit, e.value.code, e.value.value) == ("so-ngoai-vu", "2.1", 97)
