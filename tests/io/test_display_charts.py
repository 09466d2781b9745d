"""HTML for Jupyter and charts (Agg, no window), and importing parindex without the extras."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import parindex
from parindex import display
from parindex.assessment import Assessment

ROOT = Path(__file__).resolve().parents[2]
SCHEME = ROOT / "docs" / "examples" / "illustrative-department-scheme.yaml"
ASSESS = ROOT / "docs" / "examples" / "example-assessments.yaml"


@pytest.fixture(scope="module")
def m() -> parindex.Methodology:
    return parindex.load_file(SCHEME)


@pytest.fixture(scope="module")
def cards(m: parindex.Methodology) -> list[parindex.ScoreCard]:
    return [parindex.score(m, a) for a in parindex.read_assessments(ASSESS)]


def cells(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", html)
    return [
        [
            re.sub(r"<[^>]+>", "", c).replace("&nbsp;", "").strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r)
        ]
        for r in rows
    ]


def test_methodology_html(m: parindex.Methodology) -> None:
    h = display.methodology_html(m)
    rows = cells(h)
    assert rows[0] == ["Mã", "Nội dung", "Điểm tối đa", "Phương pháp", "Cách chấm", "Trạng thái"]
    assert len(rows) == len(m) + 1
    assert rows[1][:3] == ["1", "Công tác chỉ đạo, điều hành cải cách hành chính", "6,00"]
    assert [
        "1.3",
        "Báo cáo CCHC định kỳ",
        "1,00",
        "Thẩm định (tài liệu kiểm chứng)",
        "deductions",
        "inferred",
    ] in rows
    assert "Tốt ≥ 90" in h and "VÍ DỤ/EXAMPLE" in h
    en = cells(display.methodology_html(m, "en", depth=1))
    assert en[0][0] == "Code" and len(en) == len(m.top) + 1


def test_card_html_escapes_and_explains(
    m: parindex.Methodology, cards: list[parindex.ScoreCard]
) -> None:
    h = display.card_html(cards[0])
    assert "<b>90,46/100,00 điểm — chỉ số 90,46% — nhóm Tốt</b>" in h
    row = next(r for r in cells(h) if r[0] == "1.2")
    # 85 % appraised: band [70, 90) -> 1 of 2, 1 lost
    assert row[2:6] == ["2,00", "1,00", "50,00", "1,00"] and "thẩm định lần 1" in row[6]
    assert "Đã áp giới hạn điểm tại: 6" in h
    b = display.card_html(cards[1], "en")
    assert (
        "73.72 of 95.00 points — index 77.60%" in b
        and "(n/a)" in b
        and "Not applicable: 2, 2.1, 2.2" in b
    )
    evil = parindex.score(m, Assessment("<script>alert(1)</script>", {"self": {"1.1": "late"}}))
    e = display.card_html(evil)
    assert "<script>" not in e and "&lt;script&gt;" in e and "chưa có số liệu" in e


def test_gaps_html_lists_lost_points_most_first(cards: list[parindex.ScoreCard]) -> None:
    h = display.gaps_html(cards[0])
    rows = cells(h)[1:]
    # hand-worked for unit A: 5 lost 3 (60 of 63), 3.2 lost 2 (45 % -> 3 of 5), 4.2 lost 1.512
    # (87.4 % × 12 = 10.488); then 1.2, 2.2, 3.1 lose 1 each (tree order); the bonus 6.1 is not a loss
    assert [r[0] for r in rows] == [
        "5",
        "3.2",
        "4.2",
        "1.2",
        "2.2",
        "3.1",
        "4.1",
        "1.5",
        "1.4",
        "1.3",
        "2.1",
    ]
    assert rows[0][5] == "3,00" and rows[2][5] == "1,51"
    # share of the 11.542 points lost in the items: 3 / 11.542 = 26.0 %
    assert rows[0][6] == "26,0"
    assert "11,54 điểm" in h
    assert len(cells(display.gaps_html(cards[1], "en", top=3))) == 4
    generic = display.gaps_html([{"code": "1.2", "lost": 1.0}, {"code": "3.2", "lost": 2.0}])
    assert cells(generic) == [["code", "lost"], ["1.2", "1.00"], ["3.2", "2.00"]]


def test_gaps_html_of_a_gap_report(cards: list[parindex.ScoreCard]) -> None:
    from parindex.analysis.gaps import gaps

    rep = gaps(cards[0])
    rows = cells(display.gaps_html(rep, top=2))
    assert rows[0][:6] == ["Mã", "Nội dung", "Lĩnh vực", "Điểm tối đa", "Điểm đạt", "Điểm mất"]
    # the same order as the card's own list: 5 (3 lost), then 3.2 (2 lost: 45 % -> band [30, 50))
    assert [r[0] for r in rows[1:]] == ["5", "3.2"] and rows[2][5] == "2,00"
    assert "từ 50%" in rows[2][9]  # the remedy: reach the next band
    with pytest.warns(DeprecationWarning):
        assert [r.code for r in display.lost_points(cards[0])] == list(rep.codes)


def test_ranking_html_with_changes(
    cards: list[parindex.ScoreCard], m: parindex.Methodology
) -> None:
    earlier = [
        parindex.score(m, a.with_values({"5": 40})) for a in parindex.read_assessments(ASSESS)
    ]
    r = parindex.rank(cards, previous=earlier)
    rows = cells(display.ranking_html(r))
    assert rows[0] == [
        "Hạng",
        "Đơn vị",
        "Chỉ số (%)",
        "Điểm",
        "Nhóm",
        "Hạng trước",
        "Thay đổi hạng",
        "Thay đổi chỉ số",
    ]
    # A: 90.458 now, 70.458 before (5: 40 instead of 60): +20 index points, same place
    assert rows[1][:5] == ["1", "Sở Ví dụ A (example)", "90,46", "90,46", "Tốt"]
    assert rows[1][5:] == ["1", "0", "+20,00"]
    assert "Xếp hạng kiểu thi đấu" in display.ranking_html(r)
    assert "Competition ranking" in display.ranking_html(parindex.rank(cards), "en")


# -- charts -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def agg() -> None:
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")


def test_domain_profile(agg: None, cards: list[parindex.ScoreCard], tmp_path: Path) -> None:
    from parindex.charts import domain_profile

    fig = domain_profile(cards[0], cards)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "1 Công tác chỉ đạo, điều hành cải các…"  # drawn at the top
    assert len(labels) == 5  # bonus and penalty left out
    bars = [p.get_width() for p in ax.patches]
    # 5 grey bars at 100 %, then the unit's index per domain; domain 1: 3.875 / 6 = 64.58 %
    assert bars[:5] == [100.0] * 5 and bars[5] == pytest.approx(3.875 / 6 * 100)
    peers = ax.collections[0].get_offsets()
    # domain 2 peers' mean: only A has it (B's does not apply): 77.9 %
    assert peers[1][0] == pytest.approx(cards[0]["2"].index)
    # domain 3, both units: (4 + 3) / 10 and (1 + 3) / 10 -> mean (70 + 40) / 2 = 55 %
    assert peers[2][0] == pytest.approx(55.0)
    fig.savefig(tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 1000


def test_ranking_pareto_and_change_charts(
    agg: None, cards: list[parindex.ScoreCard], m: parindex.Methodology
) -> None:
    from parindex.charts import change_chart, lost_pareto, ranking_chart

    fig = ranking_chart(parindex.rank(cards), lang="en")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "1. Sở Ví dụ A (example)",
        "2. Sở Ví dụ B (example)",
    ]  # best at the top
    assert sorted(p.get_width() for p in ax.patches) == pytest.approx(
        sorted(c.index for c in cards)
    )
    assert ranking_chart(cards).axes[0].get_title() == "Xếp hạng"
    from parindex.analysis.gaps import gaps

    same = lost_pareto(gaps(cards[0]), top=3)
    assert [p.get_height() for p in same.axes[0].patches] == pytest.approx([3.0, 2.0, 1.512])
    fig = lost_pareto(cards[0], top=3)
    bar_ax, line_ax = fig.axes
    assert [p.get_height() for p in bar_ax.patches] == pytest.approx([3.0, 2.0, 1.512])
    # cumulative share of the 11.542 points lost in the items
    assert list(line_ax.lines[0].get_ydata()) == pytest.approx(
        [3 / 11.542 * 100, 5 / 11.542 * 100, 6.512 / 11.542 * 100]
    )
    earlier = [
        parindex.score(m, a.with_values({"5": 40})) for a in parindex.read_assessments(ASSESS)
    ]
    fig = change_chart({"2024": earlier, "2025": cards}, code="5")
    lines = fig.axes[0].lines
    # node 5: 40 of 63 in 2024 for both; 60 (A) and 55 (B) of 63 in 2025
    assert [y for ln in lines for y in ln.get_ydata()] == pytest.approx(
        [40 / 63 * 100, 60 / 63 * 100, 40 / 63 * 100, 55 / 63 * 100]
    )
    with pytest.raises(parindex.ParIndexError, match="a card without a period"):
        change_chart([parindex.score(m, {"5": 1})])


def test_missing_matplotlib_names_the_extra(
    cards: list[parindex.ScoreCard], monkeypatch: pytest.MonkeyPatch
) -> None:
    from parindex.charts import lost_pareto

    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(parindex.MissingExtraError, match=r"pip install 'parindex\[charts\]'"):
        lost_pareto(cards[0])


def test_import_parindex_without_the_extras() -> None:
    code = (
        "import sys\n"
        "for name in ('openpyxl', 'pandas', 'matplotlib'):\n"
        "    sys.modules[name] = None\n"
        "import parindex, parindex.io, parindex.cli.spreadsheets, parindex.display, parindex.charts\n"
        "m = parindex.load('vn-moha/province/2022')\n"
        "card = parindex.score(m, {'TD': 55.0, 'KTXH': 5.25, 'XHH': 18.5, 'SIPAS': 83.45})\n"
        "assert '87,10' in parindex.display.card_html(card)\n"
        "try:\n"
        "    parindex.io.card_to_frame(card)\n"
        "except parindex.MissingExtraError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert "pip install 'parindex[pandas]'" in out.stdout
