"""Open a user's file safely and decode it: the one place every input reader goes through.

Every file a person or another system hands parindex (assessments, unit lists, responsibility
maps, cascades, crosswalks, methodology and scheme files, card JSON) is read here:

* only a regular file is read; a folder, a named pipe or a device (``/dev/zero``) is refused
  unless the caller asks for a stream (``stream=True``);
* a file larger than a cap is refused before it is read (:data:`MAX_BYTES`, overridable per call
  and with the environment variable ``PARINDEX_MAX_INPUT_BYTES``);
* text is UTF-8 with or without a byte-order mark, or for spreadsheet exports (``wide=True``,
  CSV files) UTF-16 (what Excel writes as "Unicode text"); anything else (such as Windows-1258,
  what Vietnamese Windows writes) is refused, naming the byte, the encoding it looks like and
  how to save the file as "CSV UTF-8";
* a NUL character is refused, naming its line.

CSV text is split into rows by :func:`csv_rows`: the separator (``,``, ``;`` or tab) is detected
from the header line, quoting is strict (a quote left open is refused with the row where it
opened), a field longer than :data:`MAX_FIELD` characters is refused, and every row carries its
number. This is the lowest layer: nothing of parindex but the errors is imported here.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from .errors import ParIndexError

__all__ = [
    "DELIMITERS",
    "MAX_BYTES",
    "MAX_DIGITS",
    "MAX_FIELD",
    "CsvTable",
    "check_regular",
    "csv_rows",
    "decode_text",
    "load_json",
    "max_bytes",
    "read_bytes",
    "read_text",
]

#: The default cap on the size of one input file (64 MiB); ``PARINDEX_MAX_INPUT_BYTES`` or the
#: ``max_bytes=`` argument of a reader overrides it.
MAX_BYTES = 64 * 1024 * 1024
#: The longest CSV field read (characters), as Python's csv module allows by default.
MAX_FIELD = 131_072
#: The separators a CSV file may use: comma, semicolon (Vietnamese Excel), tab.
DELIMITERS = (",", ";", "\t")

_SAVE_AS = (
    'save it as UTF-8 text (Excel: "CSV UTF-8 (Comma delimited)"; LibreOffice: character set '
    '"Unicode (UTF-8)")'
)


def max_bytes(override: int | None = None) -> int:
    """The size cap in force: ``override``, else ``PARINDEX_MAX_INPUT_BYTES``, else the default."""
    if override is not None:
        return override
    env = os.environ.get("PARINDEX_MAX_INPUT_BYTES", "").strip()
    if env.isdigit():
        return int(env)
    return MAX_BYTES


def check_regular(
    path: str | os.PathLike[str],
    *,
    error: type[ParIndexError] = ParIndexError,
    limit: int | None = None,
    stream: bool = False,
) -> None:
    """Refuse, with ``error`` naming the file, what cannot be read, a folder, what is not a
    regular file (unless ``stream``) and a file over the size cap."""
    file = str(path)
    cap = max_bytes(limit)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise _unreadable(error, exc, file) from None
    if stat.S_ISDIR(st.st_mode):
        raise error("this is a folder, not a file", file=file, error_code="file-not-regular")
    if not stat.S_ISREG(st.st_mode) and not stream:
        raise error(
            "not a regular file (a pipe, a socket or a device); save the data to a file first",
            file=file,
            error_code="file-not-regular",
        )
    if stat.S_ISREG(st.st_mode) and st.st_size > cap:
        raise _too_large(error, cap, file, st.st_size)


def _unreadable(error: type[ParIndexError], exc: OSError, file: str) -> ParIndexError:
    """The error of a file the system cannot read (``file-not-readable``)."""
    return error(
        f"cannot read the file: {exc.strerror}",
        file=file,
        error_code="file-not-readable",
        params={"reason": exc.strerror},
    )


def _too_large(
    error: type[ParIndexError], cap: int, file: str, size: int | None = None
) -> ParIndexError:
    """The error of a file over the size cap (``file-too-large``)."""
    message = (
        f"the file is larger than the limit of {cap} bytes "
        "(raise it with PARINDEX_MAX_INPUT_BYTES if the file is genuine)"
    )
    params = {"limit": cap}
    if size is None:
        return error(message, file=file, error_code="file-too-large", params=params)
    return error(message, file=file, value=size, error_code="file-too-large", params=params)


def read_bytes(
    path: str | os.PathLike[str],
    *,
    error: type[ParIndexError] = ParIndexError,
    limit: int | None = None,
    stream: bool = False,
) -> bytes:
    """The bytes of the file at ``path``, refused with ``error`` naming the file when it cannot
    be read, is not a regular file (unless ``stream``) or is larger than the cap."""
    file = str(path)
    cap = max_bytes(limit)
    check_regular(path, error=error, limit=limit, stream=stream)
    try:
        with open(path, "rb") as f:
            raw = f.read(cap + 1)
    except OSError as exc:
        raise _unreadable(error, exc, file) from None
    if len(raw) > cap:
        raise _too_large(error, cap, file)
    return raw


def _looks_utf16(raw: bytes) -> str | None:
    """``utf-16-le``/``-be`` for text without a byte-order mark that is plainly UTF-16 (every
    other byte of the first characters is NUL), else None."""
    head = raw[:200]
    if len(head) < 4 or len(head) % 2:
        return None
    if head[1::2].count(0) >= len(head) // 2 * 0.9 and 0 not in head[0::2]:
        return "utf-16-le"
    if head[0::2].count(0) >= len(head) // 2 * 0.9 and 0 not in head[1::2]:
        return "utf-16-be"
    return None


def decode_text(
    raw: bytes, *, file: str, error: type[ParIndexError] = ParIndexError, wide: bool = False
) -> str:
    """``raw`` as text: UTF-8 (with or without a byte-order mark) or UTF-16 (with a byte-order
    mark, or plainly UTF-16, only when ``wide``: what spreadsheets save as "Unicode text");
    anything else is refused with ``error``, naming the encoding the
    bytes look like (Windows-1258 is what Vietnamese Windows writes as "CSV") and how to save the
    file as UTF-8. A legacy encoding is never guessed: Windows-1252 and Windows-1258 give the same
    bytes different letters."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = _looks_utf16(raw) or "utf-8"
    if encoding.startswith("utf-16") and not wide:
        raise error(
            f"not UTF-8 text (it starts like UTF-16); {_SAVE_AS}",
            file=file,
            error_code="file-wrong-encoding",
            params={"encoding": "UTF-16"},
        )
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise error(
                f"the file starts as {encoding.upper()} text but byte {exc.start} is not; {_SAVE_AS}",
                file=file,
                error_code="file-wrong-encoding",
                params={"encoding": encoding.upper(), "byte": exc.start},
            ) from None
        raise error(
            f"not UTF-8 text (byte {exc.start}: {raw[exc.start : exc.start + 1]!r}){_legacy(raw)}; "
            f"{_SAVE_AS}",
            file=file,
            error_code="file-not-utf8",
            params={"byte": exc.start},
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise error(
            "the file contains a NUL character", file=file, line=line, error_code="file-has-nul"
        )
    return text


def _legacy(raw: bytes) -> str:
    """What a non-UTF-8 text looks like, for the message: Windows-1258 (Vietnamese Windows) when
    every byte is defined there, else nothing."""
    try:
        text = raw.decode("cp1258")
    except UnicodeDecodeError:
        return ""
    if any("\x80" <= ch <= "\x9f" for ch in text):
        return ""
    return "; it looks like Windows-1258 (Vietnamese Windows) or another legacy encoding"


def read_text(
    path: str | os.PathLike[str],
    *,
    error: type[ParIndexError] = ParIndexError,
    limit: int | None = None,
    stream: bool = False,
    wide: bool = False,
) -> str:
    """The text of the file at ``path``: :func:`read_bytes` then :func:`decode_text`."""
    raw = read_bytes(path, error=error, limit=limit, stream=stream)
    return decode_text(raw, file=str(Path(path)), error=error, wide=wide)


# -- CSV ----------------------------------------------------------------------------------------


def _sniff(text: str) -> str:
    """The separator of the header line: the most frequent of ``,`` ``;`` tab outside quotes."""
    header = text.split("\n", 1)[0]
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


class CsvTable:
    """The rows of a CSV text: ``header`` (stripped) and ``rows()`` yielding ``(row, cells)``,
    ``row`` the 1-based row number as a spreadsheet shows it (the header is row 1)."""

    def __init__(
        self,
        text: str,
        *,
        file: str,
        error: type[ParIndexError] = ParIndexError,
        delimiter: str | None = None,
    ) -> None:
        if delimiter is not None and (len(delimiter) != 1 or delimiter in '"\r\n'):
            raise error(
                "the separator must be one character other than a quote or a line break",
                file=file,
                value=delimiter,
            )
        self.file = file
        self.error = error
        self.delimiter = delimiter or _sniff(text)
        self._reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=self.delimiter, strict=True
        )
        self._row = 0
        first = self._next()
        self.header: list[str] | None = None if first is None else [c.strip() for c in first]

    def _next(self) -> list[str] | None:
        start = self._reader.line_num + 1
        self._row += 1
        try:
            cells = next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            text = str(exc)
            if "field larger than field limit" in text:
                raise self.error(
                    f"a cell is longer than {MAX_FIELD} characters",
                    file=self.file,
                    row=self._row,
                    error_code="csv-field-too-long",
                    params={"limit": MAX_FIELD},
                ) from None
            if "end of data" in text or "expected after" in text:
                raise self.error(
                    'a quote (") opened in this row is not closed where the cell ends; put the '
                    'whole cell in quotes and double the quotes inside it ("")',
                    file=self.file,
                    row=self._row,
                    line=start,
                    error_code="csv-open-quote",
                ) from None
            raise self.error(
                f"the CSV cannot be read: {text}",
                file=self.file,
                row=self._row,
                error_code="csv-not-readable",
                params={"reason": text},
            ) from None
        header: list[str] | None = getattr(self, "header", None)
        width = len(header) if header else 0
        if width:
            for cell in cells:
                if "\n" in cell and any(
                    line.count(self.delimiter) >= width - 1 for line in cell.split("\n")[1:]
                ):
                    raise self.error(
                        'a quote (") opened in this row is not closed before the next row',
                        file=self.file,
                        row=self._row,
                        line=start,
                        error_code="csv-open-quote",
                    )
        return cells

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        while True:
            cells = self._next()
            if cells is None:
                return
            if not any(c.strip() for c in cells):
                continue
            yield self._row, cells

    def split_decimal(self, cells: list[str]) -> bool:
        """Whether a row with too many cells looks like an unquoted decimal comma (``45,5``)."""
        return self.delimiter == "," and any(
            a.strip().lstrip("-").isdigit() and b.strip().isdigit()
            for a, b in itertools.pairwise(cells)
        )


def csv_rows(
    text: str,
    *,
    file: str,
    error: type[ParIndexError] = ParIndexError,
    delimiter: str | None = None,
) -> CsvTable:
    """A :class:`CsvTable` over ``text`` (separator detected unless given)."""
    return CsvTable(text, file=file, error=error, delimiter=delimiter)


# -- JSON ---------------------------------------------------------------------------------------

#: The most digits a whole number in an input may have (a float holds about 17 significant).
MAX_DIGITS = 100


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"a number with more than {MAX_DIGITS} digits")
    return int(text)


def _constant(name: str) -> float:
    raise ValueError(f"{name} is not a number parindex reads")


def load_json(text: str, *, file: str, error: type[ParIndexError] = ParIndexError) -> object:
    """Parse JSON strictly: a key given twice, ``NaN``/``Infinity`` and numbers with more than
    :data:`MAX_DIGITS` digits are refused with ``error`` naming the file and line."""

    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        out: dict[str, object] = {}
        for k, v in items:
            if k in out:
                raise _Duplicate(k)
            out[k] = v
        return out

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_int=_int, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise error(
            f"invalid JSON: {exc.msg}", file=file, line=exc.lineno, column=exc.colno
        ) from None
    except _Duplicate as exc:
        raise error("a key is given twice in one object", file=file, value=exc.args[0]) from None
    except (ValueError, RecursionError) as exc:
        raise error(f"invalid JSON: {exc}", file=file) from None


class _Duplicate(Exception):
    pass
