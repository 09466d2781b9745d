"""Sensitivity of places to the weights and the not-applicable policy (parindex.analysis.sensitivity)."""

from __future__ import annotations

import numpy as np
import pytest

import parindex
from parindex import AssessmentTable, ParIndexError
from parindex.analysis.sensitivity import reweight, sensitivity
from parindex.analysis.uncertainty import places
from parindex.analysis.whatif import modify

CODES = ["TD", "KTXH", "XHH", "SIPAS"]


@pytest.fixture(scope="module")
def m() -> parindex.Methodology:
    return parindex.load("vn-moha/province", year=2023)


def _inputs(n: int = 30, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.vstack(
        [
            rng.uniform(45, 60, n),
            rng.uniform(3, 6.5, n),
            rng.uniform(14, 22, n),
            rng.uniform(70, 95, n),
        ]
    )


def _cards(m: parindex.Methodology, cols: np.ndarray) -> parindex.CardSet:
    names = [f"P{i:02d}" for i in range(cols.shape[1])]
    return parindex.score_many(
        m,
        AssessmentTable.from_columns(
            unit=np.repeat(names, 4), code=CODES * len(names), value=cols.T.ravel()
        ),
    )


def test_variants_equal_the_engine_on_a_rescaled_methodology(m: parindex.Methodology) -> None:
    """Each variant's index is the engine's index under the methodology with the variant's
    maxima, the points-scored components' inputs rescaled with their maxima."""
    cols = _inputs()
    s = sensitivity(_cards(m, cols), variants=5, spread=0.3, seed=1)
    for v in range(5):
        w = s.weights[v]
        assert np.isclose(w.sum(), 100.0)
        mv = modify(m, {d: {"max": float(x)} for d, x in zip(s.domains, w, strict=True)})
        scaled = cols.copy()
        for k, d in enumerate(CODES[:3]):  # points inputs follow their maximum; SIPAS is a rate
            scaled[k] *= w[k] / m[d].max
        oracle = _cards(mv, scaled).index
        assert np.allclose(s.index[v], oracle, rtol=0, atol=1e-9)
        assert (s.place[v] == places(oracle)).all()


def test_no_spread_keeps_every_place(m: parindex.Methodology) -> None:
    cards = _cards(m, _inputs())
    s = sensitivity(cards, variants=20, spread=0.0)
    assert (s.place == places(cards.index)).all()
    assert (s.shift() == 0).all()
    assert all(v == 0.0 for v in s.influence().values())


def test_seeded_and_summarised(m: parindex.Methodology) -> None:
    cards = _cards(m, _inputs())
    a = sensitivity(cards, variants=2000, seed=9)
    b = sensitivity(cards, variants=2000, seed=9)
    assert np.array_equal(a.index, b.index)
    lo, hi = a.rank_interval()
    assert (lo <= a.base_place).all() and (a.base_place <= hi).all()
    assert np.allclose(a.place_probability().sum(axis=1), 1.0)
    infl = a.influence()
    assert set(infl) == {*CODES, "not_applicable"}
    # the big, spread-out components move places more than SIPAS, whose points vary little here
    assert infl["TD"] > infl["SIPAS"]
    assert "Influence" in a.text("en") and "Ảnh hưởng" in str(a)
    assert a.to_dicts()[0]["place"] == 1


def test_not_applicable_policy_is_a_choice() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    m = parindex.load_file(root / "docs" / "examples" / "illustrative-department-scheme.yaml")
    items = parindex.read_assessments(root / "docs" / "examples" / "example-assessments.yaml")
    cards = parindex.score_many(m, items)
    s = sensitivity(cards, variants=300, spread=0.1, policies=["drop", "share", "earned"])
    assert set(np.unique(s.policy)) == {0, 1, 2}
    assert "not_applicable" in s.influence()


def test_refusals(m: parindex.Methodology) -> None:
    cards = _cards(m, _inputs())
    with pytest.raises(ParIndexError):
        sensitivity(cards, spread=1.5)
    with pytest.raises(ParIndexError):
        sensitivity(cards, policies=["sometimes"])  # type: ignore[list-item]


def test_reweight_is_points_over_adjusted() -> None:
    pts = np.array([[5.0, 0.0], [3.0, 0.0]])
    adj = np.array([[10.0, 0.0], [5.0, 0.0]])
    out = reweight(pts, adj, np.array([[1.0, 1.0], [2.0, 0.0]]))
    assert np.allclose(out[:, 0], [8 / 15 * 100, 50.0]) and np.isnan(out[:, 1]).all()
