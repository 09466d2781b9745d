"""Charts of score cards and rankings (optional extra ``charts``: matplotlib): kept as an import
path; the functions live in :mod:`parindex.render.charts`."""

from __future__ import annotations

from .render.charts import change_chart, domain_profile, lost_pareto, ranking_chart

__all__ = ["change_chart", "domain_profile", "lost_pareto", "ranking_chart"]
