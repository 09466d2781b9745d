"""Annex files into rows of cells, one reader per format; :mod:`.parse` does the rest.

Every reader returns the file's tables, each a list of :class:`SourceRow`: the cells of one
row, left to right, one cell per grid column. A cell that a merge covers but does not start is
``None`` (a domain's row spanning every column, the "Điểm tối đa" of a criterion written on its
first row only), whatever the format, so that the row parser sees the same shapes in Word,
PDF, Excel and CSV.

- ``.csv``: one table; comma or semicolon, UTF-8 (with or without a BOM).
- ``.xlsx``: one table, the first sheet or the one named.
- ``.docx`` (``parindex[annex]``: python-docx): every table of the document body, in order; the
  title block and paragraphs between tables are not rows.
- ``.pdf`` with a text layer (``parindex[annex]``: pdfplumber): every table of every page, in
  order. A PDF without text (a scanned image) is refused: there is no OCR.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from ..._files import read_text
from ...errors import AnnexError, MissingExtraError
from .._cells import column_letter
from .guide import unwrap

__all__ = ["FORMATS", "SourceRow", "Table", "joined", "read_tables"]

FORMATS = (".csv", ".xlsx", ".xlsm", ".docx", ".pdf")


@attrs.frozen
class SourceRow:
    """One row of a table as found in the file."""

    row: int  # 1-based: the sheet's row (csv, xlsx), or a running number over all tables
    cells: tuple[Any, ...]
    where: str = ""  # "page 2, table 1, row 3" where the row number alone does not say it
    sheet: str | None = None  # the sheet's name (xlsx), for cell references

    def cell_ref(self, col0: int) -> str | None:
        """The spreadsheet reference of a cell (``C4``), for a sheet; else ``None``."""
        return f"{column_letter(col0 + 1)}{self.row}" if self.sheet else None

    def place(self) -> str:
        return self.where or f"row {self.row}"


Table = list[SourceRow]


def read_tables(path: str | os.PathLike[str], *, sheet: str | None = None) -> list[Table]:
    """The tables of an annex file, as rows of cells (see the module's docstring)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FORMATS:
        raise AnnexError(
            "unknown file type; expected .docx, .pdf, .xlsx or .csv", file=str(p), value=suffix
        )
    if not p.exists():
        raise AnnexError("the file does not exist", file=str(p))
    if suffix == ".csv":
        return [_csv(p)]
    if suffix in (".xlsx", ".xlsm"):
        return [_xlsx(p, sheet)]
    if suffix == ".docx":
        return _docx(p)
    return _pdf(p)


def _csv(p: Path) -> Table:
    text = read_text(p, error=AnnexError)
    first = text.splitlines()[0] if text.strip() else ""
    delim = ";" if first.count(";") > first.count(",") else ","
    return [
        SourceRow(i, tuple(r))
        for i, r in enumerate(csv.reader(io.StringIO(text), delimiter=delim), start=1)
    ]


def _xlsx(p: Path, sheet: str | None) -> Table:
    try:
        import openpyxl
    except ImportError:
        raise MissingExtraError.for_extra("openpyxl", "xlsx", "reading an annex workbook") from None
    try:
        wb = openpyxl.load_workbook(p, data_only=True, read_only=True)
    except Exception as exc:
        raise AnnexError(f"not an .xlsx workbook ({type(exc).__name__})", file=str(p)) from None
    if sheet is not None and sheet not in wb.sheetnames:
        raise AnnexError(
            f"no such sheet; the workbook has {', '.join(wb.sheetnames)}", file=str(p), sheet=sheet
        )
    ws = wb[sheet] if sheet is not None else wb.worksheets[0]
    return [
        SourceRow(i, tuple(r), sheet=ws.title)
        for i, r in enumerate(ws.iter_rows(values_only=True), start=1)
    ]


def _docx(p: Path) -> list[Table]:
    try:
        import docx
        from docx.oxml.ns import qn
    except ImportError:
        raise MissingExtraError.for_extra("python-docx", "annex", "reading a Word annex") from None
    try:
        document = docx.Document(str(p))
    except Exception as exc:
        raise AnnexError(f"not a .docx document ({type(exc).__name__})", file=str(p)) from None
    tables: list[Table] = []
    n = 0
    for t, tbl in enumerate(document.element.body.iterchildren(qn("w:tbl")), start=1):
        rows: Table = []
        for r, tr in enumerate(tbl.iterchildren(qn("w:tr")), start=1):
            cells: list[Any] = []
            for tc in tr.iterchildren(qn("w:tc")):
                pr = tc.find(qn("w:tcPr"))
                span, cont = 1, False
                if pr is not None:
                    gs = pr.find(qn("w:gridSpan"))
                    if gs is not None:
                        span = int(gs.get(qn("w:val"), "1"))
                    vm = pr.find(qn("w:vMerge"))
                    cont = vm is not None and vm.get(qn("w:val"), "continue") == "continue"
                paras = [_paragraph(q, qn) for q in tc.iter(qn("w:p"))]
                text = "\n".join(x for x in paras if x.strip())
                cells.append(None if cont or not text.strip() else text)
                cells.extend([None] * (span - 1))
            n += 1
            rows.append(SourceRow(n, tuple(cells), where=f"table {t}, row {r}"))
        tables.append(rows)
    if not tables:
        raise AnnexError("the document has no table", file=str(p))
    return tables


def _paragraph(p: Any, qn: Any) -> str:
    """A Word paragraph's text; a line break inside it (Shift+Enter) is a new line."""
    t, br, cr, tab = qn("w:t"), qn("w:br"), qn("w:cr"), qn("w:tab")
    out = []
    for el in p.iter(t, br, cr, tab):
        if el.tag == t:
            out.append(el.text or "")
        elif el.tag == tab:
            out.append(" ")
        elif el.get(qn("w:type"), "textWrapping") == "textWrapping":
            out.append("\n")
    return "".join(out)


def _pdf(p: Path) -> list[Table]:
    try:
        import pdfplumber
    except ImportError:
        raise MissingExtraError.for_extra("pdfplumber", "annex", "reading a PDF annex") from None
    tables: list[Table] = []
    chars = 0
    n = 0
    try:
        pdf = pdfplumber.open(str(p))
    except Exception as exc:
        raise AnnexError(f"not a PDF file ({type(exc).__name__})", file=str(p)) from None
    with pdf:
        for pg, page in enumerate(pdf.pages, start=1):
            chars += len(page.chars)
            for t, found in enumerate(page.extract_tables(), start=1):
                rows: Table = []
                for r, cells in enumerate(found, start=1):
                    n += 1
                    rows.append(
                        SourceRow(
                            n,
                            tuple(_pdf_cell(c) for c in cells),
                            where=f"page {pg}, table {t}, row {r}",
                        )
                    )
                tables.append(rows)
    if chars == 0:
        raise AnnexError(
            "the PDF has no text layer (a scanned image?): parindex does no OCR; use the "
            "decision's .docx, or a PDF saved from it, or type the table into a spreadsheet",
            file=str(p),
        )
    if not tables:
        raise AnnexError("no table found in the PDF's text", file=str(p))
    return tables


def _pdf_cell(c: Any) -> Any:
    return None if c is None or not str(c).strip() else unwrap(str(c))


def joined(cells: Sequence[Any]) -> str:
    """The non-empty cells of a row as one text, for messages."""
    return " | ".join(str(c).strip() for c in cells if c is not None and str(c).strip())
