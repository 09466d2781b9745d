"""Golden values from R's survey package (tests/survey/r: the data, the R script, its output).

Taylor linearisation with strata, PSUs, weights, a single-PSU stratum and a small unit; every
interval method of R's ``svyciprop`` that parindex offers, with normal and design-df quantiles.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from parindex import survey
from parindex.survey import SurveyMethodology

R = Path(__file__).resolve().parent / "r"
POLICY = {"certainty": "skip", "adjust": "center"}
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


@pytest.mark.parametrize("row", golden(), ids=lambda r: "-".join(list(r.values())[:4]))
def test_taylor_intervals_match_r_survey(tiny: SurveyMethodology, row: dict[str, str]) -> None:
    r = survey.read_csv(R / "data.csv", methodology=tiny)
    est = survey.estimate(
        r,
        methodology=tiny,
        design="taylor",
        single_psu=POLICY[row["single_psu"]],  # type: ignore[arg-type]
        interval=METHOD[row["method"]],  # type: ignore[arg-type]
        df=row["df"],  # type: ignore[arg-type]
    )
    e = est[row["unit"]]["a"]
    assert e.value / 100 == pytest.approx(float(row["value"]), rel=1e-12)
    assert e.se / 100 == pytest.approx(float(row["se"]), rel=1e-9)
    # parindex clips Wald bounds to 0–100 %; R does not
    low, high = max(float(row["low"]), 0.0), min(float(row["high"]), 1.0)
    assert e.low / 100 == pytest.approx(low, rel=1e-8, abs=1e-12)
    assert e.high / 100 == pytest.approx(high, rel=1e-8, abs=1e-12)
