"""Score many units at once (kept for its import path): the engine is :mod:`parindex.engine`."""

from __future__ import annotations

from .engine import CLAMP_CODES, AssessmentTable, CardSet, Plan, compile_plan, score_many

__all__ = ["CLAMP_CODES", "AssessmentTable", "CardSet", "Plan", "compile_plan", "score_many"]
