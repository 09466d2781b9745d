"""Reports: every format shows the card's numbers; the HTML page renders in headless Chromium."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import parindex
from parindex import present
from parindex.analysis.responsibility import load_responsibilities
from parindex.report import COLUMNS, build_report
from parindex.report.core import Report
from parindex.units import load_unit_list

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "docs" / "examples"


@pytest.fixture(scope="module")
def report() -> Report:
    m = parindex.load_file(EX / "example-province-scheme-2025.yaml")
    units = load_unit_list(EX / "example-units.yaml")
    rmap = load_responsibilities(EX / "example-responsibilities.yaml", methodology=m, units=units)
    now = [
        parindex.score(m, a)
        for a in parindex.read_assessments(EX / "example-province-assessments-2025-q3.yaml")
    ]
    before = [
        parindex.score(m, a)
        for a in parindex.read_assessments(EX / "example-province-assessments-2025-q2.yaml")
    ]
    return build_report(
        now[0], responsibilities=rmap, previous=before[0], peers=now, previous_peers=before
    )


def test_markdown_shows_the_card(report: Report) -> None:
    md = report.to_markdown()
    card = report.card
    assert "| Chỉ số | 72,62 |" in md and "| Xếp hạng | 3 / 4 |" in md
    for r in card:
        assert f"| {r.code} |" in md
    for g in report.gaps:
        assert (
            f"| {g.code} | {g.label('vi')} | {present(g.max, lang='vi')} | {present(g.points, lang='vi')} | {present(g.lost, lang='vi')} |"
            in md
        )
    assert "cần giải trình" in md
    en = build_report(card, lang="en").to_markdown()
    assert "| Index | 72.62 |" in en and "Criteria that lost points" in en


def test_xlsx_round_trip(report: Report, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = report.to_xlsx(tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Bảng điểm"]
    rows = list(ws.iter_rows(values_only=True))
    assert (
        rows[2]
        == COLUMNS["vi"]
        == (
            "STT",
            "Lĩnh vực / tiêu chí / tiêu chí thành phần",
            "Điểm tối đa",
            "Tự đánh giá",
            "Thẩm định",
            "Điểm đạt",
            "Chỉ số (%)",
            "Nguyên nhân",
            "Đơn vị chịu trách nhiệm",
            "Giải pháp",
        )
    )
    card = report.card
    body = {r[0]: r for r in rows[3:]}
    for res in card:
        row = body[res.code]
        assert row[2] == res.adjusted_max and row[5] == res.points and row[6] == res.index
        assert isinstance(row[5], float | int)
    assert body["1.2"][3] == 4 and body["1.2"][4] == 2  # self 92 % → 4; appraisal 85 % → 2
    assert body["6.1"][3] is None  # survey item: nothing self-assessed
    assert "Sở Nội vụ (chủ trì)" in body["1.2"][8]
    assert body["Σ"][5] == card.points and body["Σ"][6] == card.index
    gaps_ws = list(wb["Tiêu chí mất điểm"].iter_rows(values_only=True))
    assert [r[1] for r in gaps_ws[1:]] == list(report.gaps.codes)
    assert [r[5] for r in gaps_ws[1:]] == [g.lost for g in report.gaps]
    assert wb["Bảng điểm"].cell(4, 6).number_format == "0.00"


def test_html_is_self_contained(report: Report) -> None:
    page = report.to_html()
    assert not re.search(r"(src|href)\s*=|https?://|@import|url\(|<script", page)
    assert page.count("<svg") == 3 and 'class="bar" data-code="6.1"' in page


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.slow
def test_html_renders_in_headless_chromium(report: Report, tmp_path: Path) -> None:
    exe = _chromium()
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (apt-get install -y chromium)")
        pytest.skip("Chromium is not installed")
    page = tmp_path / "report.html"
    page.write_text(report.to_html(), encoding="utf-8")
    artefacts = ROOT / "test-artifacts"
    artefacts.mkdir(exist_ok=True)
    shot = artefacts / "lost-points-report.png"
    common = [
        exe,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1280,2000",
    ]
    dom = subprocess.run(
        [*common, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    for bad in ("Uncaught", "ERROR:CONSOLE"):
        assert bad not in dom.stderr
    text = dom.stdout
    card = report.card
    assert "Báo cáo tiêu chí mất điểm" in text
    for fig in (present(card.index, lang="vi"), present(card.lost, lang="vi"), "3 / 4"):
        assert fig in text
    for g in report.gaps:
        assert f'data-code="{g.code}"' in text and present(g.lost, lang="vi") in text
    shot.unlink(missing_ok=True)
    run = subprocess.run(
        [*common, f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0 and shot.stat().st_size > 10_000
    assert "ERROR:CONSOLE" not in run.stderr


def test_report_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from parindex.cli.analysis import add_parser as add_analysis
    from parindex.cli.report import add_parser as add_report

    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="command", required=True)
    add_analysis(sub)
    add_report(sub)
    scheme = str(EX / "example-province-scheme-2025.yaml")
    now = str(EX / "example-province-assessments-2025-q3.yaml")
    prev = str(EX / "example-province-assessments-2025-q2.yaml")
    unit = "Tỉnh Ví dụ (example)"
    out = tmp_path / "r.html"
    args = p.parse_args(
        [
            "report",
            scheme,
            now,
            "--unit",
            unit,
            "--previous",
            prev,
            "--format",
            "html",
            "-o",
            str(out),
            "-r",
            str(EX / "example-responsibilities.yaml"),
            "--units",
            str(EX / "example-units.yaml"),
        ]
    )
    assert args.func(args) == 0 and "72,62" in out.read_text(encoding="utf-8")
    assert capsys.readouterr().out.strip() == str(out)
    args = p.parse_args(["gaps", scheme, now, "--unit", unit, "--top", "2", "--lang", "en"])
    assert args.func(args) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[2].startswith("6.1") and "Total points lost: 27.38 of 100.00" in text
    args = p.parse_args(["compare", scheme, now, "--unit", unit])
    assert args.func(args) == 0
    assert "2.2      5,00 → 2,50  (−2,50) — cần giải trình" in capsys.readouterr().out
    args = p.parse_args(
        [
            "compare",
            scheme,
            now,
            "--unit",
            unit,
            "--crosswalk",
            str(EX / "example-crosswalk-2025-2026.yaml"),
            "--to-methodology",
            str(EX / "example-province-scheme-2026.yaml"),
            "--to-assessments",
            str(EX / "example-province-assessments-2026-q1.yaml"),
        ]
    )
    assert args.func(args) == 0
    assert "to 4.2: new in the later version" in capsys.readouterr().out
    args = p.parse_args(["gaps", scheme, now])
    with pytest.raises(parindex.ParIndexError, match="choose one with --unit"):
        args.func(args)


def test_english_html_and_missing_extra(
    report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    en = build_report(report.card, lang="en")
    page = en.to_html()
    assert '<html lang="en">' in page and "Criteria that lost points" in page and "72.62" in page
    assert page.count("<svg") == 2  # no previous period: no change chart
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(parindex.MissingExtraError, match=r"pip install 'parindex\[xlsx\]'"):
        report.to_xlsx(tmp_path / "r.xlsx")
    with pytest.raises(parindex.ParIndexError, match="unknown report format"):
        report.write(tmp_path / "r.odt")  # .pdf is a format since the Word report


def test_department_cards_with_bonus_penalty_and_not_applicable(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    m = parindex.load_file(EX / "illustrative-department-scheme.yaml")
    cards = [
        parindex.score(m, a) for a in parindex.read_assessments(EX / "example-assessments.yaml")
    ]
    b = cards[1]  # domain 2 does not apply to B (no administrative procedures); one breach: −1
    rep = build_report(b, peers=cards, lang="en")
    md = rep.to_markdown()
    assert "| 7.1 | Breaches of administrative discipline | 0.00 | -1.00 | 1.00 |" in md
    assert "Not applicable: removed from the maximum" in md
    wb = openpyxl.load_workbook(rep.to_xlsx(tmp_path / "b.xlsx"))
    rows = {r[0]: r for r in list(wb["Scores"].iter_rows(values_only=True))[3:]}
    assert rows["2.1"][2] == 0 and rows["2.1"][5] == 0  # dropped: no maximum, no points
    assert rows["Σ"][2] == 95 and rows["Σ"][5] == b.points and rows["Σ"][6] == b.index
    assert rows["7.1"][5] == -1
