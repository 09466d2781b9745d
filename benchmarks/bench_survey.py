"""Benchmark: satisfaction indices for 1,000,000 respondents × 50 items across 63 units.

Run ``python benchmarks/bench_survey.py`` (``--quick`` for 100,000 respondents). It reports, from
one run on the same data:

* parindex ``survey.estimate`` (unweighted, per unit: every item's satisfaction rate with its Wilson
  interval, the five factor indices and the overall index), timed with and without the linearised
  intervals of the aggregates;
* the ratio to an idiomatic pandas implementation (``isin`` then ``groupby(...).sum()``) of the
  same rates and aggregates (needs the ``parindex[pandas]`` extra);
* the ratio to a plain numpy pass over the same bytes (``A.sum(axis=0)`` on the int8 answer
  matrix): the memory-bandwidth floor;
* peak memory allocated during ``estimate`` (tracemalloc), against the size of the answer matrix;
* the read path (``--read-rows``, default 200,000 respondents × 50 items, a 21 MB CSV file): the
  survey CSV streamed to estimates (``estimate(iter_csv(...))``, the pyarrow reader, and once the
  pure-Python reader) against ``pyarrow.csv.read_csv`` of the same file and against a pyarrow +
  numpy pipeline (``read_csv``, then ``np.bincount`` of satisfied and valid answers per unit and
  item, the rates and the factor means), checked to give the same overall indices.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from parindex.methodology import yamlio
from parindex.survey import Responses, estimate, parse_survey_methodology
from parindex.survey.responses import Exclusions, Factor

FACTORS, PER_FACTOR, UNITS = 5, 10, 63


def methodology() -> Any:
    lines = [
        "parindex: 1",
        "kind: survey",
        "issuer: bench",
        "scheme: sipas",
        "version: '1'",
        "years: [2024]",
        "title: {vi: Thử nghiệm, en: Benchmark}",
        "status: inferred",
        "legal_basis: {decision: none}",
        "scales:",
        "  s5: {label: s5, levels: [1, 2, 3, 4, 5], satisfied: [4, 5], no_opinion: [8],"
        " not_applicable: [9], status: inferred}",
        "overall: {status: inferred}",
        "structure:",
    ]
    for f in range(1, FACTORS + 1):
        lines += [f"  - code: F{f}", f"    label: F{f}", "    scale: s5", "    children:"]
        lines += [f"      - {{code: F{f}.{i}, label: Q{i}}}" for i in range(1, PER_FACTOR + 1)]
    text = "\n".join(lines) + "\n"
    return parse_survey_methodology(yamlio.load_yaml(text, file="<bench>"), file="<bench>")


def data(n: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    k = FACTORS * PER_FACTOR
    answers = np.asfortranarray(
        rng.choice(
            np.array([1, 2, 3, 4, 5, 8, 9, -1], dtype=np.int8),
            size=(n, k),
            p=[0.05, 0.08, 0.17, 0.40, 0.25, 0.02, 0.02, 0.01],
        )
    )
    unit = np.sort(rng.integers(0, UNITS, size=n)).astype(np.int32)
    return answers, unit


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def write_csv(path: str, m: Any, answers: np.ndarray, unit: np.ndarray) -> None:
    """The responses as a survey platform exports them: a unit column and one column per item,
    an empty cell for a blank answer."""
    cols = [np.char.mod("%d", answers[:, j]) for j in range(answers.shape[1])]
    cols = [np.where(c == "-1", "", c) for c in cols]
    units = np.char.mod("U%02d", unit)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("unit," + ",".join(m.items) + "\n")
        step = 50_000
        for start in range(0, len(units), step):
            part = zip(
                units[start : start + step], *(c[start : start + step] for c in cols), strict=True
            )
            fh.write("\n".join(",".join(r) for r in part) + "\n")


def read_path(n: int, repeat: int) -> None:
    """The survey CSV stream against pyarrow's reader and a pyarrow + numpy pipeline."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        print("pyarrow not installed: install parindex[parquet] for the read-path comparison")
        return
    from parindex.survey import iter_csv

    m = methodology()
    answers, unit_codes = data(n, seed=11)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "responses.csv")
        write_csv(path, m, answers, unit_codes)
        size = os.path.getsize(path)
        print(f"\nread path: {n:,} respondents × {len(m.items)} items, CSV {size / 1e6:.1f} MB")

        def ours(engine: str = "auto") -> Any:
            chunks = iter_csv(path, methodology=m, engine=engine)
            return estimate(chunks, methodology=m, design="srs", aggregate_intervals=False)

        def arrow_read() -> Any:
            return pacsv.read_csv(path)

        def pipeline() -> Any:
            t = pacsv.read_csv(path)
            unit = t.column("unit").combine_chunks().dictionary_encode()
            codes = unit.indices.to_numpy()
            k = len(unit.dictionary)
            rates = []
            for item in m.items:
                a = t.column(item).combine_chunks().fill_null(-1).to_numpy()
                sat = np.bincount(codes, weights=(a >= 4) & (a <= 5), minlength=k)
                valid = np.bincount(codes, weights=(a >= 1) & (a <= 5), minlength=k)
                rates.append(sat / valid)
            r = np.array(rates).reshape(FACTORS, PER_FACTOR, k).mean(axis=1)
            order = np.argsort(np.asarray(unit.dictionary.to_pylist()))
            return r.mean(axis=0)[order] * 100

        est = ours()
        mine = np.array([g.overall.value for g in est.groups])
        assert np.allclose(mine, pipeline()), "the pipeline and parindex disagree"
        t_read = best(arrow_read, repeat)
        t_pipe = best(pipeline, repeat)
        t_ours = best(ours, repeat)
        t_python = best(lambda: ours("python"), 1)
    print(f"pyarrow {pa.__version__}")
    print(f"pyarrow.csv.read_csv:                          {t_read:8.2f} s")
    print(f"pyarrow + numpy pipeline (rates, factors):     {t_pipe:8.2f} s")
    print(f"parindex estimate(iter_csv), pyarrow reader:   {t_ours:8.2f} s")
    print(f"parindex estimate(iter_csv), Python reader:    {t_python:8.2f} s")
    print(f"ratio to read_csv: {t_ours / t_read:.2f}× (goal ≤ 3×)")
    print(f"ratio to the pipeline: {t_ours / t_pipe:.2f}× (goal ≤ 1.5×)")
    print(f"pyarrow reader over the Python reader: {t_python / t_ours:.1f}× faster")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--read-rows", type=int, default=200_000, help="respondents of the read path")
    ap.add_argument("--only-read", action="store_true", help="measure the read path only")
    args = ap.parse_args()
    if args.only_read:
        read_path(args.read_rows, args.repeat)
        return
    n = 100_000 if args.quick else 1_000_000
    m = methodology()
    answers, unit_codes = data(n)
    items = m.items
    r = Responses(
        items=items,
        answers=answers,
        unit=Factor(tuple(f"U{u:02d}" for u in range(UNITS)), unit_codes),
        attributes={},
        weight=None,
        rows=np.arange(2, n + 2, dtype=np.int64),
        excluded=Exclusions(),
    )
    size = answers.nbytes
    print(
        f"{n:,} respondents × {len(items)} items, {UNITS} units; answers {size / 1e6:.1f} MB (int8)"
    )
    print(f"machine: {platform.machine()}, {platform.python_version()}, numpy {np.__version__}")

    def ours() -> Any:
        return estimate(r, methodology=m, design="srs", aggregate_intervals=False)

    def ours_full() -> Any:
        return estimate(r, methodology=m, design="srs")

    def floor() -> Any:
        return answers.sum(axis=0, dtype=np.int64)

    est = ours()
    t_ours = best(ours, args.repeat)
    t_full = best(ours_full, max(1, args.repeat - 1))
    t_floor = best(floor, args.repeat)

    tracemalloc.start()
    ours()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    tracemalloc.start()
    ours_full()
    _, peak_full = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"parindex estimate (rates, Wilson, aggregates): {t_ours * 1e3:8.1f} ms")
    print(f"parindex estimate with aggregate intervals:   {t_full * 1e3:8.1f} ms")
    print(f"numpy floor A.sum(axis=0) on the same bytes:   {t_floor * 1e3:8.1f} ms")
    print(f"ratio to the numpy floor: {t_ours / t_floor:.2f}× (goal ≤ 3×)")
    print(
        f"peak memory during estimate: {peak / 1e6:.1f} MB = {peak / size:.2f}× the answer "
        f"matrix (goal < 2×); with aggregate intervals {peak_full / 1e6:.1f} MB = "
        f"{peak_full / size:.2f}×"
    )
    print(f"(times: best of {args.repeat} runs)")

    try:
        import pandas as pd
    except ImportError:
        print("pandas not installed: install parindex[pandas] for the pandas comparison")
        return
    df = pd.DataFrame(answers, columns=list(items))
    df.insert(0, "unit", pd.Categorical.from_codes(unit_codes, [f"U{u:02d}" for u in range(UNITS)]))

    def with_pandas() -> Any:
        a = df[list(items)]
        sat = a.isin([4, 5]).groupby(df["unit"], observed=True).sum()
        valid = a.isin([1, 2, 3, 4, 5]).groupby(df["unit"], observed=True).sum()
        rate = sat / valid
        factors = rate.T.groupby(lambda c: c.split(".")[0]).mean().T
        overall = factors.mean(axis=1)
        return rate, factors, overall

    _rate, _factors, overall = with_pandas()
    t_pd = best(with_pandas, args.repeat)
    mine = np.array([g.overall.value for g in est.groups])
    assert np.allclose(mine, overall.to_numpy() * 100), "pandas and parindex disagree"
    print(f"pandas groupby (same rates and aggregates):   {t_pd * 1e3:8.1f} ms")
    print(f"speed-up over pandas: {t_pd / t_ours:.2f}× (goal ≥ 3×)")
    read_path(args.read_rows, args.repeat)


if __name__ == "__main__":
    main()
