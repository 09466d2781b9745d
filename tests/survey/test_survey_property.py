"""Properties: the fast and the general counting paths agree; chunks add up; bounds hold."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parindex import survey
from parindex.survey import SurveyMethodology

CODES = [1, 2, 3, 4, 5, 8, 9, 0, None]


@st.composite
def survey_data(draw: st.DrawFn) -> tuple[dict[str, list[object]], list[str], list[float]]:
    n = draw(st.integers(min_value=1, max_value=80))
    cols = {item: draw(st.lists(st.sampled_from(CODES), min_size=n, max_size=n)) for item in "abc"}
    units = draw(st.lists(st.sampled_from(["X", "Y", "Z"]), min_size=n, max_size=n))
    weights = draw(st.lists(st.floats(min_value=0.1, max_value=10), min_size=n, max_size=n))
    return cols, units, weights


def _frame(cols: dict[str, list[object]], order: np.ndarray) -> dict[str, list[object]]:
    return {k: [v[i] for i in order] for k, v in cols.items()}


def _same(e1: survey.Estimates, e2: survey.Estimates) -> None:
    assert [g.key for g in e1.groups] == [g.key for g in e2.groups]
    for g1, g2 in zip(e1.groups, e2.groups, strict=True):
        assert g1.answers == g2.answers
        assert g1.respondents == g2.respondents
        for code in g1.nodes:
            a, b = g1[code], g2[code]
            assert a.n == b.n
            assert np.isclose(a.value, b.value, equal_nan=True, rtol=1e-12)
            assert np.isclose(a.se, b.se, equal_nan=True, rtol=1e-7, atol=1e-5)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(survey_data())
def test_row_order_does_not_matter(tiny: SurveyMethodology, data) -> None:  # type: ignore[no-untyped-def]
    cols, units, weights = data
    n = len(units)
    grouped = np.argsort(np.asarray(units), kind="stable")  # sorted by unit: byte-packed path
    shuffled = np.random.default_rng(n).permutation(n)  # general path (np.bincount)
    ests = []
    for order in (grouped, shuffled):
        r = survey.from_arrays(
            tiny,
            _frame(cols, order),
            unit=[units[i] for i in order],
            weight=[weights[i] for i in order],
        )
        ests.append(survey.estimate(r, methodology=tiny, design="taylor"))
    _same(*ests)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(survey_data(), st.integers(min_value=1, max_value=30))
def test_chunks_add_up(tiny: SurveyMethodology, data, size: int) -> None:  # type: ignore[no-untyped-def]
    cols, units, _ = data
    n = len(units)
    whole = survey.estimate(survey.from_arrays(tiny, cols, unit=units), methodology=tiny)
    chunks = [
        survey.from_arrays(
            tiny, {k: v[s : s + size] for k, v in cols.items()}, unit=units[s : s + size]
        )
        for s in range(0, n, size)
    ]
    _same(whole, survey.estimate(iter(chunks), methodology=tiny))


@settings(max_examples=60, deadline=None)
@given(survey_data())
def test_estimates_and_intervals_are_bounded(tiny: SurveyMethodology, data) -> None:  # type: ignore[no-untyped-def]
    cols, units, _ = data
    est = survey.estimate(survey.from_arrays(tiny, cols, unit=units), methodology=tiny)
    for g in est.groups:
        for e in (g.overall, *g.nodes.values()):
            if np.isnan(e.value):
                assert e.n == 0 or e.kind != "item"
                continue
            assert 0 <= e.value <= 100
            if np.isnan(e.low):  # a single respondent in all: no variance
                assert len(units) == 1
                continue
            assert 0 <= e.low <= e.value + 1e-9
            assert e.value - 1e-9 <= e.high <= 100
        total = sum(g.answers.values())
        assert total == 3 * g.respondents  # every answer is counted once, by reason


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(survey_data(), st.integers(min_value=1, max_value=30))
def test_streamed_and_in_memory_taylor_agree(tiny: SurveyMethodology, data, size: int) -> None:  # type: ignore[no-untyped-def]
    """Respondents as PSUs within strata: cross-products (chunks) = second pass (in memory)."""
    cols, units, weights = data
    n = len(units)
    strata = [f"h{i % 3}" for i in range(n)]

    def part(s: int, e: int) -> survey.Responses:
        return survey.from_arrays(
            tiny,
            {k: v[s:e] for k, v in cols.items()},
            unit=units[s:e],
            weight=weights[s:e],
            attributes={"stratum": strata[s:e]},
        )

    whole = survey.estimate(part(0, n), methodology=tiny, design="taylor", single_psu="skip")
    chunks = [part(s, s + size) for s in range(0, n, size)]
    _same(
        whole, survey.estimate(iter(chunks), methodology=tiny, design="taylor", single_psu="skip")
    )
