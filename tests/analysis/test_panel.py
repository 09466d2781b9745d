"""Panels: units over periods and methodology versions, long and wide frames."""

from __future__ import annotations

import pytest

import parindex
from parindex.analysis.panel import Panel, panel


@pytest.fixture(scope="module")
def cards() -> list[parindex.ScoreCard]:
    m22 = parindex.load("vn-moha/province", year=2022)
    m17 = parindex.load("vn-moha/province", year=2017)
    out = []
    for year, shift in (("2022", 0.0), ("2023", 1.0)):
        for u, td in (("A", 55.0), ("B", 50.0), ("C", 58.0)):
            a = parindex.Assessment.from_mapping(
                {"TD": td + shift, "KTXH": 5, "XHH": 18, "SIPAS": 80}, unit=u, period=year
            )
            out.append(parindex.score(m22, a))
    for u in ("A", "B"):
        inputs = {n.code: (n.max or 0) / 2 for n in m17.leaves()}
        a = parindex.Assessment.from_mapping(inputs, unit=u, period="2017")
        out.append(parindex.score(m17, a))
    return out


def test_periods_places_and_versions(cards: list[parindex.ScoreCard]) -> None:
    p = panel(cards)
    assert p.periods == ("2017", "2022", "2023")
    assert p.methodology_of("2017") != p.methodology_of("2022")
    places = p.places()
    assert places[("C", "2022")] == 1 and places[("B", "2023")] == 3
    assert places[("A", "2017")] == 1 and places[("B", "2017")] == 1  # equal indices tie
    rows = p.rows()
    assert {r["code"] for r in rows if r["period"] == "2022"} >= {"", "TD", "SIPAS"}


def test_frames_long_and_wide(cards: list[parindex.ScoreCard]) -> None:
    pytest.importorskip("pandas")
    p = Panel(cards)
    long = p.to_frame()
    assert list(long.columns)[:4] == ["unit", "period", "methodology", "code"]
    assert len(long) == sum(len(c.results) for c in cards)
    wide = p.to_frame("wide")
    assert len(wide) == len(cards)
    row = wide[(wide.unit == "C") & (wide.period == "2022")].iloc[0]
    card = next(c for c in cards if c.unit == "C" and c.period == "2022")
    assert row["total"] == card.index and row["TD"] == card["TD"].index and row["place"] == 1
    pts = p.to_frame("wide", value="points")
    assert pts[(pts.unit == "C") & (pts.period == "2022")].iloc[0]["total"] == card.points
    with pytest.raises(parindex.ParIndexError):
        p.to_frame("tall")  # type: ignore[arg-type]


def test_a_unit_twice_in_a_period_or_two_versions_in_a_period_are_refused(
    cards: list[parindex.ScoreCard],
) -> None:
    with pytest.raises(parindex.ParIndexError, match="twice"):
        Panel([cards[0], cards[0]])
    m17 = cards[-1]
    import attrs

    with pytest.raises(parindex.ParIndexError, match="one methodology"):
        Panel([cards[0], attrs.evolve(m17, period="2022", unit="Z")])
