"""Score one unit (kept for its import path): the engine is :mod:`parindex.engine`."""

from __future__ import annotations

from .engine import LeafInput, applies, resolve, score

__all__ = ["LeafInput", "applies", "resolve", "score"]
