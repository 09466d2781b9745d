"""What officers type into the workbook is read as they mean it, and a hostile workbook is refused
quickly: percent cells (a real template re-saved by LibreOffice), merged cells, far cells and
zip bombs."""

from __future__ import annotations

import shutil
import subprocess
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

import parindex
from parindex.errors import AssessmentError
from parindex.io.workbook import MAIN_SHEET, Layout, layout, read_workbook, write_workbook

openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parents[2]
SCHEME = ROOT / "docs" / "examples" / "illustrative-department-scheme.yaml"


@pytest.fixture(scope="module")
def m() -> parindex.Methodology:
    return parindex.load_file(SCHEME)


def cell_of(m: parindex.Methodology, code: str, stage: str = "self") -> str:
    row = layout(m).row_of(code)
    return f"{openpyxl.utils.get_column_letter(Layout.stage_col(stage, 0))}{row}"


#: What an officer types into the percent cell of item 1.2 → (value stored, number format).
TYPED: dict[str, tuple[Any, str | None]] = {
    "90%": (0.9, "0%"),  # Excel and LibreOffice store a typed 90% as 0.9, formatted as percent
    "90": (90, None),
    "0,9": ("0,9", None),
    "85,5": ("85,5", None),
    "1.000": ("1.000", None),
}


@pytest.fixture(scope="module")
def typed_books(m: parindex.Methodology, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("typed")
    books = tmp / "books"
    books.mkdir()
    for i, (_, (value, fmt)) in enumerate(TYPED.items()):
        p = write_workbook(m, books / f"t{i}.xlsx", protect=False)
        wb = openpyxl.load_workbook(p)
        ws = wb[MAIN_SHEET]
        ws["C3"], ws["C4"] = "Sở Ví dụ A (example)", "2025-Q3"
        c = ws[cell_of(m, "1.2")]
        c.value = value
        if fmt:
            c.number_format = fmt
        wb.save(p)
    out = tmp / "resaved"
    out.mkdir()
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            *(str(p) for p in sorted(books.glob("*.xlsx"))),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out


def read_typed(m: parindex.Methodology, books: Path, typed: str) -> Any:
    i = list(TYPED).index(typed)
    a = read_workbook(books / f"t{i}.xlsx", m)
    return a.stages["self"]["1.2"].value


@pytest.mark.parametrize(("typed", "value"), [("90%", 90), ("90", 90), ("85,5", 85.5)])
def test_percent_cells_mean_what_was_typed(
    m: parindex.Methodology, typed_books: Path, typed: str, value: float
) -> None:
    assert read_typed(m, typed_books, typed) == pytest.approx(value)


def test_a_fraction_in_a_percent_cell_is_scored_as_given(
    m: parindex.Methodology, typed_books: Path
) -> None:
    assert read_typed(m, typed_books, "0,9") == pytest.approx(0.9)


def test_vietnamese_thousands_in_a_percent_cell_is_one_thousand_and_refused(
    m: parindex.Methodology, typed_books: Path
) -> None:
    with pytest.raises(AssessmentError) as e:
        read_typed(m, typed_books, "1.000")
    assert e.value.cell == cell_of(m, "1.2") and e.value.value == 1000


def test_a_percent_on_an_item_that_takes_no_percent_is_refused(
    m: parindex.Methodology, tmp_path: Path
) -> None:
    p = write_workbook(m, tmp_path / "t.xlsx", protect=False)
    wb = openpyxl.load_workbook(p)
    c = wb[MAIN_SHEET][cell_of(m, "3.1")]  # a points item
    c.value, c.number_format = 0.6, "0%"
    wb.save(p)
    with pytest.raises(AssessmentError, match="does not take a percentage") as e:
        read_workbook(p, m)
    assert e.value.cell == cell_of(m, "3.1")


def test_merged_cells_are_refused(m: parindex.Methodology, tmp_path: Path) -> None:
    p = write_workbook(m, tmp_path / "t.xlsx", protect=False)
    wb = openpyxl.load_workbook(p)
    ws = wb[MAIN_SHEET]
    first = cell_of(m, "1.2")
    ws[first] = 90
    ws.merge_cells(f"{first}:{cell_of(m, '1.2', 'appraisal1')}")
    wb.save(p)
    with pytest.raises(AssessmentError, match="merged") as e:
        read_workbook(p, m)
    assert e.value.cell == first


def test_a_far_styled_cell_is_read_quickly(m: parindex.Methodology, tmp_path: Path) -> None:
    p = write_workbook(m, tmp_path / "t.xlsx", protect=False)
    wb = openpyxl.load_workbook(p)
    ws = wb[MAIN_SHEET]
    ws["A1048576"].number_format = "0.00"  # one styled empty cell at the last row
    wb.save(p)
    start = time.perf_counter()
    read_workbook(p, m)
    assert time.perf_counter() - start < 10


def test_a_zip_bomb_is_refused_before_parsing(
    m: parindex.Methodology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = write_workbook(m, tmp_path / "t.xlsx", protect=False)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(p) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/padding.bin", b"\0" * (8 * 1024 * 1024))
    monkeypatch.setenv("PARINDEX_MAX_WORKBOOK_BYTES", str(4 * 1024 * 1024))
    start = time.perf_counter()
    with pytest.raises(AssessmentError, match="unpacks to more than"):
        read_workbook(bomb, m)
    assert time.perf_counter() - start < 5
