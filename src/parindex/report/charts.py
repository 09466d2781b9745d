"""Inline SVG charts of the HTML report: kept as an import path; see :mod:`parindex.render.svg`."""

from __future__ import annotations

from ..render.svg import bar_chart, change_chart, pareto_chart

__all__ = ["bar_chart", "change_chart", "pareto_chart"]
