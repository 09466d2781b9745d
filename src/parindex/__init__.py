"""parindex: score Vietnam's PAR INDEX and SIPAS exactly as the Ministry of Home Affairs and the
provinces do.

The public API (other systems depend on these names)::

    import parindex
    m = parindex.load("vn-moha/province", year=2023)
    card = parindex.score(m, {"TD": 55.2, "KTXH": 5.1, "XHH": 18.4, "SIPAS": 83.1})
    card.points, card.max_points, card.index, card.group, card["SIPAS"], card.to_dict()
    cards = parindex.score_many(m, assessments)
    ranking = parindex.rank(cards)

The top level exports every type its functions return, every error class and the literal types
of methods and policies. It is lazy (a module ``__getattr__``, as attrs does): ``import
parindex`` loads the errors and the literal types only; the rest is imported on first use, so
the analysis, the batch engine and the readers cost nothing until they are used.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

from ._types import (
    Aggregate,
    Lang,
    MethodologyKind,
    MissingPolicy,
    NAPolicy,
    Role,
    Stage,
    Status,
    TieRule,
    Upto,
)
from .errors import (
    AnnexError,
    AssessmentError,
    CrosswalkError,
    ErrorList,
    ExpressionError,
    MethodologyError,
    MissingExtraError,
    NotEncodedError,
    OutputError,
    ParIndexError,
    ResponsibilityError,
    ScoringError,
    SurveyError,
    UnitError,
    UnknownValueError,
)

if TYPE_CHECKING:  # the same names as _LAZY below, for type checkers and editors
    from ._text import present
    from .analysis.gaps import DomainGaps, Gap, GapReport, Step, UnitGaps, gaps
    from .analysis.rank import Ranking, RankRow, rank
    from .analysis.uncertainty import Uncertainty, uncertainty
    from .analysis.whatif import WhatIf, what_if
    from .assessment import NA, STAGES, Assessment, Entry, read_assessments
    from .card import Layer, NodeResult, ScoreCard
    from .engine import (
        AssessmentTable,
        CardSet,
        Plan,
        check_assessment,
        compile_plan,
        score,
        score_many,
    )
    from .methodology.model import Group, Grouping, Label, LegalBasis, Methodology, Node, Rounding
    from .methodology.registry import MethodologyInfo, available, load, load_file
    from .methodology.survey import SurveyMethodology
    from .schemas import schema

__version__ = "0.1.0"

#: Where each lazily imported name is defined (module relative to this package).
_LAZY: dict[str, str] = {
    # scoring one unit and many
    "score": ".engine",
    "score_many": ".engine",
    "check_assessment": ".engine",
    "schema": ".schemas",
    "compile_plan": ".engine",
    "Plan": ".engine",
    "AssessmentTable": ".engine",
    "CardSet": ".engine",
    # inputs
    "NA": ".assessment",
    "STAGES": ".assessment",
    "Assessment": ".assessment",
    "Entry": ".assessment",
    "read_assessments": ".assessment",
    # cards
    "Layer": ".card",
    "NodeResult": ".card",
    "ScoreCard": ".card",
    "present": "._text",
    # methodologies
    "Group": ".methodology.model",
    "Grouping": ".methodology.model",
    "Label": ".methodology.model",
    "LegalBasis": ".methodology.model",
    "Methodology": ".methodology.model",
    "Node": ".methodology.model",
    "Rounding": ".methodology.model",
    "SurveyMethodology": ".methodology.survey",
    "MethodologyInfo": ".methodology.registry",
    "available": ".methodology.registry",
    "load": ".methodology.registry",
    "load_file": ".methodology.registry",
    # analysis
    "gaps": ".analysis.gaps",
    "Gap": ".analysis.gaps",
    "GapReport": ".analysis.gaps",
    "DomainGaps": ".analysis.gaps",
    "UnitGaps": ".analysis.gaps",
    "Step": ".analysis.gaps",
    "rank": ".analysis.rank",
    "Ranking": ".analysis.rank",
    "RankRow": ".analysis.rank",
    "what_if": ".analysis.whatif",
    "WhatIf": ".analysis.whatif",
    "uncertainty": ".analysis.uncertainty",
    "Uncertainty": ".analysis.uncertainty",
}

__all__ = [
    "NA",
    "STAGES",
    "Aggregate",
    "AnnexError",
    "Assessment",
    "AssessmentError",
    "AssessmentTable",
    "CardSet",
    "CrosswalkError",
    "DomainGaps",
    "Entry",
    "ErrorList",
    "ExpressionError",
    "Gap",
    "GapReport",
    "Group",
    "Grouping",
    "Label",
    "Lang",
    "Layer",
    "LegalBasis",
    "Methodology",
    "MethodologyError",
    "MethodologyInfo",
    "MethodologyKind",
    "MissingExtraError",
    "MissingPolicy",
    "NAPolicy",
    "Node",
    "NodeResult",
    "NotEncodedError",
    "OutputError",
    "ParIndexError",
    "Plan",
    "RankRow",
    "Ranking",
    "ResponsibilityError",
    "Role",
    "Rounding",
    "ScoreCard",
    "ScoringError",
    "Stage",
    "Status",
    "Step",
    "SurveyError",
    "SurveyMethodology",
    "TieRule",
    "Uncertainty",
    "UnitError",
    "UnitGaps",
    "UnknownValueError",
    "Upto",
    "WhatIf",
    "__version__",
    "available",
    "check_assessment",
    "compile_plan",
    "gaps",
    "load",
    "load_file",
    "present",
    "rank",
    "read_assessments",
    "schema",
    "score",
    "score_many",
    "uncertainty",
    "what_if",
]


def __getattr__(name: str) -> Any:
    """Import a public name (or a subpackage such as ``parindex.analysis``) on first use."""
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value  # later lookups do not come back here
        return value
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
