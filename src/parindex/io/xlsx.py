"""Self-assessment workbooks (phiếu tự đánh giá, thẩm định) for any methodology (extra ``xlsx``).

:func:`write_workbook` builds an ``.xlsx`` file from a :class:`~parindex.Methodology`, blank (a
template) or filled with an :class:`~parindex.Assessment`; :func:`read_workbook` reads a filled
workbook back into an Assessment, checking every cell.

The workbook has four sheets:

``Hướng dẫn``    instructions in Vietnamese;
``Chấm điểm``    one row per node in the official layout (STT, nội dung, cấp, điểm tối đa,
                 hướng dẫn chấm điểm), and per stage (tự đánh giá, kết quả điều tra, thẩm định
                 lần 1, thẩm định lần 2) four columns: value, points up to that stage (a live
                 Excel formula), evidence documents, note; formula and deduction rules get one
                 extra row per input below their item;
``Danh mục``     (hidden) the lists behind the drop-downs of levels;
``_parindex``    (hidden) the methodology id, version and a fingerprint of its tree, so that a
                 workbook made for another version is refused.

The live totals in Excel follow the rules of each item and the sums and caps of each node, so the
officer sees the score while typing. Only parindex computes exactly: items that do not apply
(their maximum is not removed or shared in Excel), and the published rounding and grouping.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from ..assessment import STAGE_LABELS, STAGES, Assessment, Entry, is_na_text
from ..assessment import maybe_number as _maybe_number
from ..errors import AssessmentError, MissingExtraError, ParIndexError
from ..methodology.model import ROOT, Methodology, Node
from ..methodology.rules import (
    INF,
    Band,
    BandsRule,
    DeductionsRule,
    FormulaRule,
    LevelsRule,
    ProportionalRule,
    Rule,
    SatisfactionRule,
    SurveyMeanRule,
    fmt,
)
from ._cells import column_letter as _col

__all__ = [
    "DATA_ROW",
    "FORMAT",
    "HEADER_ROW",
    "HELP_SHEET",
    "LISTS_SHEET",
    "MAIN_SHEET",
    "META_SHEET",
    "NA_TEXT",
    "fingerprint",
    "read_workbook",
    "write_workbook",
]

#: The layout version written into the metadata sheet.
FORMAT = 1
MAIN_SHEET = "Chấm điểm"
HELP_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
META_SHEET = "_parindex"
#: What an officer writes (or picks) for an item that does not apply.
NA_TEXT = "Không áp dụng"
HEADER_ROW = 9
DATA_ROW = 10
UNIT_CELL = "C3"
PERIOD_CELL = "C4"
UNIT_TYPE_CELL = "C5"
TOTAL_CELL = "C6"

_FIXED = (
    "STT / Mã",
    "Nội dung",
    "Nội dung (tiếng Anh)",
    "Cấp",
    "Điểm tối đa",
    "Hướng dẫn chấm điểm",
    "Cách nhập",
)
_PER_STAGE = ("Giá trị", "Điểm (tính đến bước này)", "Tài liệu kiểm chứng", "Ghi chú / giải trình")
_TAIL = ("Điểm đạt", "Chỉ số (%)")


def _need_openpyxl(feature: str) -> Any:
    try:
        import openpyxl
    except ImportError:
        raise MissingExtraError.for_extra("openpyxl", "xlsx", feature) from None
    return openpyxl


@attrs.frozen
class _Layout:
    """Where everything is: built the same way by the writer and the reader."""

    rows: tuple[tuple[str, str | None], ...]  # (node code, input name or None) from DATA_ROW on
    pos: Mapping[tuple[str, str | None], int]  # row index of each entry of ``rows``

    @staticmethod
    def stage_col(stage: str, part: int) -> int:
        """1-based column of a stage's part: 0 value, 1 points, 2 evidence, 3 note."""
        return len(_FIXED) + 1 + STAGES.index(stage) * len(_PER_STAGE) + part

    @property
    def final_col(self) -> int:
        return len(_FIXED) + len(STAGES) * len(_PER_STAGE) + 1

    @property
    def last_col(self) -> int:
        return self.final_col + 1

    def row_of(self, code: str, name: str | None = None) -> int:
        return DATA_ROW + self.pos[(code, name)]

    @staticmethod
    def headers() -> list[str]:
        out = list(_FIXED)
        for st in STAGES:
            out.extend(f"{STAGE_LABELS[st][0]} — {p}" for p in _PER_STAGE)
        out.extend(_TAIL)
        return out


def _input_names(node: Node) -> tuple[str, ...]:
    rule = node.rule
    if isinstance(rule, FormulaRule):
        return tuple(i.name for i in rule.inputs)
    if isinstance(rule, DeductionsRule):
        return tuple(i.code for i in rule.items)
    return ()


def _layout(m: Methodology) -> _Layout:
    rows: list[tuple[str, str | None]] = []
    for n in m.walk():
        rows.append((n.code, None))
        rows.extend((n.code, name) for name in _input_names(n))
    return _Layout(tuple(rows), MappingProxyType({r: i for i, r in enumerate(rows)}))


def _row_key(code: str, name: str | None) -> str:
    return code if name is None else f"{code} : {name}"


def fingerprint(m: Methodology, *, legacy: bool = False) -> str:
    """A short hash of the tree and its rules: two texts of a methodology that score the same
    inputs the same way have the same fingerprint.

    ``legacy=True`` gives the fingerprint parindex 0.1.0 wrote, which saw band edges to 6
    significant digits only; workbooks stamped with it are still accepted."""

    def band_text(b: Band) -> str:
        return b.text(6) if legacy else b.text()

    items = [
        [
            n.code,
            n.parent,
            n.label.vi,
            n.max,
            n.min,
            n.role,
            n.aggregate,
            n.method,
            None if n.rule is None else n.rule.to_dict(band_text=band_text),
        ]
        for n in m.walk()
    ]
    data = json.dumps([m.id, m.scale, m.not_applicable, items], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


# -- texts ----------------------------------------------------------------------------------------


def _level_name(n: Node) -> str:
    if n.role == "bonus":
        return "Điểm thưởng"
    if n.role == "penalty":
        return "Điểm trừ"
    if n.code and n.code.replace(".", "").isdigit():
        parts = n.code.count(".") + 1
    else:
        parts = n.depth if n.depth > 1 else 0
    return {0: "Thành phần", 1: "Lĩnh vực", 2: "Tiêu chí", 3: "Tiêu chí thành phần"}.get(
        parts, "Nội dung chi tiết"
    )


def _options(rule: LevelsRule) -> list[str]:
    """The drop-down texts of a levels rule: the Vietnamese labels when they tell levels apart."""
    texts = [lv.label.vi if lv.label is not None else lv.code for lv in rule.levels]
    folded = [_fold(t) for t in texts]
    if len(set(folded)) != len(folded) or _fold(NA_TEXT) in folded:
        texts = [lv.code if lv.label is None else f"{lv.code}: {lv.label.vi}" for lv in rule.levels]
    return texts


def _fold(s: str) -> str:
    return unicodedata.normalize("NFC", s).strip().casefold()


def _unit(rule: Any) -> str:
    inp = getattr(rule, "input", None)
    return "%" if inp is not None and inp.unit == "percent" else ""


def guide_text(n: Node) -> str:
    """The scoring guide of a node in Vietnamese, from its rule (and its note)."""
    rule = n.rule
    parts: list[str] = []
    if n.is_leaf and rule is not None:
        if isinstance(rule, LevelsRule):
            parts.append(
                "; ".join(
                    f"{t}: {fmt(lv.points)} điểm"
                    for t, lv in zip(_options(rule), rule.levels, strict=True)
                )
            )
        elif isinstance(rule, BandsRule):
            u = _unit(rule)
            parts.append(
                "; ".join(
                    f"{b.describe('vi', u).capitalize()}: {fmt(p)} điểm"
                    for b, p in zip(rule.bands, rule.points, strict=True)
                )
            )
        elif isinstance(rule, ProportionalRule):
            u = _unit(rule)
            parts.append(
                f"{rule.band.describe('vi', u).capitalize()}: điểm = {fmt(n.max)} × giá trị / "
                f"{fmt(rule.full)}; ngoài khoảng này: {fmt(rule.otherwise)} điểm"
            )
        elif isinstance(rule, FormulaRule):
            names = "; ".join(
                f"{i.name} = {i.label.vi}" if i.label is not None else i.name for i in rule.inputs
            )
            text = f"Điểm = {rule.expr.text} ({names})"
            if rule.on_zero_division is not None:
                text += f"; mẫu số bằng 0: {fmt(rule.on_zero_division)} điểm"
            parts.append(text)
        elif isinstance(rule, DeductionsRule):
            items = "; ".join(
                f"trừ {fmt(i.points)} điểm mỗi {i.label.vi if i.label is not None else i.code}"
                for i in rule.items
            )
            parts.append(
                f"Bắt đầu {fmt(rule.start_for(n.max))} điểm; {items}; "
                f"không thấp hơn {fmt(rule.floor_for(n.min))} điểm"
            )
        elif isinstance(rule, SurveyMeanRule):
            lo, hi = rule.scale
            formula = (
                f"{fmt(n.max)} × (TB − {fmt(lo)}) / ({fmt(hi)} − {fmt(lo)})"
                if rule.anchor == "min"
                else f"{fmt(n.max)} × TB / {fmt(hi)}"
            )
            parts.append(
                f"Điểm trung bình khảo sát (TB) trên thang {fmt(lo)}–{fmt(hi)}: điểm = {formula}"
            )
        elif isinstance(rule, SatisfactionRule):
            parts.append(f"Điểm = {fmt(n.max)} × tỷ lệ hài lòng")
        else:
            top = "?" if n.max is None else fmt(n.max)
            parts.append(f"Chấm điểm trực tiếp, từ {fmt(n.min)} đến {top} điểm")
    elif not n.is_leaf:
        if n.role == "bonus":
            parts.append(f"Tổng điểm thưởng, tối đa {fmt(n.max)} điểm")
        elif n.role == "penalty":
            parts.append(f"Tổng điểm trừ, không thấp hơn {fmt(n.min)} điểm")
        elif n.aggregate == "capped":
            parts.append(f"Tổng các nội dung bên dưới, tối đa {fmt(n.max)} điểm")
        else:
            parts.append("Tổng các nội dung bên dưới")
    if n.note:
        parts.append(n.note)
    if n.status != "confirmed":
        parts.append(f"[trạng thái số liệu: {n.status}]")
    return ". ".join(parts)


def _how_to_enter(n: Node) -> str:
    rule = n.rule
    if not n.is_leaf:
        return "Tự động cộng (chỉ được ghi “Không áp dụng”)"
    if isinstance(rule, LevelsRule):
        return "Chọn mức trong danh sách"
    if isinstance(rule, BandsRule | ProportionalRule):
        inp = rule.input
        if inp.unit == "percent":
            return f"Nhập tỷ lệ % ({fmt(inp.min)}–{fmt(inp.max)})"
        return "Nhập số nguyên" if inp.integer else "Nhập số"
    if isinstance(rule, FormulaRule):
        return "Nhập các số liệu ở các dòng bên dưới"
    if isinstance(rule, DeductionsRule):
        return "Nhập số lần ở các dòng bên dưới"
    if isinstance(rule, SurveyMeanRule):
        return f"Nhập điểm trung bình ({fmt(rule.scale[0])}–{fmt(rule.scale[1])})"
    if isinstance(rule, SatisfactionRule):
        return "Nhập tỷ lệ hài lòng (%)" if rule.unit == "percent" else "Nhập tỷ lệ (0–1)"
    hi = "?" if n.max is None else fmt(n.max)
    return f"Nhập số điểm ({fmt(n.min)}–{hi})"


# -- Excel formulas -------------------------------------------------------------------------------


def _num(x: float) -> str:
    return repr(float(x)) if x != int(x) else str(int(x))


def _xl_expr(node: Any, refs: Mapping[str, str]) -> str:
    from ..expr import Call, Name, Negate, Number, Product, Sum

    if isinstance(node, Number):
        return _num(node.value)
    if isinstance(node, Name):
        return refs[node.name]
    if isinstance(node, Negate):
        return f"(-{_xl_expr(node.operand, refs)})"
    if isinstance(node, Sum | Product):
        text = _xl_expr(node.first, refs)
        for op, operand in node.rest:
            text += f"{op}{_xl_expr(operand, refs)}"
        return f"({text})"
    assert isinstance(node, Call)
    args = [_xl_expr(a, refs) for a in node.args]
    if node.func == "clamp":
        return f"MIN(MAX({args[0]},{args[1]}),{args[2]})"
    return f"{node.func.upper()}({','.join(args)})"


def _band_test(b: Any, v: str) -> str:
    tests = []
    if b.lo != -INF:
        tests.append(f"{v}{'>=' if b.lo_inclusive else '>'}{_num(b.lo)}")
    if b.hi != INF:
        tests.append(f"{v}{'<=' if b.hi_inclusive else '<'}{_num(b.hi)}")
    return f"AND({','.join(tests)})" if tests else "TRUE"


def _points_expr(n: Node, v: str, sub: Mapping[str, str], lists: Mapping[str, int]) -> str:
    """An Excel expression giving the points of the value in cell ``v`` (or the input cells)."""
    rule: Rule | None = n.rule
    mx = n.max
    if isinstance(rule, LevelsRule):
        r = lists[n.code]
        last = _col(2 + len(rule.levels))
        opts = f"'{LISTS_SHEET}'!$C${r}:${last}${r}"
        pts = f"'{LISTS_SHEET}'!$C${r + 1}:${last}${r + 1}"
        return f"INDEX({pts},MATCH({v},{opts},0))"
    if isinstance(rule, BandsRule):
        text = '"?"'
        for b, p in reversed(list(zip(rule.bands, rule.points, strict=True))):
            text = f"IF({_band_test(b, v)},{_num(p)},{text})"
        return text
    if isinstance(rule, ProportionalRule):
        assert mx is not None
        return f"IF({_band_test(rule.band, v)},{_num(mx)}*{v}/{_num(rule.full)},{_num(rule.otherwise)})"
    if isinstance(rule, SurveyMeanRule):
        assert mx is not None
        lo, hi = rule.scale
        if rule.anchor == "min":
            return f"{_num(mx)}*({v}-{_num(lo)})/({_num(hi)}-{_num(lo)})"
        return f"{_num(mx)}*{v}/{_num(hi)}"
    if isinstance(rule, SatisfactionRule):
        assert mx is not None
        return f"{_num(mx)}*{v}/{_num(rule.top)}"
    if isinstance(rule, FormulaRule):
        text = _xl_expr(rule.expr.node, sub)
        if rule.clamp:
            text = f"MAX({_num(n.min)},{text})"
            if mx is not None:
                text = f"MIN({_num(mx)},{text})"
        if rule.on_zero_division is not None:
            text = f"IFERROR({text},{_num(rule.on_zero_division)})"
        return text
    if isinstance(rule, DeductionsRule):
        text = _num(rule.start_for(mx))
        for item in rule.items:
            text += f"-{_num(item.points)}*{sub[item.code]}"
        return f"MAX({_num(rule.floor_for(n.min))},{text})"
    return v


def _na_test(v: str) -> str:
    return f'OR({v}="{NA_TEXT}",{v}="NA",{v}="KAD")'


# -- writing --------------------------------------------------------------------------------------


def _normalised(n: Node, e: Entry) -> Any:
    """The value as the workbook stores it (numbers, level codes, counts as given)."""
    assert n.rule is not None
    if isinstance(n.rule, DeductionsRule):
        codes = [i.code for i in n.rule.items]
        v = e.value
        if not isinstance(v, Mapping):
            v = {codes[0]: v} if len(codes) == 1 else v
        checked = n.rule.check(v)
        return {k: checked[k] for k in v}
    return n.rule.check(e.value)


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
    openpyxl = _need_openpyxl("writing a self-assessment workbook")
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    m = methodology
    lay = _layout(m)
    if assessment is not None:
        from ..scoring import resolve

        resolve(m, assessment)  # every value checked, with unit, node and stage in errors
    wb = openpyxl.Workbook()
    help_ws = wb.active
    help_ws.title = HELP_SHEET
    ws = wb.create_sheet(MAIN_SHEET)
    lists_ws = wb.create_sheet(LISTS_SHEET)
    meta = wb.create_sheet(META_SHEET)

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    input_fill = PatternFill("solid", fgColor="FFF9DB")
    sub_fill = PatternFill("solid", fgColor="F2F2F2")
    thin = Side(style="thin", color="BFBFBF")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    unlocked = Protection(locked=False)

    # metadata
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
        meta.cell(i, 2, v)
    meta.sheet_state = "veryHidden"

    # lists of levels (for drop-downs and the live points)
    lists: dict[str, int] = {}
    lists_ws.cell(1, 1, "Mã")
    lists_ws.cell(1, 2, "Dòng")
    r = 2
    for n in m.leaves():
        if isinstance(n.rule, LevelsRule):
            lists[n.code] = r
            lists_ws.cell(r, 1, n.code)
            lists_ws.cell(r, 2, "Mức")
            lists_ws.cell(r + 1, 1, n.code)
            lists_ws.cell(r + 1, 2, "Điểm")
            for j, (t, lv) in enumerate(zip(_options(n.rule), n.rule.levels, strict=True)):
                lists_ws.cell(r, 3 + j, t)
                lists_ws.cell(r + 1, 3 + j, lv.points)
            lists_ws.cell(r, 3 + len(n.rule.levels), NA_TEXT)
            lists_ws.cell(r + 1, 3 + len(n.rule.levels), "KAD")
            r += 2
    if m.unit_types:
        lists_ws.cell(r, 1, "unit_types")
        for j, t in enumerate(m.unit_types):
            lists_ws.cell(r, 3 + j, t)
        unit_types_row = r
    lists_ws.sheet_state = "hidden"

    # header block
    last = _col(lay.last_col)
    ws["A1"] = "PHIẾU TỰ ĐÁNH GIÁ VÀ THẨM ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = "Bộ chỉ số:"
    ws["C2"] = f"{m.title.vi} [{m.id}] — {m.legal_basis.decision}"
    for cell, label in (
        (UNIT_CELL, "Đơn vị:"),
        (PERIOD_CELL, "Kỳ đánh giá:"),
        (UNIT_TYPE_CELL, "Loại đơn vị:"),
    ):
        ws[f"A{cell[1:]}"] = label
        ws[cell].fill = input_fill
        ws[cell].protection = unlocked
        ws[cell].border = box
    for c in ("A2", "A3", "A4", "A5", "A6"):
        ws[c].font = bold
    if assessment is not None:
        ws[UNIT_CELL] = assessment.unit or None
        ws[PERIOD_CELL] = assessment.period
        ws[UNIT_TYPE_CELL] = assessment.unit_type
    if m.unit_types:
        dv = DataValidation(
            type="list",
            formula1=f"'{LISTS_SHEET}'!$C${unit_types_row}:${_col(2 + len(m.unit_types))}${unit_types_row}",
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

    # column headers
    headers = _Layout.headers()
    for st in STAGES:
        c0 = _Layout.stage_col(st, 0)
        ws.cell(HEADER_ROW - 1, c0, STAGE_LABELS[st][0].upper()).font = bold
        ws.merge_cells(
            start_row=HEADER_ROW - 1, start_column=c0, end_row=HEADER_ROW - 1, end_column=c0 + 3
        )
    for j, h in enumerate(headers, start=1):
        c = ws.cell(HEADER_ROW, j, h)
        c.font = bold
        c.fill = head_fill
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        c.border = box

    # rows
    stage_vals: dict[tuple[str, str], Entry] = {}
    if assessment is not None:
        for st, entries in assessment.stages.items():
            for code, e in entries.items():
                stage_vals[(st, code)] = e
    for i, (code, name) in enumerate(lay.rows):
        row = DATA_ROW + i
        n = m.nodes[code]
        key = ws.cell(row, 1, _row_key(code, name))
        if name is None:
            ws.cell(row, 2, ("    " * (n.depth - 1)) + n.label.vi)
            ws.cell(row, 3, n.label.en)
            ws.cell(row, 4, _level_name(n))
            ws.cell(row, 5, n.max)
            ws.cell(row, 6, guide_text(n))
            ws.cell(row, 7, _how_to_enter(n))
            if not n.is_leaf or n.depth == 1:
                for j in range(1, lay.last_col + 1):
                    ws.cell(row, j).font = bold
        else:
            label = _input_label(n, name)
            ws.cell(row, 2, ("    " * n.depth) + "• " + label)
            ws.cell(row, 4, "Số liệu")
            ws.cell(row, 7, _input_hint(n, name))
            for j in range(1, lay.last_col + 1):
                ws.cell(row, j).fill = sub_fill
        key.font = bold if name is None else Font(italic=True)
        for j in range(1, lay.last_col + 1):
            ws.cell(row, j).border = box
            ws.cell(row, j).alignment = wrap
        _write_stage_cells(ws, m, lay, n, name, row, lists, stage_vals, unlocked, input_fill)
        if name is None:
            final = ws.cell(row, lay.final_col)
            final.value = f"={_col(_Layout.stage_col(STAGES[-1], 1))}{row}"
            if n.max:
                ws.cell(row, lay.last_col).value = (
                    f"=IFERROR(IF(ISNUMBER({_col(lay.final_col)}{row}),"
                    f'{_col(lay.final_col)}{row}/E{row}*100,""),"")'
                )
                ws.cell(row, lay.last_col).number_format = "0.00"
            final.number_format = "0.00"
    _write_validations(ws, m, lay, lists, DataValidation)
    ws[TOTAL_CELL] = "=" + _aggregate_formula(m, m.root, lay, _col(lay.final_col))
    ws[TOTAL_CELL].font = Font(bold=True, size=12)
    ws[TOTAL_CELL].number_format = "0.00"
    ws["D6"] = f"/ {fmt(m.scale)} điểm"

    widths = {1: 12, 2: 60, 3: 30, 4: 14, 5: 9, 6: 60, 7: 26}
    for j in range(1, lay.last_col + 1):
        ws.column_dimensions[_col(j)].width = widths.get(j, 16)
    ws.freeze_panes = ws.cell(DATA_ROW, 3)
    ws.cell(HEADER_ROW, 1).comment = Comment(
        "Không chèn, xóa hay di chuyển dòng, cột: parindex đọc lại tệp theo đúng vị trí.",
        "parindex",
    )

    _write_help(help_ws, m, Font, Alignment)
    if protect:
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        help_ws.protection.sheet = True
        wb.security = WorkbookProtection(lockStructure=True)
    wb.active = 1
    out = Path(path)
    wb.save(out)
    return out


def _input_label(n: Node, name: str) -> str:
    rule = n.rule
    if isinstance(rule, FormulaRule):
        spec = next(i for i in rule.inputs if i.name == name)
        return f"{name}: {spec.label.vi}" if spec.label is not None else name
    assert isinstance(rule, DeductionsRule)
    item = next(i for i in rule.items if i.code == name)
    label = item.label.vi if item.label is not None else name
    return f"Số lần {label} (trừ {fmt(item.points)} điểm/lần)"


def _input_hint(n: Node, name: str) -> str:
    rule = n.rule
    if isinstance(rule, FormulaRule):
        spec = next(i for i in rule.inputs if i.name == name)
        kind = "số nguyên" if spec.integer else "số"
        hi = spec.max_name if spec.max_name else ("" if spec.max == INF else fmt(spec.max))
        return f"Nhập {kind} ≥ {fmt(spec.min)}" + (f", ≤ {hi}" if hi else "")
    return "Nhập số nguyên ≥ 0"


def _write_stage_cells(
    ws: Any,
    m: Methodology,
    lay: _Layout,
    n: Node,
    name: str | None,
    row: int,
    lists: Mapping[str, int],
    stage_vals: Mapping[tuple[str, str], Entry],
    unlocked: Any,
    input_fill: Any,
) -> None:
    names = _input_names(n)
    for k, st in enumerate(STAGES):
        vc = _Layout.stage_col(st, 0)
        pc = _Layout.stage_col(st, 1)
        value_cell = ws.cell(row, vc)
        value_cell.protection = unlocked
        value_cell.fill = input_fill
        e = stage_vals.get((st, n.code))
        if name is not None:
            if e is not None and not e.not_applicable:
                v = _normalised(n, e)
                if name in v:
                    value_cell.value = v[name]
            continue
        for part in (2, 3):
            c = ws.cell(row, _Layout.stage_col(st, part))
            c.protection = unlocked
            c.fill = input_fill
        if e is not None:
            if e.not_applicable:
                value_cell.value = NA_TEXT
            elif not names:
                v = _normalised(n, e)
                if isinstance(n.rule, LevelsRule):
                    i = n.rule.index_of(str(v))
                    assert i is not None
                    v = _options(n.rule)[i]
                value_cell.value = v
            if e.evidence:
                ws.cell(row, _Layout.stage_col(st, 2), "; ".join(e.evidence))
            if e.note:
                ws.cell(row, _Layout.stage_col(st, 3), e.note)
        v_ref = f"{_col(vc)}{row}"
        prev = '""' if k == 0 else f"{_col(_Layout.stage_col(STAGES[k - 1], 1))}{row}"
        if n.is_leaf:
            sub = {nm: f"{_col(vc)}{lay.row_of(n.code, nm)}" for nm in names}
            expr = _points_expr(n, v_ref, sub, lists)
            if names:
                rng = f"{_col(vc)}{row + 1}:{_col(vc)}{row + len(names)}"
                formula = (
                    f'=IF({_na_test(v_ref)},"KAD",IF(COUNT({rng})=0,{prev},IFERROR({expr},"?")))'
                )
            else:
                formula = f'=IF({v_ref}="",{prev},IF({_na_test(v_ref)},"KAD",IFERROR({expr},"?")))'
        else:
            formula = "=" + _aggregate_formula(m, n, lay, _col(pc))
        pcell = ws.cell(row, pc)
        pcell.value = formula
        pcell.number_format = "0.00"


def _aggregate_formula(m: Methodology, n: Node, lay: _Layout, col: str) -> str:
    refs = ",".join(f"{col}{lay.row_of(c)}" for c in n.children)
    mx = n.max if n.code != ROOT else m.scale
    text = f"MAX({_num(n.min)},SUM({refs}))"
    if mx is not None:
        text = f"MIN({_num(mx)},{text})"
    return text


def _write_validations(
    ws: Any, m: Methodology, lay: _Layout, lists: Mapping[str, int], dv_cls: Any
) -> None:
    na_only = dv_cls(
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
        cells = [f"{_col(_Layout.stage_col(st, 0))}{row}" for st in STAGES]
        rule = n.rule
        if name is None and (not n.is_leaf or _input_names(n)):
            for c in cells:
                na_only.add(c)
            continue
        if name is None and isinstance(rule, LevelsRule):
            r = lists[code]
            dv = dv_cls(
                type="list",
                formula1=f"'{LISTS_SHEET}'!$C${r}:${_col(3 + len(rule.levels))}${r}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=f"Tiêu chí {code}",
                error="Chọn một mức trong danh sách.",
            )
            ws.add_data_validation(dv)
            for c in cells:
                dv.add(c)
            continue
        lo, hi, integer = _bounds(n, name)
        for c in cells:
            tests = [f"ISNUMBER({c})"]
            if lo != -INF:
                tests.append(f"{c}>={_num(lo)}")
            if hi != INF:
                tests.append(f"{c}<={_num(hi)}")
            if integer:
                tests.append(f"INT({c})={c}")
            formula = (
                f"OR({_na_test(c)},AND({','.join(tests)}))"
                if name is None
                else (f"AND({','.join(tests)})")
            )
            span = (f"từ {fmt(lo)}" if lo != -INF else "") + (
                f" đến {fmt(hi)}" if hi != INF else ""
            )
            dv = dv_cls(
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
            ws.add_data_validation(dv)
            dv.add(c)


def _bounds(n: Node, name: str | None) -> tuple[float, float, bool]:
    assert n.rule is not None
    return n.rule.input_range(n, name)


def _write_help(ws: Any, m: Methodology, font: Any, alignment: Any) -> None:
    lines = [
        ("HƯỚNG DẪN SỬ DỤNG PHIẾU CHẤM ĐIỂM", True),
        (f"Bộ chỉ số: {m.title.vi} [{m.id}], {m.legal_basis.decision}.", False),
        ("", False),
        ("1. Ghi tên đơn vị, kỳ đánh giá (và loại đơn vị nếu có) ở đầu trang “Chấm điểm”.", False),
        (
            "2. Mỗi bước có 4 cột: Giá trị, Điểm (tự tính), Tài liệu kiểm chứng, Ghi chú / giải "
            "trình. Đơn vị nhập cột “Tự đánh giá”; kết quả điều tra xã hội học và chỉ số hài lòng "
            "nhập cột “Kết quả điều tra”; Sở Nội vụ (hoặc cơ quan thẩm định) nhập “Thẩm định lần 1”, "
            "“Thẩm định lần 2” chỉ ở những tiêu chí điều chỉnh.",
            False,
        ),
        (
            "3. Điểm của mỗi tiêu chí lấy theo bước muộn nhất có giá trị; các bước trước vẫn được "
            "giữ nguyên để đối chiếu.",
            False,
        ),
        (
            "4. Tiêu chí chọn mức: chọn trong danh sách. Tiêu chí tỷ lệ: nhập số phần trăm (ví dụ "
            "85,5). Tiêu chí có công thức hoặc trừ điểm theo số lần: nhập số liệu ở các dòng "
            "“•” ngay bên dưới.",
            False,
        ),
        (
            f"5. Nội dung không áp dụng với đơn vị: ghi “{NA_TEXT}” ở cột Giá trị (có thể ghi ở "
            "dòng lĩnh vực hoặc tiêu chí để bỏ cả nhóm).",
            False,
        ),
        (
            "6. Tài liệu kiểm chứng: ghi số, ký hiệu văn bản, cách nhau bằng dấu chấm phẩy (;). Nếu "
            "không có tài liệu, giải trình ở cột Ghi chú.",
            False,
        ),
        (
            "7. Không chèn, xóa, di chuyển dòng hoặc cột, không đổi tên trang tính: tệp được đọc "
            "lại theo đúng vị trí; tệp bị thay đổi cấu trúc sẽ bị từ chối kèm tên ô sai.",
            False,
        ),
        (
            "8. Cột “Điểm” và tổng điểm do Excel tạm tính theo quy tắc của từng tiêu chí và giới "
            "hạn điểm của từng nhóm. Excel KHÔNG tính: việc bỏ điểm tối đa (hoặc chia lại điểm) "
            "của nội dung không áp dụng, làm tròn và xếp loại. Kết quả chính thức do parindex "
            "tính: parindex score <bộ chỉ số> <tệp này>.",
            False,
        ),
    ]
    for i, (text, strong) in enumerate(lines, start=1):
        c = ws.cell(i, 1, text)
        c.alignment = alignment(wrap_text=True, vertical="top")
        if strong:
            c.font = font(bold=True, size=13)
    ws.column_dimensions["A"].width = 120


# -- reading --------------------------------------------------------------------------------------


def _text(v: Any) -> str:
    return "" if v is None else unicodedata.normalize("NFC", str(v)).strip()


def _empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def read_workbook(
    path: str | os.PathLike[str], methodology: Methodology | None = None
) -> Assessment:
    """Read a filled workbook made by :func:`write_workbook` into an Assessment.

    Every value is checked against its item's rule. A workbook made for another methodology or
    version, moved columns, deleted or inserted rows, unknown codes and wrong values raise
    :class:`~parindex.AssessmentError` naming the file, sheet and cell. Without ``methodology``
    the shipped methodology named in the workbook is loaded.
    """
    openpyxl = _need_openpyxl("reading a self-assessment workbook")
    file = str(path)
    try:
        wb = openpyxl.load_workbook(file, data_only=False)
    except FileNotFoundError:
        raise AssessmentError("the workbook does not exist", file=file) from None
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise AssessmentError(f"not an .xlsx workbook ({type(exc).__name__})", file=file) from None

    def fail(message: str, sheet: str, cell: str, **kw: Any) -> AssessmentError:
        return AssessmentError(message, file=file, sheet=sheet, cell=cell, **kw)

    for sheet_name in (META_SHEET, MAIN_SHEET):
        if sheet_name not in wb.sheetnames:
            raise AssessmentError(
                f"the sheet {sheet_name!r} is missing: this is not a parindex workbook, or a sheet was "
                f"renamed or deleted (sheets: {', '.join(wb.sheetnames)})",
                file=file,
                sheet=sheet_name,
            )
    meta = wb[META_SHEET]
    expect_keys = ("format", "methodology", "version", "fingerprint")
    for i, k in enumerate(expect_keys, start=1):
        if _text(meta.cell(i, 1).value) != k:
            raise fail(f"expected the key {k!r}", META_SHEET, f"A{i}", value=meta.cell(i, 1).value)
    if meta["B1"].value != FORMAT:
        raise fail(
            f"this workbook layout (format {meta['B1'].value!r}) is not the one this version of "
            f"parindex reads ({FORMAT})",
            META_SHEET,
            "B1",
            value=meta["B1"].value,
        )
    mid = _text(meta["B2"].value)
    version = _text(meta["B3"].value)
    if methodology is None:
        from ..methodology.registry import load

        try:
            methodology = load(mid)
        except (ParIndexError, KeyError):
            raise fail(
                f"the workbook was made for the methodology {mid!r}, which is not shipped with "
                "parindex: pass it (parindex.load_file(...)) to read the workbook",
                META_SHEET,
                "B2",
                value=mid,
            ) from None
    m = methodology
    if mid != m.id:
        raise fail(
            f"this workbook was made for the methodology {mid}, not {m.id}",
            META_SHEET,
            "B2",
            value=mid,
        )
    if version != m.version:
        raise fail(
            f"this workbook was made for version {version} of {m.id}, not version {m.version}; "
            "make a new template with: parindex template",
            META_SHEET,
            "B3",
            value=version,
        )
    if _text(meta["B4"].value) not in (fingerprint(m), fingerprint(m, legacy=True)):
        raise fail(
            f"this workbook was made from a different text of {m.id} (its tree, maxima or rules "
            "differ); make a new template from the methodology you score with",
            META_SHEET,
            "B4",
            value=meta["B4"].value,
        )
    ws = wb[MAIN_SHEET]
    lay = _layout(m)
    for j, h in enumerate(_Layout.headers(), start=1):
        found = _text(ws.cell(HEADER_ROW, j).value)
        if found != h:
            raise fail(
                f"expected the column {h!r} here; columns were moved, inserted or deleted "
                "(make a new template and copy the values)",
                MAIN_SHEET,
                f"{_col(j)}{HEADER_ROW}",
                value=ws.cell(HEADER_ROW, j).value,
            )
    codes_known = {_row_key(c, nm) for c, nm in lay.rows}
    for i, (code, name) in enumerate(lay.rows):
        row = DATA_ROW + i
        found = _text(ws.cell(row, 1).value)
        want = _row_key(code, name)
        if found == want:
            continue
        cell = f"A{row}"
        if not found:
            raise fail(
                f"expected the row of {want} here, found an empty code: a row was deleted or "
                "inserted",
                MAIN_SHEET,
                cell,
                code=code,
            )
        if found in codes_known:
            raise fail(
                f"expected the row of {want} here, found {found}: rows were deleted, inserted "
                "or moved",
                MAIN_SHEET,
                cell,
                code=code,
                value=found,
            )
        raise fail(
            f"unknown code: {m.id} has no item {found!r} (expected {want} here)",
            MAIN_SHEET,
            cell,
            code=code,
            value=found,
        )
    end = DATA_ROW + len(lay.rows)
    for row in range(end, ws.max_row + 1):
        for j in range(1, lay.last_col + 1):
            v = ws.cell(row, j).value
            if not _empty(v):
                raise fail(
                    f"unexpected content below the last item ({lay.rows[-1][0]}): rows may not be "
                    "added" + (f"; unknown code {_text(v)!r}" if j == 1 else ""),
                    MAIN_SHEET,
                    f"{_col(j)}{row}",
                    value=v,
                )

    unit = _text(ws[UNIT_CELL].value)
    period = _text(ws[PERIOD_CELL].value) or None
    unit_type = _text(ws[UNIT_TYPE_CELL].value) or None
    if unit_type is not None and m.unit_types and unit_type not in m.unit_types:
        raise fail(
            f"unknown unit type; {m.id} declares {', '.join(m.unit_types)}",
            MAIN_SHEET,
            UNIT_TYPE_CELL,
            unit=unit,
            value=unit_type,
        )
    stages: dict[str, dict[str, Entry]] = {}
    for code, name in lay.rows:
        if name is not None:
            continue
        n = m.nodes[code]
        row = lay.row_of(code)
        names = _input_names(n)
        for st in STAGES:
            vc = _Layout.stage_col(st, 0)
            ref = f"{_col(vc)}{row}"
            raw = ws.cell(row, vc).value
            ev_raw = ws.cell(row, _Layout.stage_col(st, 2)).value
            note_raw = ws.cell(row, _Layout.stage_col(st, 3)).value
            evidence = tuple(
                x.strip() for x in _text(ev_raw).replace("\n", ";").split(";") if x.strip()
            )
            note = _text(note_raw) or None
            where: dict[str, Any] = {"unit": unit or None, "code": code, "stage": st}
            if is_na_text(raw) or _text(raw).casefold() == "kad":
                sub_given = [
                    nm for nm in names if not _empty(ws.cell(lay.row_of(code, nm), vc).value)
                ]
                if sub_given:
                    c = f"{_col(vc)}{lay.row_of(code, sub_given[0])}"
                    raise fail(
                        "the item is marked not applicable, but an input is given below it",
                        MAIN_SHEET,
                        c,
                        **where,
                    )
                stages.setdefault(st, {})[code] = Entry(None, True, note, evidence)
                continue
            if not n.is_leaf or names:
                if not _empty(raw):
                    raise fail(
                        f"only “{NA_TEXT}” may be written here: "
                        + (
                            "this row adds up the items below it"
                            if not n.is_leaf
                            else "the inputs go in the rows below"
                        ),
                        MAIN_SHEET,
                        ref,
                        value=raw,
                        **where,
                    )
                if not n.is_leaf:
                    if evidence or note:
                        stages.setdefault(st, {})
                        _orphan(fail, ref, evidence, note, where)
                    continue
                value: Any = {}
                for nm in names:
                    r2 = lay.row_of(code, nm)
                    v = ws.cell(r2, vc).value
                    if _empty(v):
                        continue
                    value[nm] = _cell_number(v, fail, f"{_col(vc)}{r2}", where)
                if not value:
                    if evidence or note:
                        _orphan(fail, ref, evidence, note, where)
                    continue
                if isinstance(n.rule, FormulaRule):
                    missing = [nm for nm in names if nm not in value]
                    if missing:
                        r2 = lay.row_of(code, missing[0])
                        raise fail(
                            f"the formula needs every input; empty: {', '.join(missing)}",
                            MAIN_SHEET,
                            f"{_col(vc)}{r2}",
                            **where,
                        )
                check_ref = ref
            else:
                if _empty(raw):
                    if evidence or note:
                        _orphan(fail, ref, evidence, note, where)
                    continue
                value = raw.strip() if isinstance(raw, str) else raw
                if isinstance(raw, str) and raw.startswith("="):
                    raise fail(
                        "a formula is not a value: type the value",
                        MAIN_SHEET,
                        ref,
                        value=raw,
                        **where,
                    )
                if isinstance(n.rule, LevelsRule):
                    folded = _fold(str(value))
                    for t, lv in zip(_options(n.rule), n.rule.levels, strict=True):
                        if _fold(t) == folded:
                            value = lv.code
                            break
                elif isinstance(value, str):
                    value = _cell_number(value, fail, ref, where)
                check_ref = ref
            assert n.rule is not None
            try:
                checked = n.rule.check(value)
                n.rule.evaluate(checked, n.min, n.max)
            except ParIndexError as exc:
                raise AssessmentError(
                    exc.message, file=file, sheet=MAIN_SHEET, cell=check_ref, value=value, **where
                ) from None
            if isinstance(n.rule, DeductionsRule):
                stored: Any = {k: checked[k] for k in value}
            else:
                stored = checked
            stages.setdefault(st, {})[code] = Entry(stored, False, note, evidence)
    try:
        a = Assessment(unit, {s: e for s, e in stages.items() if e}, period, unit_type)
    except ParIndexError as exc:
        raise exc.with_context(file=file, sheet=MAIN_SHEET) from None
    from ..scoring import resolve

    try:
        resolve(m, a)  # the checks that concern several cells (an item inside a node marked NA)
    except ParIndexError as exc:
        at: str | None = None
        if exc.code is not None and exc.stage is not None and exc.code in m:
            at = f"{_col(_Layout.stage_col(exc.stage, 0))}{lay.row_of(exc.code)}"
        raise AssessmentError(
            exc.message,
            file=file,
            sheet=MAIN_SHEET,
            cell=at,
            unit=exc.unit,
            code=exc.code,
            stage=exc.stage,
            **({"value": exc.value} if exc.has_value else {}),
        ) from None
    return a


def _orphan(fail: Any, ref: str, evidence: tuple[str, ...], note: str | None, where: Any) -> None:
    raise fail(
        "evidence or a note is given without a value in this stage; give the value too (repeat "
        "the earlier stage's value if it is unchanged)",
        MAIN_SHEET,
        ref,
        value=note or "; ".join(evidence),
        **where,
    )


def _cell_number(v: Any, fail: Any, ref: str, where: Any) -> float | int:
    if isinstance(v, bool):
        raise fail("expected a number, found TRUE/FALSE", MAIN_SHEET, ref, value=v, **where)
    if isinstance(v, int | float):
        return v
    x = _maybe_number(_text(v))
    if isinstance(x, int | float):
        return x
    raise fail("expected a number, found text", MAIN_SHEET, ref, value=v, **where)
