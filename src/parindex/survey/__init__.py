"""Surveys and SIPAS: from raw questionnaires to satisfaction indices and PAR points.

A small set of pure functions::

    from parindex import survey
    m = survey.load_methodology("vn-moha/sipas/2023")
    r = survey.read_csv("responses.csv", methodology=m)
    est = survey.estimate(r, methodology=m, by=("unit",), design="srs")
    survey.sipas_points(est["HN"].overall.value)

See docs/survey.md.
"""

from __future__ import annotations

from .conversions import mean_to_points, rate_to_points, sipas_points, survey_stage_values
from .estimate import DESIGNS, SHARES, SINGLE_PSU, Estimate, Estimates, GroupEstimates, estimate
from .intervals import wald, wilson
from .methodology import (
    Scale,
    SurveyMethodology,
    SurveyNode,
    load_methodology,
    load_survey_methodology,
    parse_survey_methodology,
)
from .output import to_csv, to_json, to_table
from .responses import (
    BLANK,
    INVALID,
    Exclusions,
    Responses,
    from_arrays,
    from_dataframe,
    iter_csv,
    read_csv,
    read_mapping,
    read_parquet,
)

__all__ = [
    "BLANK",
    "DESIGNS",
    "INVALID",
    "SHARES",
    "SINGLE_PSU",
    "Estimate",
    "Estimates",
    "Exclusions",
    "GroupEstimates",
    "Responses",
    "Scale",
    "SurveyMethodology",
    "SurveyNode",
    "estimate",
    "from_arrays",
    "from_dataframe",
    "iter_csv",
    "load_methodology",
    "load_survey_methodology",
    "mean_to_points",
    "parse_survey_methodology",
    "rate_to_points",
    "read_csv",
    "read_mapping",
    "read_parquet",
    "sipas_points",
    "survey_stage_values",
    "to_csv",
    "to_json",
    "to_table",
    "wald",
    "wilson",
]
