"""Re-export: the fingerprint of a methodology lives in :mod:`parindex.methodology.fingerprint`
(cards carry it too)."""

from __future__ import annotations

from ...methodology.fingerprint import fingerprint

__all__ = ["fingerprint"]
