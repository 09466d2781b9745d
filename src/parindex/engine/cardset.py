"""The scores of many units: :class:`CardSet`, arrays with each unit's card built on demand."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any, overload

import attrs
import numpy as np

from .. import _hooks
from ..assessment import STAGES, Entry
from ..card import Layer, NodeResult, ScoreCard, present
from ..errors import ParIndexError
from ..methodology.model import ROOT, Methodology
from ..methodology.rules import CLAMP_CODES
from ._common import F64, I8, I64, Bool, Int, frozen
from .aggregate import Results
from .plan import Plan
from .resolve import layer_points
from .table import AssessmentTable

__all__ = ["CardSet", "RowIndex"]


@attrs.frozen(eq=False)
class RowIndex:
    """The table rows of every unit, sorted by unit, node and stage."""

    rows: I64  # table row numbers
    node: Int  # the node of each row
    start: I64  # [n_units + 1] offsets into ``rows``
    #: the points the rule gives each row's value (a leaf's layers), where ``scored``; elsewhere
    #: (not applicable, refused, a fallback of the rule) the card asks ``layer_points``
    points: F64
    scored: Bool


@attrs.frozen(eq=False, repr=False)
class CardSet:
    """The scores of many units: arrays, with each unit's :class:`ScoreCard` built on demand.

    ``cards[i]`` equals ``score(m, assessments[i])``. A card set is a read-only sequence of
    cards (``len``, indexing, slicing, iteration, ``in``, ``reversed``, ``count``), but not a
    :class:`collections.abc.Sequence`: its :attr:`index` is the array of indices, not
    ``Sequence.index``. Reading totals does not build cards: :attr:`points`,
    :attr:`adjusted_max` (alias :attr:`max_points`), :attr:`index` (NaN where the figure is not known),
    :meth:`node_points`, :meth:`node_index`, :attr:`groups`. Array attributes are read-only, node
    order is ``plan.codes``; :attr:`points_matrix` and the other ``*_matrix`` properties are
    shaped ``[n_units, n_nodes]``.
    """

    plan: Plan
    units: tuple[str, ...]
    periods: tuple[str | None, ...]
    unit_types: tuple[str | None, ...]
    upto: str | None
    _res: Results = attrs.field(repr=False)  # arrays [n_nodes, n_units], read-only
    _table: AssessmentTable = attrs.field(repr=False)
    _rows: RowIndex = attrs.field(repr=False)
    #: the missing-input policy the set was scored with (zero / block / exclude)
    missing_policy: str = "zero"
    #: per unit, the leaves whose value was carried forward: code → the period it came from
    carried: tuple[Mapping[str, str], ...] = ()

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

    def __reversed__(self) -> Iterator[ScoreCard]:
        for k in range(len(self) - 1, -1, -1):
            yield self._card(k)

    def __contains__(self, card: object) -> bool:
        return any(c == card for c in self)

    def count(self, card: object) -> int:
        """How many units have this card."""
        return sum(1 for c in self if c == card)

    # -- totals without cards ------------------------------------------------------------------
    @property
    def points(self) -> F64:
        """Total points per unit."""
        out: F64 = self._res.points[0]
        return out

    @property
    def adjusted_max(self) -> F64:
        """The maximum per unit after items that do not apply are dropped (NaN if unknown)."""
        out: F64 = self._res.adjusted[0]
        return out

    @property
    def max_points(self) -> F64:
        """Another name of :attr:`adjusted_max` (as ``ScoreCard.max_points``)."""
        return self.adjusted_max

    @property
    def index(self) -> F64:
        """The index (percent) per unit; NaN where the card's index is None."""
        return self.node_index(ROOT)

    def _pos(self, code: str) -> int:
        try:
            return self.plan.position[str(code)]
        except KeyError:
            raise ParIndexError(
                f"methodology {self.methodology.id} has no node with this code", code=str(code)
            ) from None

    def node_points(self, code: str) -> F64:
        """Points of one node for every unit."""
        out: F64 = self._res.points[self._pos(code)]
        return out

    def node_adjusted_max(self, code: str) -> F64:
        """Adjusted maximum of one node for every unit (NaN where it is not known)."""
        out: F64 = self._res.adjusted[self._pos(code)]
        return out

    def node_index(self, code: str) -> F64:
        """Index (percent) of one node for every unit, NaN where the card gives None."""
        j = self._pos(code)
        adj = self._res.adjusted[j]
        ok = ~np.isnan(adj) & (adj > 0)
        out = np.full(len(self), np.nan)
        with np.errstate(all="ignore"):
            out[ok] = self._res.points[j][ok] / adj[ok] * 100.0
        result: F64 = frozen(out)
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
        return self._res.points.T

    @property
    def adjusted_max_matrix(self) -> F64:
        return self._res.adjusted.T

    @property
    def raw_matrix(self) -> F64:
        return self._res.raw.T

    @property
    def clamped_matrix(self) -> I8:
        """Codes into :data:`CLAMP_CODES` (0: none, 1: floor, 2: min, 3: max)."""
        return self._res.clamped.T

    @property
    def not_applicable_matrix(self) -> Bool:
        return self._res.na.T

    @property
    def missing_matrix(self) -> Bool:
        return self._res.missing.T

    @property
    def shared_matrix(self) -> F64:
        """Share factors (NaN where none was applied)."""
        return self._res.shared.T

    @property
    def fallback_matrix(self) -> Bool:
        return self._res.fallback.T

    @property
    def band_matrix(self) -> Int:
        """Index of the band or level used (-1 where none)."""
        return self._res.band.T

    @property
    def stage_matrix(self) -> I8:
        """Index into ``assessment.STAGES`` of the stage used (-1 where none)."""
        return self._res.stage.T

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
        ri = self._rows
        start, end = int(ri.start[i]), int(ri.start[i + 1])
        rows = ri.rows[start:end]
        # each leaf's layers: (stage, entry, the rule's points where the engine has them)
        layers_of: dict[int, list[tuple[str, Entry, float | None]]] = {}
        for r, j, st_r, p, ok in zip(
            rows.tolist(),
            ri.node[start:end].tolist(),
            tab.row_stage[rows].tolist(),
            ri.points[start:end].tolist(),
            ri.scored[start:end].tolist(),
            strict=True,
        ):
            layers_of.setdefault(j, []).append((STAGES[st_r], tab.entry(r), p if ok else None))
        pts = self._res.points[:, i].tolist()
        adj = self._res.adjusted[:, i].tolist()
        raw = self._res.raw[:, i].tolist()
        clamped = self._res.clamped[:, i].tolist()
        band = self._res.band[:, i].tolist()
        fallback = self._res.fallback[:, i].tolist()
        shared = self._res.shared[:, i].tolist()
        na = self._res.na[:, i].tolist()
        missing = self._res.missing[:, i].tolist()
        stage = self._res.stage[:, i].tolist()
        is_leaf = plan.is_leaf.tolist()
        carried = self.carried[i] if self.carried else {}
        mpolicy = self.missing_policy
        results: list[NodeResult] = []
        for j, node in enumerate(m.nodes.values()):  # (plan.codes order)
            a = None if math.isnan(adj[j]) else adj[j]
            if not is_leaf[j]:
                if na[j]:
                    results.append(NodeResult(node, 0.0, node.max, 0.0, True, na_policy=policy))
                else:
                    cl = CLAMP_CODES[clamped[j]]
                    out: tuple[str, ...] = ()
                    if not missing[j] and (
                        not math.isnan(shared[j]) or (a is not None and a != node.max)
                    ):
                        out = self._left_out(i, node.code)
                    results.append(
                        NodeResult(
                            node,
                            pts[j],
                            node.max,
                            a,
                            raw=raw[j] if cl else None,
                            clamped=cl,
                            shared=None if math.isnan(shared[j]) else shared[j],
                            missing=missing[j],
                            missing_policy=mpolicy if missing[j] else None,
                            left_out=out,
                        )
                    )
                continue
            st = None if stage[j] < 0 else STAGES[stage[j]]
            if missing[j]:
                results.append(
                    NodeResult(node, 0.0, node.max, a, False, True, missing_policy=mpolicy)
                )
                continue
            layers: list[Layer] = []
            last: tuple[Entry, Any] | None = None
            for lst, e, lp in layers_of.get(j, ()):
                if e.not_applicable:
                    layers.append(Layer(lst, None, True, None, e.note, e.evidence))
                    continue
                assert node.rule is not None
                checked = node.rule.check(e.value)
                if lp is None:  # refused, or a fallback: as the rule says of this one value
                    lp = layer_points(node, checked)
                layers.append(Layer(lst, checked, False, lp, e.note, e.evidence))
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
            came_from = carried.get(node.code)
            results.append(
                NodeResult(
                    node,
                    pts[j],
                    node.max,
                    node.max,
                    False,
                    False,
                    st if came_from is None else None,
                    checked,
                    raw[j],
                    CLAMP_CODES[clamped[j]],
                    fallback[j],
                    None if band[j] < 0 else band[j],
                    layers=tuple(layers) if came_from is None else (),
                    note=e.note,
                    evidence=e.evidence,
                    carried_from=came_from,
                )
            )
        return ScoreCard(
            m, self.units[i], tuple(results), self.periods[i], self.unit_types[i], self.upto
        )

    def _left_out(self, i: int, code: str) -> tuple[str, ...]:
        """Why leaves below ``code`` were left out of unit ``i``'s maximum: not applicable,
        and/or no input (the missing policy ``exclude``)."""
        pos = self.plan.position
        res = self._res
        na = missing = False
        for leaf in self.plan.methodology.leaves(code):
            j = pos[leaf.code]
            if res.dropped[j, i]:
                na |= bool(res.na[j, i])
                missing |= bool(res.missing[j, i])
        return (("not_applicable",) if na else ()) + (("missing",) if missing else ())
