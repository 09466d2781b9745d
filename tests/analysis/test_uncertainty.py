"""Survey uncertainty propagated to totals and places (parindex.uncertainty)."""

from __future__ import annotations

import numpy as np
import pytest

import parindex
from parindex import AssessmentTable, ParIndexError
from parindex.analysis.uncertainty import places, uncertainty

N = 63
CODES = ["TD", "KTXH", "XHH", "SIPAS"]


@pytest.fixture(scope="module")
def m() -> parindex.Methodology:
    return parindex.load("vn-moha/province", year=2023)


def _cards(m: parindex.Methodology, cols: np.ndarray) -> parindex.CardSet:
    """63 provinces from a [4, 63] array of component inputs (TD, KTXH, XHH, SIPAS)."""
    names = [f"P{i:02d}" for i in range(cols.shape[1])]
    table = AssessmentTable.from_columns(
        unit=np.repeat(names, len(CODES)),
        code=CODES * len(names),
        value=cols.T.ravel().astype(np.float64),
    )
    return parindex.score_many(m, table)


def _truth(seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    cols = np.vstack(
        [
            rng.uniform(48, 58, N),
            rng.uniform(4, 6, N),
            rng.uniform(15, 20, N),
            rng.uniform(75, 90, N),
        ]
    )
    se = np.vstack([rng.uniform(0.3, 0.8, N), rng.uniform(1.0, 2.5, N)])  # XHH, SIPAS
    return cols, se


def test_places_are_competition_places_on_the_exact_index() -> None:
    x = np.array([[90.0, 95.0, 90.0, np.nan, 80.0]])
    assert places(x).tolist() == [[2, 1, 2, 0, 4]]


def test_seeded_reproducible_and_centred(m: parindex.Methodology) -> None:
    cols, _ = _truth()
    cards = _cards(m, cols)
    a = uncertainty(cards, se={"SIPAS": 2.0, "XHH": 0.5}, draws=300, seed=3)
    b = uncertainty(cards, se={"SIPAS": 2.0, "XHH": 0.5}, draws=300, seed=3)
    assert np.array_equal(a.values[""], b.values[""])
    lo, hi = a.interval()
    assert np.all(lo <= cards.index + 1e-9) and np.all(cards.index <= hi + 1e-9)
    # items not varied keep their value in every draw
    td = a.values["TD"]
    assert np.all(td == td[0])
    rlo, rhi = a.rank_interval()
    base = places(cards.index)
    assert np.all((rlo <= base) & (base <= rhi))
    p = a.place_probability()
    assert np.allclose(p.sum(axis=1), 1.0) and np.allclose(p.sum(axis=0), 1.0)
    g = a.group_probability()
    assert set(g) == {"A", "B", "C"}
    assert np.allclose(sum(g.values()), 1.0)


def test_draws_stay_within_the_input_range(m: parindex.Methodology) -> None:
    cols, _ = _truth()
    cols[3, 0] = 100.0  # SIPAS at its bound: the draws stay within 0-100
    cards = _cards(m, cols)
    u = uncertainty(cards, se={"SIPAS": 5.0}, draws=200)
    assert np.nanmax(u.values["SIPAS"][:, 0]) <= 100.0
    assert np.nanmax(u.values["SIPAS"][:, 0]) == 100.0


def test_a_zero_spread_gives_the_cards_figures(m: parindex.Methodology) -> None:
    cards = _cards(m, _truth()[0])
    u = uncertainty(cards, se={"SIPAS": 0.0, "XHH": 1e-300}, draws=10)
    assert np.array_equal(u.values[""], np.broadcast_to(cards.index, (10, N)))
    assert (u.place == places(cards.index)).all()


def test_previous_ranking_gives_chances_of_moving(m: parindex.Methodology) -> None:
    cols, _ = _truth()
    before = _cards(m, cols)
    cols2 = cols.copy()
    cols2[3, 5] += 5.0
    now = _cards(m, cols2)
    u = uncertainty(now, se={"SIPAS": 1.0}, draws=200, previous=before)
    up, same, down = u.move_probability()
    assert np.allclose(up + same + down, 1.0)
    assert up[5] > 0.5
    rows = u.to_dicts()
    assert rows[0]["place"] == 1 and "p_up" in rows[0]
    assert "P05" in u.text("en") and "Hạng" in u.text()


def test_replicates_and_errors(m: parindex.Methodology) -> None:
    cards = _cards(m, _truth()[0])
    reps = np.tile(cards.node_points("SIPAS") * 10, (5, 1))  # SIPAS input = index percent
    u = uncertainty(cards, replicates={"SIPAS": reps})
    assert u.draws == 5
    with pytest.raises(ParIndexError):
        uncertainty(cards)
    with pytest.raises(ParIndexError):
        uncertainty(cards, replicates={"SIPAS": reps[:, :3]})


def test_to_frame(m: parindex.Methodology) -> None:
    pytest.importorskip("pandas")
    cards = _cards(m, _truth()[0])
    f = uncertainty(cards, se={"SIPAS": 2.0}, draws=50).to_frame()
    assert len(f) == N and {"place_low", "place_high", "p_group_A"} <= set(f.columns)


def test_rank_intervals_cover_the_true_ranks_at_about_the_nominal_rate(
    m: parindex.Methodology,
) -> None:
    """200 seeded synthetic surveys of 63 provinces: the 90 % rank intervals from propagating
    each survey's standard errors cover the true places 85-95 % of the time."""
    cols, se = _truth()
    true = places(_cards(m, cols).index)
    rng = np.random.default_rng(11)
    names = [f"P{i:02d}" for i in range(N)]
    spreads = {
        "XHH": dict(zip(names, se[0], strict=True)),
        "SIPAS": dict(zip(names, se[1], strict=True)),
    }
    covered = []
    for k in range(200):
        sample = cols.copy()
        sample[2] = np.clip(cols[2] + se[0] * rng.standard_normal(N), 0, 22)
        sample[3] = np.clip(cols[3] + se[1] * rng.standard_normal(N), 0, 100)
        u = uncertainty(_cards(m, sample), se=spreads, draws=100, level=0.9, seed=k)
        lo, hi = u.rank_interval()
        covered.append(np.mean((lo <= true) & (true <= hi)))
    rate = float(np.mean(covered))
    assert 0.85 <= rate <= 0.95, rate


def test_rank_interval_chart(m: parindex.Methodology) -> None:
    pytest.importorskip("matplotlib")
    from parindex.render.charts import rank_interval_chart

    u = uncertainty(_cards(m, _truth()[0]), se={"SIPAS": 2.0}, draws=50)
    fig = rank_interval_chart(u, lang="en")
    ax = fig.axes[0]
    assert len(ax.get_yticklabels()) == N
    assert ax.get_title() == "90% rank intervals (50 draws)"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == u.to_dicts()[0]["unit"]  # best at the top (highest y)
    assert len(ax.collections[0].get_segments()) == N
