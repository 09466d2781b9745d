"""The bootstrap: undefined replicates, single-PSU strata, and factors independent of row order."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from parindex import survey
from parindex.errors import SurveyError
from parindex.survey import SurveyMethodology
from parindex.survey.variance import replicate_factors


def small_unit_design(tiny: SurveyMethodology) -> survey.Responses:
    """Unit S: 5 forms, all in PSU h1/p1; unit E: forms with no valid answer; unit B: 200 forms."""
    rng = np.random.default_rng(3)
    n_big = 200
    big = {c: rng.choice([1, 2, 3, 4, 5], size=n_big).tolist() for c in "abc"}
    small = {"a": [5, 4, 2, 5, 1], "b": [4, 4, 4, 1, 2], "c": [5, 5, 3, 4, 2]}
    empty = {c: [8, 9] for c in "abc"}
    cols = {c: big[c] + small[c] + empty[c] for c in "abc"}
    psu = rng.choice(["p1", "p2", "p3", "p4"], n_big).tolist() + ["p1"] * 5 + ["p2", "p3"]
    return survey.from_arrays(
        tiny,
        cols,
        unit=["B"] * n_big + ["S"] * 5 + ["E"] * 2,
        weight=rng.uniform(1, 2, n_big + 7),
        attributes={"stratum": ["h1"] * (n_big + 7), "psu": psu},
    )


def test_aggregates_leave_out_replicates_where_they_are_undefined(
    tiny: SurveyMethodology,
) -> None:
    r = small_unit_design(tiny)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = survey.estimate(r, methodology=tiny, design="bootstrap", replicates=200, seed=1)
    s = est["S"]
    # every replicate in which S's only PSU is drawn has S's full-sample rates: no spread at all
    for e in (s.overall, s["F1"], s["F2"], s["a"]):
        assert e.se == pytest.approx(0.0, abs=1e-9)
        assert e.low == pytest.approx(e.value) and e.high == pytest.approx(e.value)
    # a unit without any valid answer: every field of every estimate is null
    for e in (est["E"].overall, est["E"]["F1"], est["E"]["a"]):
        d = e.to_dict()
        assert [d["value"], d["se"], d["low"], d["high"]] == [None, None, None, None]


def test_center_is_refused_under_the_bootstrap(tiny: SurveyMethodology) -> None:
    r = small_unit_design(tiny)
    with pytest.raises(SurveyError, match="no bootstrap counterpart"):
        survey.estimate(r, methodology=tiny, design="bootstrap", single_psu="center")


def test_replicate_factors_depend_only_on_seed_stratum_and_psu() -> None:
    psus = [("h1", "p1"), ("h1", "p2"), ("h2", "q1"), ("h1", "p3"), ("h2", "q2"), ("h3", "z")]
    f = replicate_factors(psus, 50, seed=9)
    perm = [4, 2, 0, 5, 3, 1]
    g = replicate_factors([psus[i] for i in perm], 50, seed=9)
    assert np.array_equal(f[:, perm], g)
    assert np.all(f[:, 5] == 1.0)  # a single-PSU stratum keeps the factor 1
    # Rao–Wu: n_h − 1 draws, factor m n_h / (n_h − 1): each replicate's factors sum to n_h
    assert np.allclose(f[:, [0, 1, 3]].sum(axis=1), 3.0)
    assert not np.array_equal(f, replicate_factors(psus, 50, seed=10))


def test_bootstrap_is_the_same_in_any_row_order_and_chunk_size(
    tiny: SurveyMethodology,
) -> None:
    rng = np.random.default_rng(5)
    n = 120
    cols = {c: rng.choice([1, 2, 3, 4, 5, 8], size=n) for c in "abc"}
    attrs = {
        "stratum": rng.choice(["h1", "h2"], n),
        "psu": rng.choice([f"p{i}" for i in range(12)], n),
    }
    unit = rng.choice(["X", "Y"], n)
    weight = rng.choice([0.5, 1.0, 1.25, 2.0], n)  # dyadic: sums are exact in any order

    def run(order: np.ndarray, chunk: int) -> dict[str, object]:
        r = survey.from_arrays(
            tiny,
            {c: v[order] for c, v in cols.items()},
            unit=unit[order],
            weight=weight[order],
            attributes={k: v[order] for k, v in attrs.items()},
        )
        parts = [
            survey.from_arrays(
                tiny,
                {c: v[order][s : s + chunk] for c, v in cols.items()},
                unit=unit[order][s : s + chunk],
                weight=weight[order][s : s + chunk],
                attributes={k: v[order][s : s + chunk] for k, v in attrs.items()},
            )
            for s in range(0, n, chunk)
        ]
        assert r.n == n
        return survey.estimate(
            iter(parts), methodology=tiny, design="bootstrap", replicates=50
        ).to_dict()

    base = run(np.arange(n), n)
    assert run(rng.permutation(n), 5) == base
    assert run(rng.permutation(n), 50) == base
