"""Where everything is in a self-assessment workbook: sheets, header cells, columns and rows.

The writer and the reader build the same :class:`Layout` from the methodology, so a workbook is
read back by position.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from ...assessment import STAGE_LABELS, STAGES
from ...errors import MissingExtraError
from ...methodology.model import Methodology

__all__ = [
    "DATA_ROW",
    "FORMAT",
    "HEADER_ROW",
    "HELP_SHEET",
    "LISTS_SHEET",
    "MAIN_SHEET",
    "META_SHEET",
    "NA_TEXT",
    "PERIOD_CELL",
    "TOTAL_CELL",
    "UNIT_CELL",
    "UNIT_TYPE_CELL",
    "Layout",
    "layout",
    "need_openpyxl",
    "row_key",
]

#: The layout version written into the metadata sheet.
FORMAT = 1
MAIN_SHEET = "Chấm điểm"
HELP_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
META_SHEET = "_parindex"
#: What an officer writes (or picks) for an item that does not apply.
NA_TEXT = "Không áp dụng"
HEADER_ROW = 9
DATA_ROW = 10
UNIT_CELL = "C3"
PERIOD_CELL = "C4"
UNIT_TYPE_CELL = "C5"
TOTAL_CELL = "C6"

_FIXED = (
    "STT / Mã",
    "Nội dung",
    "Nội dung (tiếng Anh)",
    "Cấp",
    "Điểm tối đa",
    "Hướng dẫn chấm điểm",
    "Cách nhập",
)
_PER_STAGE = ("Giá trị", "Điểm (tính đến bước này)", "Tài liệu kiểm chứng", "Ghi chú / giải trình")
_TAIL = ("Điểm đạt", "Chỉ số (%)")


def need_openpyxl(feature: str) -> Any:
    """The ``openpyxl`` module, or :class:`~parindex.MissingExtraError` naming ``feature``."""
    try:
        import openpyxl
    except ImportError:
        raise MissingExtraError.for_extra("openpyxl", "xlsx", feature) from None
    return openpyxl


@attrs.frozen
class Layout:
    """Where everything is: built the same way by the writer and the reader."""

    rows: tuple[tuple[str, str | None], ...]  # (node code, input name or None) from DATA_ROW on
    pos: Mapping[tuple[str, str | None], int]  # row index of each entry of ``rows``

    @staticmethod
    def stage_col(stage: str, part: int) -> int:
        """1-based column of a stage's part: 0 value, 1 points, 2 evidence, 3 note."""
        return len(_FIXED) + 1 + STAGES.index(stage) * len(_PER_STAGE) + part

    @property
    def final_col(self) -> int:
        return len(_FIXED) + len(STAGES) * len(_PER_STAGE) + 1

    @property
    def last_col(self) -> int:
        return self.final_col + 1

    def row_of(self, code: str, name: str | None = None) -> int:
        return DATA_ROW + self.pos[(code, name)]

    @staticmethod
    def headers() -> list[str]:
        out = list(_FIXED)
        for st in STAGES:
            out.extend(f"{STAGE_LABELS[st][0]} — {p}" for p in _PER_STAGE)
        out.extend(_TAIL)
        return out


def layout(m: Methodology) -> Layout:
    """The rows of ``m``'s workbook: one per node, and one per named input below its item."""
    rows: list[tuple[str, str | None]] = []
    for n in m.walk():
        rows.append((n.code, None))
        if n.rule is not None:
            rows.extend((n.code, name) for name in n.rule.input_names())
    return Layout(tuple(rows), MappingProxyType({r: i for i, r in enumerate(rows)}))


def row_key(code: str, name: str | None) -> str:
    """The code written in column A of a row."""
    return code if name is None else f"{code} : {name}"
