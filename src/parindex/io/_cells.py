"""Spreadsheet cell helpers shared by the workbook and annex readers."""

from __future__ import annotations

__all__ = ["column_letter"]


def column_letter(i: int) -> str:
    """Column letter of a 1-based column index."""
    out = ""
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out
