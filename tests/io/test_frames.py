"""pandas frames of cards, card sets, rankings and assessments."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

import parindex
from parindex.io.frames import (
    CARD_COLUMNS,
    assessments_from_frame,
    assessments_to_frame,
    card_to_frame,
    cards_to_frame,
    ranking_to_frame,
)

pd = pytest.importorskip("pandas")
ROOT = Path(__file__).resolve().parents[2]
SCHEME = ROOT / "docs" / "examples" / "illustrative-department-scheme.yaml"
ASSESS = ROOT / "docs" / "examples" / "example-assessments.yaml"


@pytest.fixture(scope="module")
def m() -> parindex.Methodology:
    return parindex.load_file(SCHEME)


@pytest.fixture(scope="module")
def units() -> list[parindex.Assessment]:
    return parindex.read_assessments(ASSESS)


@pytest.fixture(scope="module")
def cards(m: parindex.Methodology, units: list[parindex.Assessment]) -> list[parindex.ScoreCard]:
    return [parindex.score(m, a) for a in units]


def test_card_to_frame_one_row_per_node(
    m: parindex.Methodology, cards: list[parindex.ScoreCard]
) -> None:
    a = cards[0]
    f = card_to_frame(a)
    assert list(f.columns) == list(CARD_COLUMNS)
    assert len(f) == len(m) + 1 and f.iloc[0]["code"] == "" and f.iloc[0]["label"] == "TỔNG"
    assert f.attrs == {"unit": "Sở Ví dụ A (example)", "period": "2025-Q3", "methodology": m.id}
    # unit A, 1.2: appraised 85 % is in [70, 90) -> 1 of 2 points, 1 lost, from appraisal round 1
    row = f.loc["1.2"]
    assert (row["points"], row["max"], row["lost"], row["stage"], row["value"]) == (
        1.0,
        2.0,
        1.0,
        "appraisal1",
        85.0,
    )
    assert row["index"] == 50.0 and row["parent"] == "1" and row["depth"] == 2
    assert f.loc["1.4", "value"] == {"a": 4.0, "b": 2.0, "c": 1.0}
    assert f["points"].iloc[0] == a.points  # exact, not rounded
    b = card_to_frame(cards[1], lang="en", total=False)
    assert (
        len(b) == len(m)
        and bool(b.loc["2.1", "not_applicable"])
        and math.isnan(b.loc["2.1", "index"])
    )


def test_cards_to_frame_one_row_per_unit(
    m: parindex.Methodology, cards: list[parindex.ScoreCard]
) -> None:
    f = cards_to_frame(cards)
    assert list(f.index) == ["Sở Ví dụ A (example)", "Sở Ví dụ B (example)"]
    assert list(f.columns[:5]) == ["period", "points", "max_points", "index", "group"]
    assert list(f.columns[5:]) == [n.code for n in m.walk()]
    assert f.loc["Sở Ví dụ A (example)", "points"] == cards[0].points
    # unit B: 73.724 of 95 after domain 2 (5 points) is dropped: index 77.6...
    assert f.loc["Sở Ví dụ B (example)", "max_points"] == 95.0
    assert f.loc["Sở Ví dụ B (example)", "index"] == pytest.approx(73.724 / 95 * 100)
    assert f.loc["Sở Ví dụ B (example)", "7"] == -1.0  # one breach: −1
    lost = cards_to_frame(cards, value="lost", codes=["1", "3"])
    assert list(lost.columns[5:]) == ["1", "3"] and lost.loc[
        "Sở Ví dụ A (example)", "1"
    ] == pytest.approx(6 - 3.875)
    with pytest.raises(parindex.ParIndexError, match="unknown value"):
        cards_to_frame(cards, value="raw")
    with pytest.raises(parindex.ParIndexError, match="no node with this code"):
        cards_to_frame(cards, codes=["9"])


def test_a_card_set_gives_the_same_frame(
    m: parindex.Methodology, units: list[parindex.Assessment], cards: list[parindex.ScoreCard]
) -> None:
    batch = pytest.importorskip("parindex.batch")
    cs = batch.score_many(m, units)
    for value in ("points", "index", "lost", "adjusted_max"):
        pd.testing.assert_frame_equal(
            cards_to_frame(cs, value=value), cards_to_frame(cards, value=value)
        )


def test_ranking_frame(cards: list[parindex.ScoreCard]) -> None:
    f = ranking_to_frame(parindex.rank(cards))
    assert list(f["unit"]) == ["Sở Ví dụ A (example)", "Sở Ví dụ B (example)"] and list(
        f["place"]
    ) == [1, 2]
    assert "thi đấu" in f.attrs["tie_rule"]


def test_assessments_frame_round_trip(units: list[parindex.Assessment]) -> None:
    f = assessments_to_frame(units)
    assert list(f.columns) == [
        "unit",
        "period",
        "unit_type",
        "stage",
        "code",
        "value",
        "note",
        "evidence",
    ]
    row = f[(f["code"] == "1.2") & (f["stage"] == "appraisal1")].iloc[0]
    assert row["value"] == 85 and row["evidence"] == "KH-12/2025"
    assert assessments_from_frame(f) == units
    # a frame typed by an analyst, with NA, a decimal comma and named inputs as text
    typed = pd.DataFrame(
        {
            "unit": ["X", "X", "X"],
            "code": ["1.2", "1.4", "2"],
            "value": ["92,5", "a=4; b=2; c=1", "NA"],
        }
    )
    (a,) = assessments_from_frame(typed)
    assert a.stages["self"]["1.2"].value == 92.5 and dict(a.stages["self"]["1.4"].value) == {
        "a": 4,
        "b": 2,
        "c": 1,
    }
    assert a.stages["self"]["2"].not_applicable
    with pytest.raises(
        parindex.AssessmentError, match=r"row 2, unit 'X', node '1.2', stage 'self': duplicated row"
    ):
        assessments_from_frame(
            pd.DataFrame({"unit": ["X", "X"], "code": ["1.2", "1.2"], "value": [1, 2]})
        )
    with pytest.raises(parindex.AssessmentError, match="'value' is missing"):
        assessments_from_frame(pd.DataFrame({"unit": ["X"], "code": ["1"]}))


def test_missing_pandas_names_the_extra(
    cards: list[parindex.ScoreCard], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(parindex.MissingExtraError, match=r"pip install 'parindex\[pandas\]'"):
        card_to_frame(cards[0])
