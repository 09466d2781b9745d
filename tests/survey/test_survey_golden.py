"""Hand-computed cases. Every number below is worked out in the comments."""

from __future__ import annotations

import math

import numpy as np
import pytest

from parindex import survey
from parindex.errors import SurveyError
from parindex.survey import SurveyMethodology

# Five respondents of unit X (tiny methodology: F1 = {a, b}, F2 = {c}; satisfied = levels 4–5;
# 8 = no opinion, 9 = not applicable, empty = blank):
#
#        a   b   c
#   r1   5   4   1
#   r2   4   2   8
#   r3   3   9   5
#   r4   1   5   4
#   r5   8   .   2
#
# a: valid 5, 4, 3, 1 (n = 4), satisfied 5, 4 → 2/4 = 50 %; mean (5+4+3+1)/4 = 3.25
# b: valid 4, 2, 5 (n = 3; 9 and blank leave), satisfied 4, 5 → 2/3 = 66.6667 %
# c: valid 1, 5, 4, 2 (n = 4; 8 leaves), satisfied 5, 4 → 2/4 = 50 %
# F1 = (50 + 66.6667) / 2 = 58.3333 %;  F2 = 50 %
# overall (mean of the factors) = (58.3333 + 50) / 2 = 54.1667 %
# overall (flat mean of the items) = (50 + 66.6667 + 50) / 3 = 55.5556 %
# answers: valid 4+3+4 = 11, no opinion 2 (a r5, c r2), not applicable 1 (b r3), blank 1 (b r5)
ANSWERS = {
    "a": [5, 4, 3, 1, 8],
    "b": ["4", "2", "9", "5", ""],
    "c": [1, 8, 5, 4, 2],
}


def responses(m: SurveyMethodology) -> survey.Responses:
    return survey.from_arrays(m, ANSWERS, unit=["X"] * 5, respondent_id=["1", "2", "3", "4", "5"])


def test_point_estimates(tiny: SurveyMethodology) -> None:
    est = survey.estimate(responses(tiny), methodology=tiny)
    g = est["X"]
    assert g["a"].value == pytest.approx(50.0)
    assert g["a"].mean == pytest.approx(3.25)
    assert g["b"].value == pytest.approx(200 / 3)
    assert g["c"].value == pytest.approx(50.0)
    assert g["F1"].value == pytest.approx(175 / 3)  # 58.3333
    assert g["F2"].value == pytest.approx(50.0)
    assert g.overall.value == pytest.approx(54.1666667)
    assert (g["a"].n, g["b"].n, g["c"].n) == (4, 3, 4)
    assert g["F1"].n == 3  # the fewest valid answers among its items
    assert g["b"].small and not g["a"].small  # min_answers: 4 in the tiny file
    assert dict(g.answers) == {
        "valid": 11,
        "no_opinion": 2,
        "not_applicable": 1,
        "blank": 1,
        "excluded": 0,
    }
    flat = survey.estimate(responses(tiny), methodology=tiny, overall="items")
    assert flat["X"].overall.value == pytest.approx(500 / 9)  # 55.5556
    one = survey.estimate(responses(tiny), methodology=tiny, overall="c")
    assert one["X"].overall.value == pytest.approx(50.0)


def test_wilson_interval_by_hand(tiny: SurveyMethodology) -> None:
    # a: p = 0.5, n = 4, z = 1.959964, z² = 3.841459
    # denominator 1 + z²/n = 1.960365; centre (0.5 + z²/8) / 1.960365 = 0.5
    # half-width z / 1.960365 × sqrt(0.25/4 + z²/64) = 0.999795 × 0.350033 = 0.349961
    # → 15.0039 % to 84.9961 %
    est = survey.estimate(responses(tiny), methodology=tiny)
    a = est["X"]["a"]
    assert a.low == pytest.approx(15.0039, abs=1e-3)
    assert a.high == pytest.approx(84.9961, abs=1e-3)
    lo, hi = survey.wilson(0.5, 4)
    assert float(lo) == pytest.approx(0.150039, abs=1e-5)
    assert float(hi) == pytest.approx(0.849961, abs=1e-5)


def test_linearised_standard_error_of_a_factor_by_hand(tiny: SurveyMethodology) -> None:
    # F1 = (p_a + p_b) / 2 with p_a = 2/4, p_b = 2/3. Each respondent's linearised value is
    # z = ½ [ (y_a − p_a v_a) / V_a + (y_b − p_b v_b) / V_b ]  (y satisfied, v valid):
    #   r1: ½ [(1 − .5)/4 + (1 − 2/3)/3] = ½ [0.125 + 0.111111]  =  0.118056
    #   r2: ½ [(1 − .5)/4 + (0 − 2/3)/3] = ½ [0.125 − 0.222222]  = −0.048611
    #   r3: ½ [(0 − .5)/4 + 0]           = −0.0625
    #   r4: ½ [(0 − .5)/4 + (1 − 2/3)/3] = ½ [−0.125 + 0.111111] = −0.006944
    #   r5: 0 (no valid answer to a or b)
    # Σz = 0; Σz² = 0.0139371 + 0.0023630 + 0.0039063 + 0.0000482 = 0.0202546
    # Var = n/(n−1) Σz² = 5/4 × 0.0202546 = 0.0253182; SE = 0.159117 → 15.9117 points
    est = survey.estimate(responses(tiny), methodology=tiny)
    f1 = est["X"]["F1"]
    assert f1.se == pytest.approx(15.9117, abs=1e-3)
    z = 1.959964
    assert f1.low == pytest.approx(175 / 3 - z * 15.9117, abs=1e-2)


def test_weighted_rate_by_hand(tiny: SurveyMethodology) -> None:
    # weights 1, 2, 3, 4, 5 on item a: valid answers of r1..r4 (weights 1+2+3+4 = 10),
    # satisfied r1, r2 (1 + 2 = 3) → 30 %
    r = survey.from_arrays(tiny, ANSWERS, unit=["X"] * 5, weight=[1, 2, 3, 4, 5])
    est = survey.estimate(r, methodology=tiny, design="taylor")
    assert est["X"]["a"].value == pytest.approx(30.0)
    assert est.weighted


def test_2023_overall_is_the_mean_of_policy_and_services() -> None:
    m = survey.load_methodology("vn-moha/sipas/2023")
    # every policy content satisfied by 1 of 2 respondents (50 %), every service item by 2 of 2
    cols: dict[str, list[int]] = {}
    for item in m.items:
        cols[item] = [5, 1] if item.startswith("P") else [4, 5]
    est = survey.estimate(survey.from_arrays(m, cols, unit=["HN", "HN"]), methodology=m)
    g = est["HN"]
    assert g["CS"].value == pytest.approx(50.0)
    assert g["DV"].value == pytest.approx(100.0)
    assert g.overall.value == pytest.approx(75.0)  # (50 + 100) / 2
    assert survey.sipas_points(g.overall.value) == pytest.approx(7.5)


def test_conversions_by_hand() -> None:
    assert survey.sipas_points(83.25) == pytest.approx(8.325)  # 83.25 × 10 / 100
    assert survey.mean_to_points(4.0, maximum=2.0) == pytest.approx(1.5)  # (4−1)/(5−1) × 2
    assert survey.mean_to_points(4.0, maximum=2.0, anchor="zero") == pytest.approx(1.6)  # 4/5×2
    assert survey.mean_to_points(7.0, maximum=1.0, scale=(1, 10)) == pytest.approx(6 / 9)
    assert survey.rate_to_points(75.0, 12.0) == pytest.approx(9.0)  # 75 % of 12 points
    assert survey.rate_to_points(0.75, 12.0, unit="fraction") == pytest.approx(9.0)
    for bad in (
        lambda: survey.sipas_points(101),
        lambda: survey.mean_to_points(6, maximum=1),
        lambda: survey.rate_to_points(-1, 2),
        lambda: survey.sipas_points(math.nan),
    ):
        with pytest.raises(SurveyError):
            bad()


def test_survey_stage_values(tiny: SurveyMethodology) -> None:
    est = survey.estimate(responses(tiny), methodology=tiny)
    values = survey.survey_stage_values(
        est,
        {"8.1": ("percent", "overall"), "8.2": ("mean", "a"), "8.3": ("percent", "F2")},
        group="X",
    )
    assert values == pytest.approx({"8.1": 54.1666667, "8.2": 3.25, "8.3": 50.0})
    with pytest.raises(SurveyError, match="mean answer exists only"):
        survey.survey_stage_values(est, {"8.1": ("mean", "F1")}, group="X")


def test_bootstrap_reproducible_and_close_to_taylor(tiny: SurveyMethodology) -> None:
    rng = np.random.default_rng(5)
    n = 400
    cols = {c: rng.choice([1, 2, 3, 4, 5, 8], size=n) for c in ("a", "b", "c")}
    attrs = {"stratum": rng.choice(["s1", "s2"], n), "psu": rng.integers(0, 8, n).astype(str)}
    r = survey.from_arrays(tiny, cols, unit=["X"] * n, attributes=attrs)
    b1 = survey.estimate(r, methodology=tiny, design="bootstrap", replicates=400, seed=1)
    b2 = survey.estimate(r, methodology=tiny, design="bootstrap", replicates=400, seed=1)
    t = survey.estimate(r, methodology=tiny, design="taylor")
    assert b1["X"].overall == b2["X"].overall
    assert b1["X"].overall.se == pytest.approx(t["X"].overall.se, rel=0.3)
    assert b1["X"].overall.low < b1["X"].overall.value < b1["X"].overall.high
