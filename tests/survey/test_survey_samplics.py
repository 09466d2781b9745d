"""Design-based standard errors checked against samplics (a test-only dependency).

samplics' TaylorEstimator with ``PopParam.ratio`` (y = satisfied, x = valid answer) and
``domain = unit`` is the same estimator as an item's satisfaction rate per unit. Aggregates
(means of several rates) have no direct samplics counterpart; they are checked against an
independent respondent-level linearisation written out in this file.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from parindex import survey
from parindex.errors import SurveyError

samplics = pytest.importorskip("samplics")

SAT = (4, 5)
VALID = (1, 2, 3, 4, 5)


def data(seed: int, n: int = 500, single: bool = False) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    out: dict[str, np.ndarray] = {}
    for item in ("a", "b", "c"):
        col = rng.choice(
            [1, 2, 3, 4, 5, 8, 9, 0], size=n, p=[0.1, 0.1, 0.2, 0.3, 0.2, 0.04, 0.03, 0.03]
        )
        out[item] = col
    out["unit"] = rng.choice(["U1", "U2", "U3"], n)
    out["stratum"] = rng.choice(["h1", "h2", "h3"], n)
    out["psu"] = np.char.add("p", rng.integers(0, 5, n).astype(str))
    if single:  # stratum h3 has a single PSU
        out["psu"] = np.where(out["stratum"] == "h3", "p0", out["psu"])
    out["weight"] = rng.uniform(0.5, 4.0, n)
    return out


def samplics_ratio(d: dict[str, np.ndarray], item: str, **design: object) -> tuple[dict, dict]:
    from samplics import PopParam, TaylorEstimator

    col = d[item]
    est = TaylorEstimator(PopParam.ratio)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.estimate(
            y=np.isin(col, SAT).astype(float),
            x=np.isin(col, VALID).astype(float),
            domain=d["unit"],
            **design,
        )
    return (
        {str(k): v for k, v in est.point_est.items()},
        {str(k): v for k, v in est.stderror.items()},
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_taylor_with_strata_psu_and_weights_matches_samplics(tiny, seed: int) -> None:
    d = data(seed)
    r = survey.from_arrays(
        tiny,
        {c: d[c] for c in "abc"},
        unit=d["unit"],
        weight=d["weight"],
        attributes={"stratum": d["stratum"], "psu": d["psu"]},
    )
    est = survey.estimate(r, methodology=tiny, design="taylor")
    psu_id = np.char.add(np.char.add(d["stratum"], "/"), d["psu"])  # PSUs nested in strata
    for item in "abc":
        point, se = samplics_ratio(
            d, item, samp_weight=d["weight"], stratum=d["stratum"], psu=psu_id
        )
        for unit in ("U1", "U2", "U3"):
            e = est[unit][item]
            assert e.value / 100 == pytest.approx(point[unit], rel=1e-10)
            assert e.se / 100 == pytest.approx(se[unit], rel=1e-9)


def test_taylor_without_psu_and_srs_match_samplics(tiny) -> None:
    d = data(7)
    r = survey.from_arrays(
        tiny,
        {c: d[c] for c in "abc"},
        unit=d["unit"],
        weight=d["weight"],
        attributes={"stratum": d["stratum"]},
    )
    est = survey.estimate(r, methodology=tiny, design="taylor")
    srs = survey.estimate(
        survey.from_arrays(tiny, {c: d[c] for c in "abc"}, unit=d["unit"]), methodology=tiny
    )
    for item in "abc":
        _, se = samplics_ratio(d, item, samp_weight=d["weight"], stratum=d["stratum"])
        _, se_srs = samplics_ratio(d, item)
        for unit in ("U1", "U2", "U3"):
            assert est[unit][item].se / 100 == pytest.approx(se[unit], rel=1e-9)
            assert srs[unit][item].se / 100 == pytest.approx(se_srs[unit], rel=1e-9)


def test_single_psu_skip_matches_samplics_and_error_names_the_stratum(tiny) -> None:
    from samplics import SinglePSUEst

    d = data(11, single=True)
    r = survey.from_arrays(
        tiny,
        {c: d[c] for c in "abc"},
        unit=d["unit"],
        weight=d["weight"],
        attributes={"stratum": d["stratum"], "psu": d["psu"]},
    )
    with pytest.raises(SurveyError, match="stratum 'h3' has only one"):
        survey.estimate(r, methodology=tiny, design="taylor", single_psu="error")
    est = survey.estimate(r, methodology=tiny, design="taylor", single_psu="skip")
    psu_id = np.char.add(np.char.add(d["stratum"], "/"), d["psu"])
    _, se = samplics_ratio(
        d,
        "a",
        samp_weight=d["weight"],
        stratum=d["stratum"],
        psu=psu_id,
        single_psu=SinglePSUEst.skip,
    )
    for unit in ("U1", "U2", "U3"):
        assert est[unit]["a"].se / 100 == pytest.approx(se[unit], rel=1e-9)
    centred = survey.estimate(r, methodology=tiny, design="taylor", single_psu="center")
    assert centred["U1"]["a"].se >= est["U1"]["a"].se


def test_aggregate_se_matches_a_respondent_level_linearisation(tiny) -> None:
    """F1 = (p_a + p_b)/2 per unit; Taylor variance computed here row by row, independently."""
    d = data(5)
    r = survey.from_arrays(
        tiny,
        {c: d[c] for c in "abc"},
        unit=d["unit"],
        weight=d["weight"],
        attributes={"stratum": d["stratum"], "psu": d["psu"]},
    )
    est = survey.estimate(r, methodology=tiny, design="taylor")
    w = d["weight"]
    for unit in ("U1", "U2", "U3"):
        dom = d["unit"] == unit
        z = np.zeros(len(w))
        for item in "ab":
            y = np.isin(d[item], SAT) * dom * w
            v = np.isin(d[item], VALID) * dom * w
            p = y.sum() / v.sum()
            z += 0.5 * (y - p * v) / v.sum()
        var = 0.0
        for h in np.unique(d["stratum"]):
            in_h = d["stratum"] == h
            psus = np.unique(d["psu"][in_h])
            totals = np.array([z[in_h & (d["psu"] == j)].sum() for j in psus])
            nh = len(psus)
            var += nh / (nh - 1) * ((totals - totals.mean()) ** 2).sum()
        assert est[unit]["F1"].se / 100 == pytest.approx(np.sqrt(var), rel=1e-9)


def samplics_mean_ratio(d: dict[str, np.ndarray], item: str, **design: object) -> tuple[dict, dict]:
    """An item's mean answer as samplics' ratio of summed valid levels over valid answers."""
    from samplics import PopParam, TaylorEstimator

    col = d[item]
    valid = np.isin(col, VALID)
    est = TaylorEstimator(PopParam.ratio)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.estimate(
            y=np.where(valid, col, 0).astype(float),
            x=valid.astype(float),
            domain=d["unit"],
            **design,
        )
    return (
        {str(k): v for k, v in est.point_est.items()},
        {str(k): v for k, v in est.stderror.items()},
    )


@pytest.mark.parametrize("stream", [False, True])
def test_item_means_have_design_based_standard_errors(tiny, stream: bool) -> None:
    d = data(5)
    kwargs = {"unit": d["unit"], "weight": d["weight"]}
    psu_id = np.char.add(np.char.add(d["stratum"], "/"), d["psu"])
    with_psu = survey.from_arrays(
        tiny,
        {c: d[c] for c in "abc"},
        attributes={"stratum": d["stratum"], "psu": d["psu"]},
        **kwargs,
    )
    no_psu = survey.from_arrays(
        tiny, {c: d[c] for c in "abc"}, attributes={"stratum": d["stratum"]}, **kwargs
    )
    plain = survey.from_arrays(tiny, {c: d[c] for c in "abc"}, unit=d["unit"])

    def run(r: survey.Responses, **kw: object) -> survey.Estimates:
        return survey.estimate(iter([r]) if stream else r, methodology=tiny, **kw)  # type: ignore[arg-type]

    cases = [
        (
            run(with_psu, design="taylor"),
            {"samp_weight": d["weight"], "stratum": d["stratum"], "psu": psu_id},
        ),
        (run(no_psu, design="taylor"), {"samp_weight": d["weight"], "stratum": d["stratum"]}),
        (run(plain), {}),
        (run(plain, aggregate_intervals=False), {}),
    ]
    for est, design in cases:
        for item in "abc":
            point, se = samplics_mean_ratio(d, item, **design)
            for unit in ("U1", "U2", "U3"):
                e = est[unit][item]
                assert e.mean == pytest.approx(point[unit], rel=1e-12)
                assert e.mean_se == pytest.approx(se[unit], rel=1e-9)
                assert e.mean_low < e.mean < e.mean_high
    boot = survey.estimate(with_psu, methodology=tiny, design="bootstrap", replicates=100)
    e = boot["U1"]["a"]
    assert e.mean_se is not None and 0 < e.mean_se < 1
    assert e.to_dict()["mean_se"] == e.mean_se
