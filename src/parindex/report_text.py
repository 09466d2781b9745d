"""Plain-text tables of a score card: kept as an import path; see :mod:`parindex.render.text`."""

from __future__ import annotations

from .render.text import card_table

__all__ = ["card_table"]
