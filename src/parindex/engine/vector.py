"""Scoring: :func:`score_many` runs the array engine over many units, :func:`score` over one.

There is one engine. ``score(m, a)`` is ``score_many(m, [a])[0]``: one unit is an array of
length one, and the same rule methods (:meth:`~parindex.methodology.rules.Rule.check_array`,
:meth:`~parindex.methodology.rules.Rule.evaluate_array`) and the same aggregation
(:mod:`parindex.engine.aggregate`) score it.

A run of the engine has five passes: the unit types, the rows within the stages asked for
(sorted by unit, node and stage), the not-applicable marks on internal nodes and what they cover,
then, walking the tree from the leaves up (reversed pre-order), the leaf pass and the aggregation.

When a unit cannot be scored, the error is the one of the first such unit in input order:
:func:`first_error` checks its inputs (:func:`~parindex.engine.resolve.resolve`), then runs the
engine on that unit alone, raising at the first fault in the order of the tree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ..assessment import STAGE_POSITION, STAGES, Assessment, entry_at, stage_name
from ..card import ScoreCard
from ..errors import AssessmentError, ErrorList, ParIndexError
from ..methodology.model import ROOT, Methodology, Node
from ..methodology.rules import ArrayOutcome, Rule
from ._common import I64, Bool, Faults, Int, factorise, frozen
from .aggregate import Results, aggregate_node, excluded_leaf, not_applicable_leaf
from .cardset import CardSet, RowIndex
from .plan import Plan, compile_plan, leaf_rule, plan_of
from .resolve import (
    Carry,
    as_assessment,
    carry_forward,
    check_missing_policy,
    require_inputs,
    resolve,
)
from .table import AssessmentTable, table_of

__all__ = ["check_assessment", "first_error", "score", "score_many"]


def score(
    methodology: Methodology,
    assessment: Assessment | Mapping[str, Any],
    *,
    upto: str | None = None,
    missing: str | None = None,
    unit: str | None = None,
    carry: Carry | None = None,
    collect: bool = False,
) -> ScoreCard:
    """Score one unit.

    ``assessment`` is an :class:`Assessment` or, for the simple case, a mapping ``{code: value}``
    (taken as the self-assessment). ``upto`` scores as of a stage (e.g. ``"self"`` for the
    self-assessed score). ``missing`` overrides the methodology's policy for leaves without input:
    ``"zero"`` scores them 0 and lists them on the card; ``"block"`` raises; ``"exclude"``
    leaves them out of the maximum, like items that do not apply, and lists them on the card.
    ``carry`` is an earlier period (its :class:`Assessment`, its card, or its published results
    as ``{code: value}``): every leaf without input takes that period's value, marked on the card
    as carried from it (:func:`~parindex.engine.resolve.carry_forward`).
    ``collect=True`` checks every input first and raises one :class:`~parindex.errors.ErrorList`
    holding all the errors (see :func:`check_assessment`) instead of the first one.
    """
    a = as_assessment(assessment, unit)
    if carry is None:
        filled, carried = a, None
    else:
        filled, carried = carry_forward(methodology, a, carry)
    if collect:
        found = check_assessment(methodology, filled, upto=upto, missing=missing)
        if found:
            raise ErrorList(found, unit=a.unit)
    if carried is None:
        return score_many(methodology, [a], upto=upto, missing=missing, plan=plan_of(methodology))[
            0
        ]
    return _score(methodology, [filled], upto, missing, plan_of(methodology), (carried,))[0]


def score_many(
    methodology: Methodology,
    assessments: Sequence[Assessment | Mapping[str, Any]] | AssessmentTable,
    *,
    upto: str | None = None,
    missing: str | None = None,
    plan: Plan | None = None,
    carry: Sequence[Carry] | None = None,
) -> CardSet:
    """Score many units at once; ``result[i] == score(methodology, assessments[i])``.

    ``assessments`` is a sequence of :class:`~parindex.assessment.Assessment` objects or
    ``{code: value}`` mappings, or an :class:`AssessmentTable`. ``upto`` and ``missing`` mean what
    they mean for :func:`score`. ``plan`` is the result of :func:`compile_plan` for this
    methodology, to save compiling it again. ``carry`` holds earlier periods (assessments or
    cards) matched to the units by name: each unit's leaves without input take its earlier
    period's values, as :func:`score` does with ``carry=``.

    Raises the error of the first unit (in input order) that cannot be scored.
    """
    if carry is None:
        return _score(methodology, assessments, upto, missing, plan, ())
    earlier = _by_unit(carry)
    if isinstance(assessments, AssessmentTable):
        assessments = [assessments.assessment(k) for k in range(len(assessments))]
    filled: list[Any] = []
    carried: list[dict[str, str]] = []
    for x in assessments:
        try:
            a = as_assessment(x, None)
        except ParIndexError:
            filled.append(x)  # refused when scored, in input order
            carried.append({})
            continue
        before = earlier.get(a.unit)
        f, c = (a, {}) if before is None else carry_forward(methodology, a, before)
        filled.append(f)
        carried.append(c)
    return _score(methodology, filled, upto, missing, plan, tuple(carried))


def _by_unit(carry: Sequence[Carry]) -> dict[str, Carry]:
    """Earlier periods by unit name; a unit given twice is refused."""
    out: dict[str, Carry] = {}
    for x in carry:
        unit = x.unit if isinstance(x, (Assessment, ScoreCard)) else None
        if unit is None:
            raise ParIndexError(
                "score_many(carry=) takes assessments or cards, matched to the units by name",
                value=type(x).__name__,
            )
        if unit in out:
            raise ParIndexError("an earlier period is given twice for this unit", unit=unit)
        out[unit] = x
    return out


def _score(
    methodology: Methodology,
    assessments: Sequence[Assessment | Mapping[str, Any]] | AssessmentTable,
    upto: str | None,
    missing: str | None,
    plan: Plan | None,
    carried: tuple[Mapping[str, str], ...],
) -> CardSet:
    m = methodology
    if plan is None:
        plan = compile_plan(m)
    elif plan.methodology is not m:
        raise ParIndexError(
            f"the plan was compiled for {plan.methodology.id}, not for this methodology object",
            value=plan.methodology.id,
        )
    source: Sequence[Any] | None = None
    if isinstance(assessments, AssessmentTable):
        table = assessments
        bad = np.zeros(len(table), np.bool_)
    else:
        source = assessments
        table, bad = _table(source)

    def fail(k: int) -> None:
        first_error(plan, source[k] if source is not None else table.assessment(k), upto, missing)

    policy = missing or m.missing
    upto_name: str | None = None
    try:
        check_missing_policy(policy)
        if upto is not None:
            upto_name = stage_name(upto)
    except ParIndexError:
        if len(table):
            fail(0)
        raise
    engine = _Engine(plan, table, Faults(bad), upto_name, policy)
    res = engine.run()
    if bad.any():
        fail(int(np.argmax(bad)))
    return CardSet(
        plan,
        table.units,
        table.periods,
        table.unit_types,
        upto_name,
        res,
        table,
        engine.row_index(),
        check_missing_policy(policy),
        carried,
    )


def _table(source: Sequence[Any]) -> tuple[AssessmentTable, Bool]:
    items: list[Assessment] = []
    bad = np.zeros(len(source), np.bool_)
    for k, a in enumerate(source):
        try:
            items.append(as_assessment(a, None))
        except Exception:
            bad[k] = True
            items.append(Assessment(""))
    return table_of(items), bad


def first_error(
    plan: Plan,
    assessment: Assessment | Mapping[str, Any],
    upto: str | None = None,
    missing: str | None = None,
) -> None:
    """Raise the error that stops ``assessment`` from being scored.

    The checks run in this order: the input (:func:`as_assessment`), the ``missing`` policy and
    the stage, every input value (:func:`resolve`), the ``block`` policy, then the scoring itself
    (the engine on this unit alone, raising at its first fault).
    """
    m = plan.methodology
    a = as_assessment(assessment, None)
    policy = check_missing_policy(missing or m.missing)
    if upto is not None:
        upto = stage_name(upto, unit=a.unit)
    inputs = resolve(m, a, upto)
    if policy == "block":
        require_inputs(inputs, a.unit)
    faults = Faults(np.zeros(1, np.bool_), raising=True, unit=a.unit)
    _Engine(plan, table_of([a]), faults, upto, policy).run()
    raise AssertionError(  # pragma: no cover - the engine and its checks disagree
        f"internal error: the engine found a problem with unit {a.unit!r} that it cannot name"
    )


def check_assessment(
    methodology: Methodology,
    assessment: Assessment | Mapping[str, Any],
    *,
    upto: str | None = None,
    missing: str | None = None,
) -> tuple[ParIndexError, ...]:
    """Every error that stops ``assessment`` from being scored, all at once (none: it scores).

    The input checks of :func:`first_error` run on every input instead of stopping at the first:
    unknown codes, wrong kinds, values out of range, items that do not apply, and, under the
    ``block`` policy, the items without input. When the inputs are right, the scoring itself runs
    and its error, if any, is the one returned.
    """
    errors: list[ParIndexError] = []
    if isinstance(assessment, Mapping):  # the short form: check every entry on its own first
        good: dict[str, Any] = {}
        for c, value in assessment.items():
            try:
                entry_at(value, unit="", code=str(c), stage="self")
            except ParIndexError as exc:
                errors.append(exc)
            else:
                good[str(c)] = value
        assessment = good
    try:
        a = as_assessment(assessment, None)
        policy = check_missing_policy(missing or methodology.missing)
        if upto is not None:
            upto = stage_name(upto, unit=a.unit)
        inputs = resolve(methodology, a, upto, errors)
    except ParIndexError as exc:
        return (*errors, exc)
    for code, li in inputs.items():  # the values a rule refuses only when it scores them
        leaf = methodology.nodes[code]
        if li.stage is None or li.not_applicable or li.missing or leaf.rule is None:
            continue
        try:
            leaf.rule.evaluate(li.value, leaf.min, leaf.max)
        except ParIndexError as exc:
            errors.append(exc.with_context(unit=a.unit, code=code, stage=li.stage))
    if policy == "block":
        at_fault = {e.code for e in errors}
        try:
            require_inputs({c: li for c, li in inputs.items() if c not in at_fault}, a.unit)
        except AssessmentError as exc:
            errors.append(exc)
    if errors:
        return tuple(errors)
    try:
        score_many(methodology, [a], upto=upto, missing=missing, plan=plan_of(methodology))
    except ParIndexError as exc:
        return (exc,)
    return ()


class _Engine:
    """One run of the array engine (internal; holds the working arrays)."""

    def __init__(
        self, plan: Plan, table: AssessmentTable, faults: Faults, upto: str | None, policy: str
    ) -> None:
        self.plan = plan
        self.table = table
        self.faults = faults
        self.upto = upto
        self.policy = policy
        self.U = len(table)
        self.N = plan.n_nodes

    def run(self) -> Results:
        with np.errstate(all="ignore"):
            self._check_unit_types()
            self._select_rows()
            self._cover_not_applicable()
            self._find_applicable()
            self._find_deciding_rows()
            res = Results.empty(self.N, self.U)
            self._leaf_states(res)
            is_leaf = self.plan.is_leaf.tolist()
            na_policy = self.plan.methodology.not_applicable
            for j in range(self.N - 1, -1, -1):  # reversed pre-order: the leaves up
                if is_leaf[j]:
                    self._score_leaf(res, j)
                else:
                    aggregate_node(res, self.plan, j, na_policy, self.faults)
        res.freeze()
        return res

    def row_index(self) -> RowIndex:
        """Each unit's table rows, sorted by node and stage (for the layers of its card)."""
        points = np.zeros(len(self.rows), np.float64)
        scored = np.zeros(len(self.rows), np.bool_)
        points[self.by_node] = self.points_by_node
        scored[self.by_node] = self.scored_by_node
        return RowIndex(
            frozen(self.rows),
            frozen(self.o_node),
            frozen(self.row_start),
            frozen(points),
            frozen(scored),
        )

    # -- pass 1: unit types ------------------------------------------------------------------------
    def _check_unit_types(self) -> None:
        declared = self.plan.methodology.unit_types
        if declared:
            wrong = [
                k
                for k, t in enumerate(self.table.unit_types)
                if t is not None and t not in declared
            ]
            self.faults.flag(np.array(wrong, np.int64))

    # -- pass 2: the rows within the stages asked for, sorted by unit, node and stage ---------------
    def _select_rows(self) -> None:
        plan, tab, N = self.plan, self.table, self.N
        lut = np.array(
            [plan.position.get(c, -1) if c != ROOT else -1 for c in tab.codes] or [-1], np.int64
        )
        if self.upto is None:
            sel: I64 | None = None
            r_unit, r_code, r_stage, r_na = tab.row_unit, tab.row_code, tab.row_stage, tab.row_na
        else:
            sel = np.flatnonzero(tab.row_stage <= STAGE_POSITION[self.upto])
            r_unit, r_code = tab.row_unit[sel], tab.row_code[sel]
            r_stage, r_na = tab.row_stage[sel], tab.row_na[sel]
        r_node = lut[r_code] if len(r_code) else np.zeros(0, np.int64)
        unknown = r_node < 0
        if unknown.any():
            self.faults.flag(r_unit[unknown])
            r_node = np.where(unknown, 0, r_node)
        r_leaf = plan.is_leaf[r_node] & ~unknown
        self.faults.flag(r_unit[~r_leaf & ~unknown & ~r_na])
        key = (r_unit * N + r_node) * len(STAGES) + r_stage
        order = np.argsort(key, kind="stable")
        self.rows = order if sel is None else sel[order]
        self.o_unit = r_unit[order].astype(np.int32)  # (node and unit numbers fit in 32 bits)
        self.o_node = r_node[order].astype(np.int32)
        self.o_stage = r_stage[order].astype(np.int64)
        self.o_na = r_na[order]
        self.o_ok = ~unknown[order]
        self.o_leaf = r_leaf[order]
        self.row_start = np.searchsorted(self.o_unit, np.arange(self.U + 1)).astype(np.int64)

    # -- pass 3: NA on internal nodes, and what each leaf is covered by -----------------------------
    def _cover_not_applicable(self) -> None:
        N, U = self.N, self.U
        internal = self.o_ok & ~self.o_leaf & self.o_na
        self.any_internal_na = bool(internal.any())
        na_int = np.zeros((N, U), np.bool_)
        na_stage = np.full((N, U), -1, np.int8)
        nodes, units = self.o_node[internal], self.o_unit[internal]
        na_int[nodes, units] = True
        # rows sorted by stage within (unit, node): a later assignment is a later stage
        np.maximum.at(na_stage, (nodes, units), self.o_stage[internal].astype(np.int8))
        self.covered = np.zeros((N, U), np.bool_)
        self.cov_stage = np.full((N, U), -1, np.int8)
        if self.any_internal_na:
            parent = self.plan.parent.tolist()
            for j in range(1, N):
                p = parent[j]
                if p > 0:
                    self.covered[j] = self.covered[p] | na_int[p]
                    self.cov_stage[j] = np.where(na_int[p], na_stage[p], self.cov_stage[p])

    def _find_applicable(self) -> None:
        """Where each node applies (``applies_to`` and the units' types)."""
        plan, N = self.plan, self.N
        self.applies = np.ones((N, self.U), np.bool_)
        utypes = self.table.unit_types
        if all(t is None for t in utypes):
            return
        parent = plan.parent.tolist()
        kinds, uidx = factorise(list(utypes))
        for ti, t in enumerate(kinds):
            if t is None:
                continue
            col = np.ones(N, np.bool_)
            for j in range(1, N):
                to = plan.node(j).applies_to
                p = parent[j]
                col[j] = (col[p] if p > 0 else True) and (to is None or t in to)
            if not col.all():
                self.applies[:, uidx == ti] = col[:, None]

    # -- pass 4: the leaf rows: blocked ones, the deciding one per (leaf, unit) ---------------------
    def _find_deciding_rows(self) -> None:
        N, U = self.N, self.U
        leaf_rows: Int = np.flatnonzero(self.o_leaf)
        if len(self.o_leaf) < 2**31:
            leaf_rows = leaf_rows.astype(np.int32)
        lr_node = self.o_node[leaf_rows]
        lr_unit = self.o_unit[leaf_rows]
        if self.any_internal_na or not self.applies.all():
            blocked = ~self.o_na[leaf_rows] & (
                ~self.applies[lr_node, lr_unit] | self.covered[lr_node, lr_unit]
            )
            self.faults.flag(lr_unit[blocked])
        # the deciding row of each (leaf, unit): the last of its group
        last = np.ones(len(leaf_rows), np.bool_)
        if len(leaf_rows) > 1:
            same = (lr_node[1:] == lr_node[:-1]) & (lr_unit[1:] == lr_unit[:-1])
            last[:-1] = ~same
        self.deciding = np.full((N, U), -1, np.int64)  # position in the sorted order
        self.deciding[lr_node[last], lr_unit[last]] = leaf_rows[last]
        # group the leaf rows by node
        small = np.int16 if N < 2**15 else np.int64  # a radix sort for small codes
        self.by_node = leaf_rows[np.argsort(lr_node.astype(small), kind="stable")]
        self.node_bounds = np.searchsorted(self.o_node[self.by_node], np.arange(N + 1)).tolist()
        # the leaf rows' columns in that order, so that a leaf reads slices of them
        self.table_rows_by_node = self.rows[self.by_node]
        self.unit_by_node = self.o_unit[self.by_node]
        self.live_by_node = ~self.o_na[self.by_node]
        self.num_by_node = self.table.row_num[self.table_rows_by_node]
        self.isnum_by_node = self.table.row_isnum[self.table_rows_by_node]
        self.points_by_node = np.zeros(len(self.by_node), np.float64)  # each row's points
        self.scored_by_node = np.zeros(len(self.by_node), np.bool_)  # where the rule gave them

    # -- pass 5 (with the aggregation): the leaves ------------------------------------------------
    def _leaf_states(self, res: Results) -> None:
        """What every leaf's deciding row says, for all leaves and units at once: the stage,
        not applicable, missing, and the units (with their deciding rows) that the rule scores."""
        dec = self.deciding
        has_rows = dec >= 0
        at = np.where(has_rows, dec, len(self.o_na))  # (one past the end: no row)
        dec_na = np.append(self.o_na, False)[at]
        dec_stage = np.append(self.o_stage, -1)[at]
        app, cov = self.applies, self.covered
        is_na = ~app | cov | dec_na
        miss = ~is_na & ~has_rows
        leaf = self.plan.is_leaf
        res.stage[leaf] = np.where(~app, -1, np.where(cov, self.cov_stage, dec_stage))[leaf]
        res.na[leaf] = is_na[leaf]
        res.missing[leaf] = miss[leaf]
        self.is_na = is_na
        self.miss = miss
        self.any_na = is_na.any(axis=1).tolist()
        self.any_miss = miss.any(axis=1).tolist()
        # the (leaf, unit) pairs the rule scores, by leaf, and their deciding rows among the
        # leaf's rows
        ev_node, ev_unit = np.nonzero(~is_na & has_rows & leaf[:, None])
        self.ev_unit = ev_unit
        self.ev_bounds = np.searchsorted(ev_node, np.arange(self.N + 1)).tolist()
        rank = np.zeros(len(self.o_node), np.int64)  # sorted row -> its place in by_node
        rank[self.by_node] = np.arange(len(self.by_node))
        starts = np.array(self.node_bounds, np.int64)
        self.ev_pos = rank[dec[ev_node, ev_unit]] - starts[ev_node]

    def _score_leaf(self, res: Results, j: int) -> None:
        node = self.plan.node(j)
        mx = node.max
        if self.any_na[j]:
            not_applicable_leaf(
                res, j, node, self.is_na[j], self.plan.methodology.not_applicable, self.faults
            )
        if self.any_miss[j]:
            miss = self.miss[j]
            if self.policy == "block":
                self.faults.flag(np.flatnonzero(miss))
            if self.policy == "exclude":
                excluded_leaf(res, j, node, miss, self.faults)
            else:
                res.adjusted[j][miss] = np.nan if mx is None else mx
        lo, hi = self.node_bounds[j], self.node_bounds[j + 1]
        if lo == hi:  # no unit gives this leaf a value
            return
        rule = leaf_rule(node)
        values = rule.check_array(_LeafRows(self, lo, hi), node)
        e0, e1 = self.ev_bounds[j], self.ev_bounds[j + 1]
        ev = self.ev_unit[e0:e1]
        if mx is not None and e1 > e0:
            res.adjusted[j][ev] = mx
        dec = self.deciding[j]
        if rule.needs_max() and mx is None:
            self.faults.flag(ev, self._leaf_error(node, rule, dec))
            return
        # every row of the leaf at once: the deciding ones give the points, and the others the
        # points of the earlier stages that the cards show (layers)
        out = rule.evaluate_array(values, node.min, mx)
        scored = self.live_by_node[lo:hi] & ~out.bad
        if out.fallback is not None:
            scored &= ~out.fallback  # (a fallback's layer points are the rule's scalar call)
        self.points_by_node[lo:hi] = out.points
        self.scored_by_node[lo:hi] = scored
        if e1 > e0:
            self._evaluate_leaf(res, j, node, rule, ev, out, self.ev_pos[e0:e1], dec)

    def _evaluate_leaf(
        self,
        res: Results,
        j: int,
        node: Node,
        rule: Rule,
        ev: I64,
        out: ArrayOutcome,
        pos: I64,
        dec: I64,
    ) -> None:
        """The points of leaf ``j`` for the units ``ev`` that give it a value, from the outcome
        ``out`` of the leaf's rows (the deciding row of unit ``ev[k]`` is ``pos[k]``)."""
        self.faults.flag(ev[out.bad[pos]], self._leaf_error(node, rule, dec))
        res.points[j, ev] = out.points[pos]
        res.raw[j, ev] = out.raw[pos]
        if out.clamped is not None:
            res.clamped[j, ev] = out.clamped[pos]
        if out.band is not None:
            res.band[j, ev] = out.band[pos]
        if out.fallback is not None:
            res.fallback[j, ev] = out.fallback[pos]

    def _leaf_error(self, node: Node, rule: Rule, dec: I64) -> Callable[[], BaseException]:
        """The error of the one unit (raising mode) whose value the rule of a leaf refuses."""

        def error() -> BaseException:
            row = int(dec[0])
            stage = STAGES[int(self.o_stage[row])]
            value = rule.check(self.table.values[int(self.rows[row])])
            try:
                rule.evaluate(value, node.min, node.max)
            except ParIndexError as exc:
                return exc.with_context(unit=self.faults.unit, code=node.code, stage=stage)
            raise AssertionError(  # pragma: no cover - evaluate and evaluate_array disagree
                f"internal error: the rule of {node.code} refuses a value in one engine only"
            )

        return error


class _LeafRows:
    """The (sorted) rows of one leaf, as :meth:`Rule.check_array` reads them
    (:class:`parindex.methodology.rules.LeafRows`); refused rows mark their unit bad."""

    def __init__(self, engine: _Engine, lo: int, hi: int) -> None:
        self.table = engine.table
        self.faults = engine.faults
        self.rows = engine.table_rows_by_node[lo:hi]
        self.units = engine.unit_by_node[lo:hi]
        self.live = engine.live_by_node[lo:hi]
        self.num = engine.num_by_node[lo:hi]
        self.isnum = engine.isnum_by_node[lo:hi]

    def __len__(self) -> int:
        return len(self.rows)

    def numbers(self) -> tuple[Any, Bool]:
        return self.num.copy(), self.isnum

    def texts(self, idx: I64) -> tuple[I64, Sequence[str]]:
        return self.table.row_text[self.rows[idx]], self.table.texts

    def mappings(self, idx: I64) -> I64:
        return self.table.mappings.of_row[self.rows[idx]]

    def mapping_length(self, mid: I64) -> I64:
        length = self.table.mappings.length
        if not len(length):
            return np.zeros(len(mid), np.int64)
        return length[np.where(mid >= 0, mid, 0)]

    def lookup(self, mid: I64, key: str) -> tuple[Bool, Any, Bool]:
        return self.table.mappings.lookup(mid, key)

    def value(self, i: int) -> Any:
        return self.table.values[int(self.rows[i])]

    def refuse(self, wrong: Bool) -> None:
        self.faults.flag(self.units[wrong])

    def check_one(self, i: int, check: Callable[[Any], Any]) -> Any:
        try:
            return check(self.value(i))
        except Exception:
            self.faults.flag(np.array([int(self.units[i])], np.int64))
            return None
