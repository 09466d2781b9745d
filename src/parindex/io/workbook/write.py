"""Writing a self-assessment workbook: blank (a template) or filled with an assessment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ..._safe import put_text
from ..._text import fmt
from ..._write import write_file
from ...assessment import STAGE_LABELS, STAGES, Assessment, Entry
from ...engine.resolve import resolve
from ...expr import excel_number
from ...methodology.model import Methodology, Node
from ...methodology.rules import INF
from .._cells import column_letter as col
from .excel import aggregate_formula, na_test, points_formula
from .fingerprint import fingerprint
from .layout import (
    DATA_ROW,
    FORMAT,
    HEADER_ROW,
    HELP_SHEET,
    LISTS_SHEET,
    MAIN_SHEET,
    META_SHEET,
    NA_TEXT,
    PERIOD_CELL,
    TOTAL_CELL,
    UNIT_CELL,
    UNIT_TYPE_CELL,
    Layout,
    layout,
    need_openpyxl,
    row_key,
)
from .texts import guide_text, help_lines, how_to_enter, level_name

__all__ = ["write_workbook"]

_WIDTHS = {1: 12, 2: 60, 3: 30, 4: 14, 5: 9, 6: 60, 7: 26}


@attrs.frozen
class _Styles:
    """The fonts, fills and borders of a workbook (openpyxl objects)."""

    bold: Any
    head_fill: Any
    input_fill: Any
    sub_fill: Any
    box: Any
    wrap: Any
    unlocked: Any

    @classmethod
    def make(cls) -> _Styles:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

        thin = Side(style="thin", color="BFBFBF")
        return cls(
            Font(bold=True),
            PatternFill("solid", fgColor="DDEBF7"),
            PatternFill("solid", fgColor="FFF9DB"),
            PatternFill("solid", fgColor="F2F2F2"),
            Border(left=thin, right=thin, top=thin, bottom=thin),
            Alignment(wrap_text=True, vertical="top"),
            Protection(locked=False),
        )


def write_workbook(
    methodology: Methodology,
    path: str | os.PathLike[str],
    assessment: Assessment | None = None,
    *,
    protect: bool = True,
) -> Path:
    """Write a self-assessment workbook for ``methodology`` to ``path`` (an ``.xlsx`` file).

    Without ``assessment`` the workbook is a blank template; with one, its values, notes and
    evidence references are written in their stages (values are checked first: a wrong value is
    an :class:`~parindex.AssessmentError` naming the unit, node and stage). Returns the path.
    """
    openpyxl = need_openpyxl("writing a self-assessment workbook")
    from openpyxl.workbook.protection import WorkbookProtection

    m = methodology
    lay = layout(m)
    if assessment is not None:
        resolve(m, assessment)  # every value checked, with unit, node and stage in errors
    wb = openpyxl.Workbook()
    help_ws = wb.active
    help_ws.title = HELP_SHEET
    ws = wb.create_sheet(MAIN_SHEET)
    lists_ws = wb.create_sheet(LISTS_SHEET)
    meta = wb.create_sheet(META_SHEET)
    st = _Styles.make()

    _write_meta(meta, m, lay)
    lists, unit_types_row = _write_lists(lists_ws, m)
    _write_header(ws, m, lay, st, assessment, unit_types_row)
    _write_column_headers(ws, st)
    _write_rows(ws, m, lay, st, lists, assessment)
    _write_validations(ws, m, lay, lists)
    _write_total(ws, m, lay)
    _write_help(help_ws, m)
    if protect:
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        help_ws.protection.sheet = True
        wb.security = WorkbookProtection(lockStructure=True)
    wb.active = 1
    return write_file(path, wb.save)


def _write_meta(meta: Any, m: Methodology, lay: Layout) -> None:
    meta_rows = [
        ("format", FORMAT),
        ("methodology", m.id),
        ("version", m.version),
        ("fingerprint", fingerprint(m)),
        ("decision", m.legal_basis.decision),
        ("title", m.title.vi),
        ("rows", len(lay.rows)),
    ]
    for i, (k, v) in enumerate(meta_rows, start=1):
        meta.cell(i, 1, k)
        put_text(meta.cell(i, 2), v)
    meta.sheet_state = "veryHidden"


def _write_lists(lists_ws: Any, m: Methodology) -> tuple[dict[str, int], int | None]:
    """The lists of choices (for drop-downs and the live points) and of unit types: the row of
    each leaf's list, and the row of the unit types."""
    lists: dict[str, int] = {}
    lists_ws.cell(1, 1, "Mã")
    lists_ws.cell(1, 2, "Dòng")
    r = 2
    for n in m.leaves():
        choices = () if n.rule is None else n.rule.choices(NA_TEXT)
        if choices:
            lists[n.code] = r
            put_text(lists_ws.cell(r, 1), n.code)
            lists_ws.cell(r, 2, "Mức")
            put_text(lists_ws.cell(r + 1, 1), n.code)
            lists_ws.cell(r + 1, 2, "Điểm")
            for j, c in enumerate(choices):
                put_text(lists_ws.cell(r, 3 + j), c.text)
                lists_ws.cell(r + 1, 3 + j, c.points)
            lists_ws.cell(r, 3 + len(choices), NA_TEXT)
            lists_ws.cell(r + 1, 3 + len(choices), "KAD")
            r += 2
    unit_types_row = None
    if m.unit_types:
        lists_ws.cell(r, 1, "unit_types")
        for j, t in enumerate(m.unit_types):
            put_text(lists_ws.cell(r, 3 + j), t)
        unit_types_row = r
    lists_ws.sheet_state = "hidden"
    return lists, unit_types_row


def _write_header(
    ws: Any,
    m: Methodology,
    lay: Layout,
    st: _Styles,
    assessment: Assessment | None,
    unit_types_row: int | None,
) -> None:
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    last = col(lay.last_col)
    ws["A1"] = "PHIẾU TỰ ĐÁNH GIÁ VÀ THẨM ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = "Bộ chỉ số:"
    put_text(ws["C2"], f"{m.title.vi} [{m.id}] — {m.legal_basis.decision}")
    for cell, label in (
        (UNIT_CELL, "Đơn vị:"),
        (PERIOD_CELL, "Kỳ đánh giá:"),
        (UNIT_TYPE_CELL, "Loại đơn vị:"),
    ):
        ws[f"A{cell[1:]}"] = label
        ws[cell].fill = st.input_fill
        ws[cell].protection = st.unlocked
        ws[cell].border = st.box
    for c in ("A2", "A3", "A4", "A5", "A6"):
        ws[c].font = st.bold
    if assessment is not None:
        put_text(ws[UNIT_CELL], assessment.unit or None)
        put_text(ws[PERIOD_CELL], assessment.period)
        put_text(ws[UNIT_TYPE_CELL], assessment.unit_type)
    if unit_types_row is not None:
        dv = DataValidation(
            type="list",
            formula1=f"'{LISTS_SHEET}'!$C${unit_types_row}:${col(2 + len(m.unit_types))}${unit_types_row}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Loại đơn vị",
            error="Chọn loại đơn vị trong danh sách.",
        )
        ws.add_data_validation(dv)
        dv.add(UNIT_TYPE_CELL)
    ws["A6"] = "Tổng điểm (tạm tính):"
    ws["A7"] = (
        "Excel tạm tính điểm khi nhập; parindex tính chính xác (bỏ điểm tối đa của nội dung "
        "không áp dụng, làm tròn, xếp loại). Xem trang “Hướng dẫn”."
    )
    ws["A7"].font = Font(italic=True, color="7F7F7F")


def _write_column_headers(ws: Any, st: _Styles) -> None:
    from openpyxl.styles import Alignment

    for stage in STAGES:
        c0 = Layout.stage_col(stage, 0)
        ws.cell(HEADER_ROW - 1, c0, STAGE_LABELS[stage][0].upper()).font = st.bold
        ws.merge_cells(
            start_row=HEADER_ROW - 1, start_column=c0, end_row=HEADER_ROW - 1, end_column=c0 + 3
        )
    for j, h in enumerate(Layout.headers(), start=1):
        c = ws.cell(HEADER_ROW, j, h)
        c.font = st.bold
        c.fill = st.head_fill
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        c.border = st.box


def _write_rows(
    ws: Any,
    m: Methodology,
    lay: Layout,
    st: _Styles,
    lists: Mapping[str, int],
    assessment: Assessment | None,
) -> None:
    from openpyxl.styles import Font

    stage_vals: dict[tuple[str, str], Entry] = {}
    if assessment is not None:
        for stage, entries in assessment.stages.items():
            for code, e in entries.items():
                stage_vals[(stage, code)] = e
    for i, (code, name) in enumerate(lay.rows):
        row = DATA_ROW + i
        n = m.nodes[code]
        key = put_text(ws.cell(row, 1), row_key(code, name))
        if name is None:
            put_text(ws.cell(row, 2), ("    " * (n.depth - 1)) + n.label.vi)
            put_text(ws.cell(row, 3), n.label.en)
            put_text(ws.cell(row, 4), level_name(n))
            ws.cell(row, 5, n.max)
            put_text(ws.cell(row, 6), guide_text(n))
            put_text(ws.cell(row, 7), how_to_enter(n))
            if not n.is_leaf or n.depth == 1:
                for j in range(1, lay.last_col + 1):
                    ws.cell(row, j).font = st.bold
        else:
            assert n.rule is not None
            put_text(ws.cell(row, 2), ("    " * n.depth) + "• " + n.rule.input_label(name))
            ws.cell(row, 4, "Số liệu")
            put_text(ws.cell(row, 7), n.rule.input_hint(name))
            for j in range(1, lay.last_col + 1):
                ws.cell(row, j).fill = st.sub_fill
        key.font = st.bold if name is None else Font(italic=True)
        for j in range(1, lay.last_col + 1):
            ws.cell(row, j).border = st.box
            ws.cell(row, j).alignment = st.wrap
        _write_stage_cells(ws, m, lay, n, name, row, lists, stage_vals, st)
        if name is None:
            final = ws.cell(row, lay.final_col)
            final.value = f"={col(Layout.stage_col(STAGES[-1], 1))}{row}"
            if n.max:
                ws.cell(row, lay.last_col).value = (
                    f"=IFERROR(IF(ISNUMBER({col(lay.final_col)}{row}),"
                    f'{col(lay.final_col)}{row}/E{row}*100,""),"")'
                )
                ws.cell(row, lay.last_col).number_format = "0.00"
            final.number_format = "0.00"


def _shown(n: Node, e: Entry) -> Any:
    """The value of an entry as the workbook shows it (numbers, choices, counts as given)."""
    assert n.rule is not None
    v = n.rule.as_entered(e.value)
    for c in n.rule.choices(NA_TEXT):
        if c.code == v:
            return c.text
    return v


def _write_stage_cells(
    ws: Any,
    m: Methodology,
    lay: Layout,
    n: Node,
    name: str | None,
    row: int,
    lists: Mapping[str, int],
    stage_vals: Mapping[tuple[str, str], Entry],
    st: _Styles,
) -> None:
    names = () if n.rule is None else n.rule.input_names()
    for k, stage in enumerate(STAGES):
        vc = Layout.stage_col(stage, 0)
        pc = Layout.stage_col(stage, 1)
        value_cell = ws.cell(row, vc)
        value_cell.protection = st.unlocked
        value_cell.fill = st.input_fill
        e = stage_vals.get((stage, n.code))
        if name is not None:
            if e is not None and not e.not_applicable:
                assert n.rule is not None
                v = n.rule.as_entered(e.value)
                if name in v:
                    put_text(value_cell, v[name])
            continue
        for part in (2, 3):
            c = ws.cell(row, Layout.stage_col(stage, part))
            c.protection = st.unlocked
            c.fill = st.input_fill
        if e is not None:
            if e.not_applicable:
                value_cell.value = NA_TEXT
            elif not names:
                put_text(value_cell, _shown(n, e))
            if e.evidence:
                put_text(ws.cell(row, Layout.stage_col(stage, 2)), "; ".join(e.evidence))
            if e.note:
                put_text(ws.cell(row, Layout.stage_col(stage, 3)), e.note)
        prev = '""' if k == 0 else f"{col(Layout.stage_col(STAGES[k - 1], 1))}{row}"
        if n.is_leaf:
            formula = points_formula(n, lay, row, vc, prev, lists)
        else:
            formula = "=" + aggregate_formula(m, n, lay, col(pc))
        pcell = ws.cell(row, pc)
        pcell.value = formula
        pcell.number_format = "0.00"


def _write_validations(ws: Any, m: Methodology, lay: Layout, lists: Mapping[str, int]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    na_only = DataValidation(
        type="list",
        formula1=f'"{NA_TEXT}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Dòng tổng",
        error="Dòng này tự cộng điểm các nội dung bên dưới; chỉ được chọn “Không áp dụng”.",
    )
    ws.add_data_validation(na_only)
    for code, name in lay.rows:
        n = m.nodes[code]
        row = lay.row_of(code, name)
        cells = [f"{col(Layout.stage_col(stage, 0))}{row}" for stage in STAGES]
        rule = n.rule
        if name is None and (not n.is_leaf or (rule is not None and rule.input_names())):
            for c in cells:
                na_only.add(c)
            continue
        assert rule is not None
        if name is None and code in lists:
            r = lists[code]
            dv = DataValidation(
                type="list",
                formula1=f"'{LISTS_SHEET}'!$C${r}:${col(3 + len(rule.choices(NA_TEXT)))}${r}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=f"Tiêu chí {code}",
                error="Chọn một mức trong danh sách.",
            )
            ws.add_data_validation(dv)
            for c in cells:
                dv.add(c)
            continue
        for c in cells:
            dv = _number_validation(c, code, name, rule.input_range(n, name), DataValidation)
            ws.add_data_validation(dv)
            dv.add(c)


def _number_validation(
    c: str, code: str, name: str | None, bounds: tuple[float, float, bool], dv_cls: Any
) -> Any:
    lo, hi, integer = bounds
    tests = [f"ISNUMBER({c})"]
    if lo != -INF:
        tests.append(f"{c}>={excel_number(lo)}")
    if hi != INF:
        tests.append(f"{c}<={excel_number(hi)}")
    if integer:
        tests.append(f"INT({c})={c}")
    formula = (
        f"OR({na_test(c)},AND({','.join(tests)}))" if name is None else (f"AND({','.join(tests)})")
    )
    span = (f"từ {fmt(lo)}" if lo != -INF else "") + (f" đến {fmt(hi)}" if hi != INF else "")
    return dv_cls(
        type="custom",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=f"Tiêu chí {code}",
        error=(
            f"Nhập {'số nguyên' if integer else 'số'} {span.strip()}".strip()
            + (f" hoặc “{NA_TEXT}”." if name is None else ".")
        ),
    )


def _write_total(ws: Any, m: Methodology, lay: Layout) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    ws[TOTAL_CELL] = "=" + aggregate_formula(m, m.root, lay, col(lay.final_col))
    ws[TOTAL_CELL].font = Font(bold=True, size=12)
    ws[TOTAL_CELL].number_format = "0.00"
    ws["D6"] = f"/ {fmt(m.scale)} điểm"
    for j in range(1, lay.last_col + 1):
        ws.column_dimensions[col(j)].width = _WIDTHS.get(j, 16)
    ws.freeze_panes = ws.cell(DATA_ROW, 3)
    ws.cell(HEADER_ROW, 1).comment = Comment(
        "Không chèn, xóa hay di chuyển dòng, cột: parindex đọc lại tệp theo đúng vị trí.",
        "parindex",
    )


def _write_help(ws: Any, m: Methodology) -> None:
    from openpyxl.styles import Alignment, Font

    for i, (text, strong) in enumerate(help_lines(m), start=1):
        c = put_text(ws.cell(i, 1), text)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if strong:
            c.font = Font(bold=True, size=13)
    ws.column_dimensions["A"].width = 120
