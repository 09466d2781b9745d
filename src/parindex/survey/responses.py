"""Survey responses: one row per respondent, one int8 column per item, and respondent attributes.

Readers: :func:`from_arrays` (Python / numpy), :func:`read_csv` (whole file),
:func:`iter_csv` (chunks of a fixed number of rows, for files larger than memory),
:func:`from_dataframe` (pandas, extra ``parindex[pandas]``) and :func:`read_parquet`
(extra ``parindex[parquet]``). Every reader checks the answers against the methodology's scales and
the respondent attributes (ids, units, weights, strata, PSUs); with ``on_error="raise"`` (default)
the first fault raises a :class:`~parindex.errors.SurveyError` naming the row, column and value,
with ``on_error="skip"`` the faulty answers or respondents are excluded and counted by reason in
:attr:`Responses.excluded`.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from .._compat import methodology_keyword
from .._files import read_bytes
from .._text import nfc_strip
from ..errors import MissingExtraError, SurveyError
from ..methodology import yamlio
from ._check import (
    BLANK,
    INVALID,
    NOT_UTF8,
    OnError,
    SeenIds,
    check_delimiter,
    not_utf8,
    parse_weights,
    records,
    to_codes,
)
from .methodology import SurveyMethodology

__all__ = [
    "ATTRIBUTES",
    "BLANK",
    "INVALID",
    "Exclusions",
    "Factor",
    "Responses",
    "SeenIds",
    "check_delimiter",
    "chunk_from_columns",
    "concat",
    "from_arrays",
    "from_dataframe",
    "iter_csv",
    "read_csv",
    "read_mapping",
    "read_parquet",
]

#: The respondent attribute columns a responses file may carry besides the items.
ATTRIBUTES = ("respondent_id", "unit", "group", "stratum", "psu", "weight")
#: Which CSV reader: pyarrow when installed (``"auto"``), pyarrow, or the standard library.
Engine = Literal["auto", "arrow", "python"]
#: Reasons an answer or a respondent is excluded, with their labels.
REASONS: Mapping[str, str] = MappingProxyType(
    {
        "out_of_scale": "answer code outside the item's scale",
        "not_a_code": "answer is not a whole-number code",
        "duplicate_id": "respondent id already seen",
        "missing_id": "respondent id is empty",
        "missing_unit": "unit is empty",
        "bad_weight": "weight is negative, missing or not a number",
        "missing_psu": "stratum given without a primary sampling unit",
        "missing_stratum": "primary sampling unit given without a stratum",
    }
)


@attrs.frozen(eq=False)
class Factor:
    """A categorical column: ``codes[i]`` indexes ``labels``."""

    labels: tuple[str, ...]
    codes: npt.NDArray[np.int32]

    @classmethod
    def of(cls, values: Sequence[Any] | npt.NDArray[Any]) -> Factor:
        arr = np.asarray(values).astype(str)
        labels, codes = np.unique(arr, return_inverse=True)
        return cls(tuple(nfc_strip(str(x)) for x in labels), codes.astype(np.int32).reshape(-1))

    def take(self, keep: npt.NDArray[np.bool_]) -> Factor:
        return Factor(self.labels, self.codes[keep])

    def values(self) -> npt.NDArray[np.str_]:
        return np.asarray(self.labels, dtype=str)[self.codes] if self.labels else np.array([])


@attrs.frozen
class Exclusions:
    """What was excluded and why: answers by reason, respondents by reason."""

    answers: Mapping[str, int] = attrs.field(factory=lambda: MappingProxyType({}))
    respondents: Mapping[str, int] = attrs.field(factory=lambda: MappingProxyType({}))

    @property
    def total_answers(self) -> int:
        return sum(self.answers.values())

    def __add__(self, other: Exclusions) -> Exclusions:
        a = dict(self.answers)
        for k, v in other.answers.items():
            a[k] = a.get(k, 0) + v
        r = dict(self.respondents)
        for k, v in other.respondents.items():
            r[k] = r.get(k, 0) + v
        return Exclusions(MappingProxyType(a), MappingProxyType(r))

    def to_dict(self) -> dict[str, Any]:
        return {"answers": dict(self.answers), "respondents": dict(self.respondents)}

    def describe(self) -> str:
        if not self.answers and not self.respondents:
            return "nothing excluded"
        parts = [f"{n} answers: {REASONS.get(k, k)}" for k, n in sorted(self.answers.items())]
        parts += [
            f"{n} respondents: {REASONS.get(k, k)}" for k, n in sorted(self.respondents.items())
        ]
        return "; ".join(parts)


@attrs.frozen(eq=False)
class Responses:
    """Answers of ``n`` respondents to ``k`` items, with their attributes.

    ``answers`` is an int8 array (n, k) in column-major order: the answer codes of the item's
    scale, :data:`BLANK` for an empty cell and :data:`INVALID` for an excluded answer.
    ``rows`` gives each respondent's row number in the source (the header is row 1 of a CSV file).
    """

    items: tuple[str, ...]
    answers: npt.NDArray[np.int8]
    unit: Factor
    attributes: Mapping[str, Factor]
    weight: npt.NDArray[np.float64] | None
    rows: npt.NDArray[np.int64]
    respondent_id: npt.NDArray[np.str_] | None = None
    excluded: Exclusions = Exclusions()
    source: str | None = None

    @property
    def n(self) -> int:
        return int(self.answers.shape[0])

    def __len__(self) -> int:
        return self.n

    def factor(self, name: str) -> Factor:
        if name == "unit":
            return self.unit
        if name in self.attributes:
            return self.attributes[name]
        raise SurveyError(
            f"the responses have no attribute {name!r}; they have: "
            + ", ".join(["unit", *self.attributes]),
            value=name,
        )


# -- checking ----------------------------------------------------------------------------------


def _lookup_tables(methodology: SurveyMethodology, items: Sequence[str]) -> npt.NDArray[np.bool_]:
    """allowed[j, b]: whether the byte b (an int8 code viewed as uint8) is allowed for item j."""
    allowed = np.zeros((len(items), 256), dtype=bool)
    for j, item in enumerate(items):
        sc = methodology.scale_of(item)
        for c in (*sc.levels, *sc.no_opinion, *sc.not_applicable, *sc.blank):
            allowed[j, c & 0xFF] = True
        allowed[j, BLANK & 0xFF] = True
        allowed[j, INVALID & 0xFF] = True
    return allowed


def _check_items(
    methodology: SurveyMethodology, columns: Sequence[str], source: str | None
) -> tuple[str, ...]:
    known = set(methodology.items)
    items: list[str] = []
    for c in columns:
        if c not in known:
            raise SurveyError(
                f"unknown item column {c!r}: {methodology.id} has no such item; map your column "
                "names to the methodology's item codes with a mapping file, or declare it as an "
                "extra attribute",
                file=source,
                code=c,
                value=c,
            )
        if c in items:
            raise SurveyError(f"the item column {c!r} appears twice", file=source, code=c)
        items.append(c)
    return tuple(items)


def _bad(
    message: str, *, source: str | None, row: int, column: str | None = None, value: Any = None
) -> SurveyError:
    return SurveyError(message, file=source, row=row, code=column, value=value)


def _finish(
    methodology: SurveyMethodology,
    items: tuple[str, ...],
    answers: npt.NDArray[np.int8],
    unit: npt.NDArray[Any],
    attrs_raw: Mapping[str, npt.NDArray[Any]],
    weight: npt.NDArray[np.float64] | None,
    ids: npt.NDArray[np.str_] | None,
    rows: npt.NDArray[np.int64],
    on_error: OnError,
    source: str | None,
    seen_ids: SeenIds | None = None,
    excluded: Exclusions | None = None,
) -> Responses:
    """Check everything (vectorised) and build the Responses."""
    if on_error not in ("raise", "skip"):
        raise SurveyError("on_error must be 'raise' or 'skip'", value=on_error)
    n = answers.shape[0]
    exc_answers: dict[str, int] = dict(excluded.answers) if excluded else {}
    exc_resp: dict[str, int] = dict(excluded.respondents) if excluded else {}
    drop = np.zeros(n, dtype=bool)
    hashes: npt.NDArray[np.int64] | None = None

    def respondent_fault(mask: npt.NDArray[np.bool_], reason: str, column: str, vals: Any) -> None:
        if not mask.any():
            return
        if on_error == "raise":
            i = int(np.argmax(mask))
            raise _bad(
                REASONS[reason], source=source, row=int(rows[i]), column=column, value=vals[i]
            )
        new = mask & ~drop
        exc_resp[reason] = exc_resp.get(reason, 0) + int(new.sum())
        drop[:] |= mask

    # answers outside the scale
    allowed = _lookup_tables(methodology, items)
    u8 = answers.view(np.uint8)
    for j, item in enumerate(items):
        col = u8[:, j]
        bad = ~allowed[j][col]
        if bad.any():
            if on_error == "raise":
                i = int(np.argmax(bad))
                sc = methodology.scale_of(item)
                raise _bad(
                    f"answer code outside the scale {sc.code} of item {item} (levels "
                    f"{', '.join(map(str, sc.levels))}; no opinion {list(sc.no_opinion)}, "
                    f"not applicable {list(sc.not_applicable)}, blank {list(sc.blank)} or empty)",
                    source=source,
                    row=int(rows[i]),
                    column=item,
                    value=int(answers[i, j]),
                )
            exc_answers["out_of_scale"] = exc_answers.get("out_of_scale", 0) + int(bad.sum())
            answers[bad, j] = INVALID

    unit_s = np.char.strip(np.asarray(unit).astype(str))
    respondent_fault(unit_s == "", "missing_unit", "unit", unit_s)
    if ids is not None:
        ids = np.char.strip(ids.astype(str))
        respondent_fault(ids == "", "missing_id", "respondent_id", ids)
        order = np.argsort(ids, kind="stable")
        sorted_ids = ids[order]
        dup_sorted = np.zeros(n, dtype=bool)
        if n > 1:
            dup_sorted[1:] = (sorted_ids[1:] == sorted_ids[:-1]) & (sorted_ids[1:] != "")
        dup = np.zeros(n, dtype=bool)
        dup[order] = dup_sorted
        hashes = SeenIds.hashes(ids) if seen_ids is not None else None
        if seen_ids is not None and hashes is not None and seen_ids.runs:
            dup |= seen_ids.seen(hashes) & (ids != "")
        respondent_fault(dup, "duplicate_id", "respondent_id", ids)
    if weight is not None:
        w = np.asarray(weight, dtype=np.float64)
        # a zero weight is legitimate (e.g. a respondent outside the domain): the respondent
        # stays in the design (its PSU counts), as in R's survey package
        respondent_fault(~(np.isfinite(w) & (w >= 0)), "bad_weight", "weight", w)
    strat = attrs_raw.get("stratum")
    psu = attrs_raw.get("psu")
    if strat is not None and psu is not None:
        s_empty = np.char.strip(strat.astype(str)) == ""
        p_empty = np.char.strip(psu.astype(str)) == ""
        respondent_fault(~s_empty & p_empty, "missing_psu", "psu", psu)
        respondent_fault(s_empty & ~p_empty, "missing_stratum", "stratum", strat)

    keep = ~drop
    if drop.any():
        gone = answers[drop]
        exc_answers["respondent_excluded"] = exc_answers.get("respondent_excluded", 0) + int(
            ((gone != BLANK) & (gone != INVALID)).sum()
        )
        answers = np.asfortranarray(answers[keep])
        unit_s = unit_s[keep]
        attrs_raw = {k: v[keep] for k, v in attrs_raw.items()}
        weight = None if weight is None else np.asarray(weight, dtype=np.float64)[keep]
        ids = None if ids is None else ids[keep]
        hashes = None if hashes is None else hashes[keep]
        rows = rows[keep]
    if hashes is not None and seen_ids is not None:
        seen_ids.add(hashes)
    return Responses(
        items=items,
        answers=np.asfortranarray(answers),
        unit=Factor.of(unit_s),
        attributes=MappingProxyType({k: Factor.of(v) for k, v in attrs_raw.items()}),
        weight=None if weight is None else np.asarray(weight, dtype=np.float64),
        rows=rows,
        respondent_id=ids,
        excluded=Exclusions(MappingProxyType(exc_answers), MappingProxyType(exc_resp)),
        source=source,
    )


# -- mapping files -----------------------------------------------------------------------------


def read_mapping(path: str | os.PathLike[str]) -> Mapping[str, str]:
    """Read a mapping file: ``columns: {own column name: item code or null to ignore}``.

    Example::

        parindex: 1
        kind: survey-mapping
        columns:
          Cau_1: S1.1
          Cau_2: S1.2
          Ghi_chu: null      # a column to ignore
    """
    p = Path(path)
    raw = read_bytes(p, error=SurveyError)
    data = yamlio.load_yaml(raw, file=str(p))
    r = yamlio.Reader(data, file=str(p), what="mapping", error=SurveyError)
    r.req("parindex", int)
    kind = r.req("kind", yamlio.text)
    if kind != "survey-mapping":
        r.fail_key("kind", "expected 'survey-mapping'", value=kind)
    cols = r.req("columns", dict)
    r.done()
    out: dict[str, str] = {}
    for k, v in cols.items():
        if v is not None and not isinstance(v, str | int | float):
            r.fail(f"mapping: column {k!r}: expected an item code or null", value=v)
        out[nfc_strip(str(k))] = "" if v is None else nfc_strip(str(v))
    return MappingProxyType(out)


def _apply_mapping(header: Sequence[str], mapping: Mapping[str, str] | None) -> list[str]:
    if not mapping:
        return list(header)
    out: list[str] = []
    for h in header:
        out.append(mapping.get(h, h))
    return out


# -- readers -----------------------------------------------------------------------------------


def _split_columns(
    header: Sequence[str],
    methodology: SurveyMethodology,
    extra: Sequence[str],
    source: str | None,
) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Which header positions are attributes and which are items (in header order)."""
    attr_pos: dict[str, int] = {}
    item_pos: list[tuple[int, str]] = []
    allowed_attrs = (*ATTRIBUTES, *extra)
    for i, h in enumerate(header):
        if h == "":
            continue  # ignored by the mapping
        if h in allowed_attrs:
            if h in attr_pos:
                raise SurveyError(f"the column {h!r} appears twice", file=source, code=h)
            attr_pos[h] = i
        else:
            item_pos.append((i, h))
    if "unit" not in attr_pos:
        raise SurveyError(
            "the responses need a 'unit' column (the unit surveyed)", file=source, row=1
        )
    _check_items(methodology, [h for _, h in item_pos], source)
    return attr_pos, item_pos


def from_arrays(
    methodology: SurveyMethodology,
    answers: Mapping[str, Any] | npt.ArrayLike,
    *,
    unit: Sequence[Any] | npt.ArrayLike,
    items: Sequence[str] | None = None,
    respondent_id: Sequence[Any] | npt.ArrayLike | None = None,
    weight: Sequence[float] | npt.ArrayLike | None = None,
    attributes: Mapping[str, Sequence[Any] | npt.ArrayLike] | None = None,
    on_error: OnError = "raise",
) -> Responses:
    """Responses from Python sequences or numpy arrays.

    ``answers`` is a mapping ``{item code: column}`` or a 2-D array with ``items`` naming its
    columns. Answers are whole-number codes; ``None``, NaN, an empty text or -1 mean blank.
    ``attributes`` holds ``group``, ``stratum``, ``psu`` and any other attribute to estimate by.
    Row numbers in messages count respondents from 1.
    """
    if isinstance(answers, Mapping):
        items_t = _check_items(methodology, [str(k) for k in answers], None)
        cols = [np.asarray(answers[k]) for k in answers]
        n = len(cols[0]) if cols else 0
    else:
        mat = np.asarray(answers)
        if mat.ndim != 2:
            raise SurveyError("answers must be a 2-D array (respondents × items)", value=mat.shape)
        if items is None or len(items) != mat.shape[1]:
            raise SurveyError("give 'items', one item code per column of the answers array")
        items_t = _check_items(methodology, list(items), None)
        cols = [mat[:, j] for j in range(mat.shape[1])]
        n = mat.shape[0]
    rows = np.arange(1, n + 1, dtype=np.int64)
    out = np.empty((n, len(items_t)), dtype=np.int8, order="F")
    not_codes = 0
    for j, (item, col) in enumerate(zip(items_t, cols, strict=True)):
        if len(col) != n:
            raise SurveyError("every answer column must have one value per respondent", code=item)
        out[:, j], nb = to_codes(col, rows=rows, column=item, source=None, on_error=on_error)
        not_codes += nb
    unit_a = np.asarray(unit)
    if unit_a.shape != (n,):
        raise SurveyError("'unit' must have one value per respondent", value=unit_a.shape)
    attrs_raw: dict[str, npt.NDArray[Any]] = {}
    for k, v in (attributes or {}).items():
        a = np.asarray(v)
        if a.shape != (n,):
            raise SurveyError(f"attribute {k!r} must have one value per respondent", code=k)
        if k in ("unit", "weight", "respondent_id"):
            raise SurveyError(f"give {k!r} as its own argument, not as an attribute", code=k)
        attrs_raw[k] = a.astype(str)
    w = None if weight is None else np.asarray(weight, dtype=np.float64)
    if w is not None and w.shape != (n,):
        raise SurveyError("'weight' must have one value per respondent", value=w.shape)
    ids = None if respondent_id is None else np.asarray(respondent_id).astype(str)
    exc = Exclusions(MappingProxyType({"not_a_code": not_codes} if not_codes else {}))
    return _finish(
        methodology, items_t, out, unit_a, attrs_raw, w, ids, rows, on_error, None, SeenIds(), exc
    )


def _read_header(reader: Any, source: str) -> list[str]:
    try:
        header = next(records(reader, source))
    except StopIteration:
        raise SurveyError("the responses file is empty", file=source) from None
    if NOT_UTF8.search("".join(header)):
        raise not_utf8(source, 1)
    return [nfc_strip(h.lstrip("\ufeff")) for h in header]


@methodology_keyword
def iter_csv(
    path: str | os.PathLike[str],
    *,
    methodology: SurveyMethodology,
    chunk_rows: int = 100_000,
    mapping: Mapping[str, str] | str | os.PathLike[str] | None = None,
    attributes: Sequence[str] = (),
    on_error: OnError = "raise",
    delimiter: str = ",",
    engine: Engine = "auto",
) -> Iterator[Responses]:
    """Read a responses CSV file in chunks of ``chunk_rows`` respondents (bounded memory).

    Duplicate respondent ids are detected across chunks. Give the chunks to
    :func:`parindex.survey.estimate`, which accumulates sufficient statistics chunk by chunk.
    ``engine="auto"`` reads through pyarrow when it is installed (extra ``parindex[parquet]``),
    ``"python"`` with the standard library; both give the same chunks, estimates and errors (the
    pyarrow reader hands anything unusual, such as blank lines or broken rows, to the Python one).
    """
    source = os.fspath(path)
    if chunk_rows < 1:
        raise SurveyError("chunk_rows must be at least 1", value=chunk_rows)
    if engine not in ("auto", "arrow", "python"):
        raise SurveyError("engine must be 'auto', 'arrow' or 'python'", value=engine)
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = read_mapping(mapping)
    check_delimiter(delimiter)
    try:
        fh = open(source, encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as exc:
        raise SurveyError(f"cannot read the responses file: {exc.strerror}", file=source) from None
    with fh:
        reader = csv.reader(fh, delimiter=delimiter)
        raw_header = _read_header(reader, source)
        header = _apply_mapping(raw_header, mapping)
        attr_pos, item_pos = _split_columns(header, methodology, attributes, source)
        items = tuple(h for _, h in item_pos)
        width = len(header)
        seen = SeenIds()
        done = 1  # the last row already given out
        one_line = reader.line_num == 1
        if engine != "python" and one_line and _has_arrow(engine):
            from . import _arrow

            fast = _arrow.CsvReader(
                source,
                width,
                delimiter,
                chunk_rows,
                methodology,
                attr_pos,
                item_pos,
                on_error,
                seen,
                chunk_from_columns,
            )
            try:
                yield from fast
                return
            except _arrow.Fallback:
                done = fast.last_row
        row_no = 1
        while True:
            block: list[list[str]] = []
            for rec in records(reader, source):
                row_no += 1
                if row_no <= done:
                    continue
                if NOT_UTF8.search("".join(rec)):
                    raise not_utf8(source, row_no)
                if not rec or (len(rec) == 1 and not rec[0].strip()):
                    continue
                if len(rec) != width:
                    raise SurveyError(
                        f"expected {width} columns as in the header, found {len(rec)}",
                        file=source,
                        row=row_no,
                    )
                rec.append(str(row_no))
                block.append(rec)
                if len(block) >= chunk_rows:
                    break
            if not block:
                return
            yield _block_to_responses(
                block, methodology, attr_pos, item_pos, items, on_error, source, seen
            )


def _has_arrow(engine: Engine) -> bool:
    try:
        import pyarrow.csv  # noqa: F401
    except ImportError:
        if engine == "arrow":
            raise MissingExtraError.for_extra("pyarrow", "parquet", "the fast reader") from None
        return False
    return True


def _block_to_responses(
    block: list[list[str]],
    methodology: SurveyMethodology,
    attr_pos: Mapping[str, int],
    item_pos: Sequence[tuple[int, str]],
    items: tuple[str, ...],
    on_error: OnError,
    source: str,
    seen: SeenIds,
) -> Responses:
    cols = list(zip(*block, strict=True))
    return chunk_from_columns(
        lambda pos: np.asarray(cols[pos], dtype=str),
        lambda pos: np.asarray([nfc_strip(x) for x in cols[pos]], dtype=str),
        lambda pos, rows, item: to_codes(
            np.asarray(cols[pos], dtype=str),
            rows=rows,
            column=item,
            source=source,
            on_error=on_error,
        ),
        np.asarray(cols[-1], dtype=np.int64),
        methodology,
        attr_pos,
        item_pos,
        items,
        on_error,
        source,
        seen,
    )


def chunk_from_columns(
    raw: Callable[[int], npt.NDArray[np.str_]],
    labels: Callable[[int], npt.NDArray[np.str_]],
    codes: Callable[[int, npt.NDArray[np.int64], str], tuple[npt.NDArray[np.int8], int]],
    rows: npt.NDArray[np.int64],
    methodology: SurveyMethodology,
    attr_pos: Mapping[str, int],
    item_pos: Sequence[tuple[int, str]],
    items: tuple[str, ...],
    on_error: OnError,
    source: str,
    seen: SeenIds,
) -> Responses:
    """One chunk of a CSV file from its columns, whichever reader split them.

    ``raw(pos)`` gives the texts of column ``pos`` as read, ``labels(pos)`` the same through
    :func:`~parindex._text.nfc_strip`, ``codes(pos, rows, item)`` the answer codes of an item
    column and the number of non-codes (as :func:`to_codes`). Checks run in the same order for
    every reader, so both report the same first error.
    """
    n = len(rows)
    answers = np.empty((n, len(items)), dtype=np.int8, order="F")
    not_codes = 0
    for j, (pos, item) in enumerate(item_pos):
        answers[:, j], nb = codes(pos, rows, item)
        not_codes += nb
    unit = labels(attr_pos["unit"])
    ids = raw(attr_pos["respondent_id"]) if "respondent_id" in attr_pos else None
    weight = (
        parse_weights(raw(attr_pos["weight"]).tolist(), rows, source, on_error)
        if "weight" in attr_pos
        else None
    )
    attrs_raw = {
        k: labels(i) for k, i in attr_pos.items() if k not in ("unit", "respondent_id", "weight")
    }
    exc = Exclusions(MappingProxyType({"not_a_code": not_codes} if not_codes else {}))
    return _finish(
        methodology,
        items,
        answers,
        unit,
        attrs_raw,
        weight,
        ids,
        rows,
        on_error,
        source,
        seen,
        exc,
    )


@methodology_keyword
def read_csv(
    path: str | os.PathLike[str],
    *,
    methodology: SurveyMethodology,
    mapping: Mapping[str, str] | str | os.PathLike[str] | None = None,
    attributes: Sequence[str] = (),
    on_error: OnError = "raise",
    delimiter: str = ",",
    engine: Engine = "auto",
) -> Responses:
    """Read a whole responses CSV file (see :func:`iter_csv` for large files)."""
    chunks = list(
        iter_csv(
            path,
            methodology=methodology,
            chunk_rows=1_000_000,
            mapping=mapping,
            attributes=attributes,
            on_error=on_error,
            delimiter=delimiter,
            engine=engine,
        )
    )
    if not chunks:
        raise SurveyError("the responses file has a header but no respondents", file=str(path))
    return concat(chunks)


def concat(chunks: Sequence[Responses]) -> Responses:
    """Join chunks read from the same source into one Responses."""
    first = chunks[0]
    if len(chunks) == 1:
        return first
    exc = Exclusions()
    for c in chunks:
        if c.items != first.items or set(c.attributes) != set(first.attributes):
            raise SurveyError("chunks with different columns cannot be joined")
        exc = exc + c.excluded
    return Responses(
        items=first.items,
        answers=np.asfortranarray(np.concatenate([c.answers for c in chunks])),
        unit=Factor.of(np.concatenate([c.unit.values() for c in chunks])),
        attributes=MappingProxyType(
            {
                k: Factor.of(np.concatenate([c.attributes[k].values() for c in chunks]))
                for k in first.attributes
            }
        ),
        weight=None
        if first.weight is None
        else np.concatenate([c.weight for c in chunks if c.weight is not None]),
        rows=np.concatenate([c.rows for c in chunks]),
        respondent_id=None
        if first.respondent_id is None
        else np.concatenate([c.respondent_id for c in chunks if c.respondent_id is not None]),
        excluded=exc,
        source=first.source,
    )


def from_dataframe(
    methodology: SurveyMethodology,
    frame: Any,
    *,
    mapping: Mapping[str, str] | None = None,
    attributes: Sequence[str] = (),
    on_error: OnError = "raise",
) -> Responses:
    """Responses from a pandas DataFrame laid out as the CSV file (extra ``parindex[pandas]``)."""
    try:
        import pandas as pd
    except ImportError:
        raise MissingExtraError.for_extra("pandas", "pandas", "reading a DataFrame") from None
    if not isinstance(frame, pd.DataFrame):
        raise SurveyError("expected a pandas DataFrame", value=type(frame).__name__)
    header = _apply_mapping([nfc_strip(str(c)) for c in frame.columns], mapping)
    attr_pos, item_pos = _split_columns(header, methodology, attributes, None)
    cols = list(frame.columns)
    answers = {
        item: frame[cols[i]].to_numpy(dtype=float, na_value=np.nan)
        if frame[cols[i]].dtype.kind in "iuf"
        else frame[cols[i]].astype(str).to_numpy()
        for i, item in item_pos
    }
    extra = {
        k: frame[cols[i]].astype(str).to_numpy()
        for k, i in attr_pos.items()
        if k not in ("unit", "respondent_id", "weight")
    }
    return from_arrays(
        methodology,
        answers,
        unit=frame[cols[attr_pos["unit"]]].astype(str).to_numpy(),
        respondent_id=frame[cols[attr_pos["respondent_id"]]].astype(str).to_numpy()
        if "respondent_id" in attr_pos
        else None,
        weight=frame[cols[attr_pos["weight"]]].to_numpy(dtype=float, na_value=np.nan)
        if "weight" in attr_pos
        else None,
        attributes=extra,
        on_error=on_error,
    )


@methodology_keyword
def read_parquet(
    path: str | os.PathLike[str],
    *,
    methodology: SurveyMethodology,
    mapping: Mapping[str, str] | None = None,
    attributes: Sequence[str] = (),
    on_error: OnError = "raise",
) -> Responses:
    """Read a Parquet file laid out as the CSV file (extras ``parindex[parquet]`` and pandas)."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingExtraError.for_extra("pyarrow", "parquet", "reading Parquet files") from None
    try:
        table = pq.read_table(os.fspath(path))
    except (OSError, ValueError) as exc:
        raise SurveyError(f"cannot read the Parquet file: {exc}", file=os.fspath(path)) from None
    return from_dataframe(
        methodology, table.to_pandas(), mapping=mapping, attributes=attributes, on_error=on_error
    )
