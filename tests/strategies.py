"""Hypothesis strategies: random valid methodologies and matching assessments.

Reusable by any test of the scoring engines::

    from tests.strategies import assessments_for, methodologies, methodology_data, load_data

    @given(st.data())
    def test_something(data):
        m = data.draw(methodologies())
        units = data.draw(assessments_for(m))

* :func:`methodology_data` draws the Python data of a methodology file (what YAML would give):
  random depths, every rule kind (points; levels, some negative; bands with mixed inclusive and
  exclusive edges covering the input; proportional; formula with zero-division fallbacks and
  clamping; deductions with floors; survey_mean; satisfaction), capped aggregates, bonus and
  penalty nodes, unit types with ``applies_to``, leaves whose maximum is not known, and each
  not-applicable and missing-input policy. :func:`load_data` turns it into a
  :class:`~parindex.methodology.model.Methodology` through YAML text and the strict loader.
* :func:`methodologies` draws loaded methodologies.
* :func:`assessments_for` draws assessments that fit a methodology: several stages, NA entries
  (on leaves and on whole nodes), missing items, notes and evidence, numbers written as text.

The random choices come from one seeded :class:`random.Random` per example (drawn through
hypothesis, so failures replay), which keeps generation fast for big trees.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import Any

import yaml
from hypothesis import strategies as st

from parindex.assessment import NA, STAGES, Assessment
from parindex.methodology.loader import load_text
from parindex.methodology.model import NA_POLICIES, Methodology, Node
from parindex.methodology.rules import (
    RULE_KINDS,
    BandsRule,
    DeductionsRule,
    FormulaRule,
    LevelsRule,
    PointsRule,
    ProportionalRule,
    SatisfactionRule,
    SurveyMeanRule,
)

__all__ = [
    "KINDS",
    "assessments_for",
    "dump_data",
    "load_data",
    "methodologies",
    "methodology_data",
    "random_value",
]

KINDS = tuple(RULE_KINDS)
UNIT_TYPES = ("district", "department")
_MAXIMA = (1.0, 2.0, 3.0, 4.0, 5.0, 0.5, 1.5, 2.5, 0.25, 0.75, 0.3, 0.1, 1.7, 6.0, 10.0)


# -- methodologies ------------------------------------------------------------------------------


def _leaf_rule(rng: random.Random, kind: str, mx: float) -> tuple[dict[str, Any], float]:
    """A rule for a leaf with maximum ``mx``; returns (rule data, the leaf's min)."""
    if kind == "points":
        return {"kind": "points"}, 0.0
    if kind == "levels":
        n = rng.randint(2, 4)
        numeric_codes = rng.random() < 0.2
        codes = (
            [str(i + 1) for i in range(n)]
            if numeric_codes
            else rng.sample(["full", "part", "late", "none", "A", "B", "C", "on_time"], n)
        )
        pts = [mx] + [round(rng.uniform(0, mx), 2) for _ in range(n - 1)]
        lo = 0.0
        if rng.random() < 0.3:
            lo = -float(rng.choice([0.5, 1.0, 2.0]))
            pts[-1] = lo
        levels = [{"code": c, "points": p} for c, p in zip(codes, pts, strict=True)]
        rng.shuffle(levels)
        return {"kind": "levels", "levels": levels}, lo
    if kind == "bands":
        style = rng.choice(["percent", "count", "number"])
        if style == "percent":
            lo, hi = 0, 100
            inp: dict[str, Any] = {"unit": "percent"}
        elif style == "count":
            lo, hi = 0, math.inf
            inp = {"unit": "count"}
        else:
            lo, hi = -10, 10
            inp = {"unit": "number", "min": -10, "max": 10}
        top = 100 if hi == math.inf else hi
        k = rng.randint(1, 4)
        cuts = sorted(rng.sample(range(int(lo) + 1, int(top)), k))
        edges = [lo, *cuts, hi]
        bands = []
        left_inc = True
        for i in range(len(edges) - 1):
            a, b = edges[i], edges[i + 1]
            last = i == len(edges) - 2
            right_inc = True if last else rng.random() < 0.5
            lo_txt = "[" if left_inc else "("
            hi_txt = ("]" if b != math.inf else ")") if right_inc else ")"
            b_txt = "∞" if b == math.inf else str(b)
            bands.append(f"{lo_txt}{a}, {b_txt}{hi_txt}")
            left_inc = not right_inc
        monotone = rng.random() < 0.6
        pts = [round(rng.uniform(0, mx), 2) for _ in bands]
        pts[rng.randrange(len(pts))] = mx
        if monotone:
            pts.sort()
        rows = [{"range": b, "points": p} for b, p in zip(bands, pts, strict=True)]
        rng.shuffle(rows)
        return {"kind": "bands", "input": inp, "bands": rows}, 0.0
    if kind == "proportional":
        a = rng.choice([0, 20, 50, 80])
        rule = {
            "kind": "proportional",
            "input": {"unit": "percent"},
            "range": f"{rng.choice('[(') if a else '['}{a}, 100]",
            "full": 100,
            "otherwise": rng.choice([0.0, 0.0, round(mx * a / 200, 3)]),
        }
        return rule, 0.0
    if kind == "formula":
        shape = rng.randrange(3)
        if shape == 0:
            k1 = round(rng.uniform(0.2, 1.0) * mx, 3)
            k2 = round(rng.uniform(0.0, 1.0) * mx, 3)
            rule = {
                "kind": "formula",
                "expr": f"(b / a) * {k1} + (c / a) * {k2}",
                "inputs": {
                    "a": {"integer": True},
                    "b": {"integer": True, "max": "a"},
                    "c": {"integer": True, "max": "a"},
                },
                "clamp": True,
            }
        elif shape == 1:
            rule = {
                "kind": "formula",
                "expr": f"x * {mx} / 100 - y / z",
                "inputs": {"x": {"max": 100}, "y": {"max": 10}, "z": {"max": 5}},
                "clamp": True,
            }
        else:
            rule = {
                "kind": "formula",
                "expr": f"min(x, {mx}) * 0.5 + max(x - 1, 0) * 0",
                "inputs": {"x": {"max": 1000}},
            }
            return rule, 0.0
        if rng.random() < 0.7:
            rule["on_zero_division"] = round(rng.uniform(0, mx), 2)
        return rule, 0.0
    if kind == "deductions":
        n = rng.randint(1, 3)
        items = [{"code": f"d{i}", "points": rng.choice([0.25, 0.5, 1.0, 0.1])} for i in range(n)]
        rule = {"kind": "deductions", "items": items}
        if rng.random() < 0.5:
            rule["floor"] = round(rng.uniform(0, mx / 2), 2)
        if rng.random() < 0.3:
            rule["start"] = mx
        return rule, 0.0
    if kind == "survey_mean":
        scale = rng.choice([[1, 5], [0, 10], [1, 4]])
        return {"kind": "survey_mean", "scale": scale, "anchor": rng.choice(["min", "zero"])}, 0.0
    return {"kind": "satisfaction", "unit": rng.choice(["percent", "fraction"])}, 0.0


def _leaf(
    rng: random.Random, code: str, kinds: tuple[str, ...], allow_unknown: bool
) -> dict[str, Any]:
    kind = rng.choice(kinds)
    mx = rng.choice(_MAXIMA)
    rule, lo = _leaf_rule(rng, kind, mx)
    node: dict[str, Any] = {"code": code, "label": f"Mục {code}", "max": mx}
    if lo:
        node["min"] = lo
    if kind != "points" or rng.random() < 0.5:
        node["rule"] = rule
    if kind == "points" and allow_unknown and rng.random() < 0.15:
        node["max"] = None
    return node


def _penalty(rng: random.Random, code: str) -> dict[str, Any]:
    cap = float(rng.choice([1, 2, 3]))
    if rng.random() < 0.5:
        floor = -float(rng.choice([1, 2, 4]))
        return {
            "code": code,
            "label": f"Điểm trừ {code}",
            "role": "penalty",
            "max": 0,
            "min": floor,
            "rule": {
                "kind": "deductions",
                "start": 0,
                "floor": floor,
                "items": [{"code": "breach", "points": rng.choice([0.5, 1.0])}],
            },
        }
    kids = []
    for i in range(rng.randint(1, 2)):
        floor = -float(rng.choice([1, 2, 4]))
        kids.append(
            {
                "code": f"{code}.{i + 1}",
                "label": f"Vi phạm {i + 1}",
                "max": 0,
                "min": floor,
                "rule": {
                    "kind": "deductions",
                    "start": 0,
                    "floor": floor,
                    "items": [{"code": "breach", "points": rng.choice([0.5, 1.0])}],
                },
            }
        )
    return {
        "code": code,
        "label": f"Điểm trừ {code}",
        "role": "penalty",
        "min": -cap,
        "children": kids,
    }


def _bonus(rng: random.Random, code: str) -> dict[str, Any]:
    if rng.random() < 0.4:
        return {
            "code": code,
            "label": f"Thưởng {code}",
            "role": "bonus",
            "max": rng.choice([0.5, 1.0]),
        }
    kids = [
        {"code": f"{code}.{i + 1}", "label": f"Thưởng {i + 1}", "max": rng.choice([0.5, 1.0, 1.5])}
        for i in range(rng.randint(1, 3))
    ]
    return {
        "code": code,
        "label": f"Thưởng {code}",
        "role": "bonus",
        "max": rng.choice([0.5, 1.0, 2.0]),
        "children": kids,
    }


def _subtree(
    rng: random.Random,
    code: str,
    depth: int,
    max_depth: int,
    kinds: tuple[str, ...],
    opts: Mapping[str, Any],
) -> dict[str, Any]:
    if depth >= max_depth or (depth > 1 and rng.random() < 0.45):
        return _leaf(rng, code, kinds, opts["unknown"])
    kids = [
        _subtree(rng, f"{code}.{i + 1}", depth + 1, max_depth, kinds, opts)
        for i in range(rng.randint(1, 4))
    ]
    k = len(kids)
    if opts["extras"] and rng.random() < 0.15:
        kids.append(_bonus(rng, f"{code}.{k + 1}"))
        k += 1
    if opts["extras"] and rng.random() < 0.15:
        kids.append(_penalty(rng, f"{code}.{k + 1}"))
    node: dict[str, Any] = {"code": code, "label": f"Nhóm {code}", "children": kids}
    regular = [c for c in kids if c.get("role", "regular") == "regular"]
    maxima = [_subtree_max(c) for c in regular]
    if opts["capped"] and len(regular) > 1 and all(x is not None for x in maxima):
        total = math.fsum(x for x in maxima if x is not None)
        if rng.random() < 0.3:
            cap = min(round(total * rng.uniform(0.5, 1.0), 2), total)
            node["aggregate"] = "capped"
            node["max"] = cap if cap > 0 else total
    return node


def _subtree_max(node: Mapping[str, Any]) -> float | None:
    """The maximum the loader derives for a node (None when unknown)."""
    if "children" not in node:
        return node.get("max")
    if "max" in node:
        return node["max"]
    if node.get("role") == "penalty":
        return 0.0
    kids = [c for c in node["children"] if c.get("role", "regular") == "regular"]
    vals = [_subtree_max(c) for c in kids]
    if any(v is None for v in vals):
        return None
    return math.fsum(v for v in vals if v is not None)


def _applies(rng: random.Random, node: dict[str, Any], depth: int) -> None:
    if rng.random() < 0.15:
        node["applies_to"] = [rng.choice(UNIT_TYPES)]
    for c in node.get("children", []):
        _applies(rng, c, depth + 1)


@st.composite
def methodology_data(
    draw: st.DrawFn,
    *,
    na_policy: str | None = None,
    missing: str | None = None,
    kinds: tuple[str, ...] = KINDS,
    max_depth: int | None = None,
    extras: bool = True,
    capped: bool = True,
    unknown: bool = True,
    unit_types: bool | None = None,
    max_top: int = 4,
) -> dict[str, Any]:
    """The data of a random valid methodology file (a dict, as YAML would give)."""
    rng = draw(st.randoms(use_true_random=False))
    depth = max_depth if max_depth is not None else rng.randint(1, 4)
    opts = {"extras": extras, "capped": capped, "unknown": unknown}
    top = [_subtree(rng, str(i + 1), 1, depth, kinds, opts) for i in range(rng.randint(1, max_top))]
    k = len(top)
    if extras and rng.random() < 0.4:
        top.append(_bonus(rng, str(k + 1)))
        k += 1
    if extras and rng.random() < 0.4:
        top.append(_penalty(rng, str(k + 1)))
    maxima = [_subtree_max(n) for n in top if n.get("role", "regular") == "regular"]
    known = [x for x in maxima if x is not None]
    scale = math.fsum(known)
    if len(known) != len(maxima) or scale <= 0:
        scale = math.fsum(known) + (10.0 if len(known) != len(maxima) else 0.0) or 1.0
    use_types = unit_types if unit_types is not None else rng.random() < 0.3
    data: dict[str, Any] = {
        "parindex": 1,
        "issuer": "test",
        "scheme": "random",
        "version": str(rng.randint(1, 10**6)),
        "years": [2024],
        "title": {"vi": "Bộ chỉ số ngẫu nhiên", "en": "Random scheme"},
        "status": "inferred",
        "detail": "full",
        "legal_basis": {"decision": "TEST"},
        "scale": scale,
        "not_applicable": na_policy or rng.choice(NA_POLICIES),
        "missing": missing or rng.choice(["zero", "zero", "block", "exclude"]),
        "nodes": top,
    }
    if rng.random() < 0.5:
        data["grouping"] = {
            "status": "inferred",
            "groups": [
                {"code": "A", "min": 90},
                {"code": "B", "min": 70.5},
                {"code": "C", "min": 0},
            ],
        }
    if use_types:
        data["unit_types"] = list(UNIT_TYPES)
        for n in top:
            _applies(rng, n, 1)
    for n in top:
        n.setdefault("method", rng.choice(["appraisal", "survey", "sipas", "statistics"]))
    return data


def dump_data(data: Mapping[str, Any]) -> str:
    """YAML text of methodology data."""
    return yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False)


def load_data(data: Mapping[str, Any]) -> Methodology:
    """Load methodology data through YAML text and the strict loader."""
    return load_text(dump_data(data), file="random.yaml")


def methodologies(**kwargs: Any) -> st.SearchStrategy[Methodology]:
    """Random valid methodologies (see :func:`methodology_data` for the options)."""
    return methodology_data(**kwargs).map(load_data)


# -- assessments --------------------------------------------------------------------------------


def random_value(rng: random.Random, node: Node, *, text: bool = True) -> Any:
    """A valid input value for a leaf (sometimes written as text, as officers do)."""
    rule = node.rule if node.rule is not None else PointsRule()
    if isinstance(rule, PointsRule):
        hi = node.max if node.max is not None else 50.0
        x = rng.choice(
            [node.min, hi, round(rng.uniform(node.min, hi), 2), rng.uniform(node.min, hi)]
        )
        return _maybe_text(rng, x, text)
    if isinstance(rule, LevelsRule):
        lv = rng.choice(rule.levels).code
        r = rng.random()
        if r < 0.1:
            return lv.upper()
        if r < 0.2 and lv.isdigit():
            return int(lv)
        return lv
    if isinstance(rule, BandsRule | ProportionalRule):
        inp = rule.input
        lo = inp.min
        hi = inp.max if math.isfinite(inp.max) else 200.0
        bands = rule.bands if isinstance(rule, BandsRule) else (rule.band,)
        edges = [b.lo for b in bands] + [b.hi for b in bands]
        edges = [e for e in edges if math.isfinite(e) and lo <= e <= hi]
        choices = [lo, hi, rng.uniform(lo, hi), *edges]
        x = rng.choice(choices)
        if inp.integer:
            x = float(math.floor(x))
            x = max(x, lo)
        return _maybe_text(rng, x, text)
    if isinstance(rule, SurveyMeanRule):
        lo, hi = rule.scale
        return _maybe_text(rng, rng.choice([lo, hi, rng.uniform(lo, hi)]), text)
    if isinstance(rule, SatisfactionRule):
        return _maybe_text(rng, rng.choice([0.0, rule.top, rng.uniform(0, rule.top)]), text)
    if isinstance(rule, FormulaRule):
        out: dict[str, Any] = {}
        names = [i.name for i in rule.inputs]
        zero_ok = rule.on_zero_division is not None
        if names == ["a", "b", "c"]:
            a = rng.randint(0 if zero_ok else 1, 6)
            out = {"a": a, "b": rng.randint(0, a), "c": rng.randint(0, a)}
        else:
            for spec in rule.inputs:
                hi = spec.max if math.isfinite(spec.max) else 10.0
                lo = 1.0 if (spec.name == "z" and not zero_ok) else spec.min
                x = rng.choice([lo, hi, round(rng.uniform(lo, hi), 1)])
                out[spec.name] = x
        if rng.random() < 0.5:
            items = list(out.items())
            rng.shuffle(items)
            out = dict(items)
        return out
    assert isinstance(rule, DeductionsRule)
    counts = {it.code: rng.randint(0, 4) for it in rule.items if rng.random() < 0.8}
    if len(rule.items) == 1 and rng.random() < 0.3:
        return counts.get(rule.items[0].code, 0)
    return counts


def _maybe_text(rng: random.Random, x: float, text: bool) -> Any:
    if text and rng.random() < 0.05:
        return f"{x:.2f}".replace(".", ",")
    if x == int(x) and rng.random() < 0.5:
        return int(x)
    return x


def _applies_to(m: Methodology, node: Node, unit_type: str | None) -> bool:
    n: Node | None = node
    while n is not None and n.code != "":
        if unit_type is not None and n.applies_to is not None and unit_type not in n.applies_to:
            return False
        n = m.nodes[n.parent] if n.parent is not None else None
    return True


def random_assessment(
    rng: random.Random,
    m: Methodology,
    unit: str,
    *,
    na_rate: float = 0.1,
    missing_rate: float = 0.1,
    node_na_rate: float = 0.05,
    extras: bool = True,
) -> Assessment:
    """One random assessment that fits ``m`` (valid inputs only)."""
    unit_type = rng.choice([*list(m.unit_types), None]) if m.unit_types else None
    stages = sorted(rng.sample(STAGES, rng.randint(1, 3)), key=STAGES.index)
    entries: dict[str, dict[str, Any]] = {s: {} for s in stages}
    covered: set[str] = set()
    for node in m.walk():
        if node.parent in covered or node.code in covered:
            covered.add(node.code)
            continue
        if not node.is_leaf:
            if rng.random() < node_na_rate and node.max is not None:
                entries[rng.choice(stages)][node.code] = "NA" if rng.random() < 0.5 else NA
                covered.add(node.code)
            continue
        applies = _applies_to(m, node, unit_type)
        r = rng.random()
        if r < missing_rate:
            continue
        if not applies or (r < missing_rate + na_rate and node.max is not None):
            if rng.random() < 0.8 or not applies:
                if rng.random() < 0.7:
                    entries[rng.choice(stages)][node.code] = NA
            continue
        given = [s for s in stages if rng.random() < 0.6] or [stages[-1]]
        for s in given:
            v = random_value(rng, node)
            if extras and rng.random() < 0.05:
                v = {"value": v, "note": "ghi chú", "evidence": [f"VB-{rng.randint(1, 99)}"]}
            entries[s][node.code] = v
        if rng.random() < 0.03:
            entries[given[0]][node.code] = "KAD"
    return Assessment(unit, {s: e for s, e in entries.items()}, "2024", unit_type)


@st.composite
def assessments_for(
    draw: st.DrawFn,
    m: Methodology,
    *,
    min_units: int = 1,
    max_units: int = 6,
    na_rate: float = 0.1,
    missing_rate: float = 0.1,
    node_na_rate: float = 0.05,
) -> list[Assessment]:
    """A list of valid assessments (distinct unit names) for methodology ``m``."""
    rng = draw(st.randoms(use_true_random=False))
    n = draw(st.integers(min_units, max_units))
    return [
        random_assessment(
            rng,
            m,
            f"Đơn vị {i + 1}",
            na_rate=na_rate,
            missing_rate=missing_rate,
            node_na_rate=node_na_rate,
        )
        for i in range(n)
    ]
