"""One definition of lost points: every view takes them from ``analysis.gaps``.

Under ``not_applicable: share`` a leaf's loss is weighted by the share factor of its ancestors;
the notebook table, the notebook Pareto chart and the report's SVG Pareto must show the same
figures, in the same order, as ``gaps()``, and add up to ``card.lost``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

import parindex
from parindex import display
from parindex.analysis.gaps import gaps
from parindex.schemes import load_applicability, load_family, score_family
from parindex.units import load_unit_list
from tests.conftest import make

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"

SHARE_TREE = """
- code: "1"
  label: Lĩnh vực 1
  method: appraisal
  children:
    - {code: "1.1", label: a, max: 2}
    - {code: "1.2", label: b, max: 4}
- code: "2"
  label: Lĩnh vực 2
  method: appraisal
  children:
    - {code: "2.1", label: c, max: 3}
    - {code: "2.2", label: d, max: 1}
"""


def _ward() -> parindex.ScoreCard:
    """Phường Minh Họa of docs/tutorial-provincial-schemes.md (commune tree, ``share``)."""
    family = load_family(EXAMPLES / "illustrative-family.yaml")
    units = load_unit_list(EXAMPLES / "example-unit-list.yaml")
    app = load_applicability(EXAMPLES / "example-applicability.yaml")
    a = parindex.Assessment.from_mapping(
        {
            "1.1": "on_time",
            "1.2": {"late": 1},
            "1.3": 100,
            "2.1": 90,
            "2.2": "full",
            "3.1": 30,
            "5.1": 4,
            "5.2": 85,
        },
        unit="phuong-minh-hoa",
        period="2025-Q4",
    )
    return score_family(family, units, [a], year=2025, applicability=app)["phuong-minh-hoa"]


def _small() -> parindex.ScoreCard:
    m = make(SHARE_TREE, na="share")
    return parindex.score(m, {"1.1": 0, "1.2": parindex.NA, "2.1": 0.5, "2.2": 1})


@pytest.fixture(params=["ward", "small"])
def card(request: pytest.FixtureRequest) -> parindex.ScoreCard:
    return _ward() if request.param == "ward" else _small()


def _rows(html: str) -> list[list[str]]:
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
        for r in re.findall(r"<tr>(.*?)</tr>", html)
    ][1:]


def test_the_examples_share_points() -> None:
    ward = _ward()
    assert ward.lost == pytest.approx(160 / 9)  # 17.78: the figure
    rep = gaps(ward, steps=False)
    assert [(g.code, round(g.lost, 2)) for g in rep][:2] == [("3.1", 8.89), ("5.2", 3.33)]
    small = _small()
    # 1.2 shares its 4 points with 1.1: factor 3 on 1.1 (2 lost → 6)
    assert [(g.code, g.lost) for g in gaps(small, steps=False)] == [("1.1", 6.0), ("2.1", 2.5)]
    assert small.lost == pytest.approx(8.5)


def test_notebook_table_takes_lost_points_from_gaps(card: parindex.ScoreCard) -> None:
    rep = gaps(card, steps=False)
    assert math.isclose(rep.leaf_lost, card.lost or 0.0)
    rows = _rows(display.gaps_html(card, "en"))
    assert [r[0] for r in rows] == list(rep.codes)
    assert [r[5] for r in rows] == [parindex.present(g.lost) for g in rep]
    assert f"in the items: {parindex.present(card.lost)}" in display.gaps_html(card, "en")


def test_deprecated_lost_points_delegates_to_gaps(card: parindex.ScoreCard) -> None:
    rep = gaps(card, steps=False)
    with pytest.warns(DeprecationWarning, match="analysis.gaps"):
        old = display.lost_points(card)
    assert [(r.code, r.lost) for r in old] == [(g.code, g.lost) for g in rep]


def test_pareto_charts_take_lost_points_from_gaps(card: parindex.ScoreCard) -> None:
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    from parindex.charts import lost_pareto

    rep = gaps(card, steps=False)
    bars = [p.get_height() for p in lost_pareto(card).axes[0].patches]
    assert bars == pytest.approx([g.lost for g in rep])
    assert math.fsum(bars) == pytest.approx(card.lost)
