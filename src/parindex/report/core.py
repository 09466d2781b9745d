"""Kept as an import path: the report's content is in :mod:`parindex.report.model`, its building
in :mod:`parindex.report.build`."""

from __future__ import annotations

from .build import build_report
from .model import COLUMNS, Report

__all__ = ["COLUMNS", "Report", "build_report"]
