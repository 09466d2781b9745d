"""Benchmark: sensitivity of places to the domain weights, vectorised against one variant at a time.

Run from the repository root::

    python benchmarks/bench_sensitivity.py            # 10,000 variants
    python benchmarks/bench_sensitivity.py --quick    # 1,000 variants

A made-up tree of 8 domains and 104 leaves (points items), 63 units with random inputs, and
``--variants`` draws of the domain maxima (each within ±25 %, renormalised to 100). Measured:

(a) ``parindex.analysis.sensitivity``: one engine run, then every variant by one matrix product;
(b) the same arithmetic one variant at a time (``reweight`` and ``places`` in a Python loop);
(c) the engine one variant at a time, as an analyst would without ``sensitivity``: a methodology
    whose domain and leaf maxima carry the variant's weights, read by the strict loader and
    scored with ``score_many`` (timed on ``--engine-sample`` variants and scaled up).

It checks that (a) equals (c) on the sampled variants (indices within 1e-9, the same places).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from typing import Any

import numpy as np

import parindex
from parindex.analysis.sensitivity import reweight, sensitivity
from parindex.analysis.uncertainty import places
from parindex.methodology.loader import parse_methodology

DOMAINS = 8
LEAVES = 13  # per domain: 104 leaves
UNITS = 63
BASE = np.array([10.0, 8.0, 12.0, 15.0, 20.0, 10.0, 15.0, 10.0])


def methodology(maxima: np.ndarray) -> parindex.Methodology:
    """The tree with the domains' maxima ``maxima`` (each leaf 1/13 of its domain)."""
    nodes: list[dict[str, Any]] = []
    for d in range(DOMAINS):
        leaf = float(maxima[d]) / LEAVES
        kids = [
            {
                "code": f"{d + 1}.{k + 1}",
                "label": {"vi": f"Mục {d + 1}.{k + 1}", "en": f"Item {d + 1}.{k + 1}"},
                "max": leaf,
                "rule": {"kind": "points"},
            }
            for k in range(LEAVES)
        ]
        nodes.append(
            {
                "code": str(d + 1),
                "label": {"vi": f"Lĩnh vực {d + 1}", "en": f"Domain {d + 1}"},
                "max": leaf * LEAVES,
                "method": "appraisal",
                "children": kids,
            }
        )
    data = {
        "parindex": 1,
        "issuer": "bench",
        "scheme": "sensitivity",
        "version": "1",
        "years": [2025],
        "title": {"vi": "Thử", "en": "Benchmark"},
        "status": "inferred",
        "detail": "full",
        "source": "made up",
        "legal_basis": {"decision": "BENCH", "note": "made up"},
        "scale": float(sum(leaf * LEAVES for leaf in maxima / LEAVES)),
        "not_applicable": "drop",
        "missing": "zero",
        "rounding": {"decimals": 2},
        "nodes": nodes,
    }
    return parse_methodology(data, file="<benchmark>")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", type=int, default=10_000)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--engine-sample", type=int, default=50)
    args = ap.parse_args()
    variants = 1_000 if args.quick else args.variants
    m = methodology(BASE)
    rng = np.random.default_rng(1)
    share = rng.uniform(0.4, 1.0, (UNITS, DOMAINS * LEAVES))  # share of each leaf's maximum
    leaf_max = np.repeat(BASE / LEAVES, LEAVES)
    codes = [n.code for n in m.leaves()]
    names = [f"P{i:02d}" for i in range(UNITS)]
    table = parindex.AssessmentTable.from_columns(
        unit=np.repeat(names, len(codes)),
        code=codes * UNITS,
        value=(share * leaf_max).ravel(),
    )
    cards = parindex.score_many(m, table)

    t = time.perf_counter()
    s = sensitivity(cards, variants=variants, spread=0.25, seed=7)
    t_vec = time.perf_counter() - t

    # (b) the same arithmetic one variant at a time
    pts = np.stack([cards.node_points(str(d + 1)) for d in range(DOMAINS)])
    adj = np.stack([cards.node_adjusted_max(str(d + 1)) for d in range(DOMAINS)])
    factors = s.weights / BASE
    t = time.perf_counter()
    loop_places = np.empty_like(s.place)
    for v in range(variants):
        loop_places[v] = places(reweight(pts, adj, factors[v : v + 1]))[0]
    t_loop = time.perf_counter() - t
    assert (loop_places == s.place).all()

    # (c) the engine one variant at a time, on a sample of variants
    sample = min(args.engine_sample, variants)
    t = time.perf_counter()
    for v in range(sample):
        mv = methodology(s.weights[v])
        scaled = share * np.repeat(s.weights[v] / LEAVES, LEAVES)
        tv = parindex.AssessmentTable.from_columns(
            unit=np.repeat(names, len(codes)), code=codes * UNITS, value=scaled.ravel()
        )
        idx = parindex.score_many(mv, tv).index
        assert np.allclose(idx, s.index[v], rtol=0, atol=1e-9), v
        assert (places(idx) == s.place[v]).all(), v
    t_engine = (time.perf_counter() - t) / sample * variants

    out = {
        "variants": variants,
        "units": UNITS,
        "leaves": DOMAINS * LEAVES,
        "sensitivity_s": round(t_vec, 3),
        "loop_same_arithmetic_s": round(t_loop, 3),
        "loop_engine_s_estimated": round(t_engine, 1),
        "engine_sample": sample,
        "ratio_vs_arithmetic_loop": round(t_loop / t_vec, 1),
        "ratio_vs_engine_loop": round(t_engine / t_vec, 0),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
