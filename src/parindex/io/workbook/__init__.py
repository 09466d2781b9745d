"""Self-assessment workbooks (phiếu tự đánh giá, thẩm định) for any methodology (extra ``xlsx``).

:func:`write_workbook` builds an ``.xlsx`` file from a :class:`~parindex.Methodology`, blank (a
template) or filled with an :class:`~parindex.Assessment`; :func:`read_workbook` reads a filled
workbook back into an Assessment, checking every cell.

The workbook has four sheets:

``Hướng dẫn``    instructions in Vietnamese;
``Chấm điểm``    one row per node in the official layout (STT, nội dung, cấp, điểm tối đa,
                 hướng dẫn chấm điểm), and per stage (tự đánh giá, kết quả điều tra, thẩm định
                 lần 1, thẩm định lần 2) four columns: value, points up to that stage (a live
                 Excel formula), evidence documents, note; rules with named inputs (formula,
                 deductions) get one extra row per input below their item;
``Danh mục``     (hidden) the lists behind the drop-downs of choices (levels);
``_parindex``    (hidden) the methodology id, version and a fingerprint of its tree, so that a
                 workbook made for another version is refused.

The live totals in Excel follow the rules of each item and the sums and caps of each node, so the
officer sees the score while typing. Only parindex computes exactly: items that do not apply
(their maximum is not removed or shared in Excel), and the published rounding and grouping.

Modules: :mod:`.layout` (sheets, cells, rows), :mod:`.texts` (guides and help),
:mod:`.excel` (live formulas), :mod:`.fingerprint`, :mod:`.write`, :mod:`.read`. What each rule
kind contributes (its guide, input help, Excel formula, choices, named inputs) is on the rule.
"""

from __future__ import annotations

from .fingerprint import fingerprint
from .layout import (
    DATA_ROW,
    FORMAT,
    HEADER_ROW,
    HELP_SHEET,
    LISTS_SHEET,
    MAIN_SHEET,
    META_SHEET,
    NA_TEXT,
    Layout,
    layout,
)
from .read import read_workbook
from .texts import guide_text
from .write import write_workbook

__all__ = [
    "DATA_ROW",
    "FORMAT",
    "HEADER_ROW",
    "HELP_SHEET",
    "LISTS_SHEET",
    "MAIN_SHEET",
    "META_SHEET",
    "NA_TEXT",
    "Layout",
    "fingerprint",
    "guide_text",
    "layout",
    "read_workbook",
    "write_workbook",
]
