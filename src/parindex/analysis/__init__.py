"""Analyses that read score cards: ranking and groups (more to come: gaps, comparisons)."""

from .rank import Ranking, RankRow, rank

__all__ = ["RankRow", "Ranking", "rank"]
