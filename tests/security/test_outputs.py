"""Hostile text never attacks the reader of an output: no formula in a CSV or XLSX cell, no raw
HTML in Markdown, no script run in HTML, no terminal escape or right-to-left override anywhere."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

import parindex
from parindex._safe import clean, csv_cell, looks_like_formula, markdown_text
from parindex.cli import main
from parindex.errors import AssessmentError
from parindex.report.core import Report
from tests.security.conftest import CONTROLS, EVIDENCE, NOTE, UNIT

FORMULA_CELLS = ("=", "+", "-", "@")


def _no_controls(text: str) -> None:
    for ch in CONTROLS:
        assert ch not in text, repr(ch)


def test_clean_drops_what_acts_on_a_screen() -> None:
    assert clean("a\r\nb\rc\u2028d") == "a\nb\nc\nd"
    assert clean("\x1b[31mred\x1b[0m\x1b]0;title\x07!") == "red!"
    assert clean("x\u202ey\u2066z\u200f\x00\x07\x9b") == "xyz"
    assert clean("a\tb\nc", newlines=False) == "a b c"
    assert clean("Tỉnh Đắk Lắk") == "Tỉnh Đắk Lắk"


def test_csv_cell_follows_owasp() -> None:
    for bad in ("=1+1", "+1", "-1+A1", "@SUM(A1)", "\t=1", "\r=1", "  =1"):
        assert csv_cell(bad).startswith("'"), bad
    assert csv_cell("Tỉnh A") == "Tỉnh A" and csv_cell(-1.5) == -1.5 and csv_cell(None) is None


def test_markdown_text_escapes_html_and_links() -> None:
    out = markdown_text("<script>x</script> [a](javascript:y) `c` \\")
    assert "<" not in out and "&lt;script&gt;" in out
    assert "\\[a\\]" in out and "\\`c\\`" in out and out.endswith("\\\\")


def _csv_cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def _safe_csv(text: str) -> None:
    cells = _csv_cells(text)
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    for c in cells:
        _no_controls(c)
        if looks_like_formula(c):
            float(c)  # only numbers may start with a sign


def test_score_and_rank_csv_are_neutralised(
    hostile_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scheme = str(Path(__file__).parents[2] / "docs/examples/example-province-scheme-2025.yaml")
    assert main(["score", scheme, str(hostile_file), "--format", "csv"]) == 0
    _safe_csv(capsys.readouterr().out)
    assert main(["rank", str(hostile_file), "-m", scheme, "--format", "csv"]) == 0
    _safe_csv(capsys.readouterr().out)


def test_terminal_tables_carry_no_escapes(
    hostile_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scheme = str(Path(__file__).parents[2] / "docs/examples/example-province-scheme-2025.yaml")
    assert main(["score", scheme, str(hostile_file)]) == 0
    assert main(["rank", str(hostile_file), "-m", scheme]) == 0
    out = capsys.readouterr().out
    assert "HYPERLINK" in out
    _no_controls(out)


def test_markdown_report_passes_no_html(hostile_report: Report) -> None:
    md = hostile_report.to_markdown()
    assert "HYPERLINK" in md and "&lt;script&gt;" in md
    assert "<script" not in md and "<img" not in md
    _no_controls(md)


def test_html_report_carries_no_controls(hostile_report: Report) -> None:
    page = hostile_report.to_html()
    assert "<script" not in page and "<img" not in page
    _no_controls(page)


def _formula_cells(path: Path) -> list[str]:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(path)
    return [
        f"{ws.title}!{c.coordinate}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]


def _libreoffice_resave(path: Path, out: Path) -> Path:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is required in CI (apt-get install -y libreoffice-calc)")
        pytest.skip("LibreOffice is not installed")
    out.mkdir()
    run = subprocess.run(
        [
            exe,
            f"-env:UserInstallation={(out / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return out / path.name


def test_xlsx_report_stores_text_as_text(hostile_report: Report, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = hostile_report.to_xlsx(tmp_path / "report.xlsx")
    assert _formula_cells(path) == []
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws["B2"].value == clean(UNIT) and ws["B2"].data_type == "s"
    for ws in openpyxl.load_workbook(path).worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str):
                    _no_controls(v)


@pytest.mark.slow
def test_xlsx_report_resaved_by_libreoffice_has_no_formula(
    hostile_report: Report, tmp_path: Path
) -> None:
    path = hostile_report.to_xlsx(tmp_path / "report.xlsx")
    again = _libreoffice_resave(path, tmp_path / "lo")
    assert _formula_cells(again) == []
    with zipfile.ZipFile(again) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def _template(methodology: parindex.Methodology, hostile_file: Path, path: Path) -> Path:
    from parindex.io.workbook import write_workbook

    a = parindex.read_assessments(hostile_file)[0]
    return write_workbook(methodology, path, a)


def _text_cells_of_template(path: Path) -> dict[str, object]:
    openpyxl = pytest.importorskip("openpyxl")
    from parindex.io.workbook.layout import MAIN_SHEET, UNIT_CELL

    ws = openpyxl.load_workbook(path)[MAIN_SHEET]
    found = {UNIT_CELL: ws[UNIT_CELL]}
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and (NOTE[:4] in c.value or c.value == EVIDENCE):
                found[c.coordinate] = c
    return found


def test_template_workbook_stores_text_as_text(
    methodology: parindex.Methodology, hostile_file: Path, tmp_path: Path
) -> None:
    path = _template(methodology, hostile_file, tmp_path / "t.xlsx")
    cells = _text_cells_of_template(path)
    assert len(cells) == 3  # unit, note, evidence
    for c in cells.values():
        assert c.data_type == "s", c.coordinate  # type: ignore[attr-defined]
    back = parindex.read_assessments(path, methodology=methodology)[0]
    assert back.unit == clean(UNIT).strip()


@pytest.mark.slow
def test_template_resaved_by_libreoffice_keeps_text(
    methodology: parindex.Methodology, hostile_file: Path, tmp_path: Path
) -> None:
    path = _template(methodology, hostile_file, tmp_path / "t.xlsx")
    again = _libreoffice_resave(path, tmp_path / "lo")
    for c in _text_cells_of_template(again).values():
        assert c.data_type == "s", c.coordinate  # type: ignore[attr-defined]


def test_workbook_reader_refuses_formulas_in_text_cells(
    methodology: parindex.Methodology, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from parindex.io.workbook import write_workbook
    from parindex.io.workbook.layout import MAIN_SHEET, PERIOD_CELL

    path = write_workbook(methodology, tmp_path / "t.xlsx", protect=False)
    wb = openpyxl.load_workbook(path)
    wb[MAIN_SHEET][PERIOD_CELL] = '=HYPERLINK("http://evil.example/","2025")'
    wb.save(path)
    with pytest.raises(AssessmentError, match="formula") as err:
        parindex.read_assessments(path, methodology=methodology)
    assert err.value.cell == PERIOD_CELL


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


@pytest.mark.slow
def test_html_report_runs_no_script_in_chromium(hostile_report: Report, tmp_path: Path) -> None:
    exe = _chromium()
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (apt-get install -y chromium)")
        pytest.skip("Chromium is not installed")
    page = tmp_path / "report.html"
    page.write_text(hostile_report.to_html(), encoding="utf-8")
    dom = subprocess.run(
        [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "HYPERLINK" in dom.stdout
    assert 'data-pwned="1"' not in dom.stdout
