"""Rows of cells into annex rows: the one row parser for every format.

It finds the header (among the first 15 rows of a table; a table without one continues the
previous table, as a table split across pages does), recognises the columns by their usual
names, and reads each row. What it does not turn into a node it says: every non-empty row of the
source is an :class:`AnnexRow`, part of one (a guide line or a continued guide folded into the
row above), or a :class:`SkippedRow` with the reason.

Codes: ``I``, ``II`` open a part (its rows stand under it); ``1``, ``1.1``, ``1.1.1`` give the
tree; ``a)``, ``b)``, ``-``, ``+`` are guide lines of the row above. Where two parts reuse the
same codes, the codes inside parts are written ``II.1.2``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from typing import Any

import attrs

from ..._text import num_text
from ...errors import AnnexError
from ...methodology.loader import CODE_RE
from .._cells import column_letter
from .guide import clean, fold, join_wrapped, number
from .rows import SourceRow, Table, joined, read_tables

__all__ = ["AnnexRow", "AnnexTable", "SkippedRow", "read_annex_rows", "read_annex_table"]

_HEADERS = {
    "code": ("stt", "ma", "ma so", "code", "so thu tu", "tt", "so tt"),
    "name": (
        "noi dung",
        "ten",
        "linh vuc/tieu chi/tieu chi thanh phan",
        "linh vuc, tieu chi, tieu chi thanh phan",
        "linh vuc/tieu chi",
        "tieu chi/tieu chi thanh phan",
        "tieu chi",
        "name",
        "label",
        "noi dung danh gia",
        "noi dung tieu chi",
    ),
    "name_en": ("en", "name_en", "tieng anh", "english", "noi dung (tieng anh)"),
    "max": ("diem toi da", "diem", "max", "diem chuan", "thang diem", "toi da", "so diem toi da"),
    "guide": (
        "huong dan cham diem",
        "huong dan",
        "cach cham",
        "guide",
        "cach tinh diem",
        "ghi chu huong dan",
        "huong dan cham diem/phuong phap danh gia",
    ),
    "method": ("phuong phap", "method", "hinh thuc danh gia"),
    "assess": ("phuong phap danh gia", "phuong phap cham diem", "cach danh gia"),
    "evidence": ("tai lieu kiem chung", "tai lieu, ho so kiem chung", "ho so kiem chung"),
    "remark": ("ghi chu", "note"),
    "unused": (
        "tu danh gia",
        "diem tu danh gia",
        "tu cham",
        "tham dinh",
        "diem tham dinh",
        "ket qua tham dinh",
        "diem dat",
    ),
}
_METHODS = {
    "tham dinh": "appraisal",
    "appraisal": "appraisal",
    "dieu tra": "survey",
    "dieu tra xa hoi hoc": "survey",
    "xhh": "survey",
    "survey": "survey",
    "sipas": "sipas",
    "hai long": "sipas",
    "thong ke": "statistics",
    "statistics": "statistics",
}
_ROMAN = re.compile(r"^[IVXL]+$")
_GUIDE_MARK = re.compile(r"^(?:[a-zđ][).]|[-+•*–])$", re.I)
_CODE_AND_NAME = re.compile(
    r"^(?:phần\s+)?(?P<code>[IVXL]+|\d+(?:\.\d+)*)\s*[.):]?\s+(?P<name>\S.*)$", re.I | re.S
)
_TRAILING_MAX = re.compile(
    r"^(?P<name>.*?\S)\s*(?:\(|:|-)\s*(?P<pts>\d+(?:[.,]\d+)?)\s*điểm\)?$", re.I
)
_TOTAL = ("tong", "tong cong", "tong diem", "tong so diem", "total", "cong", "tong so")


@attrs.frozen
class AnnexRow:
    """One node of an annex table, cleaned."""

    row: int
    code: str
    name: str
    name_en: str | None
    max: float | None
    guide: str | None
    method: str | None
    parent: str | None = None  # the code of the node it stands under (None: the top)
    evidence: str | None = None  # "Tài liệu kiểm chứng"
    remark: str | None = None  # "Ghi chú"
    merged: tuple[int, ...] = ()  # source rows folded into this one (guide lines, page breaks)
    where: str = ""  # "table 2, row 5" / "page 3, table 1, row 4" when the row number is not it

    def place(self) -> str:
        return self.where or f"row {self.row}"


@attrs.frozen
class SkippedRow:
    """A source row that is not a node, and why."""

    row: int
    where: str
    reason: str
    text: str

    def line(self) -> str:
        shown = f": {self.text}" if self.text else ""
        return f"{self.where or f'row {self.row}'}: {self.reason}{shown}"


@attrs.frozen
class AnnexTable:
    """What the row parser made of a file."""

    rows: tuple[AnnexRow, ...]
    skipped: tuple[SkippedRow, ...]
    totals: tuple[tuple[SkippedRow, float], ...] = ()  # total rows with the points they state
    unused_columns: tuple[str, ...] = ()  # columns recognised and not read (Tự đánh giá, …)
    source_rows: tuple[int, ...] = ()  # every non-empty source row, for the count


def _head(c: Any) -> str:
    f = fold(str(c).replace("\n", " ")).strip().rstrip(":").strip()
    f = re.sub(r"\s*\(\d+\)$", "", f)  # "Điểm tối đa (3)"
    f = re.sub(r"\s*/\s*", "/", f)
    return re.sub(r"\s+", " ", f)


def _header_map(cells: Sequence[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for j, c in enumerate(cells):
        if c is None or not str(c).strip():
            continue
        f = _head(c)
        for key, names in _HEADERS.items():
            if (f in names or f.replace("/", " / ") in names) and key not in out:
                out[key] = j
                break
        else:
            if "name" not in out and (f.startswith("linh vuc") or f.startswith("tieu chi")):
                out["name"] = j
    return out


def _is_header(cells: Sequence[Any]) -> bool:
    cols = _header_map(cells)
    return "code" in cols and "name" in cols


def _column_numbers(cells: Sequence[Any]) -> bool:
    vals = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    nums = [re.fullmatch(r"\(?(\d+)\)?", v) for v in vals]
    if len(vals) < 3 or not all(nums):
        return False
    seq = [int(m.group(1)) for m in nums if m]
    return seq == list(range(seq[0], seq[0] + len(seq)))


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def read_annex_rows(
    path: str | os.PathLike[str], *, sheet: str | None = None
) -> tuple[AnnexRow, ...]:
    """The rows of an annex table (``.docx``, ``.pdf``, ``.xlsx``, ``.csv``), checked and cleaned."""
    return read_annex_table(path, sheet=sheet).rows


def read_annex_table(path: str | os.PathLike[str], *, sheet: str | None = None) -> AnnexTable:
    """The rows of an annex file with the rows skipped and why (see the module's docstring)."""
    return parse_tables(read_tables(path, sheet=sheet), file=str(path))


def parse_tables(tables: Sequence[Table], *, file: str) -> AnnexTable:
    """Rows of cells (from any reader of :mod:`.rows`) into annex rows."""
    p = _Parser(file)
    for t in tables:
        p.table(t)
    return p.finish()


class _Parser:
    def __init__(self, file: str) -> None:
        self.file = file
        self.cols: dict[str, int] | None = None
        self.headers: dict[int, str] = {}
        self.rows: list[AnnexRow] = []
        self.parts: list[str | None] = []  # the part each row stands in
        self.skipped: list[SkippedRow] = []
        self.totals: list[tuple[SkippedRow, float]] = []
        self.part: str | None = None
        self.sheet: str | None = None
        self.unused: dict[str, None] = {}
        self.source: list[int] = []

    def err(self, msg: str, src: SourceRow | None = None, **kw: Any) -> AnnexError:
        where = {} if src is None else {"row": src.row, "sheet": src.sheet}
        if src is not None and src.where:
            msg = f"{src.where}: {msg}"
        return AnnexError(msg, file=self.file, **(where | kw))

    def skip(self, src: SourceRow, reason: str) -> None:
        self.skipped.append(SkippedRow(src.row, src.where, reason, clean(joined(src.cells))))

    def table(self, rows: Table) -> None:
        start = 0
        again = self.cols is not None  # a table split across pages repeats its header
        for i, src in enumerate(rows[:15]):
            if _is_header(src.cells):
                self.set_header(src, rows[i + 1] if i + 1 < len(rows) else None)
                start = i + 1
                break
        else:
            if self.cols is None:
                raise AnnexError(
                    "no header row found in the first 15 rows: the table needs columns for the "
                    "code (STT), the name (Nội dung), the maximum (Điểm tối đa) and the guide "
                    "(Hướng dẫn chấm điểm)",
                    file=self.file,
                    sheet=rows[0].sheet if rows else None,
                )
        for src in rows[:start]:
            if any(c is not None and str(c).strip() for c in src.cells):
                self.source.append(src.row)
                head = "repeated header row" if again else "header row"
                reason = head if _is_header(src.cells) else "above the header row (title)"
                self.skip(src, reason)
        for k, src in enumerate(rows[start:]):
            # the first row of a table that continues the previous one may finish its last row
            if k == 0 and start == 0 and self.rows and self.wrapped(src):
                continue
            self.line(src)

    def set_header(self, src: SourceRow, below: SourceRow | None) -> None:
        cols = _header_map(src.cells)
        self.sheet = src.sheet
        # a two-line header: "Điểm" over "Tối đa | Tự đánh giá | Thẩm định"
        if below is not None and not _is_header(below.cells):
            sub = _header_map(below.cells)
            if sub and "code" not in sub and "name" not in sub:
                cols.update({k: j for k, j in sub.items() if k not in cols or k == "max"})
        for need in ("max", "guide"):
            if need not in cols and not (need == "guide" and "assess" in cols):
                label = {"max": "Điểm tối đa", "guide": "Hướng dẫn chấm điểm"}[need]
                raise self.err(f"the column {label!r} ({need}) is missing from the header", src)
        for c in src.cells:
            if c is not None and _head(c) in _HEADERS["unused"]:
                self.unused[clean(str(c))] = None
        self.cols = cols

    def wrapped(self, src: SourceRow) -> bool:
        """A row without a code at the top of a page: the rest of the row above, cut by the
        page break (the name, the guide, the evidence go on)."""
        if clean(_text(self.get(src, "code"))) or self.get(src, "max") is not None:
            return False
        name = clean(_text(self.get(src, "name")).replace("\n", " "))
        guide = _text(self.get(src, "guide")).strip()
        evidence = clean(_text(self.get(src, "evidence")).replace("\n", " "))
        if not (name or guide or evidence) or _is_header(src.cells):
            return False
        self.source.append(src.row)
        prev = self.rows[-1]
        self.rows[-1] = attrs.evolve(
            prev,
            name=f"{prev.name} {name}" if name else prev.name,
            guide=join_wrapped(prev.guide or "", guide) or None,
            evidence=_join(prev.evidence, evidence),
            merged=(*prev.merged, src.row),
        )
        return True

    def get(self, src: SourceRow, key: str) -> Any:
        assert self.cols is not None
        j = self.cols.get(key)
        return src.cells[j] if j is not None and j < len(src.cells) else None

    def line(self, src: SourceRow) -> None:
        cells = src.cells
        if all(c is None or not str(c).strip() for c in cells):
            return
        self.source.append(src.row)
        if _is_header(cells):
            self.skip(src, "repeated header row")
            return
        if _column_numbers(cells):
            self.skip(src, "column numbers row")
            return
        assert self.cols is not None
        code_raw = self.get(src, "code")
        code = clean(_text(code_raw)).rstrip(".")
        name = clean(_text(self.get(src, "name")).replace("\n", " "))
        mx_raw = self.get(src, "max")
        if not name or not code:
            # a row merged across the columns: "1. Công tác chỉ đạo …" or "I. ĐIỂM … (35 điểm)"
            whole = clean((code or name).replace("\n", " "))
            m = _CODE_AND_NAME.match(whole)
            if m and (not code or not CODE_RE.match(code)):
                code, name = m.group("code"), m.group("name")
                t = _TRAILING_MAX.match(name)
                if t and (mx_raw is None or not clean(_text(mx_raw))):
                    name, mx_raw = t.group("name"), t.group("pts")
        folded = fold(name or code)
        if folded.rstrip(":. ") in _TOTAL or re.match(r"^tong (cong|diem|so)\b", folded):
            self.skip(src, "total row")
            total = self.max_of(src, mx_raw, code or "total")
            if total is not None:
                self.totals.append((self.skipped[-1], total))
            return
        guide = _text(self.get(src, "guide")).strip()
        assess = clean(_text(self.get(src, "assess")))
        evidence = clean(_text(self.get(src, "evidence")).replace("\n", " "))
        if not code or _GUIDE_MARK.match(code):
            if not code and name:
                self.skip(src, "no code (STT): give it one, or leave it out")
                return
            # a guide line ("a) …", "- …") or the guide of the row above going on
            pts = self.max_of(src, mx_raw, code)
            lines = [f"{name}: {num_text(pts)} điểm" if pts is not None else name] if name else []
            if guide:
                lines.append(guide)
            if self.rows and (lines or evidence):
                prev = self.rows[-1]
                more = "\n".join(lines)
                self.rows[-1] = attrs.evolve(
                    prev,
                    guide=(prev.guide + "\n" + more if prev.guide else more)
                    if more
                    else prev.guide,
                    evidence=_join(prev.evidence, evidence),
                    merged=(*prev.merged, src.row),
                )
                return
            self.skip(src, "no code (STT) and no row above to add it to")
            return
        if not CODE_RE.match(code):
            raise self.err(
                "a code is letters, digits, '.', '_' or '-', such as 1.2.3",
                src,
                cell=src.cell_ref(self.cols["code"]),
                value=code_raw,
            )
        if not name:
            raise self.err(
                "the name is empty", src, cell=src.cell_ref(self.cols["name"]), code=code
            )
        mx = self.max_of(src, mx_raw, code)
        method = None
        method_raw = self.get(src, "method")
        if method_raw is not None and clean(str(method_raw)):
            method = _METHODS.get(fold(str(method_raw)))
            if method is None:
                raise self.err(
                    f"unknown method; expected one of {', '.join(sorted(set(_METHODS)))}",
                    src,
                    code=code,
                    value=method_raw,
                )
        if assess:
            if fold(assess) in _METHODS and method is None:
                method = _METHODS[fold(assess)]
            else:
                guide = f"{guide}\n{assess}" if guide else assess
        en = self.get(src, "name_en")
        remark = clean(_text(self.get(src, "remark")))
        if _ROMAN.match(code):
            self.part = code
            parent = None
        else:
            parent = code.rsplit(".", 1)[0] if "." in code else self.part
        self.parts.append(None if _ROMAN.match(code) else self.part)
        self.rows.append(
            AnnexRow(
                src.row,
                code,
                name,
                clean(str(en)) if en is not None and clean(str(en)) else None,
                mx,
                guide or None,
                method,
                parent,
                evidence or None,
                remark or None,
                where=src.where,
            )
        )

    def max_of(self, src: SourceRow, raw: Any, code: str) -> float | None:
        if raw is None or (isinstance(raw, str) and clean(raw) in ("", "-", "?")):
            return None
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            mx = float(raw)
        else:
            try:
                mx = number(clean(str(raw)).replace("điểm", "").replace("đ", ""))
            except ValueError:
                assert self.cols is not None
                raise self.err(
                    "expected a number of points (e.g. 1,5)",
                    src,
                    cell=src.cell_ref(self.cols["max"]),
                    code=code,
                    value=raw,
                ) from None
        if not math.isfinite(mx):
            raise self.err("the maximum must be a finite number", src, code=code, value=raw)
        return mx

    def finish(self) -> AnnexTable:
        if not self.rows:
            raise AnnexError(
                "the table has no rows below its header", file=self.file, sheet=self.sheet
            )
        rows = self.rows
        by_part: dict[str, set[str | None]] = {}
        for r, part in zip(rows, self.parts, strict=True):
            by_part.setdefault(r.code, set()).add(part)
        if any(len(ps) > 1 for ps in by_part.values()):
            # two parts number their rows alike: qualify the codes inside parts, II.1.2
            rows = [
                r
                if part is None
                else attrs.evolve(
                    r,
                    code=f"{part}.{r.code}",
                    parent=(
                        f"{part}.{r.parent}" if r.parent is not None and r.parent != part else part
                    ),
                )
                for r, part in zip(rows, self.parts, strict=True)
            ]
        seen: dict[str, AnnexRow] = {}
        for r in rows:
            if r.code in seen:
                raise AnnexError(
                    f"duplicate code (first at {seen[r.code].place()})",
                    file=self.file,
                    sheet=self.sheet,
                    cell=f"{_col(self)}{r.row}" if self.sheet else None,
                    row=r.row,
                    code=r.code,
                )
            seen[r.code] = r
        return AnnexTable(
            tuple(rows),
            tuple(self.skipped),
            tuple(self.totals),
            tuple(self.unused),
            tuple(self.source),
        )


def _col(p: _Parser) -> str:
    return column_letter((p.cols or {}).get("code", 0) + 1)


def _join(a: str | None, b: str) -> str | None:
    if not b:
        return a
    return f"{a} {b}" if a else b
