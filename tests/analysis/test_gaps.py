"""Gaps: golden lists on hand-worked cards, and next-band gains checked by scoring again."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import parindex
from parindex.analysis import whatif
from parindex.analysis.gaps import gaps, no_step_text, steps_for
from parindex.analysis.responsibility import Responsibility, ResponsibilityMap
from parindex.analysis.whatif import assessment_of
from parindex.methodology.model import Label
from tests.conftest import make

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "docs" / "examples"


@pytest.fixture(scope="module")
def dept() -> parindex.Methodology:
    return parindex.load_file(EX / "illustrative-department-scheme.yaml")


@pytest.fixture(scope="module")
def card_a(dept: parindex.Methodology) -> parindex.ScoreCard:
    a = parindex.read_assessments(EX / "example-assessments.yaml")[0]
    return parindex.score(dept, a)


def test_golden_gap_list_of_department_a(card_a: parindex.ScoreCard) -> None:
    # Hand-worked from docs/examples/example-assessments.yaml, unit A (latest stage decides):
    #   5   points 60 of 63                                 → lost 3
    #   3.2 45 % in [30, 50) → 3 of 5                        → lost 2
    #   4.2 SIPAS 87.4 %: 12 × 0.874 = 10.488 of 12          → lost 1.512
    #   1.2 appraisal 85 % in [70, 90) → 1 of 2               → lost 1 (self 92 % gave 2: cut 1)
    #   2.2 appraisal 'partial' → 1 of 2                      → lost 1 (self 'full' 2: cut 1)
    #   3.1 appraisal 4 of 5                                  → lost 1 (self 4.5: cut 0.5)
    #   4.1 mean 4.2 on 1–5: 4 × 3.2 / 4 = 3.2 of 4           → lost 0.8
    #   1.5 25 % in [20, 30) → 0.5 of 1                        → lost 0.5
    #   1.4 a=4, b=2, c=1: 2/4 + 0.5 × 1/4 = 0.625 of 1        → lost 0.375
    #   1.3 one late report: 1 − 0.25 = 0.75                   → lost 0.25
    #   2.1 96.5 % in [80, 100]: 3 × 0.965 = 2.895 of 3         → lost 0.105
    # Ties (1.2, 2.2, 3.1 all lose 1) keep the tree order. Bonus 6.1 (1 of 1.5) is not a loss.
    g = gaps(card_a)
    assert g.codes == ("5", "3.2", "4.2", "1.2", "2.2", "3.1", "4.1", "1.5", "1.4", "1.3", "2.1")
    expected = [3, 2, 1.512, 1, 1, 1, 0.8, 0.5, 0.375, 0.25, 0.105]
    assert [round(x.lost, 9) for x in g] == expected
    assert g["1.2"].cut == 1 and g["2.2"].cut == 1 and g["3.1"].cut == 0.5
    assert g["1.2"].stage == "appraisal1" and g["3.2"].stage == "self"
    assert g["1.2"].self_points == 2 and g["1.2"].appraised_points == 1
    assert g.bonus_not_earned == (("6.1", 0.5),)
    # the card loses 100 − 90.458 = 9.542; the gaps add up to 11.542, less the 2 bonus points
    assert math.isclose(g.total_lost or 0, 9.542) and math.isclose(g.leaf_lost, 11.542)
    assert g["1.2"].cause("vi").startswith("Giá trị 85% thuộc khoảng từ 70% đến dưới 90%: 1/2 điểm")
    assert "thẩm định giảm 1,00 điểm so với tự đánh giá (2,00)" in g["1.2"].cause("vi")
    assert "the appraisal cut 1.00 points" in g["1.2"].cause("en")


def test_golden_steps(card_a: parindex.ScoreCard) -> None:
    g = gaps(card_a)
    # 3.2: 45 % → next band [50, 100] (5 points, +2); it is also the full score
    s = g["3.2"]
    assert s.next is not None and (s.next.value, s.next.bound, s.next.points, s.next.gain) == (
        50.0,
        ">=",
        5,
        2,
    )
    assert s.full is not None and s.full.value == 50.0
    # 1.5: 25 % → [30, 100] gives 1 point (+0.5)
    assert g["1.5"].next is not None and g["1.5"].next.value == 30.0 and g["1.5"].next.gain == 0.5
    # 2.2: level partial (1) → full (2)
    assert g["2.2"].next is not None and g["2.2"].next.value == "full"
    assert g["2.2"].next.describe("vi") == "Công khai đầy đủ, đúng hạn (full)"
    # 1.3: one late report → none: +0.25
    assert g["1.3"].next is not None and dict(g["1.3"].next.value) == {
        "late": 0,
        "missing_quarter": 0,
        "missing_year": 0,
    }
    # 1.4: a=4, b=2, c=1 (0.625): one more resolved, b=3 → 0.875 (+0.25)
    n14 = g["1.4"].next
    assert n14 is not None and n14.value == {"a": 4, "b": 3, "c": 1} and n14.gain == 0.25
    # 2.1: proportional inside its band: no band to reach, full at 100 % (+0.105)
    assert g["2.1"].next is None and g["2.1"].full is not None and g["2.1"].full.value == 100
    assert math.isclose(g["2.1"].full.gain, 0.105)
    # 4.2: satisfaction → 100 % is worth 12 − 10.488 = 1.512
    assert g["4.2"].full is not None and math.isclose(g["4.2"].full.gain, 1.512)


def _rescored(card: parindex.ScoreCard, code: str, value: object) -> parindex.ScoreCard:
    stage = card[code].stage or "self"
    return parindex.score(
        card.methodology, assessment_of(card).with_values({code: value}, stage=stage)
    )


@pytest.mark.parametrize("which", [0, 1])
def test_every_step_gain_matches_rescoring(dept: parindex.Methodology, which: int) -> None:
    a = parindex.read_assessments(EX / "example-assessments.yaml")[which]
    card = parindex.score(dept, a)
    checked = 0
    for gap in gaps(card):
        for step in (gap.next, gap.full):
            if step is None:
                continue
            after = _rescored(card, gap.code, step.value)
            assert math.isclose(after[gap.code].points or 0, step.points, abs_tol=1e-12), gap.code
            assert math.isclose(
                step.gain,
                (after[gap.code].points or 0) - (card[gap.code].points or 0),
                abs_tol=1e-12,
            )
            assert step.total_gain is not None
            assert math.isclose(
                step.total_gain, (after.points or 0) - (card.points or 0), abs_tol=1e-9
            )
            checked += 1
    assert checked >= 8


BANDS = """
- code: "1"
  label: "Ngày trễ hạn (ít hơn là tốt hơn)"
  max: 4
  method: appraisal
  rule:
    kind: bands
    input: {unit: days, integer: true}
    bands:
      - {range: "[0, 0]", points: 4}
      - {range: "(0, 5]", points: 2}
      - {range: "(5, inf)", points: 0}
- code: "2"
  label: "Tỷ lệ"
  max: 6
  method: appraisal
  rule:
    kind: bands
    bands:
      - {range: "(50, 100]", points: 6}
      - {range: "[0, 50]", points: 1}
"""


def test_steps_downwards_and_excluded_edges() -> None:
    m = make(BANDS)
    card = parindex.score(m, {"1": 9, "2": 50})
    # 9 days late (0 points): next is at most 5 days (2 points), full is 0 days (4 points)
    nxt, full = steps_for(card, "1")
    assert nxt is not None and (nxt.value, nxt.bound, nxt.points) == (5.0, "<=", 2)
    # whole days: the full score is exactly 0 days (a one-number band), said as a count
    assert full is not None and (full.value, full.bound, full.points) == (0.0, "=", 4)
    assert nxt.describe("vi") == "không quá 5" and full.describe("en") == "0"
    # 50 % is in [0, 50]; the next band is (50, 100]: the smallest number above 50 reaches it
    nxt2, _ = steps_for(card, "2")
    assert nxt2 is not None and nxt2.bound == ">" and nxt2.value > 50 and nxt2.threshold == 50
    assert nxt2.describe("vi") == "trên 50%"
    assert parindex.score(m, {"1": 9, "2": nxt2.value})["2"].points == 6


def test_missing_penalty_share_and_min_lost() -> None:
    m = make(
        """
        - code: "1"
          label: "A"
          method: appraisal
          children:
            - {code: "1.1", label: "a", max: 2}
            - {code: "1.2", label: "b", max: 2}
        - {code: "2", label: "B", max: 6, method: appraisal}
        - code: "3"
          label: "Trừ"
          role: penalty
          min: -2
          method: appraisal
          children:
            - code: "3.1"
              label: "vi phạm"
              max: 0
              min: -2
              rule: {kind: deductions, start: 0, items: [{code: x, points: 1}]}
        """,
        na="share",
    )
    card = parindex.score(m, {"1.1": 1, "1.2": parindex.NA, "3.1": {"x": 1}})
    g = gaps(card)
    # share: 1.1 earns 1 of 2, scaled by 4/2 = 2 inside domain 1 → loses (2 − 1) × 2 = 2;
    # 2 has no input: scored 0, loses 6; the penalty took 1 point
    assert [(x.code, x.lost) for x in g] == [("2", 6.0), ("1.1", 2.0), ("3.1", 1.0)]
    assert g["1.1"].share_factor == 2.0 and g["2"].missing
    assert [x.code for x in g.missing_input] == ["2"]
    assert "Bổ sung số liệu" in g["2"].what_it_takes("vi")
    # card: 1 × 2 + 0 − 1 = 1 of 10 → lost 9 = 6 + 2 + 1
    assert card.points == 1 and math.isclose(g.leaf_lost, g.total_lost or 0)
    assert gaps(card, min_lost=1.5).codes == ("2", "1.1")


def test_proportional_outside_its_band_and_formula_without_whole_numbers() -> None:
    m = make(
        """
        - code: "1"
          label: "Đúng hạn"
          max: 4
          method: appraisal
          rule: {kind: proportional, input: {unit: percent}, range: "[80, 100]", full: 100, otherwise: 0}
        - code: "2"
          label: "Tỷ lệ"
          max: 6
          method: appraisal
          rule:
            kind: formula
            expr: "x * 6"
            inputs: {x: {max: 1}}
        """
    )
    card = parindex.score(m, {"1": 70, "2": {"x": 0.5}})
    nxt, full = steps_for(card, "1")
    # 70 % is outside [80, 100]: 0 points; at 80 %: 4 × 80/100 = 3.2; at 100 %: 4
    assert nxt is not None and (nxt.value, nxt.points, nxt.total_gain) == (80.0, 3.2, 3.2)
    assert full is not None and (full.value, full.points) == (100.0, 4.0)
    # a formula over a continuous input: no search, no steps (nothing is guessed)
    assert steps_for(card, "2") == (None, None)
    g = gaps(card)
    assert g["2"].what_it_takes("en") == no_step_text("en") and g["1"].what_it_takes("en") == (
        "Reach the next band: at least 80 % (+3.20 points); "
        "Reach the full score: at least 100 % (+4.00 points)"
    )
    with pytest.raises(parindex.ParIndexError, match="leaf items"):
        steps_for(card, "")


def test_remedies_never_print_placeholders() -> None:
    # a formula over a continuous input gives no next step: a template that needs one is said in
    # words, never "cần — (thêm — điểm)"; a template without steps is filled in as written
    m = make(
        """
        - code: "1"
          label: "Tỷ lệ"
          max: 10
          method: appraisal
          rule:
            kind: formula
            expr: "x * 10"
            inputs: {x: {max: 1}}
        """
    )
    card = parindex.score(m, {"1": {"x": 0.5}})
    tpl = Label("Rà soát {code}: cần {next} (thêm {next_gain} điểm)", "Review {code}: {next}")
    plain = Label("{lead} rà soát {label}, phối hợp: {cooperating}", "{lead} reviews {label}")
    rmap = ResponsibilityMap(
        m.id, {"1": Responsibility("1", ("so-noi-vu",), (), (tpl, tpl, plain))}
    )
    g = gaps(card, responsibilities=rmap)["1"]
    assert g.remedies == (
        (no_step_text("vi"), no_step_text("en")),
        ("so-noi-vu rà soát Tỷ lệ, phối hợp: không có", "so-noi-vu reviews Tỷ lệ"),
    )
    assert no_step_text("vi").startswith("Quy tắc chấm của tiêu chí không cho bước kế tiếp")
    for lang in ("vi", "en"):
        assert g.what_it_takes(lang) == no_step_text(lang)
        fields = g.template_fields(lang, rmap)
        assert "—" not in "".join(fields.values()) and fields["next_gain"] == "0,00" * (
            lang == "vi"
        ) + "0.00" * (lang == "en")
        assert "—" not in g.remedy(lang)


def test_gaps_score_every_target_in_one_run(
    card_a: parindex.ScoreCard, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the what-if variants of all the items go through the engine together, not one per target
    calls: list[int] = []
    real = whatif.score_many

    def counting(m, assessments, **kw):  # type: ignore[no-untyped-def]
        calls.append(len(assessments))
        return real(m, assessments, **kw)

    monkeypatch.setattr(whatif, "score_many", counting)
    report = gaps(card_a)
    targets = sum((g.next is not None) + (g.full is not None) for g in report)
    assert targets > 2 and calls == [targets]
    for g in report:
        for step in (g.next, g.full):
            if step is not None:
                after = whatif.rescore(card_a, {g.code: step.value})
                assert step.total_gain == (after.points or 0) - (card_a.points or 0)
