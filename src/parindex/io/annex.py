"""Official annex tables (phụ lục) into draft methodology files.

An annex lists every domain, criterion and sub-criterion with its code (STT), name, maximum
points and scoring guide (hướng dẫn chấm điểm). :func:`read_annex` reads such a table (``.csv``
or ``.xlsx``) and writes a draft methodology; :func:`parse_guide` turns the guide text of one
item into a rule when it has one of the usual shapes:

================================================  ===================================
guide lines                                       rule
================================================  ===================================
``Ban hành kịp thời: 1 điểm`` / ``Chậm: 0,5 điểm``  ``levels`` (negative points allowed)
``Từ 80% đến dưới 100%: 0,5 điểm`` / ``Dưới 80%``  ``bands`` on a percentage, edges kept
``Từ 80% đến 100%: điểm = tỷ lệ × điểm tối đa``     ``proportional`` (other lines: fixed)
``Mỗi báo cáo chậm trừ 0,25 điểm``                  ``deductions`` (floored at the minimum)
``Điểm = (b/a) × 1 + (c/a) × 0,5`` with ``a: …``   ``formula`` (clamped; check the inputs)
================================================  ===================================

Decimal commas, non-breaking spaces and both Unicode normalisations (NFC, NFD) are accepted.
A guide that is not understood in full stays, word for word, in the ``note`` of a leaf scored
with points given directly, and is listed in :attr:`AnnexDraft.unparsed` so that a person
finishes the file. Nothing is guessed: a band set that leaves a gap or overlaps, a level worth
more than the maximum, or a single level, is listed instead of being "repaired".
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from .._text import fold_ascii, nfc, num_text
from ..errors import AnnexError, ExpressionError, MethodologyError, MissingExtraError
from ..methodology.model import Methodology
from ._cells import column_letter

__all__ = [
    "AnnexDraft",
    "AnnexRow",
    "GuideIssue",
    "GuideParse",
    "parse_guide",
    "read_annex",
    "read_annex_rows",
]


# -- text helpers ---------------------------------------------------------------------------------


def clean(text: str) -> str:
    """NFC, non-breaking and other odd spaces made plain, runs of spaces collapsed."""
    t = re.sub(r"[\u00a0\u2007\u202f\u2009\u200b\t]", " ", nfc(text))
    t = t.replace("−", "-").replace("–", "-").replace("—", "-")
    return re.sub(r" {2,}", " ", t).strip()


def fold(text: str) -> str:
    """Lower case without diacritics (đ → d), for matching words."""
    return fold_ascii(clean(text))


_NUM = r"[-+]?\s*\d+(?:[.,]\d+)?"


def number(text: str) -> float:
    """A number written the Vietnamese way (``0,5``) or the English way (``0.5``)."""
    t = clean(text).replace(" ", "")
    if t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")
    elif t.count(".") >= 1 and t.count(",") == 1 and t.index(".") < t.index(","):
        t = t.replace(".", "").replace(",", ".")  # 1.234,5
    return float(t)


def slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")[:30].strip("_") or "level"
    if not base[0].isalpha():
        base = "l_" + base
    code = base
    k = 2
    while code.casefold() in taken:
        code = f"{base}_{k}"
        k += 1
    taken.add(code.casefold())
    return code


# -- guide parsing --------------------------------------------------------------------------------


@attrs.frozen
class GuideParse:
    """What :func:`parse_guide` made of a guide: a rule (as file data) or the reason it did not."""

    rule: Mapping[str, Any] | None
    min: float | None = None  # the node's minimum, when a level is negative
    lines: tuple[str, ...] = ()  # the guide's lines, cleaned
    unparsed: tuple[str, ...] = ()  # lines not understood
    reason: str | None = None  # why no rule was made
    check: str | None = None  # something a person should check in the rule that was made


_PTS = re.compile(rf"^(?P<head>.*?)\s*[:：]?\s*(?P<pts>{_NUM})\s*(?:điểm|đ)\.?$", re.I)
_DEDUCT = [
    re.compile(rf"^mỗi\s+(?P<label>.+?)\s*[:：,]?\s*trừ\s+(?P<pts>{_NUM})\s*điểm\.?$", re.I),
    re.compile(rf"^trừ\s+(?P<pts>{_NUM})\s*điểm\s*(?:cho\s+)?mỗi\s+(?P<label>.+?)\.?$", re.I),
    re.compile(
        rf"^(?P<label>.+?)\s*[:：]\s*trừ\s+(?P<pts>{_NUM})\s*điểm(?:\s*/\s*(?:lần|báo cáo|trường hợp))?\.?$",
        re.I,
    ),
]
_FLOOR = re.compile(r"^(?:tối đa trừ|trừ tối đa|không thấp hơn|điểm tối thiểu)", re.I)
_PROP = re.compile(
    r"(tỷ lệ|tỉ lệ).*(×|x|\*|nhân).*(điểm tối đa|số điểm tối đa)|điểm\s*=\s*(tỷ lệ|tỉ lệ)|tính theo tỷ lệ|tính theo tỉ lệ",
    re.I,
)
_FORMULA = re.compile(r"^điểm\s*(?:đạt)?\s*=\s*(?P<expr>.+)$", re.I)
_INPUT = re.compile(r"^(?:trong đó[:,]?\s*)?(?P<name>[a-zA-Z])\s*(?::|=|là)\s*(?P<label>.+)$", re.I)


def _band(head: str) -> tuple[float, float, bool, bool, bool] | None:
    """A percentage condition: (lo, hi, lo_inclusive, hi_inclusive, hi_ambiguous) or None."""
    h = fold(head).replace("%", " % ").replace("≥", " >= ").replace("≤", " <= ")
    h = re.sub(r"\s+", " ", h).strip().rstrip(":").strip()
    n = r"(\d+(?:[.,]\d+)?)"
    pats: list[tuple[str, Any]] = [
        (rf"^(?:dat )?tu {n} ?% den duoi {n} ?%$", lambda a, b: (a, b, True, False, False)),
        (rf"^(?:dat )?tu {n} ?% den {n} ?%$", lambda a, b: (a, b, True, True, False)),
        (rf"^(?:dat )?tren {n} ?% den duoi {n} ?%$", lambda a, b: (a, b, False, False, False)),
        (rf"^(?:dat )?tren {n} ?% den {n} ?%$", lambda a, b: (a, b, False, True, False)),
        (rf"^(?:dat )?{n} ?% ?- ?{n} ?%$", lambda a, b: (a, b, True, True, True)),
        (rf"^(?:dat )?{n} ?- ?{n} ?%$", lambda a, b: (a, b, True, True, True)),
        (rf"^(?:dat )?(?:duoi|< ?) ?{n} ?%$", lambda a: (0.0, a, True, False, False)),
        (rf"^(?:dat )?(?:<= ?){n} ?%$", lambda a: (0.0, a, True, True, False)),
        (rf"^(?:dat )?(?:tu|>= ?) ?{n} ?% ?(?:tro len)?$", lambda a: (a, 100.0, True, True, False)),
        (rf"^(?:dat )?{n} ?% tro len$", lambda a: (a, 100.0, True, True, False)),
        (rf"^(?:dat )?(?:tren|> ?) ?{n} ?%$", lambda a: (a, 100.0, False, True, False)),
        (rf"^(?:dat )?{n} ?%$", lambda a: (a, a, True, True, False)),
    ]
    pre = r"^(?:[^\d%]*? )?"
    post = r"(?: [^\d%]+)?$"
    for pat, make in pats:
        m = re.match(pre + pat[1:-1] + post, h)
        if m:
            vals = [number(g) for g in m.groups()]
            out: tuple[float, float, bool, bool, bool] = make(*vals)
            return out
    return None


def _split(text: str) -> list[str]:
    lines = []
    for raw in re.split(r"[\n;]+", clean(text.replace("\r", "\n"))):
        t = re.sub(r"^(?:[-+•*·]|[a-zđ]\)|\d+\))\s*", "", raw.strip(), flags=re.I).strip()
        t = t.rstrip(".").strip()
        if t:
            lines.append(t)
    return lines


def parse_guide(text: str | None, max_points: float | None, min_points: float = 0.0) -> GuideParse:
    """Make a rule of a scoring guide, or say why not (the text is then kept as it is)."""
    if text is None or not clean(text):
        return GuideParse(None, reason="no scoring guide")
    lines = _split(text)
    tl = tuple(lines)
    if max_points is None:
        return GuideParse(None, lines=tl, unparsed=tl, reason="the maximum is not given")
    # formula
    for i, line in enumerate(lines):
        fm = _FORMULA.match(line)
        if fm and not _PROP.search(line):
            return _formula(
                fm.group("expr"), lines[:i] + lines[i + 1 :], tl, max_points, min_points
            )
    levels: list[tuple[str, float]] = []
    bands: list[tuple[tuple[float, float, bool, bool, bool], float, str]] = []
    prop: list[tuple[float, float, bool, bool, bool]] = []
    deducts: list[tuple[str, float]] = []
    start: float | None = None
    unparsed: list[str] = []
    for line in lines:
        d = next((p.match(line) for p in _DEDUCT if p.match(line)), None)
        if d:
            deducts.append((d.group("label").strip(), abs(number(d.group("pts")))))
            continue
        if _FLOOR.match(line):
            continue
        if _PROP.search(line):
            head = re.split(r"[:：]", line, maxsplit=1)[0]
            b = _band(head)
            if b is not None:
                prop.append(b)
                continue
            unparsed.append(line)
            continue
        pm = _PTS.match(line)
        if pm and pm.group("head").strip():
            head = pm.group("head").strip().rstrip(":：").strip()
            pts = number(pm.group("pts"))
            b = _band(head)
            if b is not None:
                bands.append((b, pts, line))
            else:
                levels.append((head, pts))
            continue
        unparsed.append(line)
    if unparsed:
        return GuideParse(None, lines=tl, unparsed=tuple(unparsed), reason="lines not understood")
    if deducts:
        if bands or prop or len(levels) > 1:
            return _no(tl, "deductions mixed with levels or bands")
        if levels:
            start = levels[0][1]
            if start != max_points:
                return _no(
                    tl,
                    f"the starting points ({num_text(start)}) differ from the maximum ({num_text(max_points)})",
                )
        taken: set[str] = set()
        items = [{"code": slug(lb, taken), "points": p, "label": {"vi": lb}} for lb, p in deducts]
        return GuideParse({"kind": "deductions", "items": items}, lines=tl)
    if prop:
        if len(prop) != 1 or levels:
            return _no(tl, "a proportional line must come with fixed bands only")
        others = {p for _, p, _ in bands}
        if len(others) > 1:
            return _no(tl, "the lines outside the proportional band give different points")
        otherwise = others.pop() if others else 0.0
        lo, hi, li, hinc, _ = prop[0]
        rng = f"{'[' if li else '('}{num_text(lo)}, {num_text(hi)}{']' if hinc else ')'}"
        return GuideParse(
            {
                "kind": "proportional",
                "input": {"unit": "percent"},
                "range": rng,
                "full": 100,
                "otherwise": otherwise,
            },
            lines=tl,
        )
    if bands and levels:
        return _no(tl, "percentage bands mixed with levels")
    if bands:
        return _bands(bands, tl, max_points, min_points)
    if len(levels) >= 2:
        level_pts = [p for _, p in levels]
        if max(level_pts) > max_points:
            return _no(
                tl,
                f"a level gives {num_text(max(level_pts))} points, above the maximum {num_text(max_points)}",
            )
        taken = set()
        lv = [{"code": slug(lb, taken), "points": p, "label": {"vi": lb}} for lb, p in levels]
        lo = min(level_pts)
        return GuideParse(
            {"kind": "levels", "levels": lv}, min=lo if lo < min_points else None, lines=tl
        )
    return _no(tl, "a single level: the other levels are not written")


def _no(lines: tuple[str, ...], reason: str) -> GuideParse:
    return GuideParse(None, lines=lines, unparsed=lines, reason=reason)


def _bands(
    bands: list[tuple[tuple[float, float, bool, bool, bool], float, str]],
    lines: tuple[str, ...],
    mx: float,
    mn: float,
) -> GuideParse:
    from ..methodology.rules import Band

    def contains(b: tuple[float, float, bool, bool, bool], x: float) -> bool:
        return Band(b[0], b[1], b[2], b[3]).contains(x)

    fixed = []
    for b, p, line in bands:
        lo, hi, li, hinc, amb = b
        if amb and any(contains(o, hi) for o, _, _ in bands if o is not b):
            hinc = False  # "70-90%" next to "từ 90%": 90 belongs to the other band
        if lo > hi or (lo == hi and not (li and hinc)):
            return _no(lines, f"an empty band in {line!r}")
        fixed.append(((lo, hi, li, hinc), p))
    objs = [(Band(*b), p) for b, p in fixed]
    for i, (a, _) in enumerate(objs):
        for c, _ in objs[i + 1 :]:
            if a.overlaps(c):
                return _no(lines, f"the bands {a} and {c} overlap")
    edges = sorted({0.0, 100.0, *(b.lo for b, _ in objs), *(b.hi for b, _ in objs)})
    probes = edges + [(a + b) / 2 for a, b in itertools.pairwise(edges)]
    for x in probes:
        if 0 <= x <= 100 and not any(b.contains(x) for b, _ in objs):
            return _no(lines, f"the value {num_text(x)}% falls in none of the bands")
    pts = [p for _, p in objs]
    if max(pts) > mx:
        return _no(
            lines, f"a band gives {num_text(max(pts))} points, above the maximum {num_text(mx)}"
        )
    out = [{"range": str(b), "points": p} for b, p in objs]
    lo = min(pts)
    return GuideParse(
        {"kind": "bands", "input": {"unit": "percent"}, "bands": out},
        min=lo if lo < mn else None,
        lines=lines,
    )


def _formula(
    expr_text: str, rest: list[str], lines: tuple[str, ...], mx: float, mn: float
) -> GuideParse:
    from ..expr import parse

    t = clean(expr_text).replace("×", "*").replace("÷", "/").replace(":", "/")
    t = re.sub(r"(?<=[\d)\s])x(?=[\s\d(])", "*", t)
    t = re.sub(r"(\d),(\d)", r"\1.\2", t)
    inputs: dict[str, Any] = {}
    unparsed = []
    for line in rest:
        for part in re.split(r",\s*(?=[a-zA-Z]\s*(?::|=|là)\s)", line):
            m = _INPUT.match(part.strip())
            if m:
                inputs[m.group("name")] = {"label": {"vi": m.group("label").strip().rstrip(".")}}
            else:
                unparsed.append(part.strip())
    if unparsed:
        return GuideParse(
            None, lines=lines, unparsed=tuple(unparsed), reason="lines not understood"
        )
    try:
        e = parse(t, allowed_names=list(inputs))
    except ExpressionError as exc:
        return _no(lines, f"the formula cannot be read: {exc.message}")
    if set(e.names) != set(inputs):
        return _no(lines, "the formula's names and the inputs described do not match")
    return GuideParse(
        {"kind": "formula", "expr": t, "inputs": inputs, "clamp": True},
        lines=lines,
        check=(
            "formula imported with clamp: true and no rule for a zero divisor; check each "
            "input's bounds (max: another input), whole numbers, and on_zero_division"
        ),
    )


# -- tables ---------------------------------------------------------------------------------------

_HEADERS = {
    "code": ("stt", "ma", "ma so", "code", "so thu tu", "tt"),
    "name": (
        "noi dung",
        "ten",
        "linh vuc/tieu chi/tieu chi thanh phan",
        "linh vuc, tieu chi, tieu chi thanh phan",
        "tieu chi",
        "name",
        "label",
        "noi dung danh gia",
        "linh vuc / tieu chi / tieu chi thanh phan",
    ),
    "name_en": ("en", "name_en", "tieng anh", "english", "noi dung (tieng anh)"),
    "max": ("diem toi da", "diem", "max", "diem chuan", "thang diem"),
    "guide": (
        "huong dan cham diem",
        "huong dan",
        "cach cham",
        "guide",
        "cach tinh diem",
        "ghi chu huong dan",
    ),
    "method": ("phuong phap", "method", "hinh thuc danh gia"),
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


@attrs.frozen
class AnnexRow:
    """One row of an annex table, cleaned."""

    row: int
    code: str
    name: str
    name_en: str | None
    max: float | None
    guide: str | None
    method: str | None


@attrs.frozen
class GuideIssue:
    """A guide that stayed as text: where it is, its lines and why."""

    code: str
    row: int
    lines: tuple[str, ...]
    reason: str

    def text(self) -> str:
        shown = " | ".join(self.lines)
        return f"row {self.row}, node {self.code}: {self.reason}: {shown}"


@attrs.frozen
class AnnexDraft:
    """The draft methodology made from an annex table."""

    text: str  # the YAML file
    rows: tuple[AnnexRow, ...]
    rules: Mapping[str, str]  # leaf code -> rule kind made from its guide
    unparsed: tuple[GuideIssue, ...]  # guides kept as text on a points leaf (in 'note')
    checks: tuple[str, ...]  # things to check in rules that were made
    problems: tuple[str, ...]  # why the draft does not load yet ('' when it does)
    methodology: Methodology | None = attrs.field(default=None, eq=False, repr=False)
    file: str | None = None

    @property
    def valid(self) -> bool:
        return self.methodology is not None

    def report(self) -> str:
        """What was made and what is left for a person, in plain lines."""
        kinds: dict[str, int] = {}
        for k in self.rules.values():
            kinds[k] = kinds.get(k, 0) + 1
        out = [
            f"{len(self.rows)} rows read; rules made from the guides: "
            + (", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) or "none")
        ]
        if self.unparsed:
            out.append(
                f"{len(self.unparsed)} guide(s) kept as text on a points leaf (finish them by hand):"
            )
            out.extend("  - " + g.text() for g in self.unparsed)
        if self.checks:
            out.append("to check:")
            out.extend("  - " + c for c in self.checks)
        if self.problems:
            out.append("the draft does not pass validation yet:")
            out.extend("  - " + p for p in self.problems)
        else:
            out.append("the draft passes validation")
        return "\n".join(out)

    def write(self, path: str | os.PathLike[str]) -> Path:
        p = Path(path)
        p.write_text(self.text, encoding="utf-8")
        return p


def _header_map(cells: Sequence[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for j, c in enumerate(cells):
        if c is None:
            continue
        f = fold(str(c)).strip().rstrip(":")
        for key, names in _HEADERS.items():
            if f in names and key not in out:
                out[key] = j
    return out


def read_annex_rows(
    path: str | os.PathLike[str], *, sheet: str | None = None
) -> tuple[AnnexRow, ...]:
    """The rows of an annex table (``.csv`` or ``.xlsx``), checked and cleaned."""
    p = Path(path)
    file = str(p)
    suffix = p.suffix.lower()
    where_sheet: str | None = None
    if suffix == ".csv":
        try:
            text = p.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            raise AnnexError(
                f"cannot read the file: {exc.strerror}",
                file=file,
                error_code="file-not-readable",
                params={"reason": exc.strerror},
            ) from None
        except UnicodeDecodeError as exc:
            raise AnnexError(
                f"not UTF-8 text (byte {exc.start})",
                file=file,
                error_code="file-not-utf8",
                params={"byte": exc.start},
            ) from None
        first = text.splitlines()[0] if text.strip() else ""
        delim = ";" if first.count(";") > first.count(",") else ","
        table = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delim)]
    elif suffix in (".xlsx", ".xlsm"):
        try:
            import openpyxl
        except ImportError:
            raise MissingExtraError.for_extra(
                "openpyxl", "xlsx", "reading an annex workbook"
            ) from None
        try:
            wb = openpyxl.load_workbook(file, data_only=True, read_only=True)
        except FileNotFoundError:
            raise AnnexError("the file does not exist", file=file) from None
        except Exception as exc:
            raise AnnexError(f"not an .xlsx workbook ({type(exc).__name__})", file=file) from None
        if sheet is not None and sheet not in wb.sheetnames:
            raise AnnexError(
                f"no such sheet; the workbook has {', '.join(wb.sheetnames)}",
                file=file,
                sheet=sheet,
            )
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        where_sheet = ws.title
        table = [list(r) for r in ws.iter_rows(values_only=True)]
    else:
        raise AnnexError("unknown file type; expected .csv or .xlsx", file=file, value=suffix)
    head_at = None
    cols: dict[str, int] = {}
    for i, r in enumerate(table[:15]):
        cols = _header_map(r)
        if "code" in cols and "name" in cols:
            head_at = i
            break
    if head_at is None:
        raise AnnexError(
            "no header row found in the first 15 rows: the table needs columns for the code "
            "(STT), the name (Nội dung), the maximum (Điểm tối đa) and the guide (Hướng dẫn chấm điểm)",
            file=file,
            sheet=where_sheet,
        )
    for need in ("max", "guide"):
        if need not in cols:
            label = {"max": "Điểm tối đa", "guide": "Hướng dẫn chấm điểm"}[need]
            raise AnnexError(
                f"the column {label!r} ({need}) is missing from the header",
                file=file,
                sheet=where_sheet,
                row=head_at + 1,
            )
    rows: list[AnnexRow] = []
    seen: dict[str, int] = {}

    def get(r: Sequence[Any], key: str) -> Any:
        j = cols.get(key)
        return r[j] if j is not None and j < len(r) else None

    from ..methodology.loader import CODE_RE

    for i, r in enumerate(table[head_at + 1 :], start=head_at + 2):
        if all(c is None or not str(c).strip() for c in r):
            continue
        code_raw = get(r, "code")
        code = clean(_cell_text(code_raw)).rstrip(".")
        name = clean(_cell_text(get(r, "name")))
        cell = _cell_ref(cols["code"], i) if where_sheet else None
        if not code:
            if fold(name) in ("tong", "tong cong", "tong diem", "total", "cong"):
                continue
            more = get(r, "guide")
            if not name and rows and more is not None and clean(str(more)):
                # the guide of the row above goes on (merged cells, one line per row)
                prev = rows[-1]
                rows[-1] = attrs.evolve(prev, guide=(prev.guide or "") + "\n" + str(more))
                continue
            raise AnnexError(
                "a row without a code (STT): give it one, or delete the row",
                file=file,
                sheet=where_sheet,
                cell=cell,
                row=i,
                value=name,
            )
        if not CODE_RE.match(code):
            raise AnnexError(
                "a code is letters, digits, '.', '_' or '-', such as 1.2.3",
                file=file,
                sheet=where_sheet,
                cell=cell,
                row=i,
                value=code_raw,
            )
        if code in seen:
            raise AnnexError(
                f"duplicate code (first at row {seen[code]})",
                file=file,
                sheet=where_sheet,
                cell=cell,
                row=i,
                code=code,
            )
        seen[code] = i
        if not name:
            raise AnnexError(
                "the name is empty",
                file=file,
                sheet=where_sheet,
                cell=_cell_ref(cols["name"], i) if where_sheet else None,
                row=i,
                code=code,
            )
        mx_raw = get(r, "max")
        mx: float | None
        if mx_raw is None or (isinstance(mx_raw, str) and clean(mx_raw) in ("", "-", "?")):
            mx = None
        elif isinstance(mx_raw, int | float) and not isinstance(mx_raw, bool):
            mx = float(mx_raw)
        else:
            try:
                mx = number(str(mx_raw).replace("điểm", ""))
            except ValueError:
                raise AnnexError(
                    "expected a number of points (e.g. 1,5)",
                    file=file,
                    sheet=where_sheet,
                    cell=_cell_ref(cols["max"], i) if where_sheet else None,
                    row=i,
                    code=code,
                    value=mx_raw,
                ) from None
        if mx is not None and not math.isfinite(mx):
            raise AnnexError(
                "the maximum must be a finite number", file=file, row=i, code=code, value=mx_raw
            )
        method_raw = get(r, "method")
        method = None
        if method_raw is not None and clean(str(method_raw)):
            method = _METHODS.get(fold(str(method_raw)))
            if method is None:
                raise AnnexError(
                    f"unknown method; expected one of {', '.join(sorted(set(_METHODS)))}",
                    file=file,
                    sheet=where_sheet,
                    row=i,
                    code=code,
                    value=method_raw,
                )
        guide = get(r, "guide")
        en = get(r, "name_en")
        rows.append(
            AnnexRow(
                i,
                code,
                name,
                clean(str(en)) if en is not None and clean(str(en)) else None,
                mx,
                None if guide is None or not clean(str(guide)) else str(guide),
                method,
            )
        )
    if not rows:
        raise AnnexError("the table has no rows below its header", file=file, sheet=where_sheet)
    return tuple(rows)


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _cell_ref(col0: int, row: int) -> str:
    return f"{column_letter(col0 + 1)}{row}"


def read_annex(
    path: str | os.PathLike[str],
    *,
    issuer: str = "draft",
    scheme: str = "annex",
    version: str = "2025",
    years: Sequence[int] | None = None,
    title: str | None = None,
    decision: str = "DRAFT",
    date: str | None = None,
    scale: float | None = None,
    status: str = "inferred",
    method: str = "appraisal",
    not_applicable: str = "drop",
    sheet: str | None = None,
) -> AnnexDraft:
    """Read an annex table and make a draft methodology (see the module's docstring).

    ``status`` defaults to ``inferred``: a table typed from a decision must be checked against
    it before the file says ``confirmed``. ``method`` is used where the table has no method
    column. ``scale`` defaults to the sum of the top-level maxima.
    """
    import yaml

    rows = read_annex_rows(path, sheet=sheet)
    file = str(path)
    codes = {r.code for r in rows}
    kids: dict[str, list[AnnexRow]] = {}
    top: list[AnnexRow] = []
    for r in rows:
        parent = r.code.rsplit(".", 1)[0] if "." in r.code else None
        if parent is not None and parent not in codes:
            raise AnnexError(
                f"the parent {parent} of this code is not in the table (codes give the tree: "
                "1.2.3 stands under 1.2)",
                file=file,
                row=r.row,
                code=r.code,
            )
        if parent is None:
            top.append(r)
        else:
            kids.setdefault(parent, []).append(r)
    rules: dict[str, str] = {}
    unparsed: list[GuideIssue] = []
    checks: list[str] = []

    def node(r: AnnexRow) -> dict[str, Any]:
        d: dict[str, Any] = {"code": r.code}
        d["label"] = {"vi": r.name, "en": r.name_en} if r.name_en else {"vi": r.name}
        children = kids.get(r.code, [])
        if r.max is not None or not children:
            d["max"] = r.max
        if r.method is not None:
            d["method"] = r.method
        if not children:
            g = parse_guide(r.guide, r.max)
            if g.rule is not None:
                if g.min is not None:
                    d["min"] = g.min
                d["rule"] = dict(g.rule)
                rules[r.code] = str(g.rule["kind"])
                if g.check:
                    checks.append(f"row {r.row}, node {r.code}: {g.check}")
            else:
                if r.guide is not None:
                    d["note"] = clean(r.guide) if "\n" not in r.guide else r.guide.strip()
                    unparsed.append(
                        GuideIssue(r.code, r.row, g.unparsed or g.lines, g.reason or "")
                    )
                rules[r.code] = "points"
                if r.max is None:
                    checks.append(
                        f"row {r.row}, node {r.code}: the maximum is not given (max: null)"
                    )
        else:
            if r.guide is not None:
                d["note"] = clean(r.guide)
            d["children"] = [node(c) for c in children]
        return d

    nodes = []
    for r in top:
        n = node(r)
        if "method" not in n:
            n = _with_method(n, method)
        nodes.append(n)
    if scale is None:
        known = [r.max for r in top]
        scale = (
            math.fsum(x for x in known if x is not None)
            if all(x is not None for x in known)
            else None
        )
        if scale is None:
            checks.append("the scale is unknown (a top-level maximum is missing): pass scale=")
            scale = 100.0
    src = Path(file).name
    data: dict[str, Any] = {
        "parindex": 1,
        "issuer": issuer,
        "scheme": scheme,
        "version": str(version),
        "years": list(years) if years else [int(version)] if str(version).isdigit() else [2025],
        "title": {
            "vi": title or f"Bản nháp từ phụ lục {src}",
            "en": f"Draft imported from the annex table {src}",
        },
        "status": status,
        "detail": "full",
        "source": f"imported from the annex table {src} by parindex import-annex; check every figure against the decision",
        "legal_basis": {"decision": decision} | ({"date": date} if date else {}),
        "scale": scale if scale != int(scale) else int(scale),
        "not_applicable": not_applicable,
        "missing": "zero",
        "rounding": {"decimals": 2},
        "nodes": nodes,
    }
    header = (
        f"# DRAFT imported from {src} by parindex import-annex.\n"
        f"# {len(unparsed)} scoring guide(s) could not be turned into rules: they are kept as text in\n"
        "# 'note' on leaves scored with points given directly. Finish them, check every number\n"
        "# against the decision, then set 'status'.\n"
    )
    text = header + yaml.safe_dump(_tidy(data), allow_unicode=True, sort_keys=False, width=100)
    problems: list[str] = []
    m: Methodology | None = None
    from ..methodology.loader import load_text

    out_name = f"{Path(file).stem}.yaml"
    try:
        m = load_text(text, file=out_name)
    except MethodologyError as exc:
        problems.append(str(exc))
    return AnnexDraft(text, rows, rules, tuple(unparsed), tuple(checks), tuple(problems), m, file)


def _tidy(x: Any) -> Any:
    """Whole floats written as integers (max: 6, not 6.0)."""
    if isinstance(x, float) and x.is_integer():
        return int(x)
    if isinstance(x, dict):
        return {k: _tidy(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_tidy(v) for v in x]
    return x


def _with_method(n: dict[str, Any], method: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in n.items():
        out[k] = v
        if k == "max" or (k == "label" and "max" not in n):
            out["method"] = method
    if "method" not in out:
        out["method"] = method
    return out
