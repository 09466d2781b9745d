"""The lost-points report as an XLSX workbook (needs the optional extra ``xlsx``: openpyxl).

Sheets: the officers' table (every node, the columns STT; lĩnh vực / tiêu chí / tiêu chí thành
phần; điểm tối đa; tự đánh giá; thẩm định; điểm đạt; chỉ số; nguyên nhân; đơn vị chịu trách
nhiệm; giải pháp), the gaps, and the roll-up by responsible unit. Numbers are stored as exact
numbers (not text), shown with two decimals; every text is stored as text, never as a formula
(:mod:`parindex._safe`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .._safe import append_row
from .._write import write_file
from ..errors import MissingExtraError
from .model import COLUMNS, Report, SectionedReport, register_format

__all__ = ["FOLLOW_SHEET", "SHEETS", "print_ready", "write_all_xlsx", "write_xlsx"]

FOLLOW_SHEET = {"vi": "Kết quả khắc phục", "en": "Remedies followed"}

SHEETS = {
    "vi": ("Bảng điểm", "Tiêu chí mất điểm", "Theo đơn vị"),
    "en": ("Scores", "Lost points", "By unit"),
}


def write_xlsx(rep: Report, path: str | os.PathLike[str]) -> Path:
    """Write the report's workbook to ``path``."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
    except ImportError:
        raise MissingExtraError.for_extra("openpyxl", "xlsx", "the XLSX report") from None

    cols = COLUMNS[rep.lang]
    w = rep.words
    names = SHEETS[rep.lang]
    wb = Workbook()
    ws = wb.active
    ws.title = names[0]
    card = rep.card
    append_row(ws, [rep.heading])
    basis = rep.basis()
    append_row(
        ws,
        [
            *(w["unit"], card.unit, w["period"], card.period or "", w["index"], card.index),
            *(basis[0][0], "; ".join(text for _, text in basis)),
        ],
    )
    append_row(ws, list(cols))
    header_row = 3
    numfmt = "0.00"
    for r in rep.rows():
        append_row(
            ws,
            [
                r["code"],
                r["label"],
                r["max"],
                r["self"],
                r["appraised"],
                r["points"],
                r["index"],
                r["cause"] or None,
                r["responsible"] or None,
                r["remedy"] or None,
            ],
        )
        row = ws.max_row
        ws.cell(row, 2).alignment = Alignment(indent=max(0, r["depth"] - 1), wrap_text=True)
        if r["depth"] == 1:
            for c in range(1, 11):
                ws.cell(row, c).font = Font(bold=True)
    append_row(
        ws, ["Σ", w["points"], card.max_points, rep.self_card.points, None, card.points, card.index]
    )
    for row in ws.iter_rows(min_row=header_row + 1, min_col=3, max_col=7):
        for cell in row:
            if isinstance(cell.value, float | int):
                cell.number_format = numfmt
    for c in range(1, 11):
        ws.cell(header_row, c).font = Font(bold=True)
    _widths(ws, [8, 50, 10, 10, 10, 10, 10, 60, 40, 60])
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    print_ready(ws, header_row)

    ws2 = wb.create_sheet(names[1])
    head2 = ["#", cols[0], cols[1], cols[2], cols[5], w["lost_col"], cols[7], cols[8], cols[9]]
    append_row(ws2, head2)
    for i, gp in enumerate(rep.gaps, start=1):
        append_row(
            ws2,
            [
                i,
                gp.code,
                gp.label(rep.lang),
                gp.max,
                gp.points,
                gp.lost,
                gp.cause(rep.lang),
                rep.responsible(gp.code) or None,
                gp.remedy(rep.lang) or None,
            ],
        )
    _numbers(ws2, 4, 6, numfmt)
    _widths(ws2, [5, 8, 50, 10, 10, 10, 60, 40, 60])
    print_ready(ws2, 1)

    ws3 = wb.create_sheet(names[2])
    append_row(ws3, [w["unit_col"], w["lead_lost"], w["items"], w["coop_lost"], w["items"]])
    for u in rep.gaps.by_unit():
        append_row(
            ws3,
            [
                u.name,
                u.lead_lost,
                ", ".join(u.lead_codes),
                u.cooperating_lost,
                ", ".join(u.cooperating_codes),
            ],
        )
    _numbers(ws3, 2, 2, numfmt)
    _numbers(ws3, 4, 4, numfmt)
    _widths(ws3, [40, 16, 30, 16, 30])
    print_ready(ws3, 1)
    ft = rep.follow_table()
    if ft is not None:
        ws4 = wb.create_sheet(FOLLOW_SHEET[rep.lang])
        append_row(ws4, [rep.follow_counts()])
        append_row(ws4, list(ft.head))
        for fr, shown in zip(rep.follow_up or (), ft.rows, strict=True):
            append_row(ws4, [*shown[:6], fr.lost, fr.previous_lost, shown[8]])
        for row in ws4.iter_rows(min_row=3, min_col=7, max_col=8):
            for cell in row:
                if isinstance(cell.value, float | int):
                    cell.number_format = numfmt
        _widths(ws4, [8, 50, 30, 12, 16, 20, 12, 12, 14])
        print_ready(ws4, 2)
    return write_file(path, wb.save)


def print_ready(ws: Any, header_row: int) -> None:
    """Lay a sheet out for print: A4 landscape, one page wide, the header row (when
    ``header_row`` > 0) repeated on every page, text wrapped at the top of its cell, thin borders
    around the table below the header row's first line."""
    from openpyxl.styles import Alignment, Border, Side

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    if header_row > 0:
        ws.print_title_rows = f"{header_row}:{header_row}"
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    first = max(header_row, 1)
    for row in ws.iter_rows(min_row=first):
        for cell in row:
            if cell.value is None and header_row == 0:
                continue
            old = cell.alignment
            cell.alignment = Alignment(
                horizontal=old.horizontal, vertical="top", wrap_text=True, indent=old.indent
            )
            if header_row > 0 and cell.column <= ws.max_column:
                cell.border = border


def _numbers(ws: Any, lo: int, hi: int, fmt: str) -> None:
    for row in ws.iter_rows(min_row=2, min_col=lo, max_col=hi):
        for cell in row:
            if isinstance(cell.value, float | int):
                cell.number_format = fmt


def _widths(ws: Any, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for i, wdt in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = wdt


def write_all_xlsx(rep: SectionedReport, path: str | os.PathLike[str]) -> Path:
    """Write the all-units report: one sheet per province-wide section, then every unit's
    sections one under the other on the last sheet. Figures are stored as numbers at the
    precision shown (two decimals), not as text."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
    except ImportError:
        raise MissingExtraError.for_extra("openpyxl", "xlsx", "the XLSX report") from None
    wb = Workbook()
    wb.remove(wb.active)
    ws: Any = None
    used: set[str] = set()
    for sec in rep.sections():
        if sec.level == 1:
            name = _sheet_name(sec.title, used)
            ws = wb.create_sheet(name)
            append_row(ws, [sec.title])
            ws.cell(ws.max_row, 1).font = Font(bold=True)
        else:
            append_row(ws, [])
            append_row(ws, [sec.title])
            ws.cell(ws.max_row, 1).font = Font(bold=True, italic=sec.level > 2)
        if sec.text:
            append_row(ws, [sec.text])
        if sec.table is None:
            continue
        append_row(ws, list(sec.table.head))
        for c in range(1, len(sec.table.head) + 1):
            ws.cell(ws.max_row, c).font = Font(bold=True)
        for row in sec.table.rows:
            values: list[object] = [
                _figure(text, rep.lang) if j in sec.table.numeric else text
                for j, text in enumerate(row)
            ]
            append_row(ws, values)
            for j in sec.table.numeric:
                cell = ws.cell(ws.max_row, j + 1)
                if isinstance(cell.value, float):
                    cell.number_format = "0.00"
        _widths(ws, [30, 40, 14, 14, 14, 40, 14, 14])
    for sheet in wb.worksheets:
        print_ready(sheet, 0)
    return write_file(path, wb.save)


def _figure(text: str, lang: str) -> object:
    """A shown figure back as a number (its shown precision); other text unchanged."""
    s = text.replace(",", ".") if lang == "vi" else text
    try:
        return int(s) if s.lstrip("+-").isdigit() else float(s)
    except ValueError:
        return text


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)[:28].strip() or "Sheet"
    name, i = base, 2
    while name.lower() in used:
        name, i = f"{base} {i}", i + 1
    used.add(name.lower())
    return name


register_format(("xlsx",), write=write_xlsx, write_all=write_all_xlsx)
