"""Applicability: which items do not apply to NAMED units, read from an ``applicability`` file.

:func:`apply_applicability` marks those items not applicable in an assessment, so that the
methodology's not-applicable policy (``drop``, ``share`` or ``earned``) is applied by the scoring
engine; a value given for such an item is an error naming the unit, the code, the stage and the
value.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from .._files import read_bytes
from ..assessment import STAGES, Assessment, Entry
from ..errors import AssessmentError, MethodologyError, UnitError
from ..methodology import yamlio
from ..methodology.model import Label, Methodology
from ..methodology.yamlio import FORMAT_VERSION, read_label
from ..units import Province, UnitList, province
from ._hints import close_hint

__all__ = [
    "Applicability",
    "NotApplicableRule",
    "apply_applicability",
    "load_applicability",
]


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
                    hint = close_hint(code, [n.code for n in methodology])
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
                        + close_hint(u, units.ids),
                        file=self.source or None,
                        line=rule.line,
                        unit=u,
                        value=u,
                    )


# ----------------------------------------------------------------------------------------------
# Reading an applicability file


def _str_list(r: yamlio.Reader, key: str) -> tuple[str, ...]:
    seq = r.req(key, list)
    if not seq:
        r.fail_key(key, "list at least one")
    out: list[str] = []
    for v in seq:
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            r.fail_key(key, "expected a list of texts", value=v)
        s = yamlio.nfc(str(v)).strip()
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
    raw = read_bytes(p, error=AssessmentError)
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
