"""The "did you mean" hint that scheme errors append to a unit id or code nobody knows."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["close_hint"]


def close_hint(key: str, ids: Iterable[str]) -> str:
    """``"; did you mean a, b?"`` for up to three ids close to ``key`` (empty when none)."""
    close = difflib.get_close_matches(key, list(ids), n=3)
    return f"; did you mean {', '.join(close)}?" if close else ""
