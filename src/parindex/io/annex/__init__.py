"""Official annex tables (phụ lục) into draft methodology files.

An annex lists every domain, criterion and sub-criterion with its code (STT), name, maximum
points and scoring guide (hướng dẫn chấm điểm). :func:`read_annex` reads such a table from the
decision's Word file (``.docx``), a PDF with a text layer, a workbook (``.xlsx``) or a ``.csv``
and writes a draft methodology; :func:`parse_guide` turns the guide text of one item into a rule
when it has one of the usual shapes.

- :mod:`.rows`: one reader per format, each turning a file into rows of cells;
- :mod:`.parse`: the one row parser (header, columns, codes, merged cells, totals, guide lines);
- :mod:`.guide`: guide lines into rule shapes;
- :mod:`.draft`: the draft file and the review list.

Nothing is guessed and nothing is dropped: a guide that is not understood in full stays, word
for word, in the ``note`` of a leaf scored with points given directly; every source row is a
node, part of one, or listed as skipped with the reason.
"""

from __future__ import annotations

from ...errors import AnnexError
from .draft import AnnexDraft, GuideIssue, read_annex
from .guide import GuideParse, parse_guide
from .parse import AnnexRow, AnnexTable, SkippedRow, read_annex_rows, read_annex_table

__all__ = [
    "AnnexDraft",
    "AnnexError",
    "AnnexRow",
    "AnnexTable",
    "GuideIssue",
    "GuideParse",
    "SkippedRow",
    "parse_guide",
    "read_annex",
    "read_annex_rows",
    "read_annex_table",
]
