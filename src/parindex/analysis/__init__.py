"""Analyses that read score cards: ranking, gaps, what-if, comparisons, crosswalks,
uncertainty, sensitivity."""

from .compare import compare_periods, compare_stages, compare_versions
from .crosswalk import Crosswalk, CrosswalkError, load_crosswalk
from .gaps import Gap, GapReport, Step, gaps, steps_for
from .panel import Panel, panel
from .rank import Ranking, RankRow, rank
from .responsibility import (
    Cascade,
    ResponsibilityError,
    ResponsibilityMap,
    load_cascade,
    load_responsibilities,
)
from .sensitivity import Sensitivity, sensitivity
from .uncertainty import Uncertainty, uncertainty
from .whatif import WhatIf, modify, what_if

__all__ = [
    "Cascade",
    "Crosswalk",
    "CrosswalkError",
    "Gap",
    "GapReport",
    "Panel",
    "RankRow",
    "Ranking",
    "ResponsibilityError",
    "ResponsibilityMap",
    "Sensitivity",
    "Step",
    "Uncertainty",
    "WhatIf",
    "compare_periods",
    "compare_stages",
    "compare_versions",
    "gaps",
    "load_cascade",
    "load_crosswalk",
    "load_responsibilities",
    "modify",
    "panel",
    "rank",
    "sensitivity",
    "steps_for",
    "uncertainty",
    "what_if",
]
