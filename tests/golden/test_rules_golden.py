"""Hand-worked golden cases for every rule kind, checked through the scalar engine.

Each expected value is worked out by hand in the comment beside it, from the rule shapes seen in
real provincial scoring tables (levels, bands, proportional, formulas, deductions, surveys).
"""

from __future__ import annotations

import pytest

import parindex
from parindex import AssessmentError, ScoringError
from parindex.analysis.gaps import steps_for
from parindex.io.workbook.texts import guide_text
from tests.conftest import make

LEVELS = """
- code: "1"
  label: Ban hành kế hoạch
  max: 1
  min: -1
  method: appraisal
  rule:
    kind: levels
    levels:
      - {code: on_time, points: 1}
      - {code: late, points: 0.5}
      - {code: none, points: -1}
- code: "2"
  label: Phần còn lại
  max: 9
  method: appraisal
"""


@pytest.mark.parametrize(
    ("level", "points"),
    [("on_time", 1.0), ("late", 0.5), ("none", -1.0), ("LATE", 0.5)],
)
def test_levels_map_to_points_including_negative(level: str, points: float) -> None:
    m = make(LEVELS)
    card = parindex.score(m, {"1": level, "2": 9})
    assert card["1"].points == points
    # total = level points + 9; index over scale 10
    assert card.points == points + 9
    assert card.index == pytest.approx((points + 9) * 10)


def test_unknown_level_is_an_error_naming_unit_code_and_value() -> None:
    m = make(LEVELS)
    with pytest.raises(AssessmentError) as e:
        parindex.score(m, parindex.Assessment.from_mapping({"1": "sometimes", "2": 1}, unit="Sở A"))
    msg = str(e.value)
    assert "Sở A" in msg and "'1'" in msg and "sometimes" in msg and "on_time" in msg


BANDS = """
- code: "1"
  label: Tỷ lệ đơn vị được kiểm tra
  max: 1
  method: appraisal
  rule:
    kind: bands
    input: {unit: percent}
    bands:
      - {range: "[30, 100]", points: 1}
      - {range: "[20, 30)", points: 0.5}
      - {range: "[0, 20)", points: 0}
- code: "2"
  label: Tỷ lệ hoàn thành kế hoạch
  max: 2
  method: appraisal
  rule:
    kind: bands
    input: {unit: percent}
    bands:
      - {range: "(90, 100]", points: 2}
      - {range: "[70, 90]", points: 1}
      - {range: "[0, 70)", points: 0}
- code: "3"
  label: Khác
  max: 7
  method: appraisal
"""


@pytest.mark.parametrize(
    ("rate", "points"),
    # ≥ 30 %: 1; 20–<30 %: 0.5; < 20 %: 0 — edges: 30 is in the top band, 20 in the middle one
    [(30, 1.0), (29.999, 0.5), (20, 0.5), (19.99, 0.0), (0, 0.0), (100, 1.0)],
)
def test_band_edges_inclusive_and_exclusive(rate: float, points: float) -> None:
    m = make(BANDS)
    assert parindex.score(m, {"1": rate, "2": 0, "3": 0})["1"].points == points


@pytest.mark.parametrize(
    ("rate", "points"),
    # "over 90 % of the plan: 2; 70–90 %: 1; under 70 %: 0": 90 itself is in 70–90
    [(90, 1.0), (90.01, 2.0), (70, 1.0), (69.9, 0.0)],
)
def test_band_edges_over_90(rate: float, points: float) -> None:
    m = make(BANDS)
    assert parindex.score(m, {"1": 0, "2": rate, "3": 0})["2"].points == points


def test_rate_above_100_percent_is_refused() -> None:
    m = make(BANDS)
    with pytest.raises(AssessmentError, match="out of range"):
        parindex.score(m, {"1": 130, "2": 0, "3": 0})


def test_band_explanation_reads_like_the_guide() -> None:
    m = make(BANDS)
    r = parindex.score(m, {"1": 25, "2": 0, "3": 0})["1"]
    assert (
        r.explain("en")
        == "value 25 % is in the band 20 %–<30 %: 0.5 of 1 points [from self-assessment]"
    )
    assert r.explain("vi").startswith("Giá trị 25% thuộc khoảng từ 20% đến dưới 30%: 0,5/1 điểm")


COUNT_BANDS = """
- code: "1"
  label: Văn bản ban hành trễ hạn
  max: 2
  method: appraisal
  rule:
    kind: bands
    input: {unit: count, integer: true, label: {vi: văn bản, en: documents}}
    bands:
      - {range: "[0, 0]", points: 2}
      - {range: "[1, 2]", points: 1}
      - {range: "[3, inf)", points: 0}
- {code: "2", label: Khác, max: 8, method: appraisal}
"""


@pytest.mark.parametrize(
    ("late", "points"),
    # 0 documents late: 2; 1 or 2: 1; 3 or more: 0 (whole numbers: no value between 0 and 1)
    [(0, 2.0), (1, 1.0), (2, 1.0), (3, 0.0), (17, 0.0)],
)
def test_count_bands_of_whole_numbers(late: int, points: float) -> None:
    m = make(COUNT_BANDS)
    assert parindex.score(m, {"1": late, "2": 8})["1"].points == points


def test_count_bands_speak_of_counts() -> None:
    m = make(COUNT_BANDS)
    card = parindex.score(m, {"1": 1, "2": 8})
    r = card["1"]
    assert r.explain("vi").startswith("Giá trị 1 văn bản thuộc khoảng từ 1 đến 2 văn bản: 1/2 điểm")
    assert r.explain("en").startswith("value 1 documents is in the band 1 to 2 documents: 1 of 2")
    # the workbook's guide
    assert guide_text(m.nodes["1"]).startswith(
        "0 văn bản: 2 điểm; Từ 1 đến 2 văn bản: 1 điểm; Từ 3 văn bản trở lên: 0 điểm"
    )
    # the target is the count itself, never "dưới 1"
    nxt, full = steps_for(card, "1")
    assert nxt is not None and (nxt.value, nxt.bound, nxt.describe("vi")) == (0.0, "=", "0")
    three = parindex.score(m, {"1": 4, "2": 8})
    nxt, full = steps_for(three, "1")
    assert nxt is not None and nxt.describe("vi") == "không quá 2"
    assert full is not None and full.describe("en") == "0"


def test_count_bands_must_cover_every_whole_number() -> None:
    gap = COUNT_BANDS.replace('"[1, 2]"', '"[1, 1]"')
    with pytest.raises(parindex.MethodologyError, match="the value 2 falls in none of the bands"):
        make(gap)
    # a number input (not whole numbers) keeps the old check: 0.5 falls in none
    real = COUNT_BANDS.replace("integer: true", "integer: false")
    with pytest.raises(parindex.MethodologyError, match=r"the value 0\.5 falls in none"):
        make(real)


PROPORTIONAL = """
- code: "1"
  label: Tỷ lệ hồ sơ đúng hạn
  max: 3
  method: appraisal
  rule: {kind: proportional, range: "[80, 100]", full: 100, otherwise: 0}
- code: "2"
  label: Khác
  max: 7
  method: appraisal
"""


@pytest.mark.parametrize(
    ("rate", "points"),
    # "80–100 % done: points = rate × max; under 80 %: 0": 92 % of 3 = 2.76; 80 % → 2.4
    [(92, 2.76), (80, 2.4), (79.99, 0.0), (100, 3.0)],
)
def test_proportional_inside_band(rate: float, points: float) -> None:
    m = make(PROPORTIONAL)
    assert parindex.score(m, {"1": rate, "2": 0})["1"].points == pytest.approx(points, abs=1e-12)


FORMULA = """
- code: "1"
  label: Xử lý vấn đề phát hiện qua kiểm tra
  max: 1
  method: appraisal
  rule:
    kind: formula
    expr: "(b / a) * 1 + (c / a) * 0.5"
    inputs:
      a: {integer: true}
      b: {integer: true, max: a}
      c: {integer: true, max: a}
    clamp: true
    on_zero_division: 1
- code: "2"
  label: Công thức không có phương án mẫu số 0
  max: 1
  method: appraisal
  rule:
    kind: formula
    expr: "b / a"
    inputs: {a: {}, b: {max: a}}
    clamp: true
- code: "3"
  label: Khác
  max: 8
  method: appraisal
"""


def test_formula_hand_worked() -> None:
    m = make(FORMULA)
    # a = 4 issues, b = 2 resolved, c = 1 in progress: 2/4 × 1 + 1/4 × 0.5 = 0.625
    card = parindex.score(m, {"1": {"a": 4, "b": 2, "c": 1}, "2": {"a": 2, "b": 1}, "3": 0})
    assert card["1"].points == 0.625
    assert card["2"].points == 0.5


def test_formula_zero_denominator_uses_declared_fallback() -> None:
    m = make(FORMULA)
    card = parindex.score(m, {"1": {"a": 0, "b": 0, "c": 0}, "2": {"a": 1, "b": 1}, "3": 0})
    assert card["1"].points == 1.0 and card["1"].fallback
    assert "mẫu số bằng 0" in card["1"].explain("vi")


def test_formula_zero_denominator_without_fallback_is_a_clear_error() -> None:
    m = make(FORMULA)
    with pytest.raises(ScoringError) as e:
        parindex.score(
            m,
            parindex.Assessment.from_mapping(
                {"1": {"a": 1, "b": 1, "c": 0}, "2": {"a": 0, "b": 0}, "3": 0}, unit="Xã B"
            ),
        )
    assert "Xã B" in str(e.value) and "'2'" in str(e.value) and "zero" in str(e.value).lower()


def test_formula_input_above_its_bound_is_refused() -> None:
    m = make(FORMULA)
    with pytest.raises(AssessmentError, match="may not exceed 'a'"):
        parindex.score(m, {"1": {"a": 2, "b": 3, "c": 0}, "2": {"a": 1, "b": 1}, "3": 0})


DEDUCTIONS = """
- code: "1"
  label: Báo cáo định kỳ
  max: 1
  method: appraisal
  rule:
    kind: deductions
    floor: 0
    items:
      - {code: late, points: 0.25}
      - {code: missing_quarter, points: 0.5}
      - {code: missing_year, points: 1}
- code: "2"
  label: Khác
  max: 9
  method: appraisal
"""


@pytest.mark.parametrize(
    ("counts", "points", "clamped"),
    [
        ({}, 1.0, None),  # nothing deducted
        ({"late": 1}, 0.75, None),  # 1 − 0.25
        ({"late": 2, "missing_quarter": 1}, 0.0, None),  # 1 − 0.5 − 0.5 = 0 exactly
        ({"late": 3, "missing_quarter": 1}, 0.0, "floor"),  # 1 − 0.75 − 0.5 = −0.25 → floor 0
        ({"missing_year": 1}, 0.0, None),
    ],
)
def test_deductions_to_the_floor(
    counts: dict[str, int], points: float, clamped: str | None
) -> None:
    m = make(DEDUCTIONS)
    r = parindex.score(m, {"1": counts, "2": 0})["1"]
    assert r.points == points
    assert r.clamped == clamped
    if clamped:
        assert r.raw == -0.25


def test_negative_count_is_refused() -> None:
    m = make(DEDUCTIONS)
    with pytest.raises(AssessmentError, match="whole number"):
        parindex.score(m, {"1": {"late": -1}, "2": 0})


SURVEYS = """
- code: "1"
  label: Đánh giá của công chức
  max: 4
  method: survey
  rule: {kind: survey_mean, scale: [1, 5]}
- code: "2"
  label: Đánh giá (neo tại 0)
  max: 2
  method: survey
  rule: {kind: survey_mean, scale: [1, 5], anchor: zero}
- code: "3"
  label: Mức độ hài lòng
  max: 4
  method: sipas
  rule: {kind: satisfaction}
"""


def test_survey_mean_and_satisfaction() -> None:
    m = make(SURVEYS)
    card = parindex.score(m, {"1": 4.2, "2": 4.2, "3": 87.5})
    # anchor min: 4 × (4.2 − 1)/(5 − 1) = 3.2; anchor zero: 2 × 4.2 / 5 = 1.68; 4 × 87.5 % = 3.5
    assert card["1"].points == pytest.approx(3.2)
    assert card["2"].points == pytest.approx(1.68)
    assert card["3"].points == 3.5
    assert card.by_method()["sipas"] == (3.5, 4.0)


def test_sipas_component_of_the_2022_methodology() -> None:
    m = parindex.load("vn-moha/province", year=2023)
    # Published pair: SIPAS 83.45 % gives 8.345 points (10 × 83.45 / 100)
    card = parindex.score(m, {"TD": 55.0, "KTXH": 5.25, "XHH": 18.5, "SIPAS": 83.45})
    assert card["SIPAS"].points == pytest.approx(8.345, abs=1e-12)
    assert card.points == pytest.approx(55.0 + 5.25 + 18.5 + 8.345, abs=1e-12)
    assert card.index == pytest.approx(87.095, abs=1e-12)
    assert card.group is not None and card.group.code == "B"


NA_TREE = """
- code: "1"
  label: Lĩnh vực 1
  method: appraisal
  children:
    - {code: "1.1", label: a, max: 2}
    - {code: "1.2", label: b, max: 3}
- code: "2"
  label: Lĩnh vực 2
  method: appraisal
  children:
    - {code: "2.1", label: c, max: 4}
    - {code: "2.2", label: d, max: 1}
"""


def test_not_applicable_drop_reduces_the_maximum() -> None:
    m = make(NA_TREE, na="drop")
    card = parindex.score(m, {"1.1": 1, "1.2": parindex.NA, "2.1": 4, "2.2": 0.5})
    # domain 1: 1 of 2 (1.2 dropped); total 5.5 of 10 − 3 = 7 → 78.571…%
    assert card["1"].adjusted_max == 2 and card["1"].points == 1
    assert card.max_points == 7 and card.points == 5.5
    assert card.index == pytest.approx(5.5 / 7 * 100)
    assert card["1.2"].not_applicable and "bỏ khỏi điểm tối đa" in card["1.2"].explain("vi")


def test_not_applicable_share_among_siblings() -> None:
    m = make(NA_TREE, na="share")
    card = parindex.score(m, {"1.1": 1, "1.2": parindex.NA, "2.1": 4, "2.2": 0.5})
    # domain 1: 1.1 earned 1 of 2, shared up to the domain's 5: 1 × 5/2 = 2.5
    assert card["1"].points == 2.5 and card["1"].adjusted_max == 5 and card["1"].shared == 2.5
    assert card.points == 7.0 and card.max_points == 10


def test_not_applicable_counted_as_earned() -> None:
    m = make(NA_TREE, na="earned")
    card = parindex.score(m, {"1.1": 1, "1.2": parindex.NA, "2.1": 4, "2.2": 0.5})
    assert card["1.2"].points == 3 and card.points == 8.5 and card.max_points == 10


def test_whole_domain_not_applicable() -> None:
    m = make(NA_TREE, na="drop")
    card = parindex.score(m, {"1": "NA", "2.1": 4, "2.2": 1})
    assert card["1"].not_applicable and card["1.1"].not_applicable
    assert card.max_points == 5 and card.index == 100.0


def test_missing_items_are_listed_not_silently_zero() -> None:
    m = make(NA_TREE, missing="zero")
    card = parindex.score(m, {"1.1": 2, "2.1": 4})
    assert card.missing == ("1.2", "2.2")
    assert card["1.2"].points == 0 and card["1.2"].missing
    with pytest.raises(AssessmentError, match=r"no input for 2 item\(s\): 1.2, 2.2"):
        parindex.score(m, {"1.1": 2, "2.1": 4}, missing="block")


def test_stages_latest_wins_and_every_layer_stays_visible() -> None:
    m = make(NA_TREE)
    a = parindex.Assessment(
        "Sở Nội vụ",
        {
            "self": {"1.1": 2, "1.2": 3, "2.1": 4, "2.2": 1},
            "appraisal1": {"1.2": 2},
            "appraisal2": {"1.2": 2.5},
        },
    )
    card = parindex.score(m, a)
    r = card["1.2"]
    assert r.points == 2.5 and r.stage == "appraisal2"
    assert [(la.stage, la.points) for la in r.layers] == [
        ("self", 3.0),
        ("appraisal1", 2.0),
        ("appraisal2", 2.5),
    ]
    assert parindex.score(m, a, upto="self").points == 10.0
    assert parindex.score(m, a, upto="appraisal1").points == 9.0


BONUS = """
- code: "1"
  label: Điểm chính
  max: 10
  method: appraisal
- code: "B"
  label: Điểm thưởng
  role: bonus
  max: 2
  method: appraisal
  children:
    - {code: B1, label: x, max: 1.5}
    - {code: B2, label: y, max: 1.5}
- code: "P"
  label: Điểm trừ
  role: penalty
  min: -3
  method: appraisal
  children:
    - {code: P1, label: z, max: 0, min: -5, rule: {kind: deductions, start: 0, floor: -5, items: [{code: v, points: 1}]}}
"""


def test_bonus_and_penalty_caps_are_recorded() -> None:
    m = make(BONUS)
    card = parindex.score(m, {"1": 7, "B1": 1.5, "B2": 1.5, "P1": {"v": 4}})
    # bonus 3 capped at 2; penalty −4 capped at −3; total 7 + 2 − 3 = 6
    assert card["B"].points == 2 and card["B"].clamped == "max" and card["B"].raw == 3
    assert card["P"].points == -3 and card["P"].clamped == "min" and card["P"].raw == -4
    assert card.points == 6
    # total capped at the scale: 10 + 2 would be 12, capped at 10 and recorded
    top = parindex.score(m, {"1": 10, "B1": 1, "B2": 1, "P1": {"v": 0}})
    assert top.points == 10 and top.total.clamped == "max" and top.total.raw == 12
    assert "" in top.clamped


CAPPED = """
- code: "1"
  label: Tiêu chí có trần điểm
  max: 2
  aggregate: capped
  method: appraisal
  children:
    - {code: "1.1", label: a, max: 1.5}
    - {code: "1.2", label: b, max: 1.5}
    - {code: "1.3", label: c, max: 1.5}
- code: "2"
  label: Khác
  max: 8
  method: appraisal
"""


def test_share_under_a_cap_does_not_shrink_points() -> None:
    m = make(CAPPED, na="share")
    # 1.3 does not apply; 1.1 + 1.2 can still reach the cap of 2, so nothing is scaled:
    # base = min(2, 1.5 + 1.5) = 2, factor 2 / 2 = 1; points 1 + 0.5 = 1.5
    card = parindex.score(m, {"1.1": 1, "1.2": 0.5, "1.3": parindex.NA, "2": 8})
    assert card["1"].points == 1.5 and card["1"].shared == 1.0
    # 1.2 and 1.3 do not apply: base = min(2, 1.5) = 1.5, factor 2 / 1.5; 1.5 × 4/3 = 2
    card = parindex.score(m, {"1.1": 1.5, "1.2": parindex.NA, "1.3": parindex.NA, "2": 8})
    assert card["1"].points == pytest.approx(2.0) and card.points == pytest.approx(10.0)
    assert (
        parindex.score_many(m, [{"1.1": 1.5, "1.2": parindex.NA, "1.3": parindex.NA, "2": 8}])[0]
        == card
    )


def test_share_into_items_worth_nothing_is_a_clear_error() -> None:
    m = make(
        """
- code: "1"
  label: x
  method: appraisal
  children:
    - {code: "1.1", label: a, max: 0, min: -1}
    - {code: "1.2", label: b, max: 10}
""",
        na="share",
    )
    with pytest.raises(ScoringError, match="maximum of 0"):
        parindex.score(m, parindex.Assessment.from_mapping({"1.1": 0, "1.2": "NA"}, unit="Xã C"))
    with pytest.raises(ScoringError, match="maximum of 0"):
        parindex.score_many(m, [{"1.1": 0, "1.2": "NA"}])


def test_card_records_the_normalised_stage_name() -> None:
    m = make(NA_TREE)
    a = parindex.Assessment("u", {"self": {"1.1": 1}, "appraisal1": {"1.1": 2}})
    assert parindex.score(m, a, upto="appraisal").upto == "appraisal1"
    assert parindex.score_many(m, [a], upto="appraisal")[0].upto == "appraisal1"


# -- explanations: one hand-worked sentence per rule kind, in Vietnamese and in English ---------

EXPLAINED = """
- code: "1"
  label: Ban hành kế hoạch
  max: 1
  method: appraisal
  rule:
    kind: levels
    levels:
      - {code: on_time, points: 1, label: {vi: Kịp thời, en: On time}}
      - {code: late, points: 0.5, label: {vi: Chậm, en: Late}}
- code: "2"
  label: Tỷ lệ kiểm tra
  max: 1
  method: appraisal
  rule:
    kind: bands
    input: {unit: percent}
    bands:
      - {range: "[30, 100]", points: 1}
      - {range: "[0, 30)", points: 0}
- code: "3"
  label: Tỷ lệ hồ sơ đúng hạn
  max: 2
  method: appraisal
  rule:
    kind: proportional
    input: {unit: percent}
    range: "[50, 100]"
    full: 100
- code: "4"
  label: Tỷ lệ giải quyết
  max: 1
  method: appraisal
  rule:
    kind: formula
    expr: b / a
    inputs:
      a: {integer: true}
      b: {integer: true, max: a}
    on_zero_division: 1
    clamp: true
- code: "5"
  label: Vi phạm
  max: 1.5
  method: appraisal
  rule:
    kind: deductions
    items:
      - {code: late, points: 0.25, label: {vi: báo cáo chậm, en: late report}}
      - {code: wrong, points: 1}
- code: "6"
  label: Khảo sát
  max: 2
  method: survey
  rule: {kind: survey_mean, scale: [1, 5]}
- code: "7"
  label: Hài lòng
  max: 1
  method: survey
  rule: {kind: satisfaction}
- code: "8"
  label: Chấm trực tiếp
  max: 0.5
  method: appraisal
"""

EXPLAINED_INPUTS = {
    "1": "LATE",
    "2": 30,
    "3": 80,
    "4": {"a": 0, "b": 0},
    "5": {"late": 4, "wrong": 1},
    "6": 4,
    "7": 85.5,
    "8": 0.5,
}


@pytest.mark.parametrize(
    ("code", "vi", "en"),
    [
        # levels: "LATE" is the level late (case ignored), 0.5 of 1
        (
            "1",
            "Mức «Chậm» (late): 0,5/1 điểm",
            "level «Late» (late): 0.5 of 1 points",
        ),
        # bands: 30 % is the lower edge of [30, 100], included: 1 of 1
        (
            "2",
            "Giá trị 30% thuộc khoảng từ 30% đến 100%: 1/1 điểm",
            "value 30 % is in the band 30 %–100 %: 1 of 1 points",
        ),
        # proportional: 80 lies in [50, 100]: 2 × 80 / 100 = 1.6
        (
            "3",
            "Giá trị 80% trong khoảng từ 50% đến 100%: 2 × 80/100 = 1,6/2 điểm",
            "value 80 % is within 50 %–100 %: 2 × 80/100 = 1.6 of 2 points",
        ),
        # formula: a = 0, so b / a divides by zero and the declared fallback 1 applies
        (
            "4",
            "Công thức b / a với a = 0, b = 0: mẫu số bằng 0, tính theo quy định: 1/1 điểm",
            "formula b / a with a = 0, b = 0: zero denominator, the rule's fallback gives "
            "1 of 1 points",
        ),
        # deductions: 1.5 − 0.25 × 4 − 1 × 1 = −0.5, floored at the node's minimum 0
        (
            "5",
            "1,5 − 0,25 × 4 «báo cáo chậm» − 1 × 1 (wrong) = -0,5, không thấp hơn 0: 0/1,5 điểm",
            "1.5 − 0.25 × 4 «late report» − 1 × 1 (wrong) = -0.5, floored at 0: 0 of 1.5 points",
        ),
        # survey_mean, anchor min: 2 × (4 − 1) / (5 − 1) = 1.5
        (
            "6",
            "Điểm trung bình khảo sát 4 trên thang 1–5: 1,5/2 điểm",
            "survey mean 4 on the scale 1–5: 1.5 of 2 points",
        ),
        # satisfaction in percent: 1 × 85.5 / 100 = 0.855
        (
            "7",
            "Tỷ lệ hài lòng 85,5%: 1 × 85,5% = 0,855/1 điểm",
            "satisfaction 85.5 %: 1 × 85.5 % = 0.855 of 1 points",
        ),
        # points given directly (no rule written): 0.5 of 0.5
        ("8", "Điểm chấm: 0,5/0,5 điểm", "points given: 0.5 of 0.5 points"),
    ],
)
def test_each_kind_explains_its_points(code: str, vi: str, en: str) -> None:
    card = parindex.score(make(EXPLAINED), EXPLAINED_INPUTS)
    stage_vi, stage_en = " [theo tự đánh giá]", " [from self-assessment]"
    assert card[code].explain("vi") == vi + stage_vi
    assert card[code].explain("en") == en + stage_en


def test_every_kind_has_an_explanation_case() -> None:
    m = make(EXPLAINED)
    assert {n.rule.kind for n in m.leaves() if n.rule is not None} == set(
        parindex.methodology.rules.RULE_KINDS
    )
