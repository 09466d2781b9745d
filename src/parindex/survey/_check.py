"""Checks shared by the survey readers: answer codes, weights, CSV records, duplicate ids.

Lower than :mod:`parindex.survey.responses` (which builds :class:`Responses` from them) and
:mod:`parindex.survey._arrow` (the fast reader), so both readers convert and report alike.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ..errors import SurveyError

__all__ = [
    "BLANK",
    "INVALID",
    "MISSING_TEXTS",
    "NOT_UTF8",
    "OnError",
    "SeenIds",
    "check_delimiter",
    "not_utf8",
    "parse_weights",
    "records",
    "to_codes",
]

#: Stored code of an empty cell.
BLANK = -1
#: Stored code of an answer excluded by ``on_error="skip"`` (outside the item's scale).
INVALID = -2
OnError = Literal["raise", "skip"]
#: Texts read as an empty answer: an empty cell, and what pandas ("nan", "None") and R ("NA")
#: write for a missing value.
MISSING_TEXTS = ("", "nan", "NaN", "None", "NA")


class SeenIds:
    """Respondent ids already read, kept as 64-bit keyed hashes: 8 bytes per respondent.

    Ids are compared exactly within a chunk and by their hash (Python's keyed SipHash) across
    chunks, so memory stays near 8 bytes per respondent instead of the id text. Two different ids
    share a hash with probability at most n² / 2⁶⁵ for n respondents (below 3 × 10⁻⁸ for a
    million); such a pair would be reported as a duplicate. Hashes are kept in sorted runs merged
    as they grow, so adding and looking up a chunk costs O(chunk × log n).
    """

    def __init__(self) -> None:
        self.runs: list[npt.NDArray[np.int64]] = []

    @staticmethod
    def hashes(ids: npt.NDArray[np.str_]) -> npt.NDArray[np.int64]:
        return np.fromiter(map(hash, ids.tolist()), dtype=np.int64, count=len(ids))

    def __len__(self) -> int:
        return sum(len(r) for r in self.runs)

    def seen(self, h: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        out = np.zeros(h.shape, dtype=bool)
        for run in self.runs:
            pos = np.minimum(np.searchsorted(run, h), len(run) - 1)
            out |= run[pos] == h
        return out

    def add(self, h: npt.NDArray[np.int64]) -> None:
        if not len(h):
            return
        self.runs.append(np.sort(h))
        while len(self.runs) > 1 and len(self.runs[-2]) <= 2 * len(self.runs[-1]):
            last = self.runs.pop()
            self.runs[-1] = np.sort(np.concatenate([self.runs[-1], last]), kind="stable")


def to_codes(
    values: Any, *, rows: npt.NDArray[np.int64], column: str, source: str | None, on_error: OnError
) -> tuple[npt.NDArray[np.int8], int]:
    """Answer codes from numbers or texts: empty → BLANK; non-codes raise or become INVALID."""
    arr = np.asarray(values)
    if arr.dtype.kind in "iu":
        bad = (arr < -1) | (arr > 126)
        out = np.where(bad, INVALID, arr).astype(np.int8)
    elif arr.dtype.kind == "f":
        nan = np.isnan(arr)
        bad = ~nan & ((arr != np.round(arr)) | (arr < 0) | (arr > 126))
        out = np.where(nan, BLANK, np.where(bad, INVALID, np.nan_to_num(arr))).astype(np.int8)
    else:
        s = np.char.strip(arr.astype(str))
        empty = np.isin(s, MISSING_TEXTS)
        # "4.0" (pandas writes an integer column with gaps as floats) is the code 4
        head, dot, tail = np.char.partition(s, ".").T
        whole = (dot == ".") & (np.char.strip(tail, "0") == "") & (head != "")
        s = np.where(whole, head, s)
        digits = np.char.isdigit(s)
        lens = np.char.str_len(s)
        ok = digits & (lens <= 3)
        bad = ~empty & ~ok
        num = np.zeros(s.shape, dtype=np.int16)
        if ok.any():
            num[ok] = s[ok].astype(np.int16)
        bad |= ok & (num > 126)
        out = np.where(empty, BLANK, np.where(bad, INVALID, num)).astype(np.int8)
    if bad.any() and on_error == "raise":
        i = int(np.argmax(bad))
        raise SurveyError(
            "answer is not a whole-number code from 0 to 126 (leave the cell empty for blank)",
            file=source,
            row=int(rows[i]),
            code=column,
            value=arr[i].item() if hasattr(arr[i], "item") else arr[i],
        )
    return out, int(bad.sum())


def parse_weights(
    values: list[str], rows: npt.NDArray[np.int64], source: str | None, on_error: OnError
) -> npt.NDArray[np.float64]:
    s = np.char.strip(np.asarray(values, dtype=str))
    out = np.full(s.shape, np.nan)
    for i in np.flatnonzero(s != ""):
        try:
            out[i] = float(str(s[i]).replace(",", "."))
        except ValueError:
            if on_error == "raise":
                raise SurveyError(
                    "weight is not a number",
                    file=source,
                    row=int(rows[i]),
                    code="weight",
                    value=str(s[i]),
                ) from None
    return out


#: Bytes that are not UTF-8, as the decoder's ``surrogateescape`` handler leaves them.
NOT_UTF8 = re.compile("[\udc80-\udcff]")


def check_delimiter(delimiter: Any) -> str:
    """The CSV field separator: one character, not a quote, space or line break."""
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n ':
        raise SurveyError(
            "the CSV delimiter must be one character such as ',' or ';' (not a quote, a space "
            "or a line break)",
            value=delimiter,
        )
    return delimiter


def not_utf8(source: str, row: int) -> SurveyError:
    return SurveyError(
        "the file is not UTF-8 text; save it as CSV UTF-8 (in Excel: Save As, CSV UTF-8)",
        file=source,
        row=row,
    )


def records(reader: Any, source: str) -> Iterator[list[str]]:
    """The records of a csv reader, its errors (a field over the size limit) as SurveyError."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise SurveyError(
                f"the CSV file cannot be read here: {exc}", file=source, row=reader.line_num
            ) from None
