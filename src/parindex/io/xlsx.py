"""Self-assessment workbooks: kept for its import path; the code is :mod:`parindex.io.workbook`."""

from __future__ import annotations

from .workbook import (
    DATA_ROW,
    FORMAT,
    HEADER_ROW,
    HELP_SHEET,
    LISTS_SHEET,
    MAIN_SHEET,
    META_SHEET,
    NA_TEXT,
    fingerprint,
    guide_text,
    read_workbook,
    write_workbook,
)

__all__ = [
    "DATA_ROW",
    "FORMAT",
    "HEADER_ROW",
    "HELP_SHEET",
    "LISTS_SHEET",
    "MAIN_SHEET",
    "META_SHEET",
    "NA_TEXT",
    "fingerprint",
    "guide_text",
    "read_workbook",
    "write_workbook",
]
