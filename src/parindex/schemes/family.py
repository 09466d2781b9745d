"""Scheme families: the trees a province issues at once, with the unit types each one scores.

A family file (``kind: family``) lists its member methodologies; :func:`parse_family` checks each
member against the family (issuer, years, unit types) and :func:`load_family` loads a shipped
family through the catalogue of shipped files, or a family file of your own.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from .._files import read_bytes
from ..errors import MethodologyError, ParIndexError, UnitError
from ..methodology import catalogue, registry, yamlio
from ..methodology.model import Label, LegalBasis, Methodology
from ..methodology.yamlio import read_years
from ..units import UNIT_TYPES, Province, UnitList, province

__all__ = ["Member", "SchemeFamily", "families", "load_family", "parse_family"]

_SURVEY_METHODS = ("survey", "sipas")


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


# ----------------------------------------------------------------------------------------------
# Reading a family file


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
    prov_key = r.opt("province", yamlio.text)
    seq = r.req("members", list)
    r.done()
    record = _family_province(r, prov_key, head.years)
    if not seq:
        r.fail_key("members", "list at least one member tree")
    members: list[Member] = []
    owner: dict[tuple[str, int], str] = {}
    for i, (item, mark) in enumerate(zip(seq, yamlio.item_marks(seq), strict=True)):
        m = yamlio.Reader(item, file=file, what=f"members[{i + 1}]", mark=mark)
        members.append(_read_member(m, i + 1, mark[0] or None, head, base, members, owner))
    return SchemeFamily(
        id=head.id,
        issuer=head.issuer,
        version=head.version,
        years=head.years,
        title=head.title,
        status=head.status,
        legal_basis=head.legal_basis,
        members=tuple(members),
        province=record,
        source=head.source,
        notes=tuple(n.strip() for n in head.notes),
        file=file,
    )


def _family_province(
    r: yamlio.Reader, prov_key: str | None, years: tuple[int, ...]
) -> Province | None:
    """The province a family declares, as it stood at the end of its last year."""
    if prov_key is None:
        return None
    try:
        return province(prov_key, on=dt.date(years[-1], 12, 31))
    except UnitError as exc:
        raise _member_error(r, f"family: 'province': {exc.message}", value=prov_key) from None


def _read_member(
    m: yamlio.Reader,
    n: int,
    line: int | None,
    head: yamlio.FileHeader,
    base: Path | None,
    members: list[Member],
    owner: dict[tuple[str, int], str],
) -> Member:
    """Read the ``n``-th member (1-based, at ``line``) and check it against the family and the
    members read before it; ``owner`` records which member scores each (unit type, year) and is
    updated."""
    ref = m.opt("methodology", yamlio.text)
    path = m.opt("file", yamlio.text)
    types = m.req("unit_types", list)
    member_years: tuple[int, ...] = m.opt("years", read_years, head.years)
    m.done()
    outside = [y for y in member_years if y not in head.years]
    if outside:
        m.fail_key(
            "years",
            f"the family governs {', '.join(map(str, head.years))}; a member's years must be "
            "among them",
            value=outside,
        )
    if (ref is None) == (path is None):
        m.fail(f"members[{n}]: give either 'methodology' (a shipped id) or 'file'")
    meth = _load_member(m, n, ref, path, base)
    _check_member_methodology(m, n, meth, head.issuer, member_years)
    _check_member_types(m, meth, types, member_years, owner)
    if any(x.id == meth.id for x in members):
        m.fail(f"members[{n}]: {meth.id} is listed twice", value=meth.id)
    return Member(meth, tuple(str(t) for t in types), member_years, line)


def _load_member(
    m: yamlio.Reader, n: int, ref: str | None, path: str | None, base: Path | None
) -> Methodology:
    """The member's methodology: a shipped one by id, or a file relative to ``base``."""
    try:
        if ref is not None:
            meth = registry.load(ref)
        else:
            assert path is not None
            meth = registry.load_file((base or Path(".")) / path)
    except ParIndexError as exc:
        raise _member_error(
            m, f"members[{n}]: the member cannot be loaded: {exc}", value=ref or path
        ) from None
    if not isinstance(meth, Methodology):
        m.fail(f"members[{n}]: a member must be a scoring methodology", value=ref or path)
    return meth


def _check_member_methodology(
    m: yamlio.Reader, n: int, meth: Methodology, issuer: str, member_years: tuple[int, ...]
) -> None:
    """The member's methodology has the family's issuer and governs the member's years."""
    if meth.issuer != issuer:
        m.fail(
            f"members[{n}]: the member's issuer {meth.issuer!r} is not the family's {issuer!r}",
            value=meth.id,
        )
    uncovered = [y for y in member_years if y not in meth.years]
    if uncovered:
        m.fail(
            f"members[{n}]: {meth.id} does not govern the year(s) "
            f"{', '.join(map(str, uncovered))} (it governs {', '.join(map(str, meth.years))})",
            value=meth.id,
        )


def _check_member_types(
    m: yamlio.Reader,
    meth: Methodology,
    types: list[Any],
    member_years: tuple[int, ...],
    owner: dict[tuple[str, int], str],
) -> None:
    """The member's unit types are known, declared by its methodology, and scored by no other
    member in the same year (``owner`` is updated)."""
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


# ----------------------------------------------------------------------------------------------
# Loading a family


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
        raw = read_bytes(p, error=MethodologyError)
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
