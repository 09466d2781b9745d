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

The package is split by concern: :mod:`.family` (the family model, reading and loading),
:mod:`.applicability` (items that do not apply to named units), :mod:`.units_check` (keys checked
against a unit list) and :mod:`.score` (scoring a province with its family).
"""

from __future__ import annotations

# FORMAT_VERSION and parse_family are public by name though not in __all__: kept importable here.
from ..methodology.yamlio import FORMAT_VERSION as FORMAT_VERSION
from .applicability import (
    Applicability,
    NotApplicableRule,
    apply_applicability,
    load_applicability,
)
from .family import Member, SchemeFamily, families, load_family
from .family import parse_family as parse_family
from .score import FamilyCards, score_family
from .units_check import UnitCheck, check_units

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
