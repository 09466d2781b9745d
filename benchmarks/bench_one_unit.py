"""Benchmark: one unit through ``score``, and a province's report (``build_report``).

Run from the repository root (or with another checkout's ``src`` first on ``PYTHONPATH`` to time
an older release with the same script)::

    python benchmarks/bench_one_unit.py            # best of 5
    python benchmarks/bench_one_unit.py --json     # one line of JSON (for comparing releases)

It measures, each the best of several runs:

* ``score`` on 100 units of the made-up tree of ``bench_scoring.py`` (about 100 leaves, every rule
  kind), one call per unit, as milliseconds per unit;
* ``score`` on the units of ``docs/examples/example-assessments.yaml`` with the illustrative
  department scheme, as milliseconds per unit;
* ``build_report`` for the first province of ``example-province-assessments-2025-q3.yaml``
  (responsibilities, the previous quarter and the peers), as milliseconds per report.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_scoring import make_methodology, make_units, to_assessments

import parindex
from parindex.analysis.responsibility import load_responsibilities
from parindex.report import build_report
from parindex.units import load_unit_list

EX = Path(__file__).resolve().parents[1] / "docs" / "examples"


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def measure(repeat: int = 5) -> dict[str, float]:
    m = make_methodology(100)
    units = to_assessments(make_units(m, 100))
    dept = parindex.load_file(EX / "illustrative-department-scheme.yaml")
    dept_units = list(parindex.read_assessments(EX / "example-assessments.yaml"))
    prov = parindex.load_file(EX / "example-province-scheme-2025.yaml")
    rmap = load_responsibilities(
        EX / "example-responsibilities.yaml",
        methodology=prov,
        units=load_unit_list(EX / "example-units.yaml"),
    )
    now = [
        parindex.score(prov, a)
        for a in parindex.read_assessments(EX / "example-province-assessments-2025-q3.yaml")
    ]
    before = [
        parindex.score(prov, a)
        for a in parindex.read_assessments(EX / "example-province-assessments-2025-q2.yaml")
    ]

    def report() -> Any:
        return build_report(
            now[0], responsibilities=rmap, previous=before[0], peers=now, previous_peers=before
        )

    return {
        "score_bench_ms": best(lambda: [parindex.score(m, a) for a in units], repeat)
        / len(units)
        * 1e3,
        "score_department_ms": best(
            lambda: [parindex.score(dept, a) for _ in range(20) for a in dept_units], repeat
        )
        / (20 * len(dept_units))
        * 1e3,
        "build_report_ms": best(report, repeat) * 1e3,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--json", action="store_true", help="print one line of JSON")
    args = p.parse_args(argv)
    out = measure(args.repeat)
    if args.json:
        print(json.dumps(out))
    else:
        print(f"score, benchmark tree          {out['score_bench_ms']:8.3f} ms per unit")
        print(f"score, department scheme       {out['score_department_ms']:8.3f} ms per unit")
        print(f"build_report, example province {out['build_report_ms']:8.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
