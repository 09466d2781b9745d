"""The hooks, the shared chart rows, the report formats and the responsibility templates."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import parindex
from parindex import _hooks
from parindex.analysis.compare import compare_periods
from parindex.analysis.gaps import gaps
from parindex.analysis.responsibility import Responsibility
from parindex.methodology.model import Label
from parindex.render import notebook, svg, text
from parindex.render.rows import ChangeRows, ChangeSeries, change_rows
from parindex.report import build_report
from parindex.report.model import FORMATS

ROOT = Path(__file__).resolve().parents[2]
SCHEME = ROOT / "docs" / "examples" / "illustrative-department-scheme.yaml"
ASSESS = ROOT / "docs" / "examples" / "example-assessments.yaml"


@pytest.fixture(scope="module")
def m() -> parindex.Methodology:
    return parindex.load_file(SCHEME)


@pytest.fixture(scope="module")
def cards(m: parindex.Methodology) -> list[parindex.ScoreCard]:
    return [parindex.score(m, a) for a in parindex.read_assessments(ASSESS)]


def test_model_methods_reach_render_through_the_hooks(
    m: parindex.Methodology, cards: list[parindex.ScoreCard]
) -> None:
    card = cards[0]
    assert m._repr_html_() == notebook.methodology_html(m)
    assert card._repr_html_() == notebook.card_html(card)
    assert card.table("en", depth=1) == text.card_table(card, lang="en", depth=1)
    rep = gaps(card, steps=False)
    assert rep._repr_html_() == notebook.gaps_html(rep)
    assert rep.table("en") == text.gaps_table(rep, lang="en")
    assert rep.table().endswith("Tổng điểm mất: 9,54 / 100,00")
    ranking = parindex.rank(cards)
    assert ranking._repr_html_() == notebook.ranking_html(ranking)


def test_hooks_refuse_what_has_no_presentation() -> None:
    with pytest.raises(TypeError, match="no html presentation for object"):
        _hooks.html(object())
    with pytest.raises(ValueError, match="unknown presentation kind"):
        _hooks.register("pdf", object, str)


def test_card_frames_through_the_hooks(cards: list[parindex.ScoreCard]) -> None:
    pytest.importorskip("pandas")
    from parindex.io.frames import card_to_frame

    assert cards[0].to_frame("en").equals(card_to_frame(cards[0], lang="en"))


def test_from_dict_takes_the_methodology(m: parindex.Methodology) -> None:
    shipped = parindex.load("vn-moha/province/2022")
    card = parindex.score(shipped, {"TD": 55.0, "KTXH": 5.25, "XHH": 18.5, "SIPAS": 83.45})
    data = json.loads(json.dumps(card.to_dict()))
    assert parindex.ScoreCard.from_dict(data, shipped) == card
    with pytest.warns(DeprecationWarning, match="without the methodology"):
        assert parindex.ScoreCard.from_dict(data) == card
    with pytest.raises(parindex.ParIndexError, match="was made with"):
        parindex.ScoreCard.from_dict(data, m)


def test_both_change_charts_draw_the_same_rows(
    m: parindex.Methodology, cards: list[parindex.ScoreCard]
) -> None:
    earlier = [
        parindex.score(m, a.with_values({"5": 40})) for a in parindex.read_assessments(ASSESS)
    ]
    rows = change_rows({"2024": earlier, "2025": cards}, code="5")
    assert rows.periods == ("2024", "2025")
    assert [s.label for s in rows.series] == [c.unit for c in cards]
    assert rows.series[0].change == pytest.approx(20 / 63 * 100)
    # the report's SVG chart: each domain's points before and after
    pc = compare_periods(earlier[0], cards[0])
    domains = change_rows(pc)
    assert [s.label for s in domains.series] == [r.code for r in pc.rows if r.depth == 1]
    assert [s.change for s in domains.series] == [r.points_change for r in pc.rows if r.depth == 1]
    page = build_report(cards[0], previous=earlier[0]).to_html()
    assert svg.change_chart(domains, parindex.present, "t").count('class="bar"') == sum(
        s.change is not None for s in domains.series
    )
    assert "Thay đổi điểm so với kỳ trước" in page
    # the matplotlib chart draws the same rows, given as cards or as rows
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    from parindex.render.charts import change_chart

    a = [list(ln.get_ydata()) for ln in change_chart(rows).axes[0].lines]
    b = [
        list(ln.get_ydata())
        for ln in change_chart({"2024": earlier, "2025": cards}, code="5").axes[0].lines
    ]
    assert a == b == [list(s.values) for s in rows.series]


def test_change_series_without_a_value() -> None:
    assert ChangeSeries("x", (None, 2.0)).change is None
    assert ChangeSeries("x", (1.0, 4.0)).change == 3.0
    rows = ChangeRows(("a", "b"), (ChangeSeries("1", (1.0, None)), ChangeSeries("2", (1.0, 0.5))))
    assert len(re.findall('class="bar"', svg.change_chart(rows, parindex.present, "t"))) == 1


def test_report_formats_are_registered_once(
    cards: list[parindex.ScoreCard], tmp_path: Path
) -> None:
    assert set(FORMATS) == {"md", "markdown", "html", "htm", "xlsx", "docx", "pdf"}
    rep = build_report(cards[0])
    assert rep.write(tmp_path / "r.markdown").read_text(encoding="utf-8") == rep.to_markdown()
    assert rep.write(tmp_path / "r", format="htm").read_text(encoding="utf-8") == rep.to_html()
    with pytest.raises(parindex.ParIndexError, match="unknown report format"):
        rep.write(tmp_path / "r.odt")  # .pdf is a format since the Word report


def test_responsibility_renders_a_mapping_of_fields() -> None:
    r = Responsibility(
        "1.2",
        ("snv",),
        remedies=(
            Label("Nâng {code} từ {points} lên {max}", "Raise {code} from {points} to {max}"),
        ),
    )
    fields = {
        "vi": {"code": "1.2", "points": "1,00", "max": "2,00"},
        "en": {"code": "1.2", "points": "1.00", "max": "2.00"},
    }
    assert r.render(fields) == (("Nâng 1.2 từ 1,00 lên 2,00", "Raise 1.2 from 1.00 to 2.00"),)
