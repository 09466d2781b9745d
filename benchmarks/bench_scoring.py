"""Benchmark: the reference engine unit by unit against the vectorised engine.

Run from the repository root::

    python benchmarks/bench_scoring.py            # 10,000 units
    python benchmarks/bench_scoring.py --quick    # 1,000 units

It builds a made-up tree of about 100 leaves that uses every rule kind (with bonus and penalty
nodes and a capped criterion), and assessments with two stages, NA entries and missing items,
then measures in one run:

(a) ``scoring.score`` in a Python loop over the units;
(b) ``batch.score_many`` on the same list of ``Assessment`` objects;
(c) ``batch.score_many`` on an ``AssessmentTable`` built from columns (building the table is
    timed separately);
(d) reading totals, indices, groups and domain indices from the result without building cards;

and checks that the cards of a sample of units are equal, bit for bit. Peak memory is measured
with ``tracemalloc`` in separate runs (tracing slows Python down, so timings are taken without it).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import yaml

from parindex.assessment import NA, Assessment
from parindex.batch import AssessmentTable, compile_plan, score_many
from parindex.methodology.loader import load_text
from parindex.methodology.model import Methodology, Node
from parindex.methodology.rules import (
    RULE_KINDS,
    BandsRule,
    DeductionsRule,
    FormulaRule,
    LevelsRule,
    ProportionalRule,
    SatisfactionRule,
    SurveyMeanRule,
)
from parindex.scoring import score

KINDS = tuple(RULE_KINDS)


def _rule(kind: str, mx: float, rng: random.Random) -> dict[str, Any] | None:
    if kind == "points":
        return None
    if kind == "levels":
        return {
            "kind": "levels",
            "levels": [
                {"code": "full", "points": mx},
                {"code": "late", "points": mx / 2},
                {"code": "none", "points": 0},
            ],
        }
    if kind == "bands":
        return {
            "kind": "bands",
            "input": {"unit": "percent"},
            "bands": [
                {"range": "[90, 100]", "points": mx},
                {"range": "[70, 90)", "points": mx / 2},
                {"range": "(0, 70)", "points": mx / 4},
                {"range": "[0, 0]", "points": 0},
            ],
        }
    if kind == "proportional":
        return {"kind": "proportional", "input": {"unit": "percent"}, "range": "[80, 100]"}
    if kind == "formula":
        return {
            "kind": "formula",
            "expr": f"(b / a) * {mx} + (c / a) * {mx / 2}",
            "inputs": {
                "a": {"integer": True},
                "b": {"integer": True, "max": "a"},
                "c": {"integer": True, "max": "a"},
            },
            "on_zero_division": mx,
            "clamp": True,
        }
    if kind == "deductions":
        return {
            "kind": "deductions",
            "floor": 0,
            "items": [{"code": "late", "points": mx / 4}, {"code": "missing", "points": mx / 2}],
        }
    if kind == "survey_mean":
        return {"kind": "survey_mean", "scale": [1, 5]}
    return {"kind": "satisfaction", "unit": "percent"}


def make_methodology(leaves: int = 100, seed: int = 1) -> Methodology:
    """A made-up tree: 10 domains, criteria of 2 to 4 leaves, every rule kind, bonus, penalty."""
    rng = random.Random(seed)
    domains: list[dict[str, Any]] = []
    count = 0
    d = 0
    while count < leaves:
        d += 1
        criteria: list[dict[str, Any]] = []
        for c in range(1, 4):
            kids = []
            for k in range(1, rng.randint(3, 5)):
                if count >= leaves:
                    break
                kind = KINDS[count % len(KINDS)]
                mx = float(rng.choice([1, 1.5, 2, 2.5, 3]))
                leaf: dict[str, Any] = {
                    "code": f"{d}.{c}.{k}",
                    "label": f"Mục {d}.{c}.{k}",
                    "max": mx,
                }
                rule = _rule(kind, mx, rng)
                if rule is not None:
                    leaf["rule"] = rule
                kids.append(leaf)
                count += 1
            if kids:
                crit: dict[str, Any] = {
                    "code": f"{d}.{c}",
                    "label": f"Tiêu chí {d}.{c}",
                    "children": kids,
                }
                if c == 3 and len(kids) > 1:
                    crit["aggregate"] = "capped"
                    crit["max"] = sum(k["max"] for k in kids) - 0.5
                criteria.append(crit)
        domains.append(
            {"code": str(d), "label": f"Lĩnh vực {d}", "method": "appraisal", "children": criteria}
        )
    scale = math.fsum(_max(n) for n in domains)
    domains.append(
        {
            "code": "B",
            "label": "Điểm thưởng",
            "role": "bonus",
            "max": 2,
            "method": "appraisal",
            "children": [
                {"code": "B1", "label": "Sáng kiến", "max": 1.5},
                {"code": "B2", "label": "Khen thưởng", "max": 1.5},
            ],
        }
    )
    domains.append(
        {
            "code": "P",
            "label": "Điểm trừ",
            "role": "penalty",
            "max": 0,
            "min": -3,
            "method": "appraisal",
            "rule": {
                "kind": "deductions",
                "start": 0,
                "floor": -3,
                "items": [{"code": "breach", "points": 1}],
            },
        }
    )
    data = {
        "parindex": 1,
        "issuer": "bench",
        "scheme": "synthetic",
        "version": "1",
        "years": [2025],
        "title": {"vi": "Bộ chỉ số tổng hợp để đo tốc độ", "en": "Synthetic benchmark scheme"},
        "status": "inferred",
        "detail": "full",
        "legal_basis": {"decision": "BENCHMARK"},
        "scale": scale,
        "grouping": {
            "status": "inferred",
            "groups": [{"code": "A", "min": 80}, {"code": "B", "min": 60}, {"code": "C", "min": 0}],
        },
        "not_applicable": "drop",
        "missing": "zero",
        "nodes": domains,
    }
    return load_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), file="bench.yaml")


def _max(n: dict[str, Any]) -> float:
    if "children" not in n:
        return float(n["max"])
    if n.get("aggregate") == "capped":
        return float(n["max"])
    return math.fsum(_max(k) for k in n["children"])


def value_for(node: Node, rng: random.Random) -> Any:
    rule = node.rule
    mx = node.max or 0.0
    if isinstance(rule, LevelsRule):
        return rng.choice(["full", "late", "none"])
    if isinstance(rule, BandsRule | ProportionalRule | SatisfactionRule):
        return round(rng.uniform(50, 100), 1)
    if isinstance(rule, SurveyMeanRule):
        return round(rng.uniform(1, 5), 2)
    if isinstance(rule, FormulaRule):
        a = rng.randint(0, 6)
        return {"a": a, "b": rng.randint(0, a), "c": rng.randint(0, a)}
    if isinstance(rule, DeductionsRule):
        return {it.code: rng.randint(0, 2) for it in rule.items if rng.random() < 0.7}
    return round(rng.uniform(0, mx), 2)


def make_units(m: Methodology, n: int, seed: int = 2) -> list[tuple[str, str, str, Any]]:
    """Long-format rows (unit, code, stage, value): self-assessment, 20 % revised at appraisal,
    3 % not applicable, 2 % missing."""
    rng = random.Random(seed)
    leaves = m.leaves()
    rows: list[tuple[str, str, str, Any]] = []
    for u in range(n):
        unit = f"Đơn vị {u + 1:05d}"
        for node in leaves:
            r = rng.random()
            if r < 0.02:
                continue
            if r < 0.05 and node.role == "regular":
                rows.append((unit, node.code, "self", NA))
                continue
            rows.append((unit, node.code, "self", value_for(node, rng)))
            if rng.random() < 0.2:
                rows.append((unit, node.code, "appraisal1", value_for(node, rng)))
    return rows


def to_assessments(rows: list[tuple[str, str, str, Any]]) -> list[Assessment]:
    units: dict[str, dict[str, dict[str, Any]]] = {}
    for unit, code, stage, value in rows:
        units.setdefault(unit, {}).setdefault(stage, {})[code] = value
    return [Assessment(u, stages, "2025") for u, stages in units.items()]


def to_table(rows: list[tuple[str, str, str, Any]]) -> AssessmentTable:
    unit, code, stage, value = (list(c) for c in zip(*rows, strict=True))
    return AssessmentTable.from_columns(
        unit=unit, code=code, stage=stage, value=value, period="2025"
    )


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times = []
    out = None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def peak(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        out = fn()
        _, top = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del out
    return top / 2**20


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="1,000 units instead of 10,000")
    p.add_argument("--units", type=int, default=None)
    p.add_argument("--leaves", type=int, default=100)
    p.add_argument(
        "--batch-only",
        action="store_true",
        help="time (b) and (c) only (no loop of score; their cards are checked against each other)",
    )
    args = p.parse_args(argv)
    n = args.units or (1_000 if args.quick else 10_000)
    repeat = 5 if args.batch_only else 3

    m = make_methodology(args.leaves)
    rows = make_units(m, n)
    assessments = to_assessments(rows)
    kinds: dict[str, int] = {}
    for leaf in m.leaves():
        k = leaf.rule.kind if leaf.rule is not None else "points"
        kinds[k] = kinds.get(k, 0) + 1
    print(f"methodology: {len(m.leaves())} leaves, {len(m.nodes)} nodes; rule kinds {kinds}")
    print(f"units: {len(assessments)}, input rows: {len(rows)}")

    if args.batch_only:
        return _batch_only(m, rows, assessments, repeat)
    t_a, cards_a = timed(lambda: [score(m, a) for a in assessments], 1)
    # keep what the checks need, and let the reference cards go before timing the batch engine
    # (millions of live objects would make every garbage collection pass slower)
    rng = random.Random(3)
    sample = rng.sample(range(len(assessments)), min(200, len(assessments)))
    reference = {i: (cards_a[i], json.dumps(cards_a[i].to_dict())) for i in sample}
    ref_points = np.array([c.points for c in cards_a])
    del cards_a
    gc.collect()

    plan = compile_plan(m)
    t_b, cards_b = timed(lambda: score_many(m, assessments, plan=plan), repeat)
    t_build, table = timed(lambda: to_table(rows), 1)
    t_c, cards_c = timed(lambda: score_many(m, table, plan=plan), repeat)

    def read() -> Any:
        return (
            cards_c.points.sum(),
            np.nanmean(cards_c.index),
            cards_c.groups,
            [cards_c.node_index(d.code) for d in m.top],
        )

    t_d, _ = timed(read, repeat)
    t_plan, _ = timed(lambda: compile_plan(m), repeat)

    # exactness on a sample, bit for bit
    for i, (card, text) in reference.items():
        assert cards_b[i] == card and json.dumps(cards_b[i].to_dict()) == text
        assert cards_c[i] == card and json.dumps(cards_c[i].to_dict()) == text
    assert np.array_equal(cards_b.points, ref_points)
    assert np.array_equal(cards_c.points, ref_points)
    del reference, cards_b
    gc.collect()

    mem_b = peak(lambda: score_many(m, assessments, plan=plan))
    mem_c = peak(lambda: score_many(m, table, plan=plan))
    t_card, _ = timed(lambda: [cards_c[i] for i in range(min(1000, n))], 1)
    per_card = t_card / min(1000, n)

    print()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {np.__version__}, {platform.system()}"
    )
    print(f"(a) scoring.score, one unit at a time     {t_a:9.3f} s  ({t_a / n * 1e3:.3f} ms/unit)")
    print(
        f"(b) score_many, list of Assessment        {t_b:9.3f} s  ratio (a)/(b) = {t_a / t_b:6.1f}×"
    )
    print(
        f"(c) score_many, AssessmentTable           {t_c:9.3f} s  ratio (a)/(c) = {t_a / t_c:6.1f}×"
    )
    print(f"    building the table from columns       {t_build:9.3f} s")
    print(f"(d) totals, indices, groups, domains      {t_d * 1e3:9.3f} ms (no card built)")
    print(f"    compile_plan                          {t_plan * 1e3:9.3f} ms")
    print(f"    one card built from the set           {per_card * 1e3:9.3f} ms")
    print(f"peak memory (tracemalloc): (b) {mem_b:.1f} MiB, (c) {mem_c:.1f} MiB")
    return 0


def _batch_only(
    m: Methodology,
    rows: list[tuple[str, str, str, Any]],
    assessments: list[Assessment],
    repeat: int,
) -> int:
    plan = compile_plan(m)
    t_b, cards_b = timed(lambda: score_many(m, assessments, plan=plan), repeat)
    table = to_table(rows)
    t_c, cards_c = timed(lambda: score_many(m, table, plan=plan), repeat)
    sample = random.Random(3).sample(range(len(assessments)), min(200, len(assessments)))
    for i in sample:
        assert cards_b[i] == cards_c[i]
    assert np.array_equal(cards_b.points, cards_c.points)
    print(json.dumps({"b_s": t_b, "c_s": t_c}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
