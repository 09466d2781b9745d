"""parindex: score Vietnam's PAR INDEX and SIPAS exactly as the Ministry of Home Affairs and the
provinces do.

The public API (other systems depend on these names)::

    import parindex
    m = parindex.load("vn-moha/province", year=2023)
    card = parindex.score(m, {"TD": 55.2, "KTXH": 5.1, "XHH": 18.4, "SIPAS": 83.1})
    card.points, card.max_points, card.index, card.group, card["SIPAS"], card.to_dict()
    cards = parindex.score_many(m, assessments)
    ranking = parindex.rank(cards)
"""

from __future__ import annotations

from .analysis.gaps import GapReport, gaps
from .analysis.rank import Ranking, RankRow, rank
from .analysis.whatif import what_if
from .assessment import NA, STAGES, Assessment, Entry, read_assessments
from .card import NodeResult, ScoreCard, present
from .engine import AssessmentTable, CardSet, compile_plan, score, score_many
from .errors import (
    AssessmentError,
    ExpressionError,
    MethodologyError,
    MissingExtraError,
    NotEncodedError,
    ParIndexError,
    ScoringError,
    SurveyError,
    UnitError,
    UnknownValueError,
)
from .methodology.model import Label, Methodology, Node
from .methodology.registry import MethodologyInfo, available, load, load_file

__version__ = "0.1.0"

__all__ = [
    "NA",
    "STAGES",
    "Assessment",
    "AssessmentError",
    "AssessmentTable",
    "CardSet",
    "Entry",
    "ExpressionError",
    "GapReport",
    "Label",
    "Methodology",
    "MethodologyError",
    "MethodologyInfo",
    "MissingExtraError",
    "Node",
    "NodeResult",
    "NotEncodedError",
    "ParIndexError",
    "RankRow",
    "Ranking",
    "ScoreCard",
    "ScoringError",
    "SurveyError",
    "UnitError",
    "UnknownValueError",
    "__version__",
    "available",
    "compile_plan",
    "gaps",
    "load",
    "load_file",
    "present",
    "rank",
    "read_assessments",
    "score",
    "score_many",
    "what_if",
]
