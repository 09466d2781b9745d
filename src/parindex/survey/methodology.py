"""Survey methodologies: load one by id or path (the model and parser are in
:mod:`parindex.methodology.survey`, re-exported here)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from ..errors import MethodologyError
from ..methodology import registry
from ..methodology.survey import (
    AGGREGATIONS,
    Scale,
    SurveyMethodology,
    SurveyNode,
    parse_survey_methodology,
)

__all__ = [
    "AGGREGATIONS",
    "Scale",
    "SurveyMethodology",
    "SurveyNode",
    "load_methodology",
    "load_survey_methodology",
    "parse_survey_methodology",
]


def load_methodology(
    source: str | os.PathLike[str] | SurveyMethodology,
) -> SurveyMethodology:
    """A shipped id (``"vn-moha/sipas/2023"``), a path to a YAML file, or a methodology as is."""
    if isinstance(source, SurveyMethodology):
        return source
    text = os.fspath(source)
    p = Path(text)
    if text.endswith((".yaml", ".yml")) and p.exists():
        m = registry.load_file(p, kind="any")
    else:
        m = registry.load(text, kind="any")
    if not isinstance(m, SurveyMethodology):
        raise MethodologyError(
            "this is a scoring methodology, not a survey methodology (kind: survey)", value=text
        )
    return m


def load_survey_methodology(
    source: str | os.PathLike[str] | SurveyMethodology,
) -> SurveyMethodology:
    """Deprecated: the same as :func:`load_methodology` (``parindex.survey.load_methodology``)."""
    warnings.warn(
        "parindex.survey.load_survey_methodology is deprecated; use "
        "parindex.survey.load_methodology",
        DeprecationWarning,
        stacklevel=2,
    )
    return load_methodology(source)
