"""What-if: changed inputs, in-memory methodology changes, groups and places among peers."""

from __future__ import annotations

from pathlib import Path

import pytest

import parindex
from parindex.analysis.whatif import (
    assessment_of,
    methodology_data,
    modify,
    rescore,
    rescore_many,
    what_if,
)

EX = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.fixture(scope="module")
def prov() -> tuple[parindex.Methodology, list[parindex.ScoreCard]]:
    m = parindex.load_file(EX / "example-province-scheme-2025.yaml")
    cards = [
        parindex.score(m, a)
        for a in parindex.read_assessments(EX / "example-province-assessments-2025-q3.yaml")
    ]
    return m, cards


def test_assessment_round_trip(prov: tuple[parindex.Methodology, list[parindex.ScoreCard]]) -> None:
    m, cards = prov
    for c in cards:
        assert parindex.score(m, assessment_of(c)) == c


def test_modify_round_trip_scores_identically(
    prov: tuple[parindex.Methodology, list[parindex.ScoreCard]],
) -> None:
    m, cards = prov
    copy = modify(m)
    assert copy.id == m.id and "What-if copy" in copy.notes[-1]
    for c in cards:
        assert parindex.score(copy, assessment_of(c)).results == c.results
    assert methodology_data(m)["nodes"][0]["code"] == "1"


def test_changed_input_raises_index_group_and_place(
    prov: tuple[parindex.Methodology, list[parindex.ScoreCard]],
) -> None:
    _, cards = prov
    card = cards[0]  # Tỉnh Ví dụ: 72.62, place 3 of 4, group C
    # 3.2 at 55 % (band [50, 100]: 10 instead of 6, +4) and 6.1 mean 4.6 (22 × 3.6/4 = 19.8,
    # +3.85 from 15.95): 72.62 + 4 + 3.85 = 80.47 → group B, above Đông (84.20)? no: place 3 still
    w = what_if(card, {"3.2": 55, "6.1": 4.6}, peers=cards)
    assert round(w.after.points or 0, 9) == 80.47
    assert (w.previous_group_code, w.group_code) == ("C", "B")
    assert (w.previous_place, w.place) == (3, 3)
    assert {c for c, _, _ in w.changed()} == {"", "3", "3.2", "6", "6.1"}
    # raising 2.1 where the appraisal decided: the change goes to the appraisal stage
    w2 = what_if(card, {"2.1": 100})
    assert w2.after["2.1"].stage == "appraisal1" and w2.after["2.1"].points == 5
    assert round(w2.index_change or 0, 9) == 2
    assert "Nhóm: C → C" in w2.text("vi")


def test_methodology_change_in_memory(
    prov: tuple[parindex.Methodology, list[parindex.ScoreCard]],
) -> None:
    m, cards = prov

    def bands(top: float, mid: float, low: float) -> dict[str, object]:
        return {
            "kind": "bands",
            "input": {"unit": "percent"},
            "bands": [
                {"range": "[50, 100]", "points": top},
                {"range": "[30, 50)", "points": mid},
                {"range": "[0, 30)", "points": low},
            ],
        }

    # 3.2 worth 12 instead of 10 (bands 12 / 7 / 2), 1.2 worth 2 instead of 4 (bands 2 / 1 / 0)
    m2 = modify(
        m,
        {
            "3.2": {"max": 12, "rule": bands(12, 7, 2)},
            "1.2": {
                "max": 2,
                "rule": {
                    "kind": "bands",
                    "input": {"unit": "percent"},
                    "bands": [
                        {"range": "[90, 100]", "points": 2},
                        {"range": "[70, 90)", "points": 1},
                        {"range": "[0, 70)", "points": 0},
                    ],
                },
            },
        },
    )
    assert m2["3"].max == 22 and m2["1"].max == 8 and m["3"].max == 20
    w = what_if(cards[0], methodology=m2, peers=cards)
    # Tỉnh Ví dụ: 3.2 (42 %) 6 → 7, 1.2 (85 % at appraisal) 2 → 1: 72.62 unchanged
    # Đông: 3.2 (45 %) 6 → 7, 1.2 (91 %) 4 → 2: 84.20 − 1 = 83.20; places stay
    assert round(w.after.points or 0, 9) == 72.62 and w.after["3.2"].points == 7
    assert w.ranking is not None
    assert round(w.ranking["Tỉnh Ví dụ Đông (example)"].points or 0, 9) == 83.2
    assert (w.previous_place, w.place) == (3, 3)
    # a maximum lowered below a value already given is reported by the scoring
    with pytest.raises(parindex.AssessmentError, match="points must lie between 0 and 6"):
        what_if(cards[0], methodology=modify(m, {"8.1": {"max": 6}, "4.1": {"max": 12}}))


def test_methodology_change_is_validated(
    prov: tuple[parindex.Methodology, list[parindex.ScoreCard]],
) -> None:
    m, _ = prov
    with pytest.raises(parindex.MethodologyError, match="top-level maxima add up to 101"):
        modify(m, {"8.1": {"max": 9}})
    with pytest.raises(parindex.MethodologyError, match="overlap"):
        modify(
            m,
            {
                "1.2": {
                    "rule": {
                        "kind": "bands",
                        "bands": [
                            {"range": "[0, 80]", "points": 0},
                            {"range": "[70, 100]", "points": 4},
                        ],
                    }
                }
            },
        )
    with pytest.raises(parindex.MethodologyError, match="no node with this code"):
        modify(m, {"9.9": {"max": 1}})


def test_bad_changes_are_reported(
    prov: tuple[parindex.Methodology, list[parindex.ScoreCard]],
) -> None:
    _, cards = prov
    with pytest.raises(parindex.AssessmentError) as err:
        what_if(cards[0], {"3.2": 150})
    text = str(err.value)
    assert "unit 'Tỉnh Ví dụ (example)'" in text and "node '3.2'" in text and "stage 'self'" in text
    assert "(value: 150)" in text
    with pytest.raises(parindex.AssessmentError, match="leaf items"):
        what_if(cards[0], {"3": 10})


def test_rescore_many_equals_rescore_one_by_one(
    prov: tuple[parindex.Methodology, list[parindex.ScoreCard]],
) -> None:
    _, cards = prov
    card = cards[0]
    variants: list[dict[str, object] | None] = [
        {"2.1": 100},
        None,
        {"1.2": 95, "2.2": "full"},
        {"3.1": 100},
    ]
    many = rescore_many(card, variants)
    assert len(many) == len(variants)
    for k, changes in enumerate(variants):
        one = rescore(card, changes)
        assert many[k] == one
        assert many.points[k] == one.points and many.index[k] == one.index
    assert rescore_many(card, [None])[0] == card


def test_a_lowered_maximum_is_refused_clamped_or_rescaled_as_asked(
    prov: tuple[parindex.Methodology, list[parindex.ScoreCard]],
) -> None:
    m, cards = prov
    card = cards[0]
    lowered = modify(m, {"8.1": {"max": 6}, "4.1": {"max": 12}})
    given = card["8.1"].value
    assert given > 6  # the input lies beyond the new maximum
    with pytest.raises(parindex.AssessmentError, match="over_max='clamp'") as err:
        what_if(card, methodology=lowered)
    assert "points must lie between 0 and 6" in str(err.value)
    clamped = what_if(card, methodology=lowered, over_max="clamp", peers=cards)
    assert clamped.after["8.1"].points == 6
    mine = [x for x in clamped.adjustments if x.unit == card.unit and x.code == "8.1"]
    assert mine and all(x.adjusted == 6 and x.how == "clamp" for x in mine)
    assert clamped.to_dict()["adjustments"][0]["how"] == "clamp"
    assert clamped.ranking is not None
    old_max, new_max = m["8.1"].max, 6
    rescaled = what_if(card, methodology=lowered, over_max="rescale")
    assert rescaled.after["8.1"].points == pytest.approx(card["8.1"].points * new_max / old_max)
    # 4.1 was raised: its input in points is rescaled too, keeping its share of the maximum
    assert rescaled.after["4.1"].points == pytest.approx(card["4.1"].points * 12 / m["4.1"].max)
    assert "adjustments" not in what_if(card, {"3.2": 55}).to_dict()
    with pytest.raises(parindex.ParIndexError, match="over_max"):
        what_if(card, methodology=lowered, over_max="ignore")  # type: ignore[arg-type]
