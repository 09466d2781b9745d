"""Spreadsheets, annex tables and data frames (optional extras: ``xlsx``, ``pandas``).

Nothing here imports openpyxl or pandas when :mod:`parindex` is imported; each function imports
what it needs and, when it is missing, raises :class:`parindex.MissingExtraError` naming the
extra to install.

* :mod:`parindex.io.workbook`: self-assessment workbooks (:func:`write_workbook`,
  :func:`read_workbook`);
* :mod:`parindex.io.annex`: official annex tables into draft methodology files
  (:func:`read_annex`, :func:`parse_guide`);
* :mod:`parindex.io.frames`: pandas frames of cards and assessments (:func:`card_to_frame`,
  :func:`cards_to_frame`, :func:`ranking_to_frame`, :func:`assessments_to_frame`,
  :func:`assessments_from_frame`).
"""

from __future__ import annotations

from .. import _hooks
from .annex import AnnexDraft, GuideParse, parse_guide, read_annex
from .frames import (
    assessments_from_frame,
    assessments_to_frame,
    card_to_frame,
    cards_to_frame,
    ranking_to_frame,
)
from .workbook import read_workbook, write_workbook

__all__ = [
    "AnnexDraft",
    "GuideParse",
    "assessments_from_frame",
    "assessments_to_frame",
    "card_to_frame",
    "cards_to_frame",
    "parse_guide",
    "ranking_to_frame",
    "read_annex",
    "read_workbook",
    "write_workbook",
]

# parindex.read_assessments (assessment layer) reads workbooks through this registration.
_hooks.register_reader(".xlsx", read_workbook)
