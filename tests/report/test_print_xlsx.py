"""The XLSX report prints: A4 landscape, one page wide, header row repeated, wrapped text, borders."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import parindex
from parindex.report import build_report

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "docs" / "examples"

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    m = parindex.load_file(EX / "example-province-scheme-2025.yaml")
    cards = [
        parindex.score(m, a)
        for a in parindex.read_assessments(EX / "example-province-assessments-2025-q3.yaml")
    ]
    return build_report(cards[0], peers=cards).write(tmp_path_factory.mktemp("x") / "r.xlsx")


def test_every_sheet_is_set_up_for_print(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    for ws in wb.worksheets:
        ps = ws.page_setup
        assert ps.orientation == "landscape" and int(ps.paperSize) == int(ws.PAPERSIZE_A4), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ps.fitToWidth == 1
        assert int(ps.fitToHeight) == 0
    ws = wb["Bảng điểm"]
    assert ws.print_title_rows == "$3:$3"
    label = ws.cell(5, 8)
    assert ws.cell(5, 2).alignment.wrap_text and label.border.left.style == "thin"
    index = ws.cell(5, 7)
    assert isinstance(index.value, float | int) and index.number_format == "0.00"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils is not installed")
def test_libreoffice_prints_it_landscape_one_page_wide(workbook: Path, tmp_path: Path) -> None:
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "r.pdf")], capture_output=True, text=True, check=True
    ).stdout
    size = next(ln for ln in info.splitlines() if ln.startswith("Page size:"))
    assert "841" in size.split("x")[0]  # landscape: 841.89 x 595.276 pts
    pages = int(next(ln for ln in info.splitlines() if ln.startswith("Pages:")).split()[1])
    assert pages <= 6  # was 14 portrait pages with the columns split (issue 17)


def test_html_has_a_print_layout() -> None:
    m = parindex.load_file(EX / "example-province-scheme-2025.yaml")
    card = parindex.score(
        m, parindex.read_assessments(EX / "example-province-assessments-2025-q3.yaml")[0]
    )
    page = build_report(card).to_html()
    assert "@page{size:A4 landscape" in page
    assert "figure,svg,tr,h2,h3{break-inside:avoid" in page
    assert "thead{display:table-header-group}" in page
