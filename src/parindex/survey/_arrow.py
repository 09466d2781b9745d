"""The fast survey CSV reader: pyarrow parses, numpy and pyarrow compute convert whole columns.

Used by :func:`parindex.survey.responses.iter_csv` when pyarrow is installed (extra
``parindex[parquet]``). It gives the same chunks as the Python reader (``chunk_rows`` respondents
each, the same row numbers) and builds them with the same function, so estimates and error
messages are the same. Whatever the two parsers could read differently (blank or broken lines,
text that is not UTF-8, quotes inside attribute values, an empty unit) makes it raise
:class:`Fallback` before the chunk holding it is given out; the caller then goes on with the
Python reader after the last row given out. Memory: one chunk and pyarrow's read block.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .._text import nfc_strip
from ._check import OnError, SeenIds, to_codes
from .methodology import SurveyMethodology

if TYPE_CHECKING:
    from .responses import Responses

__all__ = ["BLOCK_SIZE", "CsvReader", "Fallback"]

#: Bytes pyarrow parses at a time.
BLOCK_SIZE = 4 << 20
#: The Python csv module's default field size limit: longer fields go to the Python reader.
FIELD_LIMIT = 131_072


class Fallback(Exception):
    """The rest of the file needs the Python reader (raised before any of it is given out)."""


class CsvReader:
    """Chunks of ``chunk_rows`` respondents read through pyarrow; ``last_row`` is the last row
    (the header is row 1) of the chunks given out so far. ``build`` is
    :func:`parindex.survey.responses.chunk_from_columns`, the one builder of both readers."""

    def __init__(
        self,
        source: str,
        width: int,
        delimiter: str,
        chunk_rows: int,
        methodology: SurveyMethodology,
        attr_pos: Mapping[str, int],
        item_pos: Sequence[tuple[int, str]],
        on_error: OnError,
        seen: SeenIds,
        build: Callable[..., Responses],
    ) -> None:
        self.build = build
        self.source = source
        self.width = width
        self.delimiter = delimiter
        self.chunk_rows = chunk_rows
        self.methodology = methodology
        self.attr_pos = attr_pos
        self.item_pos = item_pos
        self.items = tuple(item for _, item in item_pos)
        self.on_error = on_error
        self.seen = seen
        self.last_row = 1
        self.broken = False

    def _invalid(self, row: Any) -> str:
        self.broken = True
        return "skip"

    def _open(self) -> Any:
        names = [f"c{i}" for i in range(self.width)]
        try:
            return pacsv.open_csv(
                os.fspath(self.source),
                read_options=pacsv.ReadOptions(
                    skip_rows=1, column_names=names, block_size=BLOCK_SIZE, use_threads=False
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.delimiter,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                    invalid_row_handler=self._invalid,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in names},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowException, OSError):
            raise Fallback from None

    def _batches(self) -> Iterator[pa.RecordBatch]:
        stream = self._open()
        attrs = list(self.attr_pos.values())
        unit = self.attr_pos["unit"]
        while True:
            try:
                batch = stream.read_next_batch()
            except StopIteration:
                return
            except pa.ArrowException:
                raise Fallback from None
            if self.broken:
                raise Fallback
            if batch.num_rows == 0:
                continue
            if pc.any(pc.equal(batch.column(unit), "")).as_py():
                raise Fallback  # a blank line, or an empty unit: the Python reader tells which
            for pos in attrs:
                col = batch.column(pos)
                if pc.any(pc.match_substring(col, '"')).as_py() or _too_long(col):
                    raise Fallback
            yield batch

    def __iter__(self) -> Iterator[Responses]:
        pending: list[pa.RecordBatch] = []
        have = 0
        for batch in self._batches():
            pending.append(batch)
            have += batch.num_rows
            while have >= self.chunk_rows:
                table = pa.Table.from_batches(pending)
                yield self._chunk(table.slice(0, self.chunk_rows))
                rest = table.slice(self.chunk_rows)
                pending = rest.to_batches()
                have = rest.num_rows
        if have:
            yield self._chunk(pa.Table.from_batches(pending))

    def _chunk(self, table: pa.Table) -> Responses:
        n = table.num_rows
        rows = np.arange(self.last_row + 1, self.last_row + 1 + n, dtype=np.int64)
        cols = [table.column(i).combine_chunks() for i in range(self.width)]

        def raw(pos: int) -> npt.NDArray[np.str_]:
            return np.asarray(cols[pos].to_numpy(zero_copy_only=False), dtype=str)

        def labels(pos: int) -> npt.NDArray[np.str_]:
            enc = cols[pos].dictionary_encode()
            names = [nfc_strip(x) for x in enc.dictionary.to_pylist()]
            out: npt.NDArray[np.str_] = np.asarray(names, dtype=str)[enc.indices.to_numpy()]
            return out

        def codes(
            pos: int, rows: npt.NDArray[np.int64], item: str
        ) -> tuple[npt.NDArray[np.int8], int]:
            fast = _codes(cols[pos])
            if fast is not None:
                return fast, 0
            if pc.any(pc.match_substring(cols[pos], '"')).as_py() or _too_long(cols[pos]):
                raise Fallback
            return to_codes(
                raw(pos), rows=rows, column=item, source=self.source, on_error=self.on_error
            )

        out = self.build(
            raw,
            labels,
            codes,
            rows,
            self.methodology,
            self.attr_pos,
            self.item_pos,
            self.items,
            self.on_error,
            self.source,
            self.seen,
        )
        self.last_row += n
        return out


def _too_long(col: pa.Array | pa.ChunkedArray) -> bool:
    longest = pc.max(pc.binary_length(col)).as_py()
    return longest is not None and longest > FIELD_LIMIT


def _codes(col: pa.Array) -> npt.NDArray[np.int8] | None:
    """Answer codes when every cell is empty or a code of at most three ASCII digits up to 126
    (what :func:`~parindex.survey.responses.to_codes` would read the same way), else None."""
    length = pc.binary_length(col)
    empty = pc.equal(length, 0)
    simple = pc.and_(pc.ascii_is_decimal(col), pc.less_equal(length, 3))
    if not pc.all(pc.or_(empty, simple)).as_py():
        return None
    numbers = pc.fill_null(pc.cast(pc.if_else(empty, None, col), pa.int16()), -1)
    arr = numbers.to_numpy(zero_copy_only=False)
    if arr.size and int(arr.max()) > 126:
        return None
    out: npt.NDArray[np.int8] = arr.astype(np.int8)
    return out
