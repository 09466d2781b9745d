"""Property tests of the scoring engine (parindex.engine), with tests/reference.py as the oracle.

Random valid methodologies and assessments come from ``tests/strategies.py``.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from parindex.assessment import NA, Assessment
from parindex.card import ScoreCard
from parindex.engine import AssessmentTable, score, score_many
from parindex.errors import ParIndexError
from parindex.methodology.model import Methodology, Node
from parindex.methodology.rules import (
    BandsRule,
    DeductionsRule,
    ProportionalRule,
    SatisfactionRule,
    SurveyMeanRule,
)
from tests import reference
from tests.strategies import (
    assessments_for,
    load_data,
    methodology_data,
    random_assessment,
)

# Shrinking random trees is slow and rarely helps; failures replay from the printed seed.
SETTINGS = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


def _score_all(m: Methodology, units: list[Assessment], **kw: Any) -> list[ScoreCard] | None:
    try:
        return [score(m, a, **kw) for a in units]
    except ParIndexError:
        return None


def _canon(x: Any) -> str:
    """JSON text that tells every float apart (bitwise, including the sign of zero)."""
    return json.dumps(x, sort_keys=True)


def _same(a: ScoreCard, b: ScoreCard) -> None:
    assert a == b
    assert _canon(a.to_dict()) == _canon(b.to_dict())
    for x, y in zip(a.results, b.results, strict=True):
        for field in ("points", "adjusted_max", "raw", "shared"):
            u, v = getattr(x, field), getattr(y, field)
            assert (u is None and v is None) or (
                u is not None and v is not None and math.copysign(1, u) == math.copysign(1, v)
            ), (x.code, field, u, v)


BAD_VALUES = (
    1e9,
    -5,
    -0.5,
    0.5,
    "x",
    "12,5",
    None,
    True,
    float("nan"),
    math.inf,
    {"zz": 1},
    {"a": 1},
    {"late": -1},
    {"breach": 1.5},
    7,
    "A",
)


def _corrupt(units: list[Assessment], m: Methodology, rng: random.Random) -> list[Assessment]:
    """Put a value that may be wrong (or a value for a code that is not a leaf) in some units."""
    out = list(units)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(out))
        a = out[i]
        stage = rng.choice(list(a.stages) or ["self"])
        code = rng.choice([*m.nodes, "9.9.9"])
        value = rng.choice(BAD_VALUES)
        try:
            out[i] = a.with_values({code: value}, stage=stage)
        except ParIndexError:
            continue
    return out


# ---------------------------------------------------------------------------------------------
# The engine gives the reference engine's cards, bit for bit (and its errors)
# ---------------------------------------------------------------------------------------------


@settings(max_examples=120, **SETTINGS)
@given(st.data())
def test_batch_equals_scalar(data: st.DataObject) -> None:
    m = load_data(data.draw(methodology_data()))
    units = data.draw(assessments_for(m, max_units=5))
    if data.draw(st.booleans()):
        units = _corrupt(units, m, random.Random(data.draw(st.integers(0, 2**32))))
    upto = data.draw(st.sampled_from([None, None, "self", "survey", "appraisal1"]))
    missing = data.draw(st.sampled_from([None, None, "zero", "block"]))
    source = data.draw(st.sampled_from(["list", "table", "columns", "mappings"]))
    # (a table refuses an empty code when it is built; assessments leave it to scoring)
    if source == "columns" and all(a.codes() and "" not in a.codes() for a in units):
        rows = [
            (a, st_, code, e)
            for a in units
            for st_, es in a.stages.items()
            for code, e in es.items()
        ]
        units_in = AssessmentTable.from_columns(
            unit=[a.unit for a, *_ in rows],
            code=[code for _, _, code, _ in rows],
            stage=[st_ for _, st_, _, _ in rows],
            value=[
                e if (e.note or e.evidence) else NA if e.not_applicable else e.value
                for *_, e in rows
            ],
            period=[a.period for a, *_ in rows],
            unit_type=[a.unit_type for a, *_ in rows],
        )
        ref_units = units
    elif source == "mappings":
        units_in: Any = [
            {c: e for st_, es in a.stages.items() for c, e in es.items() if st_ == "self"}
            for a in units
        ]
        ref_units: list[Any] = units_in
    elif source == "table":
        units_in = AssessmentTable.from_assessments(units)
        ref_units = units
    else:
        units_in = units
        ref_units = units
    expected: list[ScoreCard] = []
    error: BaseException | None = None
    for a in ref_units:
        try:
            expected.append(reference.score(m, a, upto=upto, missing=missing))
        except Exception as exc:
            error = exc
            break
    if error is not None:
        with pytest.raises(type(error)) as info:
            score_many(m, units_in, upto=upto, missing=missing)
        assert str(info.value) == str(error)
        return
    cards = score_many(m, units_in, upto=upto, missing=missing)
    assert len(cards) == len(expected)
    for i, card in enumerate(expected):
        _same(cards[i], card)
        assert cards.points[i] == card.points
        assert cards.max_points[i] == card.max_points or (
            card.max_points is None and math.isnan(cards.max_points[i])
        )
        idx = cards.index[i]
        assert (card.index is None and math.isnan(idx)) or idx == card.index
        assert cards.groups[i] == (card.group.code if card.group else None)
        for r in card.results:
            assert cards.node_points(r.code)[i] == r.points


# ---------------------------------------------------------------------------------------------
# Bounds
# ---------------------------------------------------------------------------------------------


def _tol(x: float) -> float:
    return 1e-9 * max(1.0, abs(x))


@settings(max_examples=80, **SETTINGS)
@given(st.data())
def test_every_node_within_its_bounds(data: st.DataObject) -> None:
    m = load_data(data.draw(methodology_data(missing="zero")))
    units = data.draw(assessments_for(m, max_units=4))
    cards = _score_all(m, units)
    assume(cards is not None)
    assert cards is not None
    for card in cards:
        for r in card.results:
            node = r.node
            assert r.points is not None
            if r.not_applicable:
                if m.not_applicable == "earned" and node.is_leaf:
                    assert r.points == node.max == r.adjusted_max
                else:
                    assert r.points == 0.0 and r.adjusted_max == 0.0
                continue
            if r.clamped == "max":
                assert r.points == (r.adjusted_max if not node.is_leaf else node.max)
                assert r.raw is not None and r.raw > r.points
            elif r.clamped == "min":
                assert r.points == node.min
                assert r.raw is not None and r.raw < r.points
            elif r.clamped == "floor":
                assert isinstance(node.rule, DeductionsRule)
                assert r.points == node.rule.floor_for(node.min)
                assert r.raw is not None and r.raw < r.points
            else:
                tol = _tol(r.points) if node.is_leaf else 0.0
                assert r.points >= node.min - tol, (r.code, r.points, node.min)
                if r.adjusted_max is not None:
                    assert r.points <= r.adjusted_max + tol, (r.code, r.points, r.adjusted_max)


# ---------------------------------------------------------------------------------------------
# Parents from children, recomputed independently
# ---------------------------------------------------------------------------------------------


@settings(max_examples=80, **SETTINGS)
@given(st.data())
def test_parent_is_the_aggregate_of_its_children(data: st.DataObject) -> None:
    m = load_data(data.draw(methodology_data(missing="zero")))
    units = data.draw(assessments_for(m, max_units=4))
    cards = _score_all(m, units)
    assume(cards is not None)
    assert cards is not None
    policy = m.not_applicable
    for card in cards:
        for r in card.results:
            node = r.node
            if node.is_leaf or r.not_applicable:
                continue
            kids = [card[c] for c in node.children]
            regular = [k for k in kids if k.node.role == "regular"]
            extras = [k for k in kids if k.node.role != "regular"]
            dropped = [k for k in regular if k.not_applicable and policy != "earned"]
            if node.max is None or any(k.adjusted_max is None for k in regular):
                continue
            removed = [
                k.node.max - k.adjusted_max  # type: ignore[operator]
                for k in regular
                if k.node.max is not None
            ]
            sharing = policy == "share" and any(x > 0 for x in removed)
            # the maximum of a capped node is a cap; so is a bonus node's once items are dropped
            cap_like = node.aggregate == "capped" or (
                node.role == "bonus" and any(x > 0 for x in removed)
            )
            if cap_like:
                adj = (
                    node.max
                    if sharing
                    else min(node.max, math.fsum(k.adjusted_max for k in regular))  # type: ignore[misc]
                )
            else:
                adj = node.max if sharing else node.max - math.fsum(removed)
            assert math.isclose(r.adjusted_max, adj, rel_tol=1e-9, abs_tol=1e-9), (r.code,)  # type: ignore[arg-type]
            total = math.fsum(k.points for k in regular)  # type: ignore[misc]
            if sharing:
                applicable = math.fsum(
                    k.node.max
                    for k in regular
                    if k not in dropped  # type: ignore[misc]
                )
                # a cap is shared only up to the cap: items that still reach it need no scaling
                base = min(node.max, applicable) if cap_like else node.max - math.fsum(removed)
                assert r.shared is not None
                assert math.isclose(r.shared, node.max / base, rel_tol=1e-9)
                total *= node.max / base
            else:
                assert r.shared is None
            total += math.fsum(k.points for k in extras)  # type: ignore[misc]
            expected = min(total, adj)
            expected = max(expected, node.min) if expected == total else expected
            assert math.isclose(r.points, expected, rel_tol=1e-9, abs_tol=1e-9), (  # type: ignore[arg-type]
                r.code,
                r.points,
                expected,
            )


# ---------------------------------------------------------------------------------------------
# Monotone rules give monotone totals
# ---------------------------------------------------------------------------------------------


def _monotone(node: Node) -> bool:
    rule = node.rule
    if isinstance(rule, SatisfactionRule | SurveyMeanRule):
        return node.max is not None and node.max >= 0
    if isinstance(rule, BandsRule):
        pairs = sorted(zip(rule.bands, rule.points, strict=True), key=lambda bp: bp[0].lo)
        return all(a[1] <= b[1] for a, b in itertools.pairwise(pairs))
    if isinstance(rule, ProportionalRule):
        mx = node.max
        return (
            mx is not None
            and rule.band.hi >= rule.input.max
            and rule.otherwise <= mx * max(rule.band.lo, rule.input.min) / rule.full
        )
    return False


def _upper(node: Node) -> tuple[float, bool]:
    rule = node.rule
    if isinstance(rule, SatisfactionRule):
        return rule.top, False
    if isinstance(rule, SurveyMeanRule):
        return rule.scale[1], False
    assert isinstance(rule, BandsRule | ProportionalRule)
    hi = rule.input.max if math.isfinite(rule.input.max) else 1000.0
    return hi, rule.input.integer


@settings(max_examples=80, **SETTINGS)
@given(st.data())
def test_monotone_rules_give_monotone_totals(data: st.DataObject) -> None:
    m = load_data(data.draw(methodology_data(missing="zero")))
    leaves = [n for n in m.leaves() if _monotone(n)]
    assume(leaves)
    units = data.draw(assessments_for(m, max_units=3))
    cards = _score_all(m, units)
    assume(cards is not None)
    assert cards is not None
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    for a, card in zip(units, cards, strict=True):
        candidates = [
            n for n in leaves if card[n.code].stage is not None and card[n.code].value is not None
        ]
        if not candidates:
            continue
        leaf = rng.choice(candidates)
        r = card[leaf.code]
        x = float(r.value)
        hi, integer = _upper(leaf)
        if x >= hi:
            continue
        y = rng.choice([hi, rng.uniform(x, hi), x + (hi - x) / 2])
        if integer:
            y = float(math.ceil(y))
        y = min(max(y, x), hi)
        raised = a.with_values({leaf.code: y}, stage=r.stage)
        after = score(m, raised)
        assert after.points >= card.points, (leaf.code, x, y, card.points, after.points)  # type: ignore[operator]
        assert score_many(m, [raised])[0] == after


# ---------------------------------------------------------------------------------------------
# Input order does not matter
# ---------------------------------------------------------------------------------------------


def _shuffled(rng: random.Random, a: Assessment) -> Assessment:
    stages = {}
    for st_, entries in reversed(list(a.stages.items())):
        items = list(entries.items())
        rng.shuffle(items)
        stages[st_] = dict(items)
    return Assessment(a.unit, stages, a.period, a.unit_type)


@settings(max_examples=60, **SETTINGS)
@given(st.data())
def test_results_do_not_depend_on_input_order(data: st.DataObject) -> None:
    m = load_data(data.draw(methodology_data(missing="zero")))
    units = data.draw(assessments_for(m, min_units=2, max_units=5))
    cards = _score_all(m, units)
    assume(cards is not None)
    assert cards is not None
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    shuffled = [_shuffled(rng, a) for a in units]
    rng.shuffle(shuffled)
    by_unit = {c.unit: c for c in cards}
    batch = score_many(m, shuffled)
    table = score_many(m, AssessmentTable.from_assessments(shuffled))
    for i, a in enumerate(shuffled):
        ref = by_unit[a.unit]
        _same(score(m, a), ref)
        _same(batch[i], ref)
        _same(table[i], ref)


# ---------------------------------------------------------------------------------------------
# Dropping a leaf is the tree without it
# ---------------------------------------------------------------------------------------------


def _find(nodes: list[dict[str, Any]], code: str) -> list[dict[str, Any]] | None:
    """The chain of node dicts from the top down to ``code``."""
    for n in nodes:
        if n["code"] == code:
            return [n]
        below = _find(n.get("children", []), code)
        if below is not None:
            return [n, *below]
    return None


def _derived_max(n: dict[str, Any]) -> float:
    if "children" not in n:
        return float(n["max"])
    if "max" in n and n.get("aggregate") != "capped":
        return float(n["max"])
    total = math.fsum(
        _derived_max(k) for k in n["children"] if k.get("role", "regular") == "regular"
    )
    if n.get("aggregate") == "capped":
        return min(float(n["max"]), total)
    return total


def _without(data: dict[str, Any], code: str) -> tuple[dict[str, Any], set[str]] | None:
    """The methodology data without leaf ``code``; None if nothing regular would remain."""
    out = copy.deepcopy(data)
    chain = _find(out["nodes"], code)
    assert chain is not None
    removed = {code}
    containers = [out["nodes"]] + [n["children"] for n in chain[:-1]]
    # remove the leaf, then every ancestor left without regular children
    for level in range(len(chain) - 1, -1, -1):
        node = chain[level]
        holder = containers[level]
        if node["code"] in removed:
            holder.remove(node)
            if level > 0:
                parent = chain[level - 1]
                if not any(k.get("role", "regular") == "regular" for k in parent["children"]):
                    removed.add(parent["code"])
                    removed.update(_codes(parent))
        else:
            if node.get("aggregate") == "capped":
                node["max"] = min(
                    float(node["max"]),
                    math.fsum(
                        _derived_max(k)
                        for k in node["children"]
                        if k.get("role", "regular") == "regular"
                    ),
                )
    top_regular = [n for n in out["nodes"] if n.get("role", "regular") == "regular"]
    if not top_regular:
        return None
    out["scale"] = math.fsum(_derived_max(n) for n in top_regular)
    return out, removed


def _codes(n: dict[str, Any]) -> set[str]:
    out = {n["code"]}
    for k in n.get("children", []):
        out |= _codes(k)
    return out


@settings(max_examples=80, **SETTINGS)
@given(st.data())
def test_dropping_a_leaf_is_the_tree_without_it(data: st.DataObject) -> None:
    raw = data.draw(
        methodology_data(na_policy="drop", missing="zero", unknown=False, unit_types=False)
    )
    m = load_data(raw)
    # any leaf: regular, inside a bonus or penalty node, or a bonus or penalty item itself
    leaf = data.draw(st.sampled_from(m.leaves()))
    reduced = _without(raw, leaf.code)
    assume(reduced is not None)
    assert reduced is not None
    small_data, removed = reduced
    small = load_data(small_data)
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    a = random_assessment(rng, m, "Đơn vị", node_na_rate=0.0)
    last = list(a.stages)[-1]
    marked = a.with_values({leaf.code: NA}, stage=last)
    stages = {
        s: {c: e for c, e in es.items() if c not in removed} for s, es in marked.stages.items()
    }
    b = Assessment(a.unit, stages, a.period, a.unit_type)
    try:
        full = score(m, marked)
    except ParIndexError:
        assume(False)
        raise
    cut = score(small, b)
    if full.index is None or cut.index is None:  # nothing applies in either tree
        assert full.index is None and cut.index is None
        return
    assert math.isclose(full.index, cut.index, rel_tol=1e-9, abs_tol=1e-9), (
        leaf.code,
        full.index,
        cut.index,
    )
    assert math.isclose(full.max_points, cut.max_points, rel_tol=1e-9, abs_tol=1e-9)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# JSON round trip
# ---------------------------------------------------------------------------------------------


@settings(max_examples=60, **SETTINGS)
@given(st.data())
def test_json_round_trip_is_identity(data: st.DataObject) -> None:
    m = load_data(data.draw(methodology_data(missing="zero")))
    units = data.draw(assessments_for(m, max_units=3))
    cards = _score_all(m, units)
    assume(cards is not None)
    assert cards is not None
    for card in cards:
        text = json.dumps(card.to_dict())
        back = ScoreCard.from_dict(json.loads(text), m)
        assert back == card
        assert json.dumps(back.to_dict()) == text
