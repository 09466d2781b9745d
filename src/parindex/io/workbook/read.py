"""Reading a filled workbook back into an Assessment, checking every cell."""

from __future__ import annotations

import os
import re
import zipfile
from typing import Any

import attrs

from ..._files import check_regular
from ..._text import nfc_strip
from ...assessment import STAGES, Assessment, Entry, is_na_text
from ...assessment import maybe_number as _maybe_number
from ...engine.resolve import resolve
from ...errors import AssessmentError, ParIndexError
from ...methodology.model import Methodology, Node
from .._cells import column_letter as col
from .fingerprint import fingerprint
from .layout import (
    DATA_ROW,
    FORMAT,
    HEADER_ROW,
    MAIN_SHEET,
    META_SHEET,
    NA_TEXT,
    PERIOD_CELL,
    UNIT_CELL,
    UNIT_TYPE_CELL,
    Layout,
    layout,
    need_openpyxl,
    row_key,
)

__all__ = ["read_workbook"]


def _text(v: Any) -> str:
    return "" if v is None else nfc_strip(str(v))


def _empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


@attrs.frozen
class _Sheet:
    """The main sheet of one workbook, with the file name its errors carry."""

    file: str
    ws: Any

    def fail(self, message: str, sheet: str, cell: str | None, **kw: Any) -> AssessmentError:
        return AssessmentError(message, file=self.file, sheet=sheet, cell=cell, **kw)

    def value(self, row: int, column: int) -> Any:
        return self.ws.cell(row, column).value

    def text(self, ref: str) -> str:
        """The text of cell ``ref`` (unit, period, evidence, note): a formula is refused, so that
        formula text never passes on into cards and reports."""
        cell = self.ws[ref]
        if cell.data_type == "f":
            raise self.fail(
                "a formula where text is expected; type the text itself",
                MAIN_SHEET,
                ref,
                value=str(getattr(cell.value, "text", cell.value)),
            )
        return _text(cell.value)


def read_workbook(
    path: str | os.PathLike[str], methodology: Methodology | None = None
) -> Assessment:
    """Read a filled workbook made by :func:`write_workbook` into an Assessment.

    Every value is checked against its item's rule. A workbook made for another methodology or
    version, moved columns, deleted or inserted rows, unknown codes and wrong values raise
    :class:`~parindex.AssessmentError` naming the file, sheet and cell. Without ``methodology``
    the shipped methodology named in the workbook is loaded.
    """
    file = str(path)
    wb = _open(file)
    m = _check_meta(wb, file, methodology)
    sheet = _Sheet(file, wb[MAIN_SHEET])
    lay = layout(m)
    _check_columns(sheet)
    _check_merged(sheet)
    _check_rows(sheet, m, lay)
    unit = sheet.text(UNIT_CELL)
    period = sheet.text(PERIOD_CELL) or None
    unit_type = sheet.text(UNIT_TYPE_CELL) or None
    if unit_type is not None and m.unit_types and unit_type not in m.unit_types:
        raise sheet.fail(
            f"unknown unit type; {m.id} declares {', '.join(m.unit_types)}",
            MAIN_SHEET,
            UNIT_TYPE_CELL,
            unit=unit,
            value=unit_type,
        )
    stages: dict[str, dict[str, Entry]] = {}
    for code, name in lay.rows:
        if name is None:
            for st in STAGES:
                _read_entry(sheet, m.nodes[code], lay, st, unit, stages)
    try:
        a = Assessment(unit, {s: e for s, e in stages.items() if e}, period, unit_type)
    except ParIndexError as exc:
        raise exc.with_context(file=file, sheet=MAIN_SHEET) from None
    _resolve(sheet, m, lay, a)
    return a


#: The most a workbook may hold once uncompressed (all its parts together); a filled template of
#: the largest shipped index is well under 10 MB. Raise it with PARINDEX_MAX_WORKBOOK_BYTES.
MAX_UNCOMPRESSED = 256 * 1024 * 1024


def _check_zip(file: str) -> None:
    """Refuse a workbook that is not a regular file, is over the input size cap, or unpacks to
    more than :data:`MAX_UNCOMPRESSED` bytes, by the sizes it declares and by the bytes it
    actually unpacks to (a zip bomb), before openpyxl parses anything."""
    if not os.path.exists(file):
        raise AssessmentError("the workbook does not exist", file=file)
    check_regular(file, error=AssessmentError)
    env = os.environ.get("PARINDEX_MAX_WORKBOOK_BYTES", "").strip()
    cap = int(env) if env.isdigit() else MAX_UNCOMPRESSED
    too_big = (
        f"the workbook unpacks to more than {cap} bytes (a damaged or hostile file?); raise the "
        "limit with PARINDEX_MAX_WORKBOOK_BYTES if it is genuine"
    )
    try:
        with zipfile.ZipFile(file) as z:
            infos = z.infolist()
            if sum(i.file_size for i in infos) > cap:
                raise AssessmentError(too_big, file=file)
            total = 0
            for info in infos:
                with z.open(info) as f:
                    while chunk := f.read(1 << 20):
                        total += len(chunk)
                        if total > cap:
                            raise AssessmentError(too_big, file=file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        raise AssessmentError("not an .xlsx workbook (BadZipFile)", file=file) from None


def _open(file: str) -> Any:
    openpyxl = need_openpyxl("reading a self-assessment workbook")
    _check_zip(file)
    try:
        wb = openpyxl.load_workbook(file, data_only=False)
    except FileNotFoundError:
        raise AssessmentError("the workbook does not exist", file=file) from None
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise AssessmentError(f"not an .xlsx workbook ({type(exc).__name__})", file=file) from None
    for sheet_name in (META_SHEET, MAIN_SHEET):
        if sheet_name not in wb.sheetnames:
            raise AssessmentError(
                f"the sheet {sheet_name!r} is missing: this is not a parindex workbook, or a sheet was "
                f"renamed or deleted (sheets: {', '.join(wb.sheetnames)})",
                file=file,
                sheet=sheet_name,
            )
    return wb


def _check_meta(wb: Any, file: str, methodology: Methodology | None) -> Methodology:
    """The methodology the workbook was made for, checked against ``methodology`` if given."""
    meta = _Sheet(file, wb[META_SHEET])
    fail = meta.fail
    for i, k in enumerate(("format", "methodology", "version", "fingerprint"), start=1):
        if _text(meta.value(i, 1)) != k:
            raise fail(f"expected the key {k!r}", META_SHEET, f"A{i}", value=meta.value(i, 1))
    if meta.value(1, 2) != FORMAT:
        raise fail(
            f"this workbook layout (format {meta.value(1, 2)!r}) is not the one this version of "
            f"parindex reads ({FORMAT})",
            META_SHEET,
            "B1",
            value=meta.value(1, 2),
        )
    mid = _text(meta.value(2, 2))
    version = _text(meta.value(3, 2))
    if methodology is None:
        from ...methodology.registry import load

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
    if _text(meta.value(4, 2)) not in (fingerprint(m), fingerprint(m, legacy=True)):
        raise fail(
            f"this workbook was made from a different text of {m.id} (its tree, maxima or rules "
            "differ); make a new template from the methodology you score with",
            META_SHEET,
            "B4",
            value=meta.value(4, 2),
        )
    return m


def _check_columns(sheet: _Sheet) -> None:
    for j, h in enumerate(Layout.headers(), start=1):
        found = _text(sheet.value(HEADER_ROW, j))
        if found != h:
            raise sheet.fail(
                f"expected the column {h!r} here; columns were moved, inserted or deleted "
                "(make a new template and copy the values)",
                MAIN_SHEET,
                f"{col(j)}{HEADER_ROW}",
                value=sheet.value(HEADER_ROW, j),
            )


def _check_merged(sheet: _Sheet) -> None:
    """Refuse cells merged by hand in the entry area: a merge keeps only the first cell's value
    and the others would be lost without a word."""
    for rng in sheet.ws.merged_cells.ranges:
        if rng.max_row >= DATA_ROW or (rng.max_row >= 3 and rng.min_row <= 5):
            raise sheet.fail(
                "cells are merged here; a merge keeps only the first cell's value: unmerge them "
                "and check every value",
                MAIN_SHEET,
                rng.coord.split(":")[0],
                value=rng.coord,
            )


def _check_rows(sheet: _Sheet, m: Methodology, lay: Layout) -> None:
    """Every row's code where the layout puts it, and nothing below the last row."""
    codes_known = {row_key(c, nm) for c, nm in lay.rows}
    for i, (code, name) in enumerate(lay.rows):
        row = DATA_ROW + i
        found = _text(sheet.value(row, 1))
        want = row_key(code, name)
        if found == want:
            continue
        cell = f"A{row}"
        if not found:
            raise sheet.fail(
                f"expected the row of {want} here, found an empty code: a row was deleted or "
                "inserted",
                MAIN_SHEET,
                cell,
                code=code,
            )
        if found in codes_known:
            raise sheet.fail(
                f"expected the row of {want} here, found {found}: rows were deleted, inserted "
                "or moved",
                MAIN_SHEET,
                cell,
                code=code,
                value=found,
            )
        raise sheet.fail(
            f"unknown code: {m.id} has no item {found!r} (expected {want} here)",
            MAIN_SHEET,
            cell,
            code=code,
            value=found,
        )
    end = DATA_ROW + len(lay.rows)
    # Only the cells the file holds, never the range up to max_row: one styled empty cell at
    # A1048576 would otherwise make this walk (and create) millions of cells.
    held = sorted(
        (r, j) for r, j in getattr(sheet.ws, "_cells", {}) if r >= end and j <= lay.last_col
    )
    for row, j in held:
        v = sheet.value(row, j)
        if not _empty(v):
            raise sheet.fail(
                f"unexpected content below the last item ({lay.rows[-1][0]}): rows may not be "
                "added" + (f"; unknown code {_text(v)!r}" if j == 1 else ""),
                MAIN_SHEET,
                f"{col(j)}{row}",
                value=v,
            )


def _read_entry(
    sheet: _Sheet,
    n: Node,
    lay: Layout,
    st: str,
    unit: str,
    stages: dict[str, dict[str, Entry]],
) -> None:
    """Read node ``n``'s cells of stage ``st`` into ``stages`` (nothing when they are empty)."""
    code = n.code
    row = lay.row_of(code)
    names = () if n.rule is None else n.rule.input_names()
    vc = Layout.stage_col(st, 0)
    ref = f"{col(vc)}{row}"
    raw = sheet.value(row, vc)
    evidence = tuple(
        x.strip()
        for x in sheet.text(f"{col(Layout.stage_col(st, 2))}{row}").replace("\n", ";").split(";")
        if x.strip()
    )
    note = sheet.text(f"{col(Layout.stage_col(st, 3))}{row}") or None
    where: dict[str, Any] = {"unit": unit or None, "code": code, "stage": st}
    if is_na_text(raw) or _text(raw).casefold() == "kad":
        sub_given = [nm for nm in names if not _empty(sheet.value(lay.row_of(code, nm), vc))]
        if sub_given:
            c = f"{col(vc)}{lay.row_of(code, sub_given[0])}"
            raise sheet.fail(
                "the item is marked not applicable, but an input is given below it",
                MAIN_SHEET,
                c,
                **where,
            )
        stages.setdefault(st, {})[code] = Entry(None, True, note, evidence)
        return
    if not n.is_leaf or names:
        if not _empty(raw):
            raise sheet.fail(
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
                _orphan(sheet, ref, evidence, note, where)
            return
        value = _read_inputs(sheet, n, lay, vc, names, where)
        if not value:
            if evidence or note:
                _orphan(sheet, ref, evidence, note, where)
            return
    else:
        if _empty(raw):
            if evidence or note:
                _orphan(sheet, ref, evidence, note, where)
            return
        value = _read_value(sheet, n, raw, ref, where)
        value = _percent(sheet, n, raw, value, sheet.ws[ref].number_format, ref, where)
    assert n.rule is not None
    try:
        checked = n.rule.check(value)
        n.rule.evaluate(checked, n.min, n.max)
    except ParIndexError as exc:
        raise AssessmentError(
            exc.message, file=sheet.file, sheet=MAIN_SHEET, cell=ref, value=value, **where
        ) from None
    stages.setdefault(st, {})[code] = Entry(n.rule.as_entered(value), False, note, evidence)


def _read_inputs(
    sheet: _Sheet,
    n: Node,
    lay: Layout,
    vc: int,
    names: tuple[str, ...],
    where: dict[str, Any],
) -> dict[str, Any]:
    """The named inputs given in the rows below item ``n`` (all of them, if its rule needs
    every input and any is given)."""
    assert n.rule is not None
    value: dict[str, Any] = {}
    for nm in names:
        r2 = lay.row_of(n.code, nm)
        v = sheet.value(r2, vc)
        if _empty(v):
            continue
        value[nm] = _cell_number(sheet, v, f"{col(vc)}{r2}", where)
    if value and n.rule.needs_every_input:
        missing = [nm for nm in names if nm not in value]
        if missing:
            r2 = lay.row_of(n.code, missing[0])
            raise sheet.fail(
                f"the formula needs every input; empty: {', '.join(missing)}",
                MAIN_SHEET,
                f"{col(vc)}{r2}",
                **where,
            )
    return value


def _read_value(sheet: _Sheet, n: Node, raw: Any, ref: str, where: dict[str, Any]) -> Any:
    """The value typed in an item's cell: a choice's code, or a number."""
    value = raw.strip() if isinstance(raw, str) else raw
    if isinstance(raw, str) and raw.startswith("="):
        raise sheet.fail(
            "a formula is not a value: type the value", MAIN_SHEET, ref, value=raw, **where
        )
    choices = () if n.rule is None else n.rule.choices(NA_TEXT)
    if choices:
        return next((c.code for c in choices if c.matches(str(value))), value)
    if isinstance(value, str):
        return _cell_number(sheet, value, ref, where)
    return value


def _is_percent_format(number_format: str) -> bool:
    """Whether an Excel number format shows the value times 100 (a ``%`` outside quotes)."""
    plain = re.sub(r'"[^"]*"|\\.', "", number_format or "")
    return "%" in plain


def _percent(
    sheet: _Sheet, n: Node, raw: Any, value: Any, number_format: str, ref: str, where: Any
) -> Any:
    """``value`` as a person typed it in a percent cell: ``90%`` in Excel or LibreOffice stores
    0.9 with a percent format, which means ninety percent (×100). A percent typed on an item
    whose input is not a percent is refused."""
    inp = getattr(n.rule, "input", None)
    is_percent_item = getattr(inp, "unit", None) == "percent"
    typed_percent = (isinstance(raw, str) and raw.strip().endswith("%")) or (
        isinstance(raw, int | float)
        and not isinstance(raw, bool)
        and _is_percent_format(number_format)
    )
    if not typed_percent:
        return value
    if not is_percent_item:
        raise sheet.fail(
            "a percentage was typed, but this item does not take a percentage",
            MAIN_SHEET,
            ref,
            value=raw,
            **where,
        )
    if isinstance(raw, int | float):
        return raw * 100
    return value


def _resolve(sheet: _Sheet, m: Methodology, lay: Layout, a: Assessment) -> None:
    """The checks that concern several cells (an item inside a node marked NA)."""

    try:
        resolve(m, a)
    except ParIndexError as exc:
        at: str | None = None
        if exc.code is not None and exc.stage is not None and exc.code in m:
            at = f"{col(Layout.stage_col(exc.stage, 0))}{lay.row_of(exc.code)}"
        raise AssessmentError(
            exc.message,
            file=sheet.file,
            sheet=MAIN_SHEET,
            cell=at,
            unit=exc.unit,
            code=exc.code,
            stage=exc.stage,
            **({"value": exc.value} if exc.has_value else {}),
        ) from None


def _orphan(
    sheet: _Sheet, ref: str, evidence: tuple[str, ...], note: str | None, where: Any
) -> None:
    raise sheet.fail(
        "evidence or a note is given without a value in this stage; give the value too (repeat "
        "the earlier stage's value if it is unchanged)",
        MAIN_SHEET,
        ref,
        value=note or "; ".join(evidence),
        **where,
    )


def _cell_number(sheet: _Sheet, v: Any, ref: str, where: Any) -> float | int:
    if isinstance(v, bool):
        raise sheet.fail("expected a number, found TRUE/FALSE", MAIN_SHEET, ref, value=v, **where)
    if isinstance(v, int | float):
        return v
    try:
        x = _maybe_number(_text(v), decimal=",")
    except ValueError as exc:
        raise sheet.fail(str(exc), MAIN_SHEET, ref, value=v, **where) from None
    if isinstance(x, int | float):
        return x
    raise sheet.fail("expected a number, found text", MAIN_SHEET, ref, value=v, **where)
