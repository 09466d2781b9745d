"""The scoring engine: one engine for one unit and for many.

* :mod:`~parindex.engine.plan`: a methodology compiled into arrays (:func:`compile_plan`);
* :mod:`~parindex.engine.table`: the columnar input (:class:`AssessmentTable`);
* :mod:`~parindex.engine.resolve`: the checks of one assessment and the deciding input per leaf;
* :mod:`~parindex.engine.aggregate`: THE aggregation (items that do not apply, capped
  aggregates, bonus and penalty, clamping);
* :mod:`~parindex.engine.vector`: the passes of a run, :func:`score_many` and :func:`score`;
* :mod:`~parindex.engine.cardset`: the result, :class:`CardSet`.

``score(m, a)`` is ``score_many(m, [a])[0]``: the same rule methods and the same aggregation
score one unit and ten thousand, so they give the same bits by construction.
"""

from __future__ import annotations

from ..methodology.rules import CLAMP_CODES
from .cardset import CardSet
from .plan import Plan, compile_plan
from .resolve import LeafInput, applies, as_assessment, resolve
from .table import AssessmentTable
from .vector import check_assessment, score, score_many

__all__ = [
    "CLAMP_CODES",
    "AssessmentTable",
    "CardSet",
    "LeafInput",
    "Plan",
    "applies",
    "as_assessment",
    "check_assessment",
    "compile_plan",
    "resolve",
    "score",
    "score_many",
]
