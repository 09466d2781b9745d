"""A node's explanation names why items below were left out of its maximum."""

from __future__ import annotations

import pytest

import parindex
from parindex.card import ScoreCard
from tests.conftest import make

TREE = """
- code: "1"
  label: "A"
  method: appraisal
  children:
    - {code: "1.1", label: "a", max: 2}
    - {code: "1.2", label: "b", max: 3}
    - {code: "1.3", label: "c", max: 5}
"""


@pytest.mark.parametrize(
    ("values", "vi", "en"),
    [
        (
            {"1.1": parindex.NA, "1.3": 4},
            "bỏ tiêu chí không áp dụng và tiêu chí chưa có số liệu: 5",
            "dropping items that do not apply and items without input: 5",
        ),
        (
            {"1.1": 1, "1.2": 2},
            "điểm tối đa sau khi bỏ tiêu chí chưa có số liệu: 5",
            "maximum after dropping items without input: 5",
        ),
        (
            {"1.1": parindex.NA, "1.2": 2, "1.3": 4},
            "điểm tối đa sau khi bỏ tiêu chí không áp dụng: 8",
            "maximum after dropping items that do not apply: 8",
        ),
    ],
)
def test_the_maximum_names_both_causes(values: dict[str, object], vi: str, en: str) -> None:
    card = parindex.score(make(TREE), values, missing="exclude")
    r = card["1"]
    assert r.explain("vi").endswith(vi) and r.explain("en").endswith(en)
    # the causes are kept with the card
    again = ScoreCard.from_dict(card.to_dict(), methodology=card.methodology)
    assert again["1"].left_out == r.left_out and again["1"].explain("vi") == r.explain("vi")


def test_shared_points_name_their_cause() -> None:
    card = parindex.score(make(TREE, na="share"), {"1.1": 1, "1.2": 2}, missing="exclude")
    assert card["1"].left_out == ("missing",)
    assert "điểm các tiêu chí chưa có số liệu được chia đều" in card["1"].explain("vi")
