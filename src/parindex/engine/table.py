"""The columnar input of the engine: :class:`AssessmentTable`, one row per unit, code and stage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import chain
from operator import attrgetter, methodcaller
from types import MappingProxyType
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from ..assessment import (
    NA,
    STAGE_POSITION,
    STAGES,
    Assessment,
    Entry,
    is_na_text,
    make_entry,
    stage_name,
)
from ..errors import AssessmentError, ParIndexError
from ._common import F64, I8, I64, Bool, factorise, frozen
from .resolve import as_assessment

__all__ = ["AssessmentTable", "table_of"]

_NA_ENTRY: Final = Entry(None, True)
_PLAIN_NUMBER: Final = frozenset((int, float))
_MAPPING_TYPES: Final = frozenset((dict, MappingProxyType))


@attrs.frozen
class _Types:
    """The exact type of every value, by the identity of the type object (the values keep their
    types alive while the identities are in use)."""

    ids: I64

    @classmethod
    def of(cls, values: Sequence[Any]) -> _Types:
        return cls(np.fromiter(map(id, map(type, values)), np.int64, len(values)))

    def mask(self, wanted: frozenset[type]) -> Bool:
        # (one comparison per wanted type: cheaper than np.isin for the few types asked for)
        out = np.zeros(len(self.ids), np.bool_)
        for t in wanted:
            out |= self.ids == id(t)
        return out


def _classify(values: Sequence[Any], types: _Types | None = None) -> tuple[F64, Bool]:
    """Plain numbers (exactly ``int`` or ``float``) as an array, and where they are."""
    n = len(values)
    if types is None:
        if set(map(type, values)) <= _PLAIN_NUMBER:
            try:
                return np.array(values, dtype=np.float64), np.ones(n, np.bool_)
            except (OverflowError, ValueError, TypeError):
                pass
        types = _Types.of(values)
    isnum = types.mask(_PLAIN_NUMBER)
    if isnum.all():
        try:
            return np.array(values, dtype=np.float64), isnum
        except (OverflowError, ValueError, TypeError):
            pass
    nums = np.zeros(n, np.float64)
    if isnum.any():
        objects = np.fromiter(values, dtype=object, count=n)[isnum]
        try:
            nums[isnum] = objects.astype(np.float64)
        except (OverflowError, ValueError, TypeError):
            where = np.flatnonzero(isnum)
            for i, v in zip(where.tolist(), objects.tolist(), strict=True):
                try:
                    nums[i] = float(v)
                except OverflowError:
                    isnum[i] = False
    return nums, isnum


def _normalise_value(v: Any) -> tuple[Any, Entry | None]:
    """(plain value, the entry when it carries a note, evidence or NA) of one raw value, as
    ``make_entry`` reads it."""
    t = type(v)
    if t is float or t is int:
        return v, None
    if t is str:
        if is_na_text(v):
            return None, _NA_ENTRY
        return v, None
    if v is NA:
        return None, _NA_ENTRY
    e = make_entry(v)
    if e.note is not None or e.evidence or e.not_applicable:
        return e.value, e
    return e.value, None


@attrs.frozen(eq=False, repr=False)
class _Mappings:
    """The items of every mapping value of a table, for vectorised look-ups.

    Mapping ``k`` (of row ``rows[k]``) has ``length[k]`` items; item ``(k, key)`` is found by a
    binary search of ``k * n_keys + key_index[key]`` in ``pair`` (sorted), its value is ``num``
    where ``isnum`` (a plain ``int`` or ``float``).
    """

    of_row: I64  # mapping number of each row, -1 when the value is not a mapping
    length: I64
    key_index: Mapping[str, int]
    pair: I64
    num: F64
    isnum: Bool
    #: [mapping, key] -> item position in ``pair`` order (-1: absent), when small enough
    dense: npt.NDArray[np.int32] | None

    @classmethod
    def of(cls, values: Sequence[Any], types: _Types) -> _Mappings:
        n = len(values)
        ismap = types.mask(_MAPPING_TYPES)
        rows = np.flatnonzero(ismap)
        of_row = np.full(n, -1, np.int64)
        of_row[rows] = np.arange(len(rows))
        maps = list(map(values.__getitem__, rows.tolist()))
        length = np.fromiter(map(len, maps), np.int64, len(maps))
        keys = list(chain.from_iterable(maps))
        items = list(chain.from_iterable(map(methodcaller("values"), maps)))
        distinct, kidx = factorise(keys)
        num, isnum = _classify(items)  # (mostly whole numbers: the quick path)
        width = max(len(distinct), 1)
        owner = np.repeat(np.arange(len(maps), dtype=np.int64), length)
        pair = owner * width + kidx
        dense = None
        if len(maps) * width <= 2**26 and len(pair) < 2**31:
            # keys of one mapping are distinct, so every cell is written at most once
            dense = np.full((len(maps), width), -1, np.int32)
            dense[owner, kidx] = np.arange(len(pair), dtype=np.int32)
            order = np.arange(len(pair))
        else:
            order = np.argsort(pair, kind="stable")
        return cls(
            frozen(of_row),
            frozen(length),
            MappingProxyType({str(k): i for i, k in enumerate(distinct)}),
            frozen(pair[order]),
            frozen(num[order]),
            frozen(isnum[order]),
            None if dense is None else frozen(dense),
        )

    def lookup(self, mid: I64, key: str) -> tuple[Bool, F64, Bool]:
        """For mappings ``mid`` (-1: none): is ``key`` there, its number, is it a plain number."""
        k = self.key_index.get(key)
        n = len(mid)
        if k is None or not len(self.pair):
            return np.zeros(n, np.bool_), np.zeros(n, np.float64), np.zeros(n, np.bool_)
        if self.dense is not None:
            at = self.dense[np.where(mid >= 0, mid, 0), k]
            found = (at >= 0) & (mid >= 0)
            pos = np.where(found, at, 0)
            return found, np.where(found, self.num[pos], 0.0), found & self.isnum[pos]
        width = max(len(self.key_index), 1)
        target = mid * width + k
        pos = np.minimum(np.searchsorted(self.pair, target), len(self.pair) - 1)
        found = (self.pair[pos] == target) & (mid >= 0)
        return found, np.where(found, self.num[pos], 0.0), found & self.isnum[pos]


def _texts(values: Sequence[Any], types: _Types) -> dict[str, Any]:
    n = len(values)
    isstr = types.mask(frozenset((str,)))
    rows = np.flatnonzero(isstr)
    row_text = np.full(n, -1, np.int64)
    distinct, idx = factorise(list(map(values.__getitem__, rows.tolist())))
    row_text[rows] = idx
    return {"texts": tuple(distinct), "row_text": frozen(row_text)}


@attrs.frozen(eq=False, repr=False)
class AssessmentTable:
    """Inputs of many units in long format: one row per unit, code and stage.

    Build it with :meth:`from_columns` (e.g. from a CSV file or a data frame) or with
    :meth:`from_assessments`; pass it to :func:`score_many`. A unit is identified by its name and
    period. Values are numbers, level codes, ``"NA"`` (or :data:`~parindex.assessment.NA`),
    mappings (formula inputs, deduction counts) or :class:`~parindex.assessment.Entry` objects
    (to carry a note and evidence). Giving the same unit, code and stage twice is an
    :class:`~parindex.errors.AssessmentError` naming the rows.
    """

    units: tuple[str, ...]
    periods: tuple[str | None, ...]
    unit_types: tuple[str | None, ...]
    codes: tuple[str, ...]  # the distinct codes
    row_unit: I64
    row_code: I64  # position in ``codes``
    row_stage: I8  # position in STAGES
    row_na: Bool
    row_num: F64  # the value where it is a plain number
    row_isnum: Bool
    values: tuple[Any, ...] = attrs.field(repr=False)  # the value (None where NA)
    #: rows whose input carries a note, evidence or NA, with their entry
    entries: Mapping[int, Entry] = attrs.field(repr=False)
    #: mapping values (formula inputs, deduction counts) flattened for array look-ups
    mappings: _Mappings = attrs.field(repr=False)
    #: text values (level codes): the distinct texts, and each row's position among them (-1)
    texts: tuple[str, ...] = attrs.field(repr=False)
    row_text: I64 = attrs.field(repr=False)

    def __len__(self) -> int:
        return len(self.units)

    @property
    def n_rows(self) -> int:
        return len(self.values)

    def __repr__(self) -> str:
        return f"<AssessmentTable {len(self)} units, {self.n_rows} rows>"

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def from_columns(
        cls,
        *,
        unit: Sequence[Any] | npt.ArrayLike,
        code: Sequence[Any] | npt.ArrayLike,
        value: Sequence[Any] | npt.ArrayLike,
        stage: str | Sequence[Any] | npt.ArrayLike = "self",
        period: str | Sequence[Any] | npt.ArrayLike | None = None,
        unit_type: str | Sequence[Any] | npt.ArrayLike | None = None,
    ) -> AssessmentTable:
        """A table from equally long columns (a single text for ``stage``, ``period`` or
        ``unit_type`` applies to every row). A float array for ``value`` is taken as it is."""
        units = _as_list(unit, "unit")
        n = len(units)
        codes_in = _as_list(code, "code")
        if len(codes_in) != n:
            raise AssessmentError(
                f"the columns differ in length: unit has {n} rows, code {len(codes_in)}"
            )
        stages_in = _column(stage, n, "stage")
        periods_in = _column(period, n, "period")
        types_in = _column(unit_type, n, "unit_type")
        if isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
            if value.shape != (n,):
                raise AssessmentError(
                    f"the columns differ in length: unit has {n} rows, value {value.shape}"
                )
            num = np.array(value, dtype=np.float64)
            values: list[Any] = num.tolist()
            na = np.zeros(n, np.bool_)
            numbers: tuple[F64, Bool] | None = (num, np.ones(n, np.bool_))
            entries: dict[int, Entry] = {}
            types = _Types(np.full(n, id(float), np.int64))
        else:
            raw = _as_list(value, "value")
            if len(raw) != n:
                raise AssessmentError(
                    f"the columns differ in length: unit has {n} rows, value {len(raw)}"
                )
            values, entries = _normalise_values(raw, units, codes_in)
            na = np.zeros(n, np.bool_)
            for r, e in entries.items():
                na[r] = e.not_applicable
            types = _Types.of(values)
            numbers = None
        # a unit is a (name, period) pair
        names, name_idx = factorise(units)
        for k, u in enumerate(names):
            if not isinstance(u, str) or not u:
                first = int(np.argmax(name_idx == k))
                raise AssessmentError("unit names must be non-empty texts", row=first + 1, value=u)
        pers, per_idx = factorise(periods_in)
        for k, p in enumerate(pers):
            if p is not None and not isinstance(p, str):
                first = int(np.argmax(per_idx == k))
                raise AssessmentError(
                    "a period must be a text", row=first + 1, unit=units[first], value=p
                )
        combined = name_idx * len(pers) + per_idx
        distinct, first_row, inverse = np.unique(combined, return_index=True, return_inverse=True)
        by_first = np.argsort(first_row, kind="stable")
        rank = np.empty(len(distinct), np.int64)
        rank[by_first] = np.arange(len(distinct))
        row_unit = rank[inverse.reshape(-1)]
        ukeys = [(names[int(c) // len(pers)], pers[int(c) % len(pers)]) for c in distinct[by_first]]
        ucodes, row_code = factorise(codes_in)
        code_names = []
        for c in ucodes:
            if isinstance(c, bool) or not isinstance(c, str | int) or str(c) == "":
                first = codes_in.index(c)
                raise AssessmentError(
                    "codes must be non-empty texts", row=first + 1, unit=str(units[first]), value=c
                )
            code_names.append(str(c))
        if len(set(code_names)) != len(code_names):  # e.g. 1 and "1": merge them
            merged, remap = factorise(code_names)
            row_code = remap[row_code]
            code_names = merged
        ustages, row_stage_idx = factorise(stages_in)
        stage_pos = []
        for s in ustages:
            first = stages_in.index(s)
            stage_pos.append(STAGE_POSITION[stage_name(s, unit=str(units[first]), row=first + 1)])
        row_stage = np.array(stage_pos, dtype=np.int8)[row_stage_idx]
        # unit types: one per unit
        unit_first = first_row[by_first].tolist()
        utypes: list[str | None] = [types_in[r] for r in unit_first]
        if any(t is not None for t in types_in):
            owner = row_unit.tolist()
            for i, t in enumerate(types_in):
                if t != utypes[owner[i]]:
                    raise AssessmentError(
                        "the unit type differs from an earlier row of the same unit",
                        row=i + 1,
                        unit=str(units[i]),
                        value=t,
                    )
        table = _assemble(
            units=tuple(str(k[0]) for k in ukeys),
            periods=tuple(k[1] for k in ukeys),
            unit_types=tuple(utypes),
            codes=tuple(code_names),
            row_unit=row_unit,
            row_code=row_code,
            row_stage=row_stage,
            values=values,
            entries=entries,
            na=na,
            types=types,
            numbers=numbers,
        )
        table._check_duplicates()
        return table

    @classmethod
    def from_assessments(
        cls, assessments: Sequence[Assessment | Mapping[str, Any]]
    ) -> AssessmentTable:
        """A table holding the same inputs as a list of assessments (or ``{code: value}``
        mappings, taken as self-assessments of a unit named ``""``)."""
        items = [as_assessment(a, None) for a in assessments]
        return table_of(items)

    def _check_duplicates(self) -> None:
        n = len(self.values)
        if n < 2:
            return
        key = (self.row_unit * max(len(self.codes), 1) + self.row_code) * len(STAGES) + (
            self.row_stage.astype(np.int64)
        )
        order = np.argsort(key, kind="stable")
        sk = key[order]
        dup = np.flatnonzero(sk[1:] == sk[:-1])
        if len(dup) == 0:
            return
        later = order[dup + 1]
        pick = int(np.argmin(later))
        row2 = int(later[pick])
        row1 = int(order[dup[pick]])
        u = int(self.row_unit[row2])
        raise AssessmentError(
            f"duplicated rows {row1 + 1} and {row2 + 1}: the same unit, code and stage were "
            "given twice",
            row=row2 + 1,
            unit=self.units[u],
            code=self.codes[int(self.row_code[row2])],
            stage=STAGES[int(self.row_stage[row2])],
            value=_plain(self.entry(row2)),
        )

    # -- reading back ------------------------------------------------------------------------
    def rows_of(self, i: int) -> I64:
        """Row numbers (0-based) of unit ``i``, in table order."""
        return np.flatnonzero(self.row_unit == i)

    def assessment(self, i: int) -> Assessment:
        """Unit ``i`` as an :class:`~parindex.assessment.Assessment`."""
        stages: dict[str, dict[str, Any]] = {}
        for r in self.rows_of(i).tolist():
            st = STAGES[int(self.row_stage[r])]
            stages.setdefault(st, {})[self.codes[int(self.row_code[r])]] = self.entry(r)
        return Assessment(self.units[i], stages, self.periods[i], self.unit_types[i])

    def entry(self, r: int) -> Entry:
        """The input of row ``r`` as an :class:`~parindex.assessment.Entry`."""
        e = self.entries.get(r)
        return e if e is not None else Entry(self.values[r])

    def to_assessments(self) -> list[Assessment]:
        return [self.assessment(i) for i in range(len(self))]


def _plain(v: Any) -> Any:
    if isinstance(v, Entry):
        return NA if v.not_applicable else _plain(v.value)
    if isinstance(v, Mapping):
        return dict(v)
    return v


def _as_list(col: Any, name: str) -> list[Any]:
    if isinstance(col, str | bytes) or isinstance(col, Mapping):
        raise AssessmentError(f"the column {name!r} must be a sequence of values", value=col)
    if isinstance(col, np.ndarray):
        return list(col.tolist())
    try:
        return list(col)
    except TypeError:
        raise AssessmentError(
            f"the column {name!r} must be a sequence of values", value=type(col).__name__
        ) from None


def _column(col: Any, n: int, name: str) -> list[Any]:
    if col is None or isinstance(col, str):
        return [col] * n
    out = _as_list(col, name)
    if len(out) != n:
        raise AssessmentError(f"the columns differ in length: unit has {n} rows, {name} {len(out)}")
    return out


def _normalise_values(
    raw: list[Any], units: list[Any], codes: list[Any]
) -> tuple[list[Any], dict[int, Entry]]:
    values = list(raw)
    entries: dict[int, Entry] = {}
    plain = np.fromiter(map(_PLAIN_NUMBER.__contains__, map(type, raw)), np.bool_, len(raw))
    for i in np.flatnonzero(~plain).tolist():
        try:
            values[i], e = _normalise_value(raw[i])
        except ParIndexError as exc:
            raise exc.with_context(row=i + 1, unit=str(units[i]), code=str(codes[i])) from None
        if e is not None:
            entries[i] = e
    return values, entries


def table_of(items: Sequence[Assessment]) -> AssessmentTable:
    """The table of a list of assessments (as :meth:`AssessmentTable.from_assessments`)."""
    codes: list[str] = []
    entries: list[Entry] = []
    unit_counts: list[int] = []
    stage_ids: list[int] = []
    stage_counts: list[int] = []
    for a in items:
        total = 0
        for st, ents in a.stages.items():
            k = len(ents)
            if k:
                codes.extend(ents)
                entries.extend(ents.values())
                stage_ids.append(STAGE_POSITION[st])
                stage_counts.append(k)
                total += k
        unit_counts.append(total)
    n = len(entries)
    row_unit = np.repeat(np.arange(len(items), dtype=np.int64), unit_counts)
    row_stage = np.repeat(np.array(stage_ids, dtype=np.int8), stage_counts)
    raw = list(map(attrgetter("value"), entries))
    types = _Types.of(raw)
    na = np.zeros(n, np.bool_)
    maybe = np.flatnonzero(types.mask(frozenset((type(None),))))  # an NA entry's value is None
    if len(maybe):
        na[maybe] = [entries[i].not_applicable for i in maybe.tolist()]
    keep = na.copy()
    if any(map(attrgetter("note"), entries)) or any(map(attrgetter("evidence"), entries)):
        keep |= np.fromiter(map(attrgetter("note"), entries), np.bool_, n)
        keep |= np.fromiter(map(bool, map(attrgetter("evidence"), entries)), np.bool_, n)
    kept = {i: entries[i] for i in np.flatnonzero(keep).tolist()}
    ucodes, row_code = factorise(codes)
    return _assemble(
        units=tuple(a.unit for a in items),
        periods=tuple(a.period for a in items),
        unit_types=tuple(a.unit_type for a in items),
        codes=tuple(ucodes),
        row_unit=row_unit,
        row_code=row_code,
        row_stage=row_stage,
        values=raw,
        entries=kept,
        na=na,
        types=types,
    )


def _assemble(
    *,
    units: tuple[str, ...],
    periods: tuple[str | None, ...],
    unit_types: tuple[str | None, ...],
    codes: tuple[str, ...],
    row_unit: I64,
    row_code: I64,
    row_stage: I8,
    values: Sequence[Any],
    entries: Mapping[int, Entry],
    na: Bool,
    types: _Types,
    numbers: tuple[F64, Bool] | None = None,
) -> AssessmentTable:
    """The table of checked columns: the one place a table's fields are built."""
    if numbers is None:
        num, isnum = _classify(values, types)
        isnum &= ~na
    else:
        num, isnum = numbers
    return AssessmentTable(
        units=units,
        periods=periods,
        unit_types=unit_types,
        codes=codes,
        row_unit=frozen(row_unit),
        row_code=frozen(row_code),
        row_stage=frozen(row_stage),
        row_na=frozen(na),
        row_num=frozen(num),
        row_isnum=frozen(isnum),
        values=tuple(values),
        entries=MappingProxyType(dict(entries)),
        mappings=_Mappings.of(values, types),
        **_texts(values, types),
    )
