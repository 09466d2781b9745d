"""Provincial schemes: the families of trees a province issues at once, and who they apply to.

A province scores its own units with several trees issued together: one for its departments (sở),
one for its districts (huyện, until 30 June 2025), one for its communes and wards (xã, phường), and
sometimes one for the central-government agencies based in the province, each with its own scale
(100, 60) and its own split between appraised and survey points. This module expresses that:

* :class:`SchemeFamily` (a small ``family`` file) lists the member methodologies, the unit types
  each one scores and the assessment years; :meth:`SchemeFamily.member_for` picks the member for
  a unit of a :class:`~parindex.units.UnitList`.
* :class:`Applicability` (an ``applicability`` file) says which items do not apply to NAMED units
  (for example the units that handle no administrative procedures). :func:`apply_applicability`
  marks them not applicable in an assessment, so that the methodology's not-applicable policy
  (``drop``, ``share`` or ``earned``) is applied by the scoring engine; a value given for such an
  item is an error naming the unit, the code, the stage and the value.
* :func:`check_units` checks anything keyed by units (assessments, responsibility maps, results)
  against a unit list: unknown units, units of the wrong type, units with nothing given.
* :func:`score_family` scores every unit of a province with the member that fits it.

Items that do not apply to a whole unit TYPE are data of the methodology itself (``applies_to``
on a node, names from ``unit_types``); see ``docs/methodology-format.md``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from .assessment import STAGES, Assessment, Entry
from .card import ScoreCard
from .engine import score
from .errors import AssessmentError, MethodologyError, ParIndexError, UnitError
from .methodology import catalogue, yamlio
from .methodology.model import Label, LegalBasis, Methodology
from .methodology.registry import load as load_shipped
from .methodology.registry import load_file as load_methodology_file
from .methodology.yamlio import read_label, read_years
from .units import UNIT_TYPES, Province, Unit, UnitList, province

__all__ = [
    "Applicability",
    "FamilyCards",
    "Member",
    "NotApplicableRule",
    "SchemeFamily",
    "UnitCheck",
    "apply_applicability",
    "check_units",
    "families",
    "load_applicability",
    "load_family",
    "score_family",
]

FORMAT_VERSION = 1
_SURVEY_METHODS = ("survey", "sipas")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


# ----------------------------------------------------------------------------------------------
# Families


@attrs.frozen
class Member:
    """One tree of a family: the methodology, the unit types (of a unit list) it scores and the
    assessment years it is used for (the family's years unless the member gives fewer)."""

    methodology: Methodology = attrs.field(repr=False)
    unit_types: tuple[str, ...]
    years: tuple[int, ...] = ()
    line: int | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def id(self) -> str:
        return self.methodology.id

    @property
    def scheme(self) -> str:
        return self.methodology.scheme

    @property
    def scale(self) -> float:
        return self.methodology.scale

    def points_by(self, methods: Iterable[str]) -> float | None:
        """The maximum points of the leaves scored by ``methods`` (None when one is unknown)."""
        wanted = set(methods)
        total = 0.0
        m = self.methodology
        for leaf in m.leaves():
            chain = (leaf, *m.ancestors(leaf.code))
            if leaf.method in wanted and all(n.role == "regular" for n in chain):
                if leaf.max is None:
                    return None
                total += leaf.max
        return total

    @property
    def survey_points(self) -> float | None:
        """Points from the sociological survey and satisfaction (SIPAS) items."""
        return self.points_by(_SURVEY_METHODS)

    @property
    def appraised_points(self) -> float | None:
        """Points from appraised criteria (documentary evidence)."""
        return self.points_by(("appraisal",))


@attrs.frozen
class SchemeFamily:
    """The trees a province issues at once, with the unit types each one scores."""

    id: str
    issuer: str
    version: str
    years: tuple[int, ...]
    title: Label
    status: str
    legal_basis: LegalBasis
    members: tuple[Member, ...]
    province: Province | None = None
    source: str | None = None
    notes: tuple[str, ...] = ()
    file: str | None = None

    def __iter__(self) -> Iterator[Member]:
        return iter(self.members)

    def __len__(self) -> int:
        return len(self.members)

    @property
    def unit_types(self) -> tuple[str, ...]:
        """Every unit type some member scores, in member order (a type scored by members for
        different years is listed once per member)."""
        return tuple(t for m in self.members for t in m.unit_types)

    def member(self, scheme: str) -> Member:
        """The member by scheme name (``"department"``) or methodology id."""
        for m in self.members:
            if scheme in (m.scheme, m.id):
                return m
        raise MethodologyError(
            f"the family {self.id} has no member {scheme!r}; members: "
            f"{', '.join(m.scheme for m in self.members)}",
            file=self.file,
            value=scheme,
        )

    def member_for(
        self, unit_type: str, year: int | None = None, *, unit: str | None = None
    ) -> Member:
        """The member that scores units of ``unit_type`` (``department``, ``commune``...) in
        ``year`` (any year of the family when ``None``)."""
        found = [m for m in self.members if unit_type in m.unit_types]
        if year is not None:
            found = [m for m in found if year in m.years]
        if found:
            return found[0]
        when = "" if year is None else f" in {year}"
        raise UnitError(
            f"no tree of the family {self.id} scores units of type {unit_type!r}{when}; the "
            f"family covers {', '.join(dict.fromkeys(self.unit_types))}",
            file=self.file,
            unit=unit,
            value=unit_type,
        )

    def member_for_unit(self, unit_id: str, units: UnitList, year: int | None = None) -> Member:
        """The member for a unit of a unit list (unknown units are an error)."""
        return self.member_for(units[unit_id].type, year, unit=unit_id)

    def covers(self, year: int) -> bool:
        return year in self.years


def _member_error(r: yamlio.Reader, message: str, **extra: Any) -> MethodologyError:
    mark = r.mark
    return MethodologyError(
        message, file=r.file, line=mark[0] or None, column=mark[1] or None, **extra
    )


def parse_family(data: Any, *, file: str, base: Path | None = None) -> SchemeFamily:
    """Build a :class:`SchemeFamily` from data read by the strict YAML reader.

    Members name a shipped methodology (``methodology: ha-tinh/department/2019``) or a file of
    your own (``file: department.yaml``, relative to the family file's folder ``base``).
    """
    r = yamlio.Reader(data, file=file, what="family")
    head = yamlio.read_header(r, "family")
    issuer, years = head.issuer, head.years
    prov_key = r.opt("province", yamlio.text)
    seq = r.req("members", list)
    r.done()
    record: Province | None = None
    if prov_key is not None:
        try:
            record = province(prov_key, on=dt.date(years[-1], 12, 31))
        except UnitError as exc:
            raise _member_error(r, f"family: 'province': {exc.message}", value=prov_key) from None
    if not seq:
        r.fail_key("members", "list at least one member tree")
    members: list[Member] = []
    owner: dict[tuple[str, int], str] = {}
    for i, (item, mark) in enumerate(zip(seq, yamlio.item_marks(seq), strict=True)):
        m = yamlio.Reader(item, file=file, what=f"members[{i + 1}]", mark=mark)
        ref = m.opt("methodology", yamlio.text)
        path = m.opt("file", yamlio.text)
        types = m.req("unit_types", list)
        member_years: tuple[int, ...] = m.opt("years", read_years, years)
        m.done()
        outside = [y for y in member_years if y not in years]
        if outside:
            m.fail_key(
                "years",
                f"the family governs {', '.join(map(str, years))}; a member's years must be "
                "among them",
                value=outside,
            )
        if (ref is None) == (path is None):
            m.fail(f"members[{i + 1}]: give either 'methodology' (a shipped id) or 'file'")
        try:
            if ref is not None:
                meth = load_shipped(ref)
            else:
                assert path is not None
                meth = load_methodology_file((base or Path(".")) / path)
        except ParIndexError as exc:
            raise _member_error(
                m, f"members[{i + 1}]: the member cannot be loaded: {exc}", value=ref or path
            ) from None
        if not isinstance(meth, Methodology):
            m.fail(f"members[{i + 1}]: a member must be a scoring methodology", value=ref or path)
        if meth.issuer != issuer:
            m.fail(
                f"members[{i + 1}]: the member's issuer {meth.issuer!r} is not the family's "
                f"{issuer!r}",
                value=meth.id,
            )
        uncovered = [y for y in member_years if y not in meth.years]
        if uncovered:
            m.fail(
                f"members[{i + 1}]: {meth.id} does not govern the year(s) "
                f"{', '.join(map(str, uncovered))} (it governs {', '.join(map(str, meth.years))})",
                value=meth.id,
            )
        if not types:
            m.fail_key("unit_types", "list the unit types this tree scores")
        for t in types:
            if t not in UNIT_TYPES:
                m.fail_key("unit_types", f"a unit type is one of {', '.join(UNIT_TYPES)}", value=t)
            if meth.unit_types and t not in meth.unit_types:
                m.fail_key(
                    "unit_types",
                    f"{meth.id} declares the unit types {', '.join(meth.unit_types)}; "
                    f"list {t!r} there too, so that its applies_to rules can use it",
                    value=t,
                )
            for y in member_years:
                if (t, y) in owner:
                    m.fail_key(
                        "unit_types",
                        f"units of type {t!r} are already scored in {y} by {owner[t, y]}; "
                        "one tree per type and year",
                        value=t,
                    )
                owner[t, y] = meth.id
        if any(x.id == meth.id for x in members):
            m.fail(f"members[{i + 1}]: {meth.id} is listed twice", value=meth.id)
        members.append(Member(meth, tuple(str(t) for t in types), member_years, mark[0] or None))
    return SchemeFamily(
        id=head.id,
        issuer=issuer,
        version=head.version,
        years=years,
        title=head.title,
        status=head.status,
        legal_basis=head.legal_basis,
        members=tuple(members),
        province=record,
        source=head.source,
        notes=tuple(n.strip() for n in head.notes),
        file=file,
    )


def families() -> tuple[str, ...]:
    """The ids of the shipped families (``issuer/version``), e.g. ``("ha-tinh/2019",)``."""
    return catalogue.ids(family=True)


def load_family(source: str | os.PathLike[str], year: int | None = None) -> SchemeFamily:
    """Load a scheme family.

    ``load_family("ha-tinh/2019")`` or ``load_family("ha-tinh", year=2019)`` loads a shipped
    family (``methodology/<issuer>/family-<version>.yaml``); a path to a ``.yaml`` file loads a
    family of your own, whose ``file:`` members are read relative to its folder.
    """
    text = os.fspath(source)
    if text.endswith((".yaml", ".yml")) or isinstance(source, os.PathLike):
        p = Path(text)
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise MethodologyError(f"cannot read the file: {exc.strerror}", file=str(p)) from None
        return parse_family(yamlio.load_yaml(raw, file=str(p)), file=str(p), base=p.parent)
    ident = text.strip().strip("/")
    shipped = families()
    if year is not None:
        if "/" in ident:
            raise MethodologyError(
                "give either an exact family (issuer/version) or an issuer and a year",
                value=ident,
            )
        found = catalogue.version_for(ident, year, family=True)
        if found is not None:
            return load_family(found)
        raise MethodologyError(
            f"no shipped family of {ident} governs the {year} assessment; shipped families: "
            f"{', '.join(shipped) or 'none'}",
            value=year,
        )
    f = catalogue.find(ident, family=True)
    if f is None:
        raise MethodologyError(
            f"no shipped family {ident}; shipped families: {', '.join(shipped) or 'none'}",
            value=ident,
        )
    return parse_family(catalogue.read_data(f), file=f.display)


# ----------------------------------------------------------------------------------------------
# Applicability to named units


@attrs.frozen
class NotApplicableRule:
    """Items (codes) that do not apply to some named units, with the reason."""

    units: tuple[str, ...]
    codes: tuple[str, ...]
    reason: Label
    source: str | None = None
    line: int | None = attrs.field(default=None, eq=False)


@attrs.frozen
class Applicability:
    """Which items do not apply to which named units (không áp dụng đối với đơn vị).

    ``Applicability.codes_for("so-ngoai-vu")`` gives the codes; ``apply_applicability`` marks them
    not applicable in an assessment.
    """

    rules: tuple[NotApplicableRule, ...]
    province: Province | None = None
    source: str = ""
    note: str | None = None
    _by_unit: Mapping[str, Mapping[str, NotApplicableRule]] = attrs.field(
        init=False, repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        by_unit: dict[str, dict[str, NotApplicableRule]] = {}
        for rule in self.rules:
            for u in rule.units:
                slot = by_unit.setdefault(u, {})
                for c in rule.codes:
                    if c in slot:
                        first = slot[c].line
                        raise AssessmentError(
                            "the same item is declared not applicable twice for this unit"
                            + (f" (first at line {first})" if first else ""),
                            file=self.source or None,
                            line=rule.line,
                            unit=u,
                            code=c,
                        )
                    slot[c] = rule
        frozen = {u: MappingProxyType(dict(v)) for u, v in by_unit.items()}
        object.__setattr__(self, "_by_unit", MappingProxyType(frozen))

    @classmethod
    def from_mapping(cls, data: Any, *, source: str = "<data>") -> Applicability:
        """Build from ``{parindex: 1, kind: applicability, rules: [{units, codes, reason}]}``."""
        return _parse_applicability(data, file=source)

    @property
    def units(self) -> tuple[str, ...]:
        """The units named, in the order first named."""
        return tuple(self._by_unit)

    def codes_for(self, unit: str) -> tuple[str, ...]:
        """The codes that do not apply to ``unit`` (empty when none)."""
        return tuple(self._by_unit.get(unit, {}))

    def reason(self, unit: str, code: str) -> NotApplicableRule | None:
        """The rule that makes ``code`` not applicable to ``unit``, if any."""
        return self._by_unit.get(unit, {}).get(code)

    def check(self, methodology: Methodology, units: Iterable[str] | None = None) -> None:
        """Check that the codes exist in ``methodology`` (for ``units``; default: every unit).

        A code that stands inside another code declared for the same unit is redundant and an
        error, so that one item is never declared twice.
        """
        names = self.units if units is None else tuple(units)
        for u in names:
            declared = self._by_unit.get(u, {})
            for code, rule in declared.items():
                if code not in methodology:
                    close = difflib.get_close_matches(code, [n.code for n in methodology], n=3)
                    hint = f"; did you mean {', '.join(close)}?" if close else ""
                    raise AssessmentError(
                        f"{methodology.id} has no item with this code{hint}",
                        file=self.source or None,
                        line=rule.line,
                        unit=u,
                        code=code,
                    )
                for anc in methodology.ancestors(code):
                    if anc.code in declared:
                        raise AssessmentError(
                            f"the item stands inside {anc.code}, which is already declared not "
                            "applicable to this unit; list only one of them",
                            file=self.source or None,
                            line=rule.line,
                            unit=u,
                            code=code,
                        )

    def check_units(self, units: UnitList) -> None:
        """Every unit named must be in the unit list (of the same province, when declared)."""
        if self.province is not None and self.province.id != units.province.id:
            raise UnitError(
                f"the applicability file is for {self.province.label}, the unit list for "
                f"{units.province.label}",
                file=self.source or None,
                value=units.source or units.province.id,
            )
        for rule in self.rules:
            for u in rule.units:
                if u not in units:
                    raise UnitError(
                        f"the unit is not in the unit list {units.source or ''}".rstrip()
                        + _close_hint(u, units.ids),
                        file=self.source or None,
                        line=rule.line,
                        unit=u,
                        value=u,
                    )


def _close_hint(key: str, ids: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(ids), n=3)
    return f"; did you mean {', '.join(close)}?" if close else ""


def _str_list(r: yamlio.Reader, key: str) -> tuple[str, ...]:
    seq = r.req(key, list)
    if not seq:
        r.fail_key(key, "list at least one")
    out: list[str] = []
    for v in seq:
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            r.fail_key(key, "expected a list of texts", value=v)
        s = _nfc(str(v))
        if not s:
            r.fail_key(key, "expected a list of non-empty texts", value=v)
        if s in out:
            r.fail_key(key, "listed twice", value=s)
        out.append(s)
    return tuple(out)


def _parse_applicability(data: Any, *, file: str) -> Applicability:
    r = yamlio.Reader(data, file=file, what="applicability", error=AssessmentError)
    fmt_version = r.req("parindex", int)
    if fmt_version != FORMAT_VERSION:
        r.fail_key("parindex", f"this version of parindex reads format {FORMAT_VERSION}")
    kind = r.req("kind", yamlio.text)
    if kind != "applicability":
        r.fail_key("kind", "an applicability file has kind: applicability", value=kind)
    prov_key = r.opt("province", yamlio.text)
    on = r.opt("on", yamlio.text)
    note = r.opt("note", yamlio.text)
    seq = r.req("rules", list)
    r.done()
    record: Province | None = None
    if prov_key is not None:
        try:
            record = province(prov_key, on=on)
        except UnitError as exc:
            raise exc.with_context(file=file, line=r.mark[0] or None) from None
    rules: list[NotApplicableRule] = []
    for i, (item, mark) in enumerate(zip(seq, yamlio.item_marks(seq), strict=True)):
        rr = yamlio.Reader(
            item, file=file, what=f"rules[{i + 1}]", mark=mark, error=AssessmentError
        )
        units = _str_list(rr, "units")
        codes = _str_list(rr, "codes")
        reason = rr.req("reason", read_label)
        src = rr.opt("source", yamlio.text)
        rr.done()
        rules.append(NotApplicableRule(units, codes, reason, src, mark[0] or None))
    return Applicability(tuple(rules), record, file, note)


def load_applicability(path: str | os.PathLike[str]) -> Applicability:
    """Read an applicability file (YAML): items that do not apply to named units."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise AssessmentError(f"cannot read the file: {exc.strerror}", file=str(p)) from None
    try:
        data = yamlio.load_yaml(raw, file=str(p))
    except MethodologyError as exc:
        raise AssessmentError(exc.message, file=str(p), line=exc.line, column=exc.column) from None
    return _parse_applicability(data, file=str(p))


def apply_applicability(
    methodology: Methodology, assessment: Assessment, applicability: Applicability
) -> Assessment:
    """The assessment with the items that do not apply to its unit marked not applicable.

    The not-applicable marks go into the ``self`` stage; the methodology's policy (``drop``,
    ``share``, ``earned``) then decides the points when the assessment is scored. A value given in
    any stage for such an item, or for an item inside it, is an :class:`AssessmentError` naming
    the unit, code, stage and value.
    """
    unit = assessment.unit
    codes = applicability.codes_for(unit)
    if not codes:
        return assessment
    applicability.check(methodology, [unit])
    declared = set(codes)
    for st, entries in assessment.stages.items():
        for code, e in entries.items():
            if e.not_applicable:
                continue
            hit = code if code in declared else None
            if hit is None and code in methodology:
                hit = next(
                    (a.code for a in methodology.ancestors(code) if a.code in declared), None
                )
            if hit is None:
                continue
            rule = applicability.reason(unit, hit)
            assert rule is not None
            inside = "" if hit == code else f" (it stands inside {hit})"
            raise AssessmentError(
                f"this item does not apply to the unit{inside}: {rule.reason.vi}"
                + (f" / {rule.reason.en}" if rule.reason.en else "")
                + f" ({applicability.source or 'applicability'}"
                + (f", line {rule.line}" if rule.line else "")
                + "); remove the value or the applicability rule",
                unit=unit,
                code=code,
                stage=st,
                value=e.value,
            )
    stages: dict[str, dict[str, Any]] = {st: dict(v) for st, v in assessment.stages.items()}
    first = stages.setdefault(STAGES[0], {})
    for code in codes:
        rule = applicability.reason(unit, code)
        if code not in first and rule is not None:
            first[code] = Entry(None, True, f"không áp dụng: {rule.reason.vi}")
    ordered = {st: stages[st] for st in STAGES if st in stages}
    return Assessment(unit, ordered, assessment.period, assessment.unit_type)


# ----------------------------------------------------------------------------------------------
# Checking anything keyed by units against a unit list


@attrs.frozen
class UnitCheck:
    """What a set of unit keys has that a unit list does not, and the other way round."""

    unknown: tuple[str, ...]
    wrong_type: tuple[tuple[str, str, str], ...]  # (unit, type given, type in the list)
    missing: tuple[str, ...]
    list_source: str = ""
    source: str | None = None
    suggestions: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, eq=False)

    @property
    def ok(self) -> bool:
        """True when no unit is unknown and no type disagrees (missing units are allowed)."""
        return not self.unknown and not self.wrong_type

    def raise_for_errors(self, *, require_all: bool = False) -> None:
        """Raise :class:`UnitError` for unknown units or wrong types (and missing units if
        ``require_all``); the message lists every unit at fault."""
        where = f"the unit list {self.list_source}" if self.list_source else "the unit list"
        if self.unknown:
            parts = []
            for u in self.unknown:
                close = self.suggestions.get(u, ())
                parts.append(f"{u!r}" + (f" (did you mean {', '.join(close)}?)" if close else ""))
            raise UnitError(
                f"{len(self.unknown)} unit(s) not in {where}: {', '.join(parts)}",
                file=self.source,
                unit=self.unknown[0],
                value=list(self.unknown),
            )
        if self.wrong_type:
            u, given, _listed = self.wrong_type[0]
            shown = "; ".join(
                f"{a!r} is given as {b!r} but listed as {c!r}" for a, b, c in self.wrong_type
            )
            raise UnitError(
                f"unit type disagrees with {where}: {shown}",
                file=self.source,
                unit=u,
                value=given,
            )
        if require_all and self.missing:
            raise UnitError(
                f"{len(self.missing)} unit(s) of {where} have nothing: {', '.join(self.missing)}",
                file=self.source,
                unit=self.missing[0],
                value=list(self.missing),
            )


def check_units(
    units: UnitList,
    items: Iterable[Any] | Mapping[str, Any],
    *,
    types: Iterable[str] | None = None,
    source: str | None = None,
) -> UnitCheck:
    """Check the units of ``items`` against a unit list.

    ``items`` may be assessments, score cards (anything with a ``unit`` attribute), plain unit
    ids, a mapping keyed by unit ids (results, targets...), or nested lists of these: for a map
    whose VALUES name units (criterion → responsible units), pass ``mapping.values()``.
    ``types`` restricts which listed units are expected (for ``missing``); by default every unit
    of the list is. An assessment whose ``unit_type`` is one of the unit-list types
    (``department``, ``commune``...) must match the unit's listed type; a scheme-specific type
    (such as ``department_no_tthc``) is left to the methodology.
    """
    keys: list[str] = []
    given_types: dict[str, str] = {}

    def collect(obj: Any, depth: int) -> None:
        if isinstance(obj, Assessment):
            keys.append(obj.unit)
            if obj.unit_type is not None:
                given_types.setdefault(obj.unit, obj.unit_type)
        elif isinstance(obj, str):
            keys.append(obj)
        elif isinstance(getattr(obj, "unit", None), str):
            keys.append(obj.unit)
        elif isinstance(obj, Mapping) and depth < 4:
            for k in obj:
                collect(k, depth + 1)
        elif isinstance(obj, Iterable) and depth < 4:
            for x in obj:
                collect(x, depth + 1)
        else:
            raise UnitError(
                "expected assessments, cards, unit ids, or a mapping keyed by unit ids",
                file=source,
                value=type(obj).__name__,
            )

    collect(items, 0)
    unknown: list[str] = []
    seen: set[str] = set()
    for k in keys:
        if k not in units and k not in unknown:
            unknown.append(k)
        seen.add(k)
    wrong: list[tuple[str, str, str]] = []
    for u, t in given_types.items():
        listed = units.get(u)
        if listed is not None and t in UNIT_TYPES and t != listed.type:
            wrong.append((u, t, listed.type))
    wanted = None if types is None else set(types)
    if wanted is not None:
        bad = sorted(wanted - set(UNIT_TYPES))
        if bad:
            raise UnitError(f"unit type must be one of {', '.join(UNIT_TYPES)}", value=bad[0])
    missing = tuple(
        u.id for u in units if u.id not in seen and (wanted is None or u.type in wanted)
    )
    suggestions = {u: tuple(difflib.get_close_matches(u, list(units.ids), n=3)) for u in unknown}
    return UnitCheck(
        tuple(unknown),
        tuple(wrong),
        missing,
        units.source,
        source,
        MappingProxyType(suggestions),
    )


# ----------------------------------------------------------------------------------------------
# Scoring a province's units with its family


@attrs.frozen
class FamilyCards:
    """The cards of a province's units, each scored by the member tree that fits its type."""

    family: SchemeFamily = attrs.field(repr=False)
    units: UnitList = attrs.field(repr=False)
    cards: Mapping[str, ScoreCard] = attrs.field(repr=False)
    year: int | None = None

    def __getitem__(self, unit_id: str) -> ScoreCard:
        try:
            return self.cards[unit_id]
        except KeyError:
            raise UnitError(
                "no card for this unit" + _close_hint(unit_id, self.cards),
                unit=unit_id,
                value=unit_id,
            ) from None

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self.cards

    def __iter__(self) -> Iterator[ScoreCard]:
        return iter(self.cards.values())

    def __len__(self) -> int:
        return len(self.cards)

    def by_scheme(self, scheme: str) -> tuple[ScoreCard, ...]:
        """The cards scored by one member (``"department"``), in unit-list order; they share a
        methodology, so they can be ranked together with :func:`parindex.rank`."""
        member = self.family.member(scheme)
        return tuple(c for c in self.cards.values() if c.methodology.id == member.id)

    def missing_units(self) -> tuple[str, ...]:
        """Units of the list, of a type the family scores, that have no card."""
        types = {
            t
            for m in self.family.members
            if self.year is None or self.year in m.years
            for t in m.unit_types
        }
        return tuple(u.id for u in self.units if u.type in types and u.id not in self.cards)


def _unit_type_for(member: Member, unit: Unit, a: Assessment) -> str | None:
    given = a.unit_type
    if given is None:
        return unit.type if unit.type in member.methodology.unit_types else None
    if given in UNIT_TYPES and given != unit.type:
        raise UnitError(
            f"the assessment gives the unit type {given!r}, the unit list {unit.type!r}",
            file=None,
            unit=unit.id,
            value=given,
        )
    return given


def score_family(
    family: SchemeFamily,
    units: UnitList,
    assessments: Iterable[Assessment],
    *,
    year: int | None = None,
    applicability: Applicability | None = None,
    upto: str | None = None,
) -> FamilyCards:
    """Score every assessment with the member tree for its unit's type.

    Checks first, and refuses with a :class:`UnitError` naming every unit at fault: units not in
    the list, unit types that disagree with it, a unit list of another province than the
    family's, a year the family does not govern, and applicability rules naming unknown units.
    Items that do not apply to named units are marked not applicable
    (:func:`apply_applicability`) and scored with the member's not-applicable policy.
    """
    items = list(assessments)
    if year is not None and not family.covers(year):
        raise MethodologyError(
            f"the family {family.id} governs {', '.join(map(str, family.years))}, not {year}",
            file=family.file,
            value=year,
        )
    if family.province is not None and family.province.id != units.province.id:
        raise UnitError(
            f"the family {family.id} is for {family.province.label}, the unit list for "
            f"{units.province.label}",
            file=units.source or None,
            value=units.province.id,
        )
    if year is not None and not _list_covers(units, year):
        raise UnitError(
            f"the unit list runs from {units.valid_from or '…'} to {units.valid_to or '…'}, "
            f"outside the year {year}",
            file=units.source or None,
            value=year,
        )
    check_units(units, items).raise_for_errors()
    seen: set[str] = set()
    for a in items:
        if a.unit in seen:
            raise UnitError("the unit has two assessments", unit=a.unit, value=a.period)
        seen.add(a.unit)
    if applicability is not None:
        applicability.check_units(units)
        for u in applicability.units:
            member = family.member_for(units[u].type, year, unit=u)
            applicability.check(member.methodology, [u])
    cards: dict[str, ScoreCard] = {}
    order = {uid: i for i, uid in enumerate(units.ids)}
    for a in sorted(items, key=lambda x: order[x.unit]):
        unit = units[a.unit]
        member = family.member_for(unit.type, year, unit=unit.id)
        m = member.methodology
        ut = _unit_type_for(member, unit, a)
        prepared = Assessment(a.unit, a.stages, a.period, ut)
        if applicability is not None:
            prepared = apply_applicability(m, prepared, applicability)
        cards[unit.id] = score(m, prepared, upto=upto)
    return FamilyCards(family, units, MappingProxyType(cards), year)


def _list_covers(units: UnitList, year: int) -> bool:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if units.valid_from is not None and units.valid_from > end:
        return False
    return not (units.valid_to is not None and units.valid_to < start)
