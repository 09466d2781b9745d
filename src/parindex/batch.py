"""Score many units at once: the vectorised engine.

:func:`score_many` gives, for every unit, exactly the card :func:`parindex.scoring.score` gives
(the same floats, bit for bit, the same flags and the same reasons), but it computes them with
numpy over all units together:

* :func:`compile_plan` turns the tree into arrays once (node order is ``list(m.nodes)``: pre-order
  with the root ``""`` first);
* input values are validated per leaf with array operations (range and whole-number checks, band
  look-ups), level codes through a dictionary over the distinct values;
* the aggregation runs node by node from the leaves up, with the scalar engine's operations in the
  scalar engine's order (sums left to right in tree order, the same share factors, the same
  clamping), each operation applied to all units at once;
* the result is a :class:`CardSet`: arrays of points, maxima and flags, with the
  :class:`~parindex.card.ScoreCard` of a unit built only when it is asked for.

Input is a sequence of :class:`~parindex.assessment.Assessment` objects or ``{code: value}``
mappings, or an :class:`AssessmentTable`, a columnar long-format table (one row per unit, code and
stage) that can be built from arrays without any per-value Python work for plain numbers.

When a unit cannot be scored, the error is the one ``scoring.score`` raises for the first such
unit in input order (the batch engine finds the unit, then lets the reference engine produce the
error with its full context).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import chain
from operator import attrgetter, methodcaller
from types import MappingProxyType
from typing import Any, Final, overload

import attrs
import numpy as np
import numpy.typing as npt

from . import _hooks
from .assessment import NA, STAGES, Assessment, Entry, is_na_text, make_entry, stage_name
from .card import Layer, NodeResult, ScoreCard, present
from .errors import AssessmentError, ParIndexError
from .methodology.model import ROOT, Methodology, Node
from .methodology.rules import CLAMP_CODES, CLAMP_MAX, CLAMP_MIN, RULE_KINDS, Rule
from .scoring import _as_assessment, _layer_points, score

__all__ = ["CLAMP_CODES", "AssessmentTable", "CardSet", "Plan", "compile_plan", "score_many"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Int = npt.NDArray[np.signedinteger[Any]]
I8 = npt.NDArray[np.int8]
Bool = npt.NDArray[np.bool_]

_MIN, _MAX = CLAMP_MIN, CLAMP_MAX  # codes of the ``clamped`` array (CLAMP_CODES)
_NA_ENTRY: Final = Entry(None, True)
_STAGE_POS: Final[Mapping[str, int]] = MappingProxyType({s: i for i, s in enumerate(STAGES)})
_PLAIN_NUMBER: Final = frozenset((int, float))
_MAPPING_TYPES: Final = frozenset((dict, MappingProxyType))


def _frozen(a: Any) -> Any:
    a.flags.writeable = False
    return a


# =============================================================================================
# The plan
# =============================================================================================


@attrs.frozen(eq=False, repr=False)
class Plan:
    """A methodology compiled into arrays. Build it with :func:`compile_plan`; it never changes.

    Node ``j`` is ``codes[j]`` (``list(m.nodes)`` order, the root ``""`` first). Array fields have
    one entry per node; ``leaves`` lists the leaf node indices in tree order and ``leaf_pos`` maps
    a node index to its position among the leaves (-1 for internal nodes).
    """

    methodology: Methodology
    codes: tuple[str, ...]
    index: Mapping[str, int]
    parent: I64
    children: tuple[tuple[int, ...], ...]
    regular: tuple[tuple[int, ...], ...]
    extras: tuple[tuple[int, ...], ...]
    is_leaf: Bool
    leaves: I64
    leaf_pos: I64
    max: F64  # NaN where the maximum is not known
    max_known: Bool
    min: F64
    roles: tuple[str, ...]
    aggregates: tuple[str, ...]
    #: rule kind -> node indices of the leaves scored by that kind, in tree order
    kinds: Mapping[str, tuple[int, ...]]
    #: per node: the valid input range and whether a whole number is needed (numeric rules)
    input_min: F64
    input_max: F64
    input_integer: Bool

    @property
    def n_nodes(self) -> int:
        return len(self.codes)

    def __repr__(self) -> str:
        return (
            f"<Plan {self.methodology.id}: {self.n_nodes} nodes, {len(self.leaves)} leaves, "
            + ", ".join(f"{k} {len(v)}" for k, v in self.kinds.items() if v)
            + ">"
        )


def compile_plan(methodology: Methodology) -> Plan:
    """Compile a methodology's tree into the arrays :func:`score_many` works on."""
    m = methodology
    codes = tuple(m.nodes)
    index = {c: i for i, c in enumerate(codes)}
    nodes = [m.nodes[c] for c in codes]
    n = len(codes)
    parent = np.array([-1 if nd.parent is None else index[nd.parent] for nd in nodes], np.int64)
    children = tuple(tuple(index[c] for c in nd.children) for nd in nodes)
    regular = tuple(tuple(k for k in ch if nodes[k].role == "regular") for ch in children)
    extras = tuple(tuple(k for k in ch if nodes[k].role != "regular") for ch in children)
    is_leaf = np.array([nd.is_leaf for nd in nodes], np.bool_)
    is_leaf[0] = False if nodes[0].children else is_leaf[0]
    leaves = np.array([j for j in range(1, n) if is_leaf[j]], np.int64)
    leaf_pos = np.full(n, -1, np.int64)
    leaf_pos[leaves] = np.arange(len(leaves))
    mx = np.array([math.nan if nd.max is None else nd.max for nd in nodes], np.float64)
    kinds: dict[str, list[int]] = {k: [] for k in RULE_KINDS}
    for j in leaves.tolist():
        kinds[_rule(nodes[j]).kind].append(j)
    ranges = [
        (-math.inf, math.inf, False) if nd.rule is None else nd.rule.input_range(nd) for nd in nodes
    ]
    return Plan(
        methodology=m,
        codes=codes,
        index=MappingProxyType(index),
        parent=_frozen(parent),
        children=children,
        regular=regular,
        extras=extras,
        is_leaf=_frozen(is_leaf),
        leaves=_frozen(leaves),
        leaf_pos=_frozen(leaf_pos),
        max=_frozen(mx),
        max_known=_frozen(~np.isnan(mx)),
        min=_frozen(np.array([nd.min for nd in nodes], np.float64)),
        roles=tuple(nd.role for nd in nodes),
        aggregates=tuple(nd.aggregate for nd in nodes),
        kinds=MappingProxyType({k: tuple(v) for k, v in kinds.items()}),
        input_min=_frozen(np.array([r[0] for r in ranges], np.float64)),
        input_max=_frozen(np.array([r[1] for r in ranges], np.float64)),
        input_integer=_frozen(np.array([r[2] for r in ranges], np.bool_)),
    )


# =============================================================================================
# The columnar input
# =============================================================================================


def _factorise(values: Sequence[Any]) -> tuple[list[Any], I64]:
    """Distinct values in order of first appearance, and each value's position among them."""
    distinct = list(dict.fromkeys(values))
    where = {v: i for i, v in enumerate(distinct)}
    return distinct, np.fromiter(map(where.__getitem__, values), np.int64, len(values))


@attrs.frozen
class _Types:
    """The exact type of every value, by the identity of the type object (the values keep their
    types alive while the identities are in use)."""

    ids: I64

    @classmethod
    def of(cls, values: Sequence[Any]) -> _Types:
        return cls(np.fromiter(map(id, map(type, values)), np.int64, len(values)))

    def mask(self, wanted: frozenset[type]) -> Bool:
        return np.isin(self.ids, [id(t) for t in wanted])


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
        distinct, kidx = _factorise(keys)
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
            _frozen(of_row),
            _frozen(length),
            MappingProxyType({str(k): i for i, k in enumerate(distinct)}),
            _frozen(pair[order]),
            _frozen(num[order]),
            _frozen(isnum[order]),
            None if dense is None else _frozen(dense),
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
    distinct, idx = _factorise(list(map(values.__getitem__, rows.tolist())))
    row_text[rows] = idx
    return {"texts": tuple(distinct), "row_text": _frozen(row_text)}


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
            isnum = np.ones(n, np.bool_)
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
            num, isnum = _classify(values, types)
            isnum &= ~na
        # a unit is a (name, period) pair
        names, name_idx = _factorise(units)
        for k, u in enumerate(names):
            if not isinstance(u, str) or not u:
                first = int(np.argmax(name_idx == k))
                raise AssessmentError("unit names must be non-empty texts", row=first + 1, value=u)
        pers, per_idx = _factorise(periods_in)
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
        ucodes, row_code = _factorise(codes_in)
        code_names = []
        for c in ucodes:
            if isinstance(c, bool) or not isinstance(c, str | int) or str(c) == "":
                first = codes_in.index(c)
                raise AssessmentError(
                    "codes must be non-empty texts", row=first + 1, unit=str(units[first]), value=c
                )
            code_names.append(str(c))
        if len(set(code_names)) != len(code_names):  # e.g. 1 and "1": merge them
            merged, remap = _factorise(code_names)
            row_code = remap[row_code]
            code_names = merged
        ustages, row_stage_idx = _factorise(stages_in)
        stage_pos = []
        for s in ustages:
            first = stages_in.index(s)
            stage_pos.append(_STAGE_POS[stage_name(s, unit=str(units[first]), row=first + 1)])
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
        table = cls(
            units=tuple(str(k[0]) for k in ukeys),
            periods=tuple(k[1] for k in ukeys),
            unit_types=tuple(utypes),
            codes=tuple(code_names),
            row_unit=_frozen(row_unit),
            row_code=_frozen(row_code),
            row_stage=_frozen(row_stage),
            row_na=_frozen(na),
            row_num=_frozen(num),
            row_isnum=_frozen(isnum),
            values=tuple(values),
            entries=MappingProxyType(entries),
            mappings=_Mappings.of(values, types),
            **_texts(values, types),
        )
        table._check_duplicates()
        return table

    @classmethod
    def from_assessments(
        cls, assessments: Sequence[Assessment | Mapping[str, Any]]
    ) -> AssessmentTable:
        """A table holding the same inputs as a list of assessments (or ``{code: value}``
        mappings, taken as self-assessments of a unit named ``""``)."""
        items = [_as_assessment(a, None) for a in assessments]
        return _table_from_assessments(items)

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


def _table_from_assessments(items: Sequence[Assessment]) -> AssessmentTable:
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
                stage_ids.append(_STAGE_POS[st])
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
    num, isnum = _classify(raw, types)
    isnum &= ~na
    ucodes, row_code = _factorise(codes)
    return AssessmentTable(
        units=tuple(a.unit for a in items),
        periods=tuple(a.period for a in items),
        unit_types=tuple(a.unit_type for a in items),
        codes=tuple(ucodes),
        row_unit=_frozen(row_unit),
        row_code=_frozen(row_code),
        row_stage=_frozen(row_stage),
        row_na=_frozen(na),
        row_num=_frozen(num),
        row_isnum=_frozen(isnum),
        values=tuple(raw),
        entries=MappingProxyType(kept),
        mappings=_Mappings.of(raw, types),
        **_texts(raw, types),
    )


# =============================================================================================
# The card set
# =============================================================================================


@attrs.frozen(eq=False, repr=False)
class CardSet(Sequence[ScoreCard]):
    """The scores of many units: arrays, with each unit's :class:`ScoreCard` built on demand.

    ``cards[i]`` equals ``scoring.score(m, assessments[i])``. Reading totals does not build cards:
    :attr:`points`, :attr:`max_points`, :attr:`index` (NaN where the figure is not known),
    :meth:`node_points`, :meth:`node_index`, :attr:`groups`. Array attributes are read-only, node
    order is ``plan.codes``; :attr:`points_matrix` and the other ``*_matrix`` properties are
    shaped ``[n_units, n_nodes]``.
    """

    plan: Plan
    units: tuple[str, ...]
    periods: tuple[str | None, ...]
    unit_types: tuple[str | None, ...]
    upto: str | None
    _points: F64  # [n_nodes, n_units]
    _adjusted: F64  # NaN = not known
    _raw: F64  # NaN = none recorded
    _clamped: I8  # index into CLAMP_CODES
    _band: Int  # -1 = none
    _fallback: Bool
    _shared: F64  # NaN = none
    _na: Bool
    _missing: Bool
    _stage: I8  # -1 = none
    _table: AssessmentTable = attrs.field(repr=False)
    _rows: I64 = attrs.field(repr=False)  # table rows sorted by unit, node, stage
    _row_node: Int = attrs.field(repr=False)
    _row_start: I64 = attrs.field(repr=False)  # [n_units + 1] offsets into _rows

    @property
    def methodology(self) -> Methodology:
        return self.plan.methodology

    def __len__(self) -> int:
        return len(self.units)

    def __repr__(self) -> str:
        return f"<CardSet {self.methodology.id}: {len(self)} units>"

    @overload
    def __getitem__(self, i: int) -> ScoreCard: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[ScoreCard, ...]: ...

    def __getitem__(self, i: int | slice) -> ScoreCard | tuple[ScoreCard, ...]:
        if isinstance(i, slice):
            return tuple(self._card(k) for k in range(*i.indices(len(self))))
        n = len(self)
        k = int(i)
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError(f"unit {i} out of range ({n} units)")
        return self._card(k)

    def __iter__(self) -> Iterator[ScoreCard]:
        for k in range(len(self)):
            yield self._card(k)

    # -- totals without cards ------------------------------------------------------------------
    @property
    def points(self) -> F64:
        """Total points per unit."""
        out: F64 = self._points[0]
        return out

    @property
    def max_points(self) -> F64:
        """The maximum per unit after items that do not apply are dropped (NaN if unknown)."""
        out: F64 = self._adjusted[0]
        return out

    @property
    def index(self) -> F64:  # type: ignore[override]
        """The index (percent) per unit; NaN where the card's index is None.

        (This replaces ``Sequence.index(value)``, which has no use for score cards.)
        """
        return self.node_index(ROOT)

    def _pos(self, code: str) -> int:
        try:
            return self.plan.index[str(code)]
        except KeyError:
            raise ParIndexError(
                f"methodology {self.methodology.id} has no node with this code", code=str(code)
            ) from None

    def node_points(self, code: str) -> F64:
        """Points of one node for every unit."""
        out: F64 = self._points[self._pos(code)]
        return out

    def node_adjusted_max(self, code: str) -> F64:
        """Adjusted maximum of one node for every unit (NaN where it is not known)."""
        out: F64 = self._adjusted[self._pos(code)]
        return out

    def node_index(self, code: str) -> F64:
        """Index (percent) of one node for every unit, NaN where the card gives None."""
        j = self._pos(code)
        adj = self._adjusted[j]
        ok = ~np.isnan(adj) & (adj > 0)
        out = np.full(len(self), np.nan)
        with np.errstate(all="ignore"):
            out[ok] = self._points[j][ok] / adj[ok] * 100.0
        result: F64 = _frozen(out)
        return result

    @property
    def groups(self) -> tuple[str | None, ...]:
        """The result group code per unit (None without grouping or index), as the card's."""
        g = self.methodology.grouping
        if g is None:
            return (None,) * len(self)
        decimals = self.methodology.rounding.decimals
        cache: dict[float, str] = {}
        out: list[str | None] = []
        for x in self.index.tolist():
            if math.isnan(x):
                out.append(None)
                continue
            code = cache.get(x)
            if code is None:
                code = cache[x] = g.group_for(float(present(x, decimals))).code
            out.append(code)
        return tuple(out)

    @property
    def points_matrix(self) -> F64:
        """Points, shaped [n_units, n_nodes]."""
        return self._points.T

    @property
    def adjusted_max_matrix(self) -> F64:
        return self._adjusted.T

    @property
    def raw_matrix(self) -> F64:
        return self._raw.T

    @property
    def clamped_matrix(self) -> I8:
        """Codes into :data:`CLAMP_CODES` (0: none, 1: floor, 2: min, 3: max)."""
        return self._clamped.T

    @property
    def not_applicable_matrix(self) -> Bool:
        return self._na.T

    @property
    def missing_matrix(self) -> Bool:
        return self._missing.T

    @property
    def shared_matrix(self) -> F64:
        """Share factors (NaN where none was applied)."""
        return self._shared.T

    @property
    def fallback_matrix(self) -> Bool:
        return self._fallback.T

    @property
    def band_matrix(self) -> Int:
        """Index of the band or level used (-1 where none)."""
        return self._band.T

    @property
    def stage_matrix(self) -> I8:
        """Index into ``assessment.STAGES`` of the stage used (-1 where none)."""
        return self._stage.T

    def to_frame(self, value: str = "points") -> Any:
        """One row per unit, one column per node, as a pandas DataFrame (extra ``pandas``;
        :func:`parindex.io.cards_to_frame`, reached through :mod:`parindex._hooks`)."""
        return _hooks.frame(self, value=value)

    def to_dicts(self) -> list[dict[str, Any]]:
        return [c.to_dict() for c in self]

    # -- one card --------------------------------------------------------------------------------
    def _card(self, i: int) -> ScoreCard:
        plan = self.plan
        m = plan.methodology
        tab = self._table
        policy = m.not_applicable
        rows = self._rows[self._row_start[i] : self._row_start[i + 1]].tolist()
        rnodes = self._row_node[self._row_start[i] : self._row_start[i + 1]].tolist()
        layers_of: dict[int, list[tuple[int, Entry]]] = {}
        for r, j in zip(rows, rnodes, strict=True):
            layers_of.setdefault(j, []).append((r, tab.entry(r)))
        pts = self._points[:, i].tolist()
        adj = self._adjusted[:, i].tolist()
        raw = self._raw[:, i].tolist()
        clamped = self._clamped[:, i].tolist()
        band = self._band[:, i].tolist()
        fallback = self._fallback[:, i].tolist()
        shared = self._shared[:, i].tolist()
        na = self._na[:, i].tolist()
        missing = self._missing[:, i].tolist()
        stage = self._stage[:, i].tolist()
        results: list[NodeResult] = []
        for j, code in enumerate(plan.codes):
            node = m.nodes[code]
            a = None if math.isnan(adj[j]) else adj[j]
            if not plan.is_leaf[j]:
                if na[j]:
                    results.append(NodeResult(node, 0.0, node.max, 0.0, True, na_policy=policy))
                else:
                    cl = CLAMP_CODES[clamped[j]]
                    results.append(
                        NodeResult(
                            node,
                            pts[j],
                            node.max,
                            a,
                            raw=raw[j] if cl else None,
                            clamped=cl,
                            shared=None if math.isnan(shared[j]) else shared[j],
                        )
                    )
                continue
            st = None if stage[j] < 0 else STAGES[stage[j]]
            if missing[j]:
                results.append(NodeResult(node, 0.0, node.max, node.max, False, True))
                continue
            layers: list[Layer] = []
            last: tuple[Entry, Any] | None = None
            for r, e in layers_of.get(j, ()):
                lst = STAGES[int(tab.row_stage[r])]
                if e.not_applicable:
                    layers.append(Layer(lst, None, True, None, e.note, e.evidence))
                    continue
                assert node.rule is not None
                checked = node.rule.check(e.value)
                layers.append(
                    Layer(lst, checked, False, _layer_points(node, checked), e.note, e.evidence)
                )
                last = (e, checked)
            if na[j]:
                results.append(
                    NodeResult(
                        node,
                        pts[j],
                        node.max,
                        a,
                        True,
                        False,
                        st,
                        layers=tuple(layers),
                        na_policy=policy,
                    )
                )
                continue
            assert last is not None
            e, checked = last
            results.append(
                NodeResult(
                    node,
                    pts[j],
                    node.max,
                    node.max,
                    False,
                    False,
                    st,
                    checked,
                    raw[j],
                    CLAMP_CODES[clamped[j]],
                    fallback[j],
                    None if band[j] < 0 else band[j],
                    layers=tuple(layers),
                    note=e.note,
                    evidence=e.evidence,
                )
            )
        return ScoreCard(
            m, self.units[i], tuple(results), self.periods[i], self.unit_types[i], self.upto
        )


# =============================================================================================
# Scoring
# =============================================================================================


def score_many(
    methodology: Methodology,
    assessments: Sequence[Assessment | Mapping[str, Any]] | AssessmentTable,
    *,
    upto: str | None = None,
    missing: str | None = None,
    plan: Plan | None = None,
) -> CardSet:
    """Score many units at once; ``result[i] == scoring.score(methodology, assessments[i])``.

    ``assessments`` is a sequence of :class:`~parindex.assessment.Assessment` objects or
    ``{code: value}`` mappings, or an :class:`AssessmentTable`. ``upto`` and ``missing`` mean what
    they mean for :func:`~parindex.scoring.score`. ``plan`` is the result of
    :func:`compile_plan` for this methodology, to save compiling it again.

    Raises the error ``scoring.score`` raises for the first unit (in input order) that cannot be
    scored.
    """
    m = methodology
    if plan is None:
        plan = compile_plan(m)
    elif plan.methodology is not m:
        raise ParIndexError(
            f"the plan was compiled for {plan.methodology.id}, not for this methodology object",
            value=plan.methodology.id,
        )
    if isinstance(assessments, AssessmentTable):
        table = assessments
        source: Sequence[Any] | None = None
        bad = np.zeros(len(table), np.bool_)
    else:
        source = assessments
        items: list[Assessment] = []
        bad = np.zeros(len(source), np.bool_)
        for k, a in enumerate(source):
            try:
                items.append(_as_assessment(a, None))
            except Exception:
                bad[k] = True
                items.append(Assessment(""))
        table = _table_from_assessments(items)

    def fail(k: int) -> None:
        src = source[k] if source is not None else table.assessment(k)
        score(m, src, upto=upto, missing=missing)
        raise AssertionError(  # pragma: no cover - the engines disagree
            f"internal error: the batch engine found a problem with unit {k} that the "
            "reference engine does not see"
        )

    n_units = len(table)
    policy = missing or m.missing
    upto_name: str | None = None
    try:
        if policy not in ("zero", "block"):
            raise ParIndexError("missing must be 'zero' or 'block'", value=policy)
        if upto is not None:
            upto_name = stage_name(upto)
    except ParIndexError:
        if n_units:
            fail(0)
        raise
    engine = _Engine(plan, table, bad, upto_name, policy)
    out = engine.run()
    if engine.bad.any():
        fail(int(np.argmax(engine.bad)))
    assert out is not None
    pts, adj, raw, clamped, band, fallback, shared, na, miss, stage, rows, row_node, start = out
    return CardSet(
        plan,
        table.units,
        table.periods,
        table.unit_types,
        upto_name,
        pts,
        adj,
        raw,
        clamped,
        band,
        fallback,
        shared,
        na,
        miss,
        stage,
        table,
        rows,
        row_node,
        start,
    )


def _mark(bad: Bool, units: Int) -> None:
    if len(units):
        bad[units] = True


class _Engine:
    """One run of the vectorised engine (internal; holds the working arrays)."""

    def __init__(
        self, plan: Plan, table: AssessmentTable, bad: Bool, upto: str | None, policy: str
    ) -> None:
        self.plan = plan
        self.m = plan.methodology
        self.table = table
        self.bad = bad
        self.upto = upto
        self.policy = policy
        self.U = len(table)
        self.N = plan.n_nodes

    def run(self) -> tuple[Any, ...]:
        with np.errstate(all="ignore"):
            return self._run()

    def _run(self) -> tuple[Any, ...]:
        plan, tab, m = self.plan, self.table, self.m
        U, N = self.U, self.N
        bad = self.bad
        # -- unit types ------------------------------------------------------------------------
        if m.unit_types:
            for k, t in enumerate(tab.unit_types):
                if t is not None and t not in m.unit_types:
                    bad[k] = True
        # -- rows within the stages asked for ---------------------------------------------------
        lut = np.array(
            [plan.index.get(c, -1) if c != ROOT else -1 for c in tab.codes] or [-1], np.int64
        )
        if self.upto is None:
            sel: I64 | None = None
            r_unit, r_code, r_stage, r_na = tab.row_unit, tab.row_code, tab.row_stage, tab.row_na
        else:
            sel = np.flatnonzero(tab.row_stage <= _STAGE_POS[self.upto])
            r_unit, r_code = tab.row_unit[sel], tab.row_code[sel]
            r_stage, r_na = tab.row_stage[sel], tab.row_na[sel]
        r_node = lut[r_code] if len(r_code) else np.zeros(0, np.int64)
        unknown = r_node < 0
        if unknown.any():
            _mark(bad, r_unit[unknown])
            r_node = np.where(unknown, 0, r_node)
        r_leaf = plan.is_leaf[r_node] & ~unknown
        _mark(bad, r_unit[~r_leaf & ~unknown & ~r_na])
        # -- order: unit, node, stage ------------------------------------------------------------
        key = (r_unit * N + r_node) * len(STAGES) + r_stage
        order = np.argsort(key, kind="stable")
        del key
        rows = order if sel is None else sel[order]
        o_unit = r_unit[order].astype(np.int32)  # (node and unit numbers fit in 32 bits)
        o_node = r_node[order].astype(np.int32)
        o_stage = r_stage[order].astype(np.int64)
        o_na = r_na[order]
        o_ok = ~unknown[order]
        o_leaf = r_leaf[order]
        del order, r_node, r_leaf, unknown, sel
        row_start = np.searchsorted(o_unit, np.arange(U + 1)).astype(np.int64)
        # -- NA on internal nodes, and what each leaf is covered by --------------------------------
        internal = o_ok & ~o_leaf & o_na
        na_int = np.zeros((N, U), np.bool_)
        na_stage = np.full((N, U), -1, np.int8)
        na_int[o_node[internal], o_unit[internal]] = True
        # rows sorted by stage within (unit, node): a later assignment is a later stage
        np.maximum.at(
            na_stage, (o_node[internal], o_unit[internal]), o_stage[internal].astype(np.int8)
        )
        covered = np.zeros((N, U), np.bool_)
        cov_stage = np.full((N, U), -1, np.int8)
        parent = plan.parent.tolist()
        if internal.any():
            for j in range(1, N):
                p = parent[j]
                if p > 0:
                    covered[j] = covered[p] | na_int[p]
                    cov_stage[j] = np.where(na_int[p], na_stage[p], cov_stage[p])
        # -- where each leaf applies (unit types) -------------------------------------------------
        applies = np.ones((N, U), np.bool_)
        utypes = tab.unit_types
        if any(t is not None for t in utypes):
            kinds_, uidx = _factorise(list(utypes))
            for ti, t in enumerate(kinds_):
                if t is None:
                    continue
                col = np.ones(N, np.bool_)
                for j in range(1, N):
                    nd = self.m.nodes[plan.codes[j]]
                    p = parent[j]
                    col[j] = (col[p] if p > 0 else True) and (
                        nd.applies_to is None or t in nd.applies_to
                    )
                if not col.all():
                    applies[:, uidx == ti] = col[:, None]
        # -- leaf rows: blocked (not applying, inside an NA node), checked -------------------------
        leaf_rows: Int = np.flatnonzero(o_leaf)
        if len(o_leaf) < 2**31:
            leaf_rows = leaf_rows.astype(np.int32)
        lr_node = o_node[leaf_rows]
        lr_unit = o_unit[leaf_rows]
        if internal.any() or not applies.all():
            blocked = ~o_na[leaf_rows] & (~applies[lr_node, lr_unit] | covered[lr_node, lr_unit])
            _mark(bad, lr_unit[blocked])
        # the deciding row of each (leaf, unit): the last of its group
        last = np.ones(len(leaf_rows), np.bool_)
        if len(leaf_rows) > 1:
            same = (lr_node[1:] == lr_node[:-1]) & (lr_unit[1:] == lr_unit[:-1])
            last[:-1] = ~same
        deciding = np.full((N, U), -1, np.int64)  # position in the sorted order
        lr_pos = leaf_rows[last]
        deciding[lr_node[last], lr_unit[last]] = lr_pos
        # group the checked rows by node
        small = np.int16 if N < 2**15 else np.int64  # a radix sort for small codes
        by_node = np.argsort(lr_node.astype(small), kind="stable")
        node_bounds = np.searchsorted(lr_node[by_node], np.arange(N + 1))
        # -- results ---------------------------------------------------------------------------
        P = np.zeros((N, U), np.float64)
        ADJ = np.full((N, U), np.nan)
        RAW = np.full((N, U), np.nan)
        CL = np.zeros((N, U), np.int8)
        BAND = np.full((N, U), -1, np.int32)
        FB = np.zeros((N, U), np.bool_)
        SH = np.full((N, U), np.nan)
        NAF = np.zeros((N, U), np.bool_)
        MISS = np.zeros((N, U), np.bool_)
        STG = np.full((N, U), -1, np.int8)
        RED = np.zeros((N, U), np.float64)
        DROP = np.zeros((N, U), np.bool_)
        na_policy = m.not_applicable
        for j in plan.leaves.tolist():
            node = m.nodes[plan.codes[j]]
            mx = node.max
            dec = deciding[j]
            has_rows = dec >= 0
            dec_na = np.zeros(U, np.bool_)
            dec_na[has_rows] = o_na[dec[has_rows]]
            app = applies[j]
            cov = covered[j]
            is_na = ~app | cov | (has_rows & dec_na)
            dec_stage = np.full(U, -1, np.int64)
            dec_stage[has_rows] = o_stage[dec[has_rows]]
            stg = np.where(~app, -1, np.where(cov, cov_stage[j], dec_stage))
            STG[j] = stg
            NAF[j] = is_na
            if is_na.any():
                if mx is None:
                    _mark(bad, np.flatnonzero(is_na))
                    mxv = 0.0
                else:
                    mxv = mx
                if na_policy == "earned":
                    P[j] = np.where(is_na, mxv, 0.0)
                    ADJ[j] = np.where(is_na, mxv, np.nan)
                else:
                    ADJ[j] = np.where(is_na, 0.0, np.nan)
                    RED[j] = np.where(is_na, mxv, 0.0)
                    DROP[j] = is_na
            miss = ~is_na & ~has_rows
            MISS[j] = miss
            if miss.any():
                if self.policy == "block":
                    _mark(bad, np.flatnonzero(miss))
                ADJ[j][miss] = np.nan if mx is None else mx
            # the rows of this leaf, checked
            grp = leaf_rows[by_node[node_bounds[j] : node_bounds[j + 1]]]
            leaf_rows_j = _LeafRows(self, _rule(node), rows[grp])
            values = leaf_rows_j.rule.check_array(leaf_rows_j, node)
            ev = np.flatnonzero(~is_na & has_rows)
            if mx is not None:
                ADJ[j][ev] = mx
            if not len(ev):
                continue
            pos = np.searchsorted(grp, dec[ev])  # the deciding rows among this leaf's rows
            _evaluate_leaf(self, j, node, ev, values, pos, P, RAW, CL, BAND, FB)
        # -- aggregation, from the leaves up (reversed pre-order) --------------------------------
        share = na_policy == "share"
        for j in range(N - 1, -1, -1):
            if plan.is_leaf[j]:
                continue
            node = m.nodes[plan.codes[j]]
            reg = plan.regular[j]
            ext = plan.extras[j]
            mx = node.max
            if reg:
                all_dropped = DROP[reg[0]].copy()
                for c in reg[1:]:
                    all_dropped &= DROP[c]
            else:
                all_dropped = np.zeros(U, np.bool_)
            s = np.zeros(U, np.float64)
            reduction = np.zeros(U, np.float64)
            for c in reg:
                s = s + P[c]
                reduction = reduction + RED[c]
            shared = np.full(U, np.nan)
            sharing = (reduction > 0) if share else np.zeros(U, np.bool_)
            # aggregate 'capped', and bonus nodes with dropped items: the maximum is a cap
            cap_like = np.full(U, node.aggregate == "capped")
            if node.role == "bonus":
                cap_like |= reduction > 0
            if mx is None:
                adj = np.full(U, np.nan)
            else:
                adj = mx - reduction
                if cap_like.any():
                    total_adj = np.zeros(U, np.float64)
                    for c in reg:
                        total_adj = total_adj + ADJ[c]  # NaN if any is unknown
                    capped_adj = np.where(total_adj < mx, total_adj, mx)
                    capped_adj = np.where(np.isnan(total_adj), np.nan, capped_adj)
                    adj = np.where(cap_like, np.where(sharing, mx, capped_adj), adj)
            if sharing.any():
                if mx is None:
                    _mark(bad, np.flatnonzero(sharing & ~all_dropped))
                    base = np.ones(U)
                    mxv = 1.0
                else:
                    mxv = mx
                    base = mx - reduction
                    if cap_like.any():
                        applicable = np.zeros(U, np.float64)
                        for c in reg:
                            kid_max = m.nodes[plan.codes[c]].max or 0.0
                            applicable = applicable + np.where(DROP[c], 0.0, kid_max)
                        capped_base = np.where(applicable < mx, applicable, mx)
                        base = np.where(cap_like, capped_base, base)
                zero = sharing & (base == 0) & ~all_dropped
                _mark(bad, np.flatnonzero(zero))
                factor = mxv / np.where(base == 0, 1.0, base)
                s = np.where(sharing, s * factor, s)
                shared = np.where(sharing, factor, np.nan)
                adj = np.where(sharing, mxv, adj)
            not_sharing = ~sharing
            if mx is None:
                red = np.where(not_sharing, reduction, 0.0)
            else:
                red = np.where(not_sharing & ~np.isnan(adj), mx - adj, 0.0)
            for c in ext:
                s = s + P[c]
            raw = s
            known = ~np.isnan(adj)
            over = known & (s > adj)
            under = ~over & (s < node.min)
            s = np.where(over, adj, np.where(under, node.min, s))
            cl = np.where(over, _MAX, np.where(under, _MIN, 0)).astype(np.int8)
            # units where every regular item below was dropped
            if all_dropped.any():
                if mx is None:
                    _mark(bad, np.flatnonzero(all_dropped))
                mxd = 0.0 if mx is None else mx
                s = np.where(all_dropped, 0.0, s)
                adj = np.where(all_dropped, 0.0, adj)
                red = np.where(all_dropped, mxd, red)
                cl = np.where(all_dropped, 0, cl).astype(np.int8)
                shared = np.where(all_dropped, np.nan, shared)
            P[j] = s
            ADJ[j] = adj
            RAW[j] = np.where(cl > 0, raw, np.nan)
            CL[j] = cl
            SH[j] = shared
            RED[j] = red
            NAF[j] = all_dropped
            DROP[j] = all_dropped
        return (
            _frozen(P),
            _frozen(ADJ),
            _frozen(RAW),
            _frozen(CL),
            _frozen(BAND),
            _frozen(FB),
            _frozen(SH),
            _frozen(NAF),
            _frozen(MISS),
            _frozen(STG),
            _frozen(rows),
            _frozen(o_node),
            _frozen(row_start),
        )


# -- checking the rows of one leaf ----------------------------------------------------------------


def _rule(node: Node) -> Rule:
    """The rule of a leaf (the loader gives every leaf one)."""
    assert node.rule is not None
    return node.rule


class _LeafRows:
    """The (sorted) rows of one leaf, as :meth:`Rule.check_array` reads them
    (:class:`parindex.methodology.rules.LeafRows`); refused rows mark their unit bad."""

    def __init__(self, engine: _Engine, rule: Rule, table_rows: Int) -> None:
        self.e = engine
        self.rule = rule
        self.rows = table_rows
        self.units = engine.table.row_unit[table_rows]
        self.live = ~engine.table.row_na[table_rows]

    def __len__(self) -> int:
        return len(self.rows)

    def numbers(self) -> tuple[F64, Bool]:
        tab = self.e.table
        return tab.row_num[self.rows].copy(), tab.row_isnum[self.rows]

    def texts(self, idx: I64) -> tuple[I64, Sequence[str]]:
        tab = self.e.table
        return tab.row_text[self.rows[idx]], tab.texts

    def mappings(self, idx: I64) -> I64:
        return self.e.table.mappings.of_row[self.rows[idx]]

    def mapping_length(self, mid: I64) -> I64:
        length = self.e.table.mappings.length
        if not len(length):
            return np.zeros(len(mid), np.int64)
        return length[np.where(mid >= 0, mid, 0)]

    def lookup(self, mid: I64, key: str) -> tuple[Bool, F64, Bool]:
        return self.e.table.mappings.lookup(mid, key)

    def value(self, i: int) -> Any:
        return self.e.table.values[int(self.rows[i])]

    def refuse(self, wrong: Bool) -> None:
        _mark(self.e.bad, self.units[wrong])

    def check_one(self, i: int, check: Callable[[Any], Any]) -> Any:
        try:
            return check(self.value(i))
        except Exception:
            self.e.bad[int(self.units[i])] = True
            return None


# -- evaluating one leaf for the units that give it a value ----------------------------------------


def _evaluate_leaf(
    eng: _Engine,
    j: int,
    node: Node,
    ev: I64,
    values: Any,
    pos: I64,
    P: F64,
    RAW: F64,
    CL: I8,
    BAND: Int,
    FB: Bool,
) -> None:
    rule = _rule(node)
    if rule.needs_max() and node.max is None:
        _mark(eng.bad, ev)
        return
    out = rule.evaluate_array(rule.select(values, pos), node.min, node.max)
    _mark(eng.bad, ev[out.bad])
    P[j, ev] = out.points
    RAW[j, ev] = out.raw
    if out.clamped is not None:
        CL[j, ev] = out.clamped
    if out.band is not None:
        BAND[j, ev] = out.band
    if out.fallback is not None:
        FB[j, ev] = out.fallback
