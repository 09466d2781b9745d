"""Benchmark: the web service (HTTP on 127.0.0.1) against the same work in-process.

Run from the repository root (needs the ``server`` extra and httpx)::

    python benchmarks/bench_server.py             # one card x 200, a batch of 1,000 x 5
    python benchmarks/bench_server.py --quick     # one card x 50, a batch of 1,000 x 2

It starts ``parindex serve``'s application with uvicorn in a thread on a free local port and
times (a) one card: ``POST /score`` against ``parindex.score``, and (b) a batch of 1,000 units:
``POST /score-many`` against ``parindex.score_many`` followed by ``to_dict()`` of every card (the
service returns full cards, so the in-process side builds them too). Each figure is the median of
the repeats; the ratios HTTP / in-process are printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import platform
import socket
import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import uvicorn

import parindex
from parindex.server import create_app

M = parindex.load("vn-moha/province", year=2023)
ONE = {"TD": 55, "KTXH": 5.25, "XHH": 18.5, "SIPAS": 83.45}


def _median(f: Callable[[], Any], n: int) -> float:
    f()  # warm up
    times = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    n_one, n_many = (50, 2) if args.quick else (200, 5)
    batch = [{"unit": f"U{i}", "values": {**ONE, "TD": 30 + (i % 300) / 10}} for i in range(1000)]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="critical")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as c:
            body_one = {"methodology": "vn-moha/province", "year": 2023, "assessment": ONE}
            body_many = {"methodology": "vn-moha/province", "year": 2023, "assessments": batch}
            http_one = _median(lambda: c.post("/score", json=body_one).raise_for_status(), n_one)
            http_many = _median(
                lambda: c.post("/score-many", json=body_many).raise_for_status(), n_many
            )
        local_one = _median(lambda: parindex.score(M, ONE).to_dict(), n_one)
        assessments = [parindex.Assessment.from_dict(a) for a in batch]
        local_many = _median(
            lambda: [card.to_dict() for card in parindex.score_many(M, assessments)], n_many
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    print(
        json.dumps(
            {
                "python": platform.python_version(),
                "one_card_ms": {"http": http_one * 1e3, "in_process": local_one * 1e3},
                "one_card_ratio": http_one / local_one,
                "batch_1000_s": {"http": http_many, "in_process": local_many},
                "batch_1000_ratio": http_many / local_many,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
