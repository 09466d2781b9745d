"""Who is responsible for each criterion, and what to do: responsibility maps as data.

A responsibility map (bảng phân công trách nhiệm) is written for one province and one methodology
version. It maps a criterion or sub-criterion code to its lead unit (đơn vị chủ trì) and
cooperating units (đơn vị phối hợp), with optional remedy templates (giải pháp). A sub-criterion
without its own entry takes its nearest ancestor's.

YAML::

    parindex_responsibilities: 1
    province: Gia Lai                 # optional: checked against the unit list
    methodology: example/province/2025
    items:
      - code: "2.1"
        lead: so-tu-phap
        cooperating: [van-phong-ubnd]
        remedies:
          - {vi: "Rà soát ...: cần {next}, thêm {next_gain} điểm", en: "Review ..."}

CSV: columns ``code, lead, cooperating, remedy_vi, remedy_en`` (several cooperating units or
remedies separated by ``;`` and ``|`` respectively), optionally ``methodology`` and ``province``.

Templates may use ``{code} {label} {lost} {points} {max} {value} {next} {next_gain} {full}
{full_gain} {lead} {cooperating}``; any other name is an error when the map is read.

Validation (:meth:`ResponsibilityMap.problems`) reports unknown codes, entries without a lead
unit, units not in the province's unit list and items of the methodology that no entry covers;
:func:`load_responsibilities` raises :class:`ResponsibilityError` listing every problem found.

The cascade file links a province criterion to the related items of the units' own scheme
(for example the departments' index), so that their cards can be shown beside each gap.
"""

from __future__ import annotations

import csv
import io
import os
import string
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ..card import ScoreCard
from ..errors import ResponsibilityError
from ..methodology.model import Label, Methodology
from ..methodology.yamlio import load_yaml

if TYPE_CHECKING:
    from ..units import UnitList

__all__ = [
    "PLACEHOLDERS",
    "Cascade",
    "CascadeItem",
    "Problem",
    "Responsibility",
    "ResponsibilityError",
    "ResponsibilityMap",
    "load_cascade",
    "load_responsibilities",
]

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


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s).strip()


@attrs.frozen
class Problem:
    """One problem found when checking a map: ``kind`` is ``unknown_code``, ``no_lead``,
    ``unknown_unit``, ``uncovered`` (a warning) or ``wrong_methodology``."""

    kind: str
    message: str
    code: str | None = None
    unit: str | None = None
    line: int | None = None
    row: int | None = None

    @property
    def is_error(self) -> bool:
        return self.kind != "uncovered"

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.code is not None:
            where.append(f"node {self.code!r}")
        if self.unit is not None:
            where.append(f"unit {self.unit!r}")
        return (", ".join(where) + ": " if where else "") + self.message


@attrs.frozen
class Responsibility:
    """The lead and cooperating units of one item, and its remedy templates (vi, en)."""

    code: str
    lead: tuple[str, ...]
    cooperating: tuple[str, ...] = ()
    remedies: tuple[Label, ...] = ()
    line: int | None = None
    row: int | None = None

    def render(self, fields: Mapping[str, Mapping[str, str]]) -> tuple[tuple[str, str], ...]:
        """The remedy templates filled in: ((vi, en), ...).

        ``fields`` maps each language (``"vi"``, ``"en"``) to the values of the
        :data:`PLACEHOLDERS` (``gaps`` builds them from a gap with ``Gap.template_fields``).
        """
        out = []
        for tpl in self.remedies:
            vi = tpl.vi.format_map(fields["vi"])
            en = (tpl.en or tpl.vi).format_map(fields["en"])
            out.append((vi, en))
        return tuple(out)


@attrs.frozen
class ResponsibilityMap:
    """Responsibilities of the units of a province for the items of one methodology version."""

    methodology: str
    items: Mapping[str, Responsibility]
    province: str | None = None
    source: str = ""
    units: UnitList | None = attrs.field(default=None, eq=False, repr=False)

    def unit_name(self, unit_id: str) -> str:
        if self.units is not None and unit_id in self.units:
            return self.units[unit_id].name
        return unit_id

    def for_code(self, m: Methodology, code: str) -> Responsibility | None:
        """The entry of ``code``, or of its nearest ancestor that has one."""
        if code in self.items:
            return self.items[code]
        for anc in m.ancestors(code):
            if anc.code in self.items:
                return self.items[anc.code]
        return None

    def check_methodology(self, m: Methodology) -> None:
        if m.id != self.methodology:
            raise ResponsibilityError(
                f"the responsibility map is written for {self.methodology}, not {m.id}",
                file=self.source or None,
                value=m.id,
            )

    def problems(self, m: Methodology, units: UnitList | None = None) -> tuple[Problem, ...]:
        """Everything wrong with the map for methodology ``m`` and the province's ``units``."""
        out: list[Problem] = []
        if m.id != self.methodology:
            out.append(
                Problem(
                    "wrong_methodology",
                    f"the map is written for {self.methodology}, not {m.id}",
                )
            )
        units = units if units is not None else self.units
        if units is not None and self.province is not None:
            from ..units import normalize_name

            if normalize_name(self.province) not in (
                normalize_name(units.province.name),
                normalize_name(units.province.id),
            ):
                out.append(
                    Problem(
                        "wrong_province",
                        f"the map is for {self.province}, the unit list for {units.province.name}",
                    )
                )
        for code, resp in self.items.items():
            if code not in m:
                out.append(
                    Problem(
                        "unknown_code",
                        f"unknown code: {m.id} has no such node",
                        code=code,
                        line=resp.line,
                        row=resp.row,
                    )
                )
            if not resp.lead:
                out.append(
                    Problem(
                        "no_lead",
                        "no lead unit (đơn vị chủ trì) for this item",
                        code=code,
                        line=resp.line,
                        row=resp.row,
                    )
                )
            if units is not None:
                for u in (*resp.lead, *resp.cooperating):
                    if u not in units:
                        out.append(
                            Problem(
                                "unknown_unit",
                                f"not in the unit list of {units.province.name}"
                                + (f" ({units.source})" if units.source else ""),
                                code=code,
                                unit=u,
                                line=resp.line,
                                row=resp.row,
                            )
                        )
        for leaf in m.leaves():
            if self.for_code(m, leaf.code) is None:
                out.append(
                    Problem(
                        "uncovered",
                        "no unit is responsible for this item (neither it nor a parent is mapped)",
                        code=leaf.code,
                    )
                )
        return tuple(out)

    def validate(self, m: Methodology, units: UnitList | None = None) -> ResponsibilityMap:
        """Raise :class:`ResponsibilityError` listing every error; return the map with ``units``."""
        errors = [p for p in self.problems(m, units) if p.is_error]
        if errors:
            first = errors[0]
            more = "; ".join(str(p) for p in errors[1:])
            raise ResponsibilityError(
                first.message + (f" (and {len(errors) - 1} more: {more})" if more else ""),
                file=self.source or None,
                line=first.line,
                row=first.row,
                code=first.code,
                unit=first.unit,
            )
        return attrs.evolve(self, units=units) if units is not None else self

    def to_dict(self) -> dict[str, Any]:
        return {
            "parindex_responsibilities": 1,
            "province": self.province,
            "methodology": self.methodology,
            "items": [
                {
                    "code": r.code,
                    "lead": list(r.lead),
                    "cooperating": list(r.cooperating),
                    "remedies": [x.to_dict() for x in r.remedies],
                }
                for r in self.items.values()
            ],
        }


# -- reading ------------------------------------------------------------------------------------


def _units_field(
    value: Any, *, file: str, line: int | None, row: int | None, code: str
) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = [x for x in (v.strip() for v in value.split(";")) if x]
        return tuple(_nfc(x) for x in parts)
    if isinstance(value, list) and all(isinstance(x, str) and x.strip() for x in value):
        return tuple(_nfc(x) for x in value)
    raise ResponsibilityError(
        "expected a unit id or a list of unit ids",
        file=file,
        line=line,
        row=row,
        code=code,
        value=value,
    )


def _check_template(text: str, *, file: str, line: int | None, row: int | None, code: str) -> None:
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        raise ResponsibilityError(
            f"remedy template: {exc}", file=file, line=line, row=row, code=code, value=text
        ) from None
    for n in names:
        if n not in PLACEHOLDERS:
            raise ResponsibilityError(
                f"remedy template: unknown placeholder {{{n}}}; allowed: "
                + ", ".join("{" + p + "}" for p in PLACEHOLDERS),
                file=file,
                line=line,
                row=row,
                code=code,
                value=text,
            )


def _remedy(value: Any, *, file: str, line: int | None, row: int | None, code: str) -> Label:
    if isinstance(value, str) and value.strip():
        lab = Label(_nfc(value))
    elif (
        isinstance(value, Mapping)
        and isinstance(value.get("vi"), str)
        and set(value) <= {"vi", "en"}
    ):
        en = value.get("en")
        lab = Label(_nfc(value["vi"]), _nfc(en) if isinstance(en, str) else None)
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


def _add(items: dict[str, Responsibility], resp: Responsibility, *, file: str) -> None:
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


def _read_yaml(text: str, file: str) -> tuple[str, str | None, dict[str, Responsibility]]:
    from ..errors import MethodologyError

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
    items: dict[str, Responsibility] = {}
    for item, mark in zip(seq, marks, strict=True):
        line = mark[0] if mark else None
        if not isinstance(item, Mapping):
            raise ResponsibilityError(
                "an item is a mapping with code, lead, cooperating, remedies", file=file, line=line
            )
        extra = sorted(set(item) - {"code", "lead", "cooperating", "remedies", "note"})
        if extra:
            raise ResponsibilityError(
                "unknown key in an item; allowed: code, lead, cooperating, remedies, note",
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
        _add(items, Responsibility(code, lead, coop, remedies, line, None), file=file)
    prov = data.get("province")
    return meth, (str(prov) if prov is not None else None), items


def _read_csv(
    text: str, file: str, methodology: str | None
) -> tuple[str, str | None, dict[str, Responsibility]]:
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip() for f in reader.fieldnames or []]
    if "code" not in fields or "lead" not in fields:
        raise ResponsibilityError(
            "the CSV needs the columns code and lead (and optionally cooperating, remedy_vi, remedy_en, methodology, province)",
            file=file,
            row=1,
            value=fields,
        )
    known = {"code", "lead", "cooperating", "remedy_vi", "remedy_en", "methodology", "province"}
    unknown = [f for f in fields if f not in known]
    if unknown:
        raise ResponsibilityError(
            f"unknown column; expected {', '.join(sorted(known))}",
            file=file,
            row=1,
            value=unknown[0],
        )
    reader.fieldnames = fields
    items: dict[str, Responsibility] = {}
    meth = methodology
    prov: str | None = None
    for i, raw in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue
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
        _add(items, Responsibility(code, lead, coop, remedies, None, i), file=file)
    if meth is None:
        raise ResponsibilityError(
            "name the methodology: a 'methodology' column, or methodology=... when reading",
            file=file,
        )
    return meth, prov, items


def load_responsibilities(
    source: str | os.PathLike[str],
    *,
    methodology: Methodology | None = None,
    units: UnitList | None = None,
) -> ResponsibilityMap:
    """Read a responsibility map (YAML or CSV); with ``methodology`` (and ``units``) validate it.

    Validation raises :class:`ResponsibilityError` listing every error: unknown codes, items
    without a lead unit, units not in the unit list, a map written for another methodology.
    Items that no entry covers are not an error: ``rmap.problems(m)`` lists them.
    """
    p = Path(source)
    file = str(p)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ResponsibilityError(f"cannot read the file: {exc.strerror}", file=file) from None
    suffix = p.suffix.lower()
    if suffix == ".csv":
        meth, prov, items = _read_csv(text, file, methodology.id if methodology else None)
    elif suffix in (".yaml", ".yml"):
        meth, prov, items = _read_yaml(text, file)
    else:
        raise ResponsibilityError("expected a .yaml, .yml or .csv file", file=file, value=suffix)
    rmap = ResponsibilityMap(meth, items, prov, file, units)
    if methodology is not None:
        rmap = rmap.validate(methodology, units)
    return rmap


# -- cascade ------------------------------------------------------------------------------------


@attrs.frozen
class CascadeItem:
    """A unit's result on an item of its own scheme, related to a province criterion."""

    province_code: str
    unit: str
    code: str
    label: Label
    points: float | None
    max: float | None
    index: float | None

    @property
    def lost(self) -> float | None:
        if self.points is None or self.max is None:
            return None
        return self.max - self.points

    def to_dict(self) -> dict[str, Any]:
        return {
            "province_code": self.province_code,
            "unit": self.unit,
            "code": self.code,
            "label": self.label.to_dict(),
            "points": self.points,
            "max": self.max,
            "index": self.index,
            "lost": self.lost,
        }


@attrs.frozen
class Cascade:
    """Province criterion → related items of the units' scheme, with the units' cards."""

    links: Mapping[str, tuple[str, ...]]
    cards: tuple[ScoreCard, ...] = attrs.field(repr=False)
    province_methodology: str = ""
    unit_methodology: str = ""
    source: str = ""

    def for_code(self, code: str) -> tuple[CascadeItem, ...]:
        out = []
        for sc in self.links.get(code, ()):
            for card in self.cards:
                if sc in card:
                    r = card[sc]
                    if r.not_applicable:
                        continue
                    out.append(
                        CascadeItem(
                            code, card.unit, sc, r.node.label, r.points, r.adjusted_max, r.index
                        )
                    )
        return tuple(sorted(out, key=lambda c: (-(c.lost or 0.0), c.unit, c.code)))

    def with_cards(self, cards: Iterable[ScoreCard]) -> Cascade:
        cards = tuple(cards)
        for c in cards:
            if self.unit_methodology and c.methodology.id != self.unit_methodology:
                raise ResponsibilityError(
                    f"the cascade links items of {self.unit_methodology}; this card is scored under {c.methodology.id}",
                    file=self.source or None,
                    unit=c.unit,
                    value=c.methodology.id,
                )
        return attrs.evolve(self, cards=cards)


def load_cascade(
    source: str | os.PathLike[str],
    *,
    province_methodology: Methodology | None = None,
    unit_methodology: Methodology | None = None,
    cards: Sequence[ScoreCard] = (),
) -> Cascade:
    """Read a cascade file and check its codes against both methodologies.

    YAML::

        parindex_cascade: 1
        province_methodology: example/province/2025
        unit_methodology: example/department/2025
        links:
          "2.1": ["2.1"]          # province code: [codes of the units' scheme]
    """
    p = Path(source)
    file = str(p)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ResponsibilityError(f"cannot read the file: {exc.strerror}", file=file) from None
    from ..errors import MethodologyError

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
    return Cascade(links, (), pm, um, file).with_cards(cards)
