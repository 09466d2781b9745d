"""Golden values from R's survey package (tests/survey/r: the data, the R script, its output).

Taylor linearisation with strata, PSUs, weights, a single-PSU stratum and a small unit, under each
lonely-PSU policy; weighted srs (respondents as PSUs); every interval method of R's ``svyciprop``
that parindex offers, with normal and design-df quantiles (per item: R's ``degf`` of the item's
subset); the bootstrap with parindex's replicate factors given to R's ``svrepdesign``; the Wilson
interval on the effective sample size against statsmodels.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from parindex import survey
from parindex.survey import SurveyMethodology

R = Path(__file__).resolve().parent / "r"
POLICY = {"certainty": "skip", "adjust": "center", "average": "average", "none": "error"}
METHOD = {"mean": "wald", "logit": "logit", "beta": "beta"}


def golden() -> list[dict[str, str]]:
    """R's rows, less two that differ by definition: R's "beta" always uses the design's degrees
    of freedom (its ``df`` argument is ignored), and R's logit bound is NA at 1 degree of freedom."""
    with (R / "golden.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [
        r
        for r in rows
        if not (r["method"] == "beta" and r["df"] == "z") and "NA" not in (r["low"], r["high"])
    ]


@pytest.fixture(scope="module")
def data(tiny: SurveyMethodology) -> survey.Responses:
    return survey.read_csv(R / "data.csv", methodology=tiny)


@pytest.mark.parametrize("row", golden(), ids=lambda r: "-".join(list(r.values())[:6]))
def test_taylor_intervals_match_r_survey(
    tiny: SurveyMethodology, data: survey.Responses, row: dict[str, str]
) -> None:
    r = data
    est = survey.estimate(
        r,
        methodology=tiny,
        design=row["design"],  # type: ignore[arg-type]
        single_psu=POLICY[row["single_psu"]],  # type: ignore[arg-type]
        interval=METHOD[row["method"]],  # type: ignore[arg-type]
        df=row["df"],  # type: ignore[arg-type]
    )
    e = est[row["unit"]][row["item"]]
    # R's logit point estimate comes from its glm fit, converged to about 1e-9
    assert e.value / 100 == pytest.approx(
        float(row["value"]), rel=1e-8 if row["method"] == "logit" else 1e-12
    )
    assert e.mean == pytest.approx(float(row["mean"]), rel=1e-12)
    assert e.mean_se == pytest.approx(float(row["mean_se"]), rel=1e-9)
    assert e.se / 100 == pytest.approx(float(row["se"]), rel=1e-9)
    # parindex clips Wald bounds to 0–100 %; R does not
    low, high = max(float(row["low"]), 0.0), min(float(row["high"]), 1.0)
    assert e.low / 100 == pytest.approx(low, rel=1e-8, abs=1e-12)
    assert e.high / 100 == pytest.approx(high, rel=1e-8, abs=1e-12)


def boot_golden() -> list[dict[str, str]]:
    with (R / "bootstrap.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_replicate_factors_are_the_ones_given_to_r() -> None:
    """factors.csv (what R's svrepdesign used) is what parindex draws today."""
    from parindex.survey.variance import replicate_factors

    with (R / "factors.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    psus = [(r[0], r[1]) for r in rows]
    factors = replicate_factors(psus, len(rows[0]) - 2, 20231211)
    for j, r in enumerate(rows):
        assert factors[:, j].tolist() == [float(x) for x in r[2:]]


@pytest.mark.parametrize("row", boot_golden(), ids=lambda r: f"{r['unit']}-{r['node']}")
def test_bootstrap_matches_r_svrepdesign_with_the_same_factors(
    tiny: SurveyMethodology, data: survey.Responses, row: dict[str, str]
) -> None:
    """R's svrepdesign(type="other", scale=1/(R-1), rscales=1, mse=FALSE) with parindex's
    replicate weights. R leaves out a replicate that does not define the estimate but keeps the
    scale 1/(R-1); parindex takes the standard deviation of the defined replicates (scale
    1/(R'-1)): where R' < R the two differ by sqrt((R'-1)/(R-1)), checked here exactly."""
    est = survey.estimate(
        data, methodology=tiny, design="bootstrap", single_psu="skip", replicates=50, seed=20231211
    )
    e = est[row["unit"]][row["node"]]
    assert e.value / 100 == pytest.approx(float(row["value"]), rel=1e-12)
    se = e.se / 100
    # S lies in two PSUs of h1: 5 of the 50 replicates draw neither (R: "5 replicates gave NA")
    defined = 45 if row["unit"] == "S" else 50
    assert se * ((defined - 1) / 49) ** 0.5 == pytest.approx(float(row["se"]), rel=1e-12)
    if row["mean"] != "NA":
        assert e.mean == pytest.approx(float(row["mean"]), rel=1e-12)
        mse = e.mean_se * ((defined - 1) / 49) ** 0.5
        assert mse == pytest.approx(float(row["mean_se"]), rel=1e-12)


def test_wilson_on_the_effective_n_matches_statsmodels(
    tiny: SurveyMethodology, data: survey.Responses
) -> None:
    """The Wilson interval on the design-effect effective sample size p (1 − p) / se², checked
    against statsmodels' proportion_confint(method="wilson") given that n and R's p and se."""
    stats = pytest.importorskip("statsmodels.stats.proportion")
    rows = [
        r
        for r in golden()
        if r["method"] == "mean" and r["df"] == "z" and r["single_psu"] in ("certainty", "none")
    ]
    assert len(rows) == 12
    for row in rows:
        est = survey.estimate(
            data,
            methodology=tiny,
            design=row["design"],  # type: ignore[arg-type]
            single_psu=POLICY[row["single_psu"]],  # type: ignore[arg-type]
            interval="wilson",
        )
        p, se = float(row["value"]), float(row["se"])
        n_eff = p * (1 - p) / se**2
        low, high = stats.proportion_confint(p * n_eff, n_eff, alpha=0.05, method="wilson")
        e = est[row["unit"]][row["item"]]
        assert e.low / 100 == pytest.approx(low, rel=1e-9)
        assert e.high / 100 == pytest.approx(high, rel=1e-9)
