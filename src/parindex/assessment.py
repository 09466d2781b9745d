"""What a unit did: input values per leaf, kept per stage, never overwritten.

Stages, from earliest to latest:

==============  ====================  =======================
``self``        tự đánh giá           self-assessment
``survey``      kết quả điều tra      survey results
``appraisal1``  thẩm định lần 1       appraisal, first round
``appraisal2``  thẩm định lần 2       appraisal, second round
==============  ====================  =======================

The score uses, for each item, the latest stage that gives it; every stage stays visible.
"""

from __future__ import annotations

import math
import os
import re
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from . import _hooks, _types
from ._files import csv_rows, load_json, read_text
from ._text import fold_ascii, fold_case, nfc_strip
from .errors import AssessmentError, MethodologyError
from .methodology.yamlio import load_yaml

if TYPE_CHECKING:
    from .methodology.model import Methodology

__all__ = [
    "NA",
    "STAGES",
    "STAGE_LABELS",
    "STAGE_POSITION",
    "Assessment",
    "Entry",
    "read_assessments",
]

#: The stages in order; the values (and the ``Stage`` literal) are defined once in
#: parindex._types, typed here as plain strings because stages are read from files as text.
STAGES: tuple[str, ...] = _types.STAGES
#: stage → its position in :data:`STAGES` (the order in which later stages override earlier ones)
STAGE_POSITION: Mapping[str, int] = MappingProxyType({s: i for i, s in enumerate(STAGES)})
STAGE_LABELS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "self": ("Tự đánh giá", "Self-assessment"),
        "survey": ("Kết quả điều tra", "Survey result"),
        "appraisal1": ("Thẩm định lần 1", "Appraisal, round 1"),
        "appraisal2": ("Thẩm định lần 2", "Appraisal, round 2"),
    }
)
_STAGE_ALIASES = {
    "self": "self",
    "tu_danh_gia": "self",
    "tự đánh giá": "self",
    "tdg": "self",
    "survey": "survey",
    "dieu_tra": "survey",
    "điều tra": "survey",
    "appraisal1": "appraisal1",
    "appraisal": "appraisal1",
    "tham_dinh_1": "appraisal1",
    "thẩm định lần 1": "appraisal1",
    "thẩm định": "appraisal1",
    "appraisal2": "appraisal2",
    "tham_dinh_2": "appraisal2",
    "thẩm định lần 2": "appraisal2",
}


class _NotApplicable:
    """The marker for an item that does not apply to a unit (không áp dụng)."""

    _instance: _NotApplicable | None = None

    def __new__(cls) -> _NotApplicable:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NA"

    def __reduce__(self) -> str:
        return "NA"


#: Give this as a value to say that an item does not apply to the unit.
NA = _NotApplicable()
_NA_TEXTS = {"na", "n/a", "kad", "không áp dụng", "khong ap dung", "not applicable"}


def is_na_text(value: Any) -> bool:
    return isinstance(value, str) and fold_case(value) in _NA_TEXTS


def stage_name(
    value: Any, *, unit: str | None = None, row: int | None = None, file: str | None = None
) -> str:
    if isinstance(value, str):
        key = fold_case(value)
        if key in _STAGE_ALIASES:
            return _STAGE_ALIASES[key]
    raise AssessmentError(
        f"unknown stage; expected one of {', '.join(STAGES)}",
        unit=unit,
        row=row,
        file=file,
        value=value,
    )


@attrs.frozen
class Entry:
    """One input: the value (or NA), a note, and references to evidence documents."""

    value: Any = None
    not_applicable: bool = False
    note: str | None = None
    evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.not_applicable:
            out["not_applicable"] = True
        else:
            out["value"] = dict(self.value) if isinstance(self.value, Mapping) else self.value
        if self.note:
            out["note"] = self.note
        if self.evidence:
            out["evidence"] = list(self.evidence)
        return out


def make_entry(value: Any) -> Entry:
    if isinstance(value, Entry):
        return value
    if value is NA or is_na_text(value):
        return Entry(None, True)
    if isinstance(value, Mapping) and (
        "value" in value or "not_applicable" in value or "note" in value or "evidence" in value
    ):
        extra = set(value) - {"value", "not_applicable", "note", "evidence"}
        if extra:
            raise AssessmentError(
                f"unknown keys in an entry: {', '.join(sorted(map(str, extra)))}",
                value=dict(value),
                error_code="unknown-keys",
                params={
                    "keys": ", ".join(sorted(map(str, extra))),
                    "allowed": "value, not_applicable, note, evidence",
                },
            )
        flag = na_flag(value.get("not_applicable", False))
        given = value.get("value")
        if flag and given is not None and given is not NA and not is_na_text(given):
            raise AssessmentError(
                "a value is given together with not_applicable: true; keep one of them",
                value=given,
                error_code="not-applicable-with-value",
            )
        na = flag or given is NA or is_na_text(given)
        ev = value.get("evidence", ())
        if isinstance(ev, str):
            ev = (ev,)
        if not isinstance(ev, list | tuple) or not all(isinstance(x, str) for x in ev):
            raise AssessmentError(
                "evidence must be a text or a list of texts",
                value=ev,
                error_code="wrong-type",
                params={"what": "a text or a list of texts"},
            )
        note = value.get("note")
        if note is not None and not isinstance(note, str):
            raise AssessmentError(
                "a note must be a text",
                value=note,
                error_code="wrong-type",
                params={"what": "a text"},
            )
        return Entry(None if na else _freeze(value.get("value")), na, note, tuple(ev))
    return Entry(_freeze(value))


def entry_at(value: Any, *, unit: str, code: str, stage: str) -> Entry:
    """:func:`make_entry`, its errors naming the unit, node and stage of the value."""
    try:
        return make_entry(value)
    except AssessmentError as exc:
        raise exc.with_context(unit=unit or None, code=code, stage=stage) from None


#: The spellings of "true" and "false" read for ``not_applicable`` (besides real booleans and the
#: not-applicable texts of :data:`_NA_TEXTS`, which mean true).
_NA_FLAG_TEXTS = {
    "true": True,
    "false": False,
    "có": True,
    "không": False,
    "yes": True,
    "no": False,
}


def na_flag(flag: Any) -> bool:
    """``not_applicable`` as a person means it: a real boolean, ``true``/``false`` (``có``/
    ``không``, ``yes``/``no``) or a not-applicable text (``KAD``, ``N/A``); anything else is an
    error, never read as "not empty"."""
    if isinstance(flag, bool):
        return flag
    if isinstance(flag, str):
        key = fold_case(flag)
        if key in _NA_FLAG_TEXTS:
            return _NA_FLAG_TEXTS[key]
        if key in _NA_TEXTS:
            return True
    raise AssessmentError(
        "not_applicable must be true or false",
        value=flag,
        error_code="wrong-type",
        params={"what": "true or false"},
    )


def plain_value(value: Any) -> Any:
    """An input value as read: a whole number with more than 100 digits is refused (it overflows
    every float), ``-0.0`` is 0.0, and a mapping's keys are text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) >= 10**100:
            raise AssessmentError(
                "a number with more than 100 digits",
                value=f"{str(value)[:20]}…",
                error_code="out-of-range",
                params={"what": "a number", "low": "-10^100", "high": "10^100"},
            )
        return value
    if isinstance(value, float):
        return 0.0 if value == 0 else value
    return value


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): plain_value(v) for k, v in value.items()})
    return plain_value(value)


@attrs.frozen
class Assessment:
    """The inputs of one unit for one period, per stage.

    ``Assessment.from_mapping({"1.1": 1, "3.2": "on_time"})`` is the simple case (one stage,
    self-assessment); ``Assessment(unit, {"self": {...}, "appraisal1": {...}})`` keeps stages.
    """

    unit: str = ""
    stages: Mapping[str, Mapping[str, Entry]] = attrs.field(factory=dict)
    period: str | None = None
    unit_type: str | None = None

    def __attrs_post_init__(self) -> None:
        frozen: dict[str, Mapping[str, Entry]] = {}
        for st, entries in self.stages.items():
            name = stage_name(st, unit=self.unit)
            if name in frozen:
                raise AssessmentError("stage given twice", unit=self.unit, stage=name)
            frozen[name] = MappingProxyType(
                {
                    str(c): entry_at(v, unit=self.unit, code=str(c), stage=name)
                    for c, v in entries.items()
                }
            )
        ordered = {s: frozen[s] for s in STAGES if s in frozen}
        object.__setattr__(self, "stages", MappingProxyType(ordered))
        if isinstance(self.period, int) and not isinstance(self.period, bool):
            object.__setattr__(self, "period", str(self.period))  # a period is a text: "2023"

    @classmethod
    def from_mapping(
        cls,
        values: Mapping[str, Any],
        *,
        unit: str = "",
        stage: str = "self",
        period: str | None = None,
        unit_type: str | None = None,
    ) -> Assessment:
        return cls(unit, {stage: values}, period, unit_type)

    def latest(self, code: str, upto: str | None = None) -> tuple[str, Entry] | None:
        """The latest stage (up to ``upto``) that gives ``code``, with its entry."""
        found = None
        for st, entries in self.stages.items():
            if code in entries:
                found = (st, entries[code])
            if st == upto:
                break
        return found

    def merged(self, upto: str | None = None) -> dict[str, tuple[str, Entry]]:
        """For every code, the latest stage that gives it (up to ``upto``)."""
        out: dict[str, tuple[str, Entry]] = {}
        for st, entries in self.stages.items():
            for code, e in entries.items():
                out[code] = (st, e)
            if st == upto:
                break
        return out

    def codes(self) -> set[str]:
        return {c for entries in self.stages.values() for c in entries}

    def with_values(self, values: Mapping[str, Any], *, stage: str | None = None) -> Assessment:
        """A copy with some values changed in one stage (default: the latest stage)."""
        st = (
            stage_name(stage, unit=self.unit)
            if stage
            else (list(self.stages)[-1] if self.stages else "self")
        )
        stages = {k: dict(v) for k, v in self.stages.items()}
        stages.setdefault(st, {}).update({c: make_entry(v) for c, v in values.items()})
        return Assessment(self.unit, stages, self.period, self.unit_type)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"unit": self.unit}
        if self.period is not None:
            out["period"] = self.period
        if self.unit_type is not None:
            out["unit_type"] = self.unit_type
        out["stages"] = {
            st: {c: e.to_dict() for c, e in entries.items()} for st, entries in self.stages.items()
        }
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, file: str | None = None) -> Assessment:
        allowed = {"unit", "period", "unit_type", "stages", "values"}
        extra = set(data) - allowed
        if extra:
            raise AssessmentError(
                f"unknown keys in an assessment: {', '.join(sorted(map(str, extra)))}; allowed: {', '.join(sorted(allowed))}",
                file=file,
                unit=str(data.get("unit", "")) or None,
                error_code="unknown-keys",
                params={
                    "keys": ", ".join(sorted(map(str, extra))),
                    "allowed": ", ".join(sorted(allowed)),
                },
            )
        unit = _text_field(data, "unit", file) or ""
        stages = data.get("stages")
        if stages is None:
            values = data.get("values", {})
            if not isinstance(values, Mapping):
                raise AssessmentError(
                    "'values' must map each code to its value",
                    file=file,
                    unit=unit or None,
                    value=type(values).__name__,
                    error_code="wrong-type",
                    params={"what": "a mapping"},
                    pointer="/values",
                )
            stages = {"self": values}
        elif "values" in data:
            raise AssessmentError(
                "give either 'values' or 'stages', not both", file=file, unit=unit
            )
        if not isinstance(stages, Mapping) or not all(
            isinstance(v, Mapping) for v in stages.values()
        ):
            raise AssessmentError(
                "'stages' must map each stage to {code: value}",
                file=file,
                unit=unit,
                error_code="wrong-type",
                params={"what": "a mapping"},
                pointer="/stages",
            )
        try:
            return cls(
                unit,
                stages,
                _text_field(data, "period", file, unit),
                _text_field(data, "unit_type", file, unit),
            )
        except AssessmentError as exc:
            raise exc.with_context(file=file, unit=unit) from None


def _text_field(
    data: Mapping[str, Any], key: str, file: str | None, unit: str | None = None
) -> str | None:
    """``data[key]`` as text: absent is None; a whole number is its digits; an empty text, null,
    a list or a mapping is an error (never "None" or "['a', 'b']")."""
    if key not in data:
        return None
    v = data[key]
    if isinstance(v, int) and not isinstance(v, bool):
        v = str(v)
    if not isinstance(v, str) or not v.strip():
        raise AssessmentError(
            f"'{key}' must be a non-empty text", file=file, unit=unit or None, value=v
        )
    return nfc_strip(v)


# -- readers ------------------------------------------------------------------------------------


def parse_text_value(text: str, *, decimal: str | None = None) -> Any:
    """A value written in a CSV cell: a number (see :func:`maybe_number`), NA, a level code, or
    named inputs/counts written ``a=4; b=2``."""
    t = nfc_strip(text)
    if is_na_text(t):
        return NA
    if "=" in t:
        out: dict[str, Any] = {}
        for part in t.split(";"):
            if not part.strip():
                continue
            if "=" not in part:
                raise ValueError(f"expected name=value, found {part.strip()!r}")
            k, v = part.split("=", 1)
            k = k.strip()
            if k in out:
                raise ValueError(f"input {k!r} given twice")
            out[k] = maybe_number(v.strip(), decimal=decimal)
        return out
    return maybe_number(t, decimal=decimal)


_INT = re.compile(r"[-+]?\d+")
_ONE_SEP = re.compile(r"([-+]?)(\d+)([.,])(\d+)")
_GROUPED = re.compile(r"([-+]?)(\d{1,3}(?:([.,])\d{3})(?:\3\d{3})*)(?:([.,])(\d+))?")


def decimal_mark(texts: Iterable[str]) -> str | None:
    """The decimal mark the numbers in ``texts`` plainly use (``","`` or ``"."``), or None when
    none of them shows it (``45,5`` shows a comma; ``1.000`` shows nothing)."""
    seen = set()
    for t in texts:
        s = t.replace("\u00a0", "").replace(" ", "").rstrip("%")
        m = _ONE_SEP.fullmatch(s)
        if m and (len(m.group(4)) != 3 or m.group(2).startswith("0") or len(m.group(2)) > 3):
            seen.add(m.group(3))
        elif s.count(",") >= 1 and s.count(".") >= 1:
            last = max(s.rfind(","), s.rfind("."))
            seen.add(s[last])
    return seen.pop() if len(seen) == 1 else None


def maybe_number(t: str, *, decimal: str | None = None) -> Any:
    """A number written in a cell (``1 234,5``, ``1.234,5``, ``1,234.5``, ``80%``) as int or
    float; other text unchanged.

    ``decimal`` is the decimal mark of the file (``","`` in a Vietnamese-formatted column). A
    number that reads two ways (``1.000``, ``1,234``: a thousands separator or a decimal mark) is
    read with ``decimal`` and refused (``ValueError``) when the file does not say which; it is
    never silently 1. ``-0`` is 0; more than 100 digits is refused."""
    s = t.replace("\u00a0", "").replace(" ", "")
    if s.endswith("%"):
        s = s[:-1]
    if _INT.fullmatch(s):
        if len(s.lstrip("+-")) > 100:
            raise ValueError("a number with more than 100 digits")
        return int(s)
    m = _ONE_SEP.fullmatch(s)
    if m:
        sign, lead, sep, rest = m.groups()
        ambiguous = len(rest) == 3 and not lead.startswith("0") and len(lead) <= 3
        if ambiguous and decimal is None:
            raise ValueError(
                f"{t!r} reads two ways ({sep!r} as a thousands separator or as the decimal mark); "
                f"write it without a thousands separator, e.g. {lead}{rest} or {lead}.{rest.rstrip('0') or '0'}"
            )
        if ambiguous and decimal != sep:
            return int(sign + lead + rest)
        x = float(f"{sign}{lead}.{rest}")
        return 0.0 if x == 0 else x
    g = _GROUPED.fullmatch(s)
    if g and (g.group(4) is None or g.group(4) != g.group(3)):
        digits = g.group(2).replace(g.group(3), "")
        if g.group(4) is None:
            if decimal == g.group(3):
                return t  # "1.234.567" with a decimal point: not a number
            return int(g.group(1) + digits)
        x = float(f"{g.group(1)}{digits}.{g.group(5)}")
        return 0.0 if x == 0 else x
    try:
        x = float(s)
    except (ValueError, OverflowError):
        return t
    if not math.isfinite(x):
        return t
    return 0.0 if x == 0 else x


CSV_COLUMNS = ("unit", "code", "stage", "value", "note", "evidence", "period", "unit_type")


#: Where a CSV value was written with a percent sign: (unit, period, stage, code) → row.
PercentMarks = dict[tuple[str, str | None, str, str], int]


def _read_csv(
    text: str, file: str, delimiter: str | None = None, percents: PercentMarks | None = None
) -> list[Assessment]:
    table = csv_rows(text, file=file, error=AssessmentError, delimiter=delimiter)
    if table.header is None:
        raise AssessmentError("the CSV file is empty", file=file)
    fields = table.header
    for need in ("unit", "code", "value"):
        if need not in fields:
            raise AssessmentError(
                f"the CSV needs the columns unit, code, value (and optionally stage, note, evidence, period, unit_type); '{need}' is missing",
                file=file,
                row=1,
                value=fields,
            )
    unknown = [f for f in fields if f not in CSV_COLUMNS]
    if unknown:
        raise AssessmentError(
            f"unknown column; expected {', '.join(CSV_COLUMNS)}", file=file, row=1, value=unknown[0]
        )
    if len(set(fields)) != len(fields):
        raise AssessmentError("a column is named twice", file=file, row=1, value=fields)
    rows: list[tuple[int, dict[str, str]]] = []
    for i, cells in table.rows():
        if len(cells) > len(fields):
            message = "the row has more cells than the header"
            code = None
            if table.split_decimal(cells):
                message += (
                    "; a number with a decimal comma (45,5) splits the cell in a comma-separated "
                    'file: put it in quotes ("45,5"), write 45.5, or save the file with ";"'
                )
                code = "csv-split-decimal"
            raise AssessmentError(
                message, file=file, row=i, value=cells[len(fields) :], error_code=code
            )
        rows.append((i, {k: nfc_strip(v) for k, v in zip(fields, cells, strict=False)}))
    # A ';' file is Vietnamese-formatted (decimal comma). In a ',' file an unquoted decimal comma
    # would split its field (refused below), so a '.' is the decimal mark unless the values
    # themselves show otherwise; a tab file (Excel's "Unicode text") says nothing by itself.
    decimal = "," if table.delimiter == ";" else decimal_mark(r.get("value", "") for _, r in rows)
    # (a quoted "1,234" in such a file still reads two ways: a Vietnamese decimal or a thousand)
    dot_only = decimal is None and table.delimiter == ","
    units: dict[tuple[str, str | None], dict[str, Any]] = {}
    seen: dict[tuple[str, str | None, str, str], int] = {}
    for i, row in rows:
        unit = row.get("unit", "")
        code = row.get("code", "")
        if not unit or not code:
            raise AssessmentError(
                "unit and code must not be empty",
                file=file,
                row=i,
                unit=unit or None,
                code=code or None,
            )
        stage = stage_name(row.get("stage") or "self", unit=unit, row=i, file=file)
        period = row.get("period") or None
        key = (unit, period, stage, code)
        value_text = row.get("value", "")
        if key in seen:
            raise AssessmentError(
                f"duplicated row: the same unit, code and stage were given at row {seen[key]}",
                file=file,
                row=i,
                unit=unit,
                code=code,
                stage=stage,
                value=value_text,
            )
        seen[key] = i
        if value_text == "":
            raise AssessmentError(
                "empty value (leave the row out if there is no input)",
                file=file,
                row=i,
                unit=unit,
                code=code,
                stage=stage,
            )
        try:
            value = parse_text_value(
                value_text, decimal="." if dot_only and "," not in value_text else decimal
            )
        except ValueError as exc:
            raise AssessmentError(
                str(exc), file=file, row=i, unit=unit, code=code, stage=stage, value=value_text
            ) from None
        if percents is not None and value_text.rstrip().endswith("%"):
            percents[key] = i
        ev = tuple(x.strip() for x in row.get("evidence", "").split(";") if x.strip())
        entry = (
            Entry(None, True, row.get("note") or None, ev)
            if value is NA
            else Entry(_freeze(value), False, row.get("note") or None, ev)
        )
        slot = units.setdefault(
            (unit, period), {"unit_type": row.get("unit_type") or None, "stages": {}}
        )
        ut = row.get("unit_type") or None
        if ut and slot["unit_type"] and ut != slot["unit_type"]:
            raise AssessmentError(
                "the unit type differs from an earlier row of the same unit",
                file=file,
                row=i,
                unit=unit,
                value=ut,
            )
        slot["unit_type"] = slot["unit_type"] or ut
        slot["stages"].setdefault(stage, {})[code] = entry
    return [Assessment(u, s["stages"], p, s["unit_type"]) for (u, p), s in units.items()]


def read_assessments(
    source: str | os.PathLike[str] | Mapping[str, Any] | Iterable[Mapping[str, Any]],
    *,
    methodology: Methodology | None = None,
    delimiter: str | None = None,
    max_bytes: int | None = None,
) -> list[Assessment]:
    """Read assessments from a file (YAML, JSON, long-format CSV, or a filled self-assessment
    workbook ``.xlsx``) or from Python data.

    CSV columns: ``unit, code, stage, value, note, evidence, period, unit_type`` (``stage`` defaults
    to ``self``; ``evidence`` is a ``;``-separated list; ``value`` is a number, a level code, ``NA``,
    or named inputs ``a=4; b=2``).

    A workbook written by :func:`parindex.io.write_workbook` (``parindex template``) is read by
    :func:`parindex.io.xlsx.read_workbook` and checked against ``methodology`` (without it, the
    shipped methodology the workbook names is loaded); it needs ``parindex[xlsx]``.

    Files are read strictly (see :mod:`parindex._files`): UTF-8 or UTF-16 text
    (Windows-1258 is refused, saying how to save as UTF-8); the CSV separator (``,``, ``;`` or tab) is detected unless ``delimiter`` is given; a
    file over ``max_bytes`` (default 64 MiB) or that is not a regular file is refused.
    """
    if isinstance(source, Mapping):
        return [Assessment.from_dict(source)]
    if not isinstance(source, str | os.PathLike):
        return [Assessment.from_dict(d) for d in source]
    p = Path(source)
    file = str(p)
    if p.suffix.lower() == ".xlsx":
        # The workbook reader lives in the io layer (above this one) and registers itself
        # with parindex._hooks; openpyxl is an optional extra, imported only when one is read.
        read_workbook = _hooks.reader(".xlsx")
        assert read_workbook is not None
        return [read_workbook(p, methodology)]
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".json", ".yaml", ".yml"):
        raise AssessmentError(
            "unknown file type; expected .csv, .json, .yaml, .yml or .xlsx",
            file=file,
            value=suffix,
        )
    text = read_text(p, error=AssessmentError, limit=max_bytes, wide=suffix == ".csv")
    if suffix == ".csv":
        percents: PercentMarks = {}
        read = _read_csv(text, file, delimiter, percents)
        return read if methodology is None else as_methodology(read, methodology, file, percents)
    if suffix == ".json":
        data = load_json(text, file=file, error=AssessmentError)
    else:
        try:
            data = load_yaml(text, file=file)
        except MethodologyError as exc:
            raise AssessmentError(
                exc.message, file=file, line=exc.line, column=exc.column
            ) from None
    if isinstance(data, Mapping) and "assessments" in data:
        data = data["assessments"]
    items = [data] if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        raise AssessmentError("expected an assessment or a list of assessments", file=file)
    out = []
    for i, d in enumerate(items):
        if not isinstance(d, Mapping):
            raise AssessmentError(
                "expected an assessment (a mapping with unit and values or stages)",
                file=file,
                row=i + 1,
                value=d,
            )
        out.append(Assessment.from_dict(d, file=file))
    return out if methodology is None else as_methodology(out, methodology, file)


def _input_unit(rule: Any) -> str | None:
    """The unit (``percent``, ``count``, ...) of a rule's single number input, if it has one."""
    return getattr(getattr(rule, "input", None), "unit", None)


def _level_code(rule: Any, text: str) -> str:
    """The code of the level, item or choice that ``text`` names: its code or its Vietnamese or
    English label, ignoring case and diacritics (as the workbook's drop-downs are read); the
    text unchanged when it names none or several."""
    names = rule.value_names()
    if any(code == text for code, _, _ in names):
        return text
    key = fold_ascii(text)
    found = {
        code
        for code, vi, en in names
        for name in (code, vi or "", en or "")
        if key in (fold_ascii(name), fold_ascii(name.removesuffix(f" ({code})")))
    }
    found |= {c.code for c in rule.choices() if fold_ascii(c.text) == key}
    return found.pop() if len(found) == 1 else text


def as_methodology(
    items: list[Assessment],
    methodology: Methodology,
    file: str | None = None,
    percents: PercentMarks | None = None,
) -> list[Assessment]:
    """``items`` read as the methodology means them.

    * a level, item or choice may be given by its label ("Ban hành kịp thời"), matched
      ignoring case and diacritics as codes are; it is stored as its code;
    * a value written with ``%`` on an item whose input is not a percentage is refused;
    * a value between 0 and 1 where a percentage is expected is scored as given but warned
      about (:class:`UserWarning`): 0.9 is 0.9 %, and ninety percent is written 90;
    * a period whose year is not one of the methodology's years is warned about.
    """
    out = []
    for a in items:
        year = re.search(r"(?<!\d)(\d{4})(?!\d)", a.period or "")
        if year and methodology.years and int(year.group(1)) not in methodology.years:
            warnings.warn(
                str(
                    AssessmentError(
                        f"the period is outside the years of {methodology.id} "
                        f"({', '.join(map(str, methodology.years))})",
                        file=file,
                        unit=a.unit or None,
                        value=a.period,
                    )
                ),
                UserWarning,
                stacklevel=3,
            )
        stages: dict[str, dict[str, Entry]] = {}
        for st, entries in a.stages.items():
            stages[st] = dict(entries)
            for code, e in entries.items():
                node = methodology.nodes.get(code)
                rule = None if node is None else node.rule
                if rule is None or e.not_applicable:
                    continue
                where: dict[str, Any] = {"file": file, "unit": a.unit or None, "code": code}
                where["stage"] = st
                row = (percents or {}).get((a.unit, a.period, st, code))
                if row is not None and _input_unit(rule) != "percent":
                    raise AssessmentError(
                        "a percentage was given, but this item does not take a percentage",
                        row=row,
                        value=e.value,
                        **where,
                    )
                if isinstance(e.value, str):
                    code_of = _level_code(rule, e.value)
                    if code_of != e.value:
                        stages[st][code] = attrs.evolve(e, value=code_of)
                elif (
                    _input_unit(rule) == "percent"
                    and isinstance(e.value, int | float)
                    and not isinstance(e.value, bool)
                    and 0 < e.value <= 1
                ):
                    warnings.warn(
                        str(
                            AssessmentError(
                                "looks like a fraction where a percentage is expected; it is "
                                "scored as given (write 90 for ninety percent)",
                                row=row,
                                value=e.value,
                                **where,
                            )
                        ),
                        UserWarning,
                        stacklevel=3,
                    )
        out.append(Assessment(a.unit, stages, a.period, a.unit_type))
    return out
