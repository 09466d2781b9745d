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

import csv
import io
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from . import _hooks, _types
from ._text import fold_case, nfc, nfc_strip
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
        flag = value.get("not_applicable", False)
        if not isinstance(flag, bool):
            raise AssessmentError(
                "not_applicable must be true or false",
                value=flag,
                error_code="wrong-type",
                params={"what": "true or false"},
            )
        if flag and value.get("value") is not None:
            raise AssessmentError(
                "the item is marked not applicable and also has a value; remove one of them",
                value=value.get("value"),
                error_code="not-applicable-with-value",
            )
        na = flag or value.get("value") is NA or is_na_text(value.get("value"))
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


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): v for k, v in value.items()})
    return value


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
        unit = str(data.get("unit", ""))
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
            return cls(unit, stages, data.get("period"), data.get("unit_type"))
        except AssessmentError as exc:
            raise exc.with_context(file=file, unit=unit) from None


# -- readers ------------------------------------------------------------------------------------


def parse_text_value(text: str) -> Any:
    """A value written in a CSV cell: a number (decimal comma allowed), NA, a level code, or
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
            out[k] = maybe_number(v.strip())
        return out
    return maybe_number(t)


def maybe_number(t: str) -> Any:
    """A number written in a cell (``1 234,5``, ``80%``) as int or float; other text unchanged."""
    s = t.replace("\u00a0", "").replace(" ", "")
    if s.endswith("%"):
        s = s[:-1]
    if s.count(",") == 1 and "." not in s:
        s = s.replace(",", ".")
    try:
        x = float(s)
    except ValueError:
        return t
    return int(x) if x.is_integer() and "." not in s and "e" not in s.lower() else x


CSV_COLUMNS = ("unit", "code", "stage", "value", "note", "evidence", "period", "unit_type")


def _read_csv(text: str, file: str) -> list[Assessment]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None:
        raise AssessmentError("the CSV file is empty", file=file)
    fields = [f.strip() for f in reader.fieldnames]
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
    units: dict[tuple[str, str | None], dict[str, Any]] = {}
    seen: dict[tuple[str, str | None, str, str], int] = {}
    for i, raw in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if None in raw:
            raise AssessmentError(
                "the row has more cells than the header", file=file, row=i, value=raw.get(None)
            )
        unit = nfc(row["unit"])
        code = row["code"]
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
        if key in seen:
            raise AssessmentError(
                f"duplicated row: the same unit, code and stage were given at row {seen[key]}",
                file=file,
                row=i,
                unit=unit,
                code=code,
                stage=stage,
                value=row["value"],
            )
        seen[key] = i
        try:
            value = parse_text_value(row["value"])
        except ValueError as exc:
            raise AssessmentError(
                str(exc), file=file, row=i, unit=unit, code=code, stage=stage, value=row["value"]
            ) from None
        if row["value"] == "":
            raise AssessmentError(
                "empty value (leave the row out if there is no input)",
                file=file,
                row=i,
                unit=unit,
                code=code,
                stage=stage,
            )
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
) -> list[Assessment]:
    """Read assessments from a file (YAML, JSON, long-format CSV, or a filled self-assessment
    workbook ``.xlsx``) or from Python data.

    CSV columns: ``unit, code, stage, value, note, evidence, period, unit_type`` (``stage`` defaults
    to ``self``; ``evidence`` is a ``;``-separated list; ``value`` is a number, a level code, ``NA``,
    or named inputs ``a=4; b=2``).

    A workbook written by :func:`parindex.io.write_workbook` (``parindex template``) is read by
    :func:`parindex.io.xlsx.read_workbook` and checked against ``methodology`` (without it, the
    shipped methodology the workbook names is loaded); it needs ``parindex[xlsx]``.
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
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise AssessmentError(
            f"cannot read the file: {exc.strerror}",
            file=file,
            error_code="file-not-readable",
            params={"reason": exc.strerror},
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AssessmentError(
            f"not UTF-8 text (byte {exc.start})",
            file=file,
            error_code="file-not-utf8",
            params={"byte": exc.start},
        ) from None
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return _read_csv(text, file)
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AssessmentError(
                f"invalid JSON: {exc.msg}", file=file, line=exc.lineno, column=exc.colno
            ) from None
    elif suffix in (".yaml", ".yml"):
        try:
            data = load_yaml(text, file=file)
        except MethodologyError as exc:
            raise AssessmentError(
                exc.message, file=file, line=exc.line, column=exc.column
            ) from None
    else:
        raise AssessmentError(
            "unknown file type; expected .csv, .json, .yaml, .yml or .xlsx",
            file=file,
            value=suffix,
        )
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
    return out
