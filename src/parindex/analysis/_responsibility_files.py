"""The file formats of responsibility maps (YAML, CSV) and cascade files.

The readers check the files and return what they hold; :mod:`.responsibility` builds its objects
from them. (They stay in the analysis layer: the public loaders live in
:mod:`parindex.analysis.responsibility`, and ``parindex.io`` sits above analysis.)
"""

from __future__ import annotations

import datetime as dt
import os
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from .._files import csv_rows, read_text
from .._text import nfc_strip
from ..errors import MethodologyError, ResponsibilityError
from ..methodology.model import Label, Methodology
from ..methodology.yamlio import load_yaml
from .followup import Status, parse_deadline, parse_status

__all__ = [
    "PLACEHOLDERS",
    "Entry",
    "fill_template",
    "placeholders",
    "read_cascade",
    "read_responsibilities",
    "template_parts",
]

#: The names a remedy template may use.
PLACEHOLDERS = (
    "code",
    "label",
    "lost",
    "points",
    "max",
    "value",
    "next",
    "next_gain",
    "full",
    "full_gain",
    "lead",
    "cooperating",
)


class Entry(NamedTuple):
    """One entry of a responsibility map as read from its file (the fields of a Responsibility)."""

    code: str
    lead: tuple[str, ...]
    cooperating: tuple[str, ...]
    remedies: tuple[Label, ...]
    line: int | None
    row: int | None
    task: str | None = None
    deadline: dt.date | None = None
    status: Status = "todo"


def _task(
    item: Mapping[str, Any], *, file: str, line: int | None, row: int | None, code: str
) -> tuple[str | None, dt.date | None, Status]:
    """The follow-up fields of an item (``task``, ``deadline``, ``status``): a task needs a
    deadline, and a deadline or status needs a task."""
    task = str(item.get("task") or "").strip() or None
    raw_deadline, raw_status = item.get("deadline"), item.get("status")
    where: dict[str, Any] = {"file": file, "line": line, "row": row, "code": code}
    if task is None:
        if raw_deadline or raw_status:
            raise ResponsibilityError("a deadline or status needs a task", **where)
        return None, None, "todo"
    if not raw_deadline:
        raise ResponsibilityError("a task needs a deadline (YYYY-MM-DD)", **where)
    status = parse_status(raw_status, **where) if raw_status else "todo"
    return nfc_strip(task), parse_deadline(raw_deadline, **where), status


def _units_field(
    value: Any, *, file: str, line: int | None, row: int | None, code: str
) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = [x for x in (v.strip() for v in value.split(";")) if x]
        return tuple(nfc_strip(x) for x in parts)
    if isinstance(value, list) and all(isinstance(x, str) and x.strip() for x in value):
        return tuple(nfc_strip(x) for x in value)
    raise ResponsibilityError(
        "expected a unit id or a list of unit ids",
        file=file,
        line=line,
        row=row,
        code=code,
        value=value,
    )


def template_parts(text: str) -> list[tuple[str, str | None]]:
    """The parts of a remedy template: each literal text and the placeholder after it (``None``
    at the end). A placeholder is a bare name of :data:`PLACEHOLDERS`: format specs
    (``{lost:>9}``), conversions (``{code!r}``), attributes and indexes are refused with a
    ``ValueError``, so that filling a template never runs Python formatting."""
    parts: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            if spec or conversion is not None:
                raise ValueError(
                    f"placeholder {{{name}}} takes no format spec or conversion "
                    f"({'!' + conversion if conversion else ''}{':' + spec if spec else ''}); "
                    f"write {{{name}}}"
                )
            if name not in PLACEHOLDERS:
                raise ValueError(
                    f"unknown placeholder {{{name}}}; allowed: "
                    + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                )
        parts.append((literal, name))
    return parts


def fill_template(text: str, fields: Mapping[str, str]) -> str:
    """The remedy template ``text`` with its placeholders replaced by ``fields`` (as text)."""
    return "".join(
        lit + ("" if name is None else str(fields[name])) for lit, name in template_parts(text)
    )


def placeholders(text: str) -> tuple[str, ...]:
    """The placeholder names a remedy template uses, in order (``ValueError`` when malformed)."""
    return tuple(name for _, name in template_parts(text) if name is not None)


def _check_template(text: str, *, file: str, line: int | None, row: int | None, code: str) -> None:
    try:
        placeholders(text)
    except ValueError as exc:
        raise ResponsibilityError(
            f"remedy template: {exc}", file=file, line=line, row=row, code=code, value=text
        ) from None


def _remedy(value: Any, *, file: str, line: int | None, row: int | None, code: str) -> Label:
    if isinstance(value, str) and value.strip():
        lab = Label(nfc_strip(value))
    elif (
        isinstance(value, Mapping)
        and isinstance(value.get("vi"), str)
        and set(value) <= {"vi", "en"}
    ):
        en = value.get("en")
        lab = Label(nfc_strip(value["vi"]), nfc_strip(en) if isinstance(en, str) else None)
    else:
        raise ResponsibilityError(
            "a remedy is a text or {vi: ..., en: ...}",
            file=file,
            line=line,
            row=row,
            code=code,
            value=value,
        )
    _check_template(lab.vi, file=file, line=line, row=row, code=code)
    if lab.en:
        _check_template(lab.en, file=file, line=line, row=row, code=code)
    return lab


def _add(items: dict[str, Entry], resp: Entry, *, file: str) -> None:
    if resp.code in items:
        first = items[resp.code]
        where = f"line {first.line}" if first.line else f"row {first.row}"
        raise ResponsibilityError(
            f"the code is mapped twice (first at {where})",
            file=file,
            line=resp.line,
            row=resp.row,
            code=resp.code,
        )
    items[resp.code] = resp


def _read_yaml(text: str, file: str) -> tuple[str, str | None, dict[str, Entry]]:
    try:
        data = load_yaml(text, file=file)
    except MethodologyError as exc:
        raise ResponsibilityError(
            exc.message, file=file, line=exc.line, column=exc.column
        ) from None
    if not isinstance(data, Mapping):
        raise ResponsibilityError("a responsibility map is a mapping", file=file)
    allowed = {"parindex_responsibilities", "province", "methodology", "items", "note"}
    extra = sorted(set(data) - allowed)
    if extra:
        raise ResponsibilityError(
            f"unknown key; allowed: {', '.join(sorted(allowed))}", file=file, value=extra[0]
        )
    if data.get("parindex_responsibilities") != 1:
        raise ResponsibilityError(
            "the file must start with 'parindex_responsibilities: 1'",
            file=file,
            value=data.get("parindex_responsibilities"),
        )
    meth = data.get("methodology")
    if not isinstance(meth, str) or not meth:
        raise ResponsibilityError(
            "'methodology' (the id, e.g. vn-moha/province/2022) is required", file=file
        )
    seq = data.get("items")
    if not isinstance(seq, list):
        raise ResponsibilityError("'items' must be a list", file=file)
    marks = getattr(seq, "item_marks", [None] * len(seq))
    items: dict[str, Entry] = {}
    for item, mark in zip(seq, marks, strict=True):
        line = mark[0] if mark else None
        if not isinstance(item, Mapping):
            raise ResponsibilityError(
                "an item is a mapping with code, lead, cooperating, remedies", file=file, line=line
            )
        item_keys = {
            "code",
            "lead",
            "cooperating",
            "remedies",
            "note",
            "task",
            "deadline",
            "status",
        }
        extra = sorted(set(item) - item_keys)
        if extra:
            raise ResponsibilityError(
                f"unknown key in an item; allowed: {', '.join(sorted(item_keys))}",
                file=file,
                line=line,
                value=extra[0],
            )
        code = item.get("code")
        if isinstance(code, int | float) and not isinstance(code, bool):
            code = str(code)
        if not isinstance(code, str) or not code.strip():
            raise ResponsibilityError("an item needs a code", file=file, line=line, value=code)
        code = code.strip()
        lead = _units_field(item.get("lead"), file=file, line=line, row=None, code=code)
        coop = _units_field(item.get("cooperating"), file=file, line=line, row=None, code=code)
        rem_raw = item.get("remedies", [])
        if not isinstance(rem_raw, list):
            rem_raw = [rem_raw]
        remedies = tuple(_remedy(x, file=file, line=line, row=None, code=code) for x in rem_raw)
        follow = _task(item, file=file, line=line, row=None, code=code)
        _add(items, Entry(code, lead, coop, remedies, line, None, *follow), file=file)
    prov = data.get("province")
    return meth, (str(prov) if prov is not None else None), items


def _read_csv(
    text: str, file: str, methodology: str | None
) -> tuple[str, str | None, dict[str, Entry]]:
    table = csv_rows(text, file=file, error=ResponsibilityError)
    fields = table.header or []
    if "code" not in fields or "lead" not in fields:
        raise ResponsibilityError(
            "the CSV needs the columns code and lead (and optionally cooperating, remedy_vi, remedy_en, methodology, province)",
            file=file,
            row=1,
            value=fields,
        )
    known = {"code", "lead", "cooperating", "remedy_vi", "remedy_en", "methodology", "province"}
    known |= {"task", "deadline", "status"}
    unknown = [f for f in fields if f not in known]
    if unknown:
        raise ResponsibilityError(
            f"unknown column; expected {', '.join(sorted(known))}",
            file=file,
            row=1,
            value=unknown[0],
        )
    items: dict[str, Entry] = {}
    meth = methodology
    prov: str | None = None
    for i, raw in table.rows():
        if len(raw) > len(fields):
            raise ResponsibilityError(
                "the row has more cells than the header", file=file, row=i, value=raw
            )
        row = {k: nfc_strip(v) for k, v in zip(fields, raw, strict=False)}
        code = row.get("code", "")
        if not code:
            raise ResponsibilityError("empty code", file=file, row=i)
        if row.get("methodology"):
            if meth is not None and meth != row["methodology"]:
                raise ResponsibilityError(
                    f"every row must name the same methodology ({meth})",
                    file=file,
                    row=i,
                    value=row["methodology"],
                )
            meth = row["methodology"]
        if row.get("province"):
            prov = row["province"]
        lead = _units_field(row.get("lead", ""), file=file, line=None, row=i, code=code)
        coop = _units_field(row.get("cooperating", ""), file=file, line=None, row=i, code=code)
        vis = [x.strip() for x in row.get("remedy_vi", "").split("|") if x.strip()]
        ens = [x.strip() for x in row.get("remedy_en", "").split("|") if x.strip()]
        if ens and len(ens) != len(vis):
            raise ResponsibilityError(
                "remedy_en must have as many '|'-separated remedies as remedy_vi",
                file=file,
                row=i,
                code=code,
            )
        remedies = tuple(
            _remedy(
                {"vi": v} | ({"en": ens[j]} if ens else {}), file=file, line=None, row=i, code=code
            )
            for j, v in enumerate(vis)
        )
        follow = _task(row, file=file, line=None, row=i, code=code)
        _add(items, Entry(code, lead, coop, remedies, None, i, *follow), file=file)
    if meth is None:
        raise ResponsibilityError(
            "name the methodology: a 'methodology' column, or methodology=... when reading",
            file=file,
        )
    return meth, prov, items


def read_responsibilities(
    source: str | os.PathLike[str], methodology: str | None
) -> tuple[str, str, str | None, dict[str, Entry]]:
    """(file, methodology id, province, entries by code) of a responsibility map, YAML or CSV.

    ``methodology`` is the id to assume when a CSV file has no ``methodology`` column.
    """
    p = Path(source)
    file = str(p)
    suffix = p.suffix.lower()
    text = read_text(p, error=ResponsibilityError, wide=suffix == ".csv")
    if suffix == ".csv":
        meth, prov, items = _read_csv(text, file, methodology)
    elif suffix in (".yaml", ".yml"):
        meth, prov, items = _read_yaml(text, file)
    else:
        raise ResponsibilityError("expected a .yaml, .yml or .csv file", file=file, value=suffix)
    return file, meth, prov, items


def read_cascade(
    source: str | os.PathLike[str],
    province_methodology: Methodology | None,
    unit_methodology: Methodology | None,
) -> tuple[str, dict[str, tuple[str, ...]], str, str]:
    """(file, links, province methodology id, unit methodology id) of a cascade file.

    Codes are checked against each methodology given, link by link.
    """
    p = Path(source)
    p = Path(source)
    file = str(p)
    text = read_text(p, error=ResponsibilityError)
    try:
        data = load_yaml(text, file=file)
    except MethodologyError as exc:
        raise ResponsibilityError(
            exc.message, file=file, line=exc.line, column=exc.column
        ) from None
    if not isinstance(data, Mapping) or data.get("parindex_cascade") != 1:
        raise ResponsibilityError("a cascade file starts with 'parindex_cascade: 1'", file=file)
    allowed = {"parindex_cascade", "province_methodology", "unit_methodology", "links", "note"}
    extra = sorted(set(data) - allowed)
    if extra:
        raise ResponsibilityError(
            f"unknown key; allowed: {', '.join(sorted(allowed))}", file=file, value=extra[0]
        )
    pm, um = str(data.get("province_methodology", "")), str(data.get("unit_methodology", ""))
    raw = data.get("links")
    if not isinstance(raw, Mapping):
        raise ResponsibilityError("'links' maps a province code to a list of codes", file=file)
    marks = getattr(raw, "key_marks", {})
    links: dict[str, tuple[str, ...]] = {}
    for k, v in raw.items():
        line = marks.get(k, (None,))[0]
        codes = [v] if isinstance(v, str) else v
        if not isinstance(codes, list) or not all(isinstance(x, str | int | float) for x in codes):
            raise ResponsibilityError(
                "expected a list of codes", file=file, line=line, code=str(k), value=v
            )
        links[str(k)] = tuple(str(x) for x in codes)
        for name, meth, cs in (
            ("province", province_methodology, [str(k)]),
            ("unit", unit_methodology, links[str(k)]),
        ):
            if meth is None:
                continue
            want = pm if name == "province" else um
            if want and meth.id != want:
                raise ResponsibilityError(
                    f"the cascade is written for {want} as the {name} methodology, not {meth.id}",
                    file=file,
                    value=meth.id,
                )
            for c in cs:
                if c not in meth:
                    raise ResponsibilityError(
                        f"unknown code: {meth.id} has no such node", file=file, line=line, code=c
                    )
    return file, links, pm, um
