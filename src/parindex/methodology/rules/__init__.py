"""Scoring rules of leaves, as data, one module per kind.

Each rule kind reads its parameters from the methodology file, checks an input value, and turns
it into points, for one unit or for many at once with the same arithmetic. Rules never see units
or stages: the engine adds that context to errors.

Kinds (``kind:`` in the file):

``points``        points given directly, within the node's bounds
``levels``        a choice (level code) mapped to points, negative points allowed
``bands``         a number falling in one of several bands with explicit inclusive/exclusive edges
``proportional``  points = maximum × value / full, inside a band; fixed points outside it
``formula``       an arithmetic formula over named inputs (see :mod:`parindex.expr`)
``deductions``    a starting figure less a fixed amount per occurrence, with a floor
``survey_mean``   a survey group's mean answer mapped onto the maximum
``satisfaction``  a satisfaction rate times the maximum

:data:`RULE_KINDS` (kind → class) is the only list of kinds: the loader, the vector engine and
the tests ask it, and every caller asks the rule rather than testing its class.

How to add a rule kind
----------------------

1. Write ``<kind>.py`` in this package with one ``attrs.frozen`` subclass of :class:`Rule`
   (see ``_base.py`` for the protocol), setting ``kind: ClassVar[str] = "<kind>"`` and:

   * ``parse(sub, read_label)``: read its keys from the ``rule:`` mapping, with the same
     messages and positions style as the other kinds (``sub.fail``/``sub.fail_key``);
   * ``check(value)`` for one input, and ``check_array(rows, node)`` if its values are not
     plain numbers (the default reads numbers and checks ``input_range``);
   * ``evaluate_array(values, node_min, node_max)``: the points for many units as an
     :class:`ArrayOutcome`. Do not write a scalar ``evaluate``: the base class runs
     ``evaluate_array`` on one unit (``as_array``), so both engines give the same bits;
     override ``refusal`` to word the error for values it marks ``bad``;
   * ``input_range``, ``output_range``, ``needs_max`` and ``to_dict``;
   * how it reads: ``explain`` (score cards), ``guide``/``how_to_enter``/``excel`` (the
     self-assessment workbook; the base class gives the texts of points given directly) and
     ``targets`` (gap reports), and for named inputs or choices ``input_names``,
     ``input_label``/``input_hint``, ``choices``, ``value_names``, ``input_suffix``.
2. Add the class to :data:`RULE_KINDS` below (and export it in ``__all__``).
3. Add it to the JSON Schema (``methodology/schema.json``) and to the test strategies
   (``tests/strategies.py``); ``tests/unit/test_rules.py`` checks one unit against many.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..._text import fmt, num_text
from ._band import Band, parse_band
from ._base import (
    CLAMP_CODES,
    CLAMP_FLOOR,
    CLAMP_MAX,
    CLAMP_MIN,
    INF,
    TOL,
    ArrayOutcome,
    Choice,
    ExcelRefs,
    Explained,
    LeafRows,
    Outcome,
    Rule,
    Target,
    label_text,
    points_text,
    unit_text,
)
from ._input import NumberInput
from .bands import BandsRule
from .deductions import DeductionItem, DeductionsRule
from .formula import FormulaInput, FormulaRule
from .levels import Level, LevelsRule
from .points import PointsRule
from .proportional import ProportionalRule
from .satisfaction import SatisfactionRule
from .survey_mean import SurveyMeanRule

__all__ = [
    "CLAMP_CODES",
    "CLAMP_FLOOR",
    "CLAMP_MAX",
    "CLAMP_MIN",
    "INF",
    "RULE_KINDS",
    "TOL",
    "ArrayOutcome",
    "Band",
    "BandsRule",
    "Choice",
    "DeductionItem",
    "DeductionsRule",
    "ExcelRefs",
    "Explained",
    "FormulaInput",
    "FormulaRule",
    "LeafRows",
    "Level",
    "LevelsRule",
    "NumberInput",
    "Outcome",
    "PointsRule",
    "ProportionalRule",
    "Rule",
    "SatisfactionRule",
    "SurveyMeanRule",
    "Target",
    "fmt",
    "label_text",
    "num_text",
    "parse_band",
    "points_text",
    "unit_text",
]

#: Every rule kind: ``kind:`` in a methodology file → its class. The only list of kinds.
RULE_KINDS: Mapping[str, type[Rule]] = MappingProxyType(
    {
        r.kind: r
        for r in (
            PointsRule,
            LevelsRule,
            BandsRule,
            ProportionalRule,
            FormulaRule,
            DeductionsRule,
            SurveyMeanRule,
            SatisfactionRule,
        )
    }
)
