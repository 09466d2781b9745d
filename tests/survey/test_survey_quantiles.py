"""The pure-numpy beta and Student t quantiles against SciPy (a reference only the tests use)."""

from __future__ import annotations

import numpy as np
import pytest

from parindex.survey.intervals import beta_quantile, t_quantile

special = pytest.importorskip("scipy.special")
stats = pytest.importorskip("scipy.stats")


def test_beta_quantile_matches_scipy_on_korn_graubard_arguments() -> None:
    rng = np.random.default_rng(0)
    ne = rng.uniform(2, 2000, 3000)
    x = ne * rng.uniform(0, 1, 3000)
    for q, a, b in ((0.025, x, ne - x + 1), (0.975, x + 1, ne - x), (0.5, x + 0.3, ne * 0.01)):
        got = beta_quantile(q, a, b)
        ref = special.betaincinv(a, b, q)
        assert np.max(np.abs(got - ref)) < 1e-12
    assert np.isnan(beta_quantile(0.5, np.array([0.0, -1.0, np.inf]), 1.0)).all()


def test_t_quantile_matches_scipy() -> None:
    df = np.array([1, 2, 3, 4.5, 9, 30, 1000, np.inf])
    assert np.max(np.abs(t_quantile(0.95, df) - stats.t.ppf(0.975, df))) < 1e-12


def test_beta_quantile_over_many_bounds_matches_scipy() -> None:
    """30,000 Korn–Graubard bounds at once (the shape of a large survey table; the old bisection
    took about 8 s, see benchmarks/ for speed): every one matches SciPy."""
    rng = np.random.default_rng(1)
    ne = rng.uniform(2, 2000, 30_000)
    x = ne * rng.uniform(0, 1, 30_000)
    got = beta_quantile(0.025, x, ne - x + 1)
    ok = x > 0
    want = stats.beta.ppf(0.025, x[ok], (ne - x + 1)[ok])
    assert np.max(np.abs(got[ok] - want)) < 1e-9
