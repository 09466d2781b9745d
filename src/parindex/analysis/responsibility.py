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

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence, Set
from typing import TYPE_CHECKING, Any

import attrs

from ..card import ScoreCard
from ..errors import ResponsibilityError
from ..methodology.model import Label, Methodology
from ._responsibility_files import (
    PLACEHOLDERS,
    fill_template,
    placeholders,
    read_cascade,
    read_responsibilities,
)
from .followup import FollowUp, Status

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
    #: the remedy to follow (its responsible unit is the lead), its deadline and status
    task: str | None = None
    deadline: dt.date | None = None
    status: Status = "todo"

    def follow_up(self) -> FollowUp | None:
        """The task of this entry to follow to its deadline, if it has one."""
        if self.task is None or self.deadline is None:
            return None
        unit = self.lead[0] if self.lead else ""
        return FollowUp(self.code, self.task, unit, self.deadline, self.status, self.line, self.row)

    def render(
        self,
        fields: Mapping[str, Mapping[str, str]],
        absent: Set[str] = frozenset(),
        instead: tuple[str, str] | None = None,
    ) -> tuple[tuple[str, str], ...]:
        """The remedy templates filled in: ((vi, en), ...).

        ``fields`` maps each language (``"vi"``, ``"en"``) to the values of the
        :data:`PLACEHOLDERS` (``gaps`` builds them from a gap with ``Gap.template_fields``).
        Placeholders are replaced as text: no Python formatting runs (a template with a format
        spec is refused when its file is read, and here with a ``ValueError``).
        A template that uses a placeholder of ``absent`` (a step the rule does not give) is
        replaced by ``instead`` (vi, en), said once, so that no remedy prints a placeholder.
        """
        out: list[tuple[str, str]] = []
        for tpl in self.remedies:
            used = set(placeholders(tpl.vi)) | set(placeholders(tpl.en or ""))
            if instead is not None and used & absent:
                if instead not in out:
                    out.append(instead)
                continue
            vi = fill_template(tpl.vi, fields["vi"])
            en = fill_template(tpl.en or tpl.vi, fields["en"])
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

    def follow_ups(self) -> tuple[FollowUp, ...]:
        """The tasks the map follows to their deadlines (items with ``task`` and ``deadline``)."""
        return tuple(f for r in self.items.values() if (f := r.follow_up()) is not None)

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
                    **(
                        {
                            "task": r.task,
                            "deadline": r.deadline.isoformat() if r.deadline else None,
                            "status": r.status,
                        }
                        if r.task is not None
                        else {}
                    ),
                }
                for r in self.items.values()
            ],
        }


# -- reading ------------------------------------------------------------------------------------


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
    file, meth, prov, entries = read_responsibilities(
        source, methodology.id if methodology else None
    )
    items = {code: Responsibility(*entry) for code, entry in entries.items()}
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
    file, links, pm, um = read_cascade(source, province_methodology, unit_methodology)
    return Cascade(links, (), pm, um, file).with_cards(cards)
