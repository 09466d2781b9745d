"""The three definitions of a factor's "share satisfied", worked by hand on four respondents.

Methodology ``tiny``: F1 = items a, b; F2 = item c; the overall index is the mean of F1 and F2.
Satisfied: 4 and 5; 8 (no opinion) and 9 (not applicable) are not valid answers.

    respondent   a  b  c   F1 sat/valid   F2 sat/valid   a+b+c sat/valid
    r1           5  4  1   2/2            0/1            2/3
    r2           1  8  5   0/1            1/1            1/2
    r3           4  2  5   1/2            1/1            2/3
    r4           8  9  1   0/0            0/1            0/1

Item rates: a = 2/3 (r1, r3 of r1–r3), b = 1/2 (r1 of r1, r3), c = 2/4 = 1/2.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
import pytest

from parindex import survey
from parindex.cli import survey as cli
from parindex.errors import SurveyError
from parindex.survey import SurveyMethodology
from parindex.survey.methodology import load_methodology
from parindex.survey.responses import iter_csv, read_mapping

A = [5, 1, 4, 8]
B = [4, 8, 2, 9]
C = [1, 5, 5, 1]


def four(tiny: SurveyMethodology, weight: list[float] | None = None) -> survey.Responses:
    return survey.from_arrays(
        tiny,
        {"a": np.array(A), "b": np.array(B), "c": np.array(C)},
        unit=np.array(["X"] * 4),
        weight=None if weight is None else np.array(weight, dtype=float),
    )


def values(est: survey.Estimates) -> tuple[float, float, float]:
    g = est["X"]
    return g["F1"].value, g["F2"].value, g.overall.value


def test_items_is_the_default_mean_of_item_rates(tiny: SurveyMethodology) -> None:
    # F1 = (2/3 + 1/2) / 2 = 7/12; F2 = 1/2; overall = (7/12 + 6/12) / 2 = 13/24
    default = survey.estimate(four(tiny), methodology=tiny)
    assert values(default) == pytest.approx((700 / 12, 50.0, 1300 / 24))
    explicit = survey.estimate(four(tiny), methodology=tiny, share="items")
    assert explicit.to_dict() == default.to_dict()
    assert "share" not in default.to_dict()  # the default layout is unchanged
    assert default.share == "items"


def test_pooled_is_satisfied_over_valid_answers(tiny: SurveyMethodology) -> None:
    # F1 = (2 + 1) / (3 + 2) = 3/5; F2 = 2/4; overall = (2 + 1 + 2) / (3 + 2 + 4) = 5/9
    est = survey.estimate(four(tiny), methodology=tiny, share="pooled")
    assert values(est) == pytest.approx((60.0, 50.0, 500 / 9))
    assert est.to_dict()["share"] == "pooled"
    # the items are untouched
    assert est["X"]["a"].value == pytest.approx(200 / 3)


def test_respondents_is_the_mean_of_respondents_shares(tiny: SurveyMethodology) -> None:
    # F1: r1 1, r2 0, r3 1/2 (r4 has no valid answer there) -> 1.5 / 3 = 1/2
    # F2: 0, 1, 1, 0 -> 1/2
    # overall (a, b, c): 2/3, 1/2, 2/3, 0 -> (11/6) / 4 = 11/24
    est = survey.estimate(four(tiny), methodology=tiny, share="respondents")
    assert values(est) == pytest.approx((50.0, 50.0, 1100 / 24))
    assert est.to_dict()["share"] == "respondents"


def test_weighted_shares(tiny: SurveyMethodology) -> None:
    w = [2.0, 1.0, 1.0, 1.0]
    # pooled F1: satisfied a 2 (r1) + 1 (r3), b 2 (r1) = 5; valid a 2+1+1, b 2+1 = 7 -> 5/7
    pooled = survey.estimate(four(tiny, w), methodology=tiny, share="pooled")
    assert pooled["X"]["F1"].value == pytest.approx(500 / 7)
    # respondents F1: (2*1 + 1*0 + 1*1/2) / (2 + 1 + 1) = 2.5 / 4
    resp = survey.estimate(four(tiny, w), methodology=tiny, share="respondents")
    assert resp["X"]["F1"].value == pytest.approx(62.5)


@pytest.mark.parametrize("design", ["srs", "taylor", "bootstrap"])
@pytest.mark.parametrize("share", ["pooled", "respondents"])
def test_every_design_gives_the_point_estimates(
    tiny: SurveyMethodology, design: str, share: str
) -> None:
    est = survey.estimate(four(tiny), methodology=tiny, share=share, design=design)  # type: ignore[arg-type]
    expected = (60.0, 50.0, 500 / 9) if share == "pooled" else (50.0, 50.0, 1100 / 24)
    assert values(est) == pytest.approx(expected)
    g = est["X"]
    if design == "bootstrap":
        # no bootstrap standard error for these: null, with null bounds
        for e in (g["F1"], g["F2"], g.overall):
            assert math.isnan(e.se) and math.isnan(e.low) and math.isnan(e.high)
    else:
        assert g["F1"].se > 0 and g["F1"].low < g["F1"].value < g["F1"].high
    # the items keep their own standard errors
    assert g["a"].se > 0


def test_pooled_taylor_se_by_hand(tiny: SurveyMethodology) -> None:
    # respondents as PSUs, one stratum, n = 4. F1: y = (2, 0, 1, 0), v = (2, 1, 2, 0),
    # P = 3/5, V = 5; z = (y - P v) / V = (0.16, -0.12, -0.04, 0), mean 0;
    # var = 4/3 * (0.0256 + 0.0144 + 0.0016) = 0.0554667; se = 0.235514
    for design in ("taylor", "srs"):
        est = survey.estimate(four(tiny), methodology=tiny, share="pooled", design=design)  # type: ignore[arg-type]
        f1 = est["X"]["F1"]
        assert f1.se == pytest.approx(100 * math.sqrt(4 / 3 * 0.0416))
        assert f1.low == pytest.approx(60.0 - 1.959964 * f1.se, abs=1e-4)
        # a single-item factor: the pooled share is the item's rate, with the item's SE
        assert est["X"]["F2"].se == pytest.approx(est["X"]["c"].se)


def test_respondents_taylor_se_by_hand(tiny: SurveyMethodology) -> None:
    # F1: shares a = (1, 0, 1/2, 0), d = (1, 1, 1, 0) (r4 has no valid answer), R = 1/2, D = 3;
    # z = (a - R d) / D = (1/6, -1/6, 0, 0), mean 0; var = 4/3 * 2/36 = 2/27; se = 0.272166
    for design in ("taylor", "srs"):
        est = survey.estimate(four(tiny), methodology=tiny, share="respondents", design=design)  # type: ignore[arg-type]
        assert est["X"]["F1"].se == pytest.approx(100 * math.sqrt(2 / 27))


@pytest.mark.parametrize("share", ["pooled", "respondents"])
def test_psu_column_of_respondents_gives_the_same_se(tiny: SurveyMethodology, share: str) -> None:
    # a PSU column naming each respondent is the same design as respondents as PSUs
    w = [2.0, 1.0, 1.0, 1.0]
    plain = survey.estimate(four(tiny, w), methodology=tiny, share=share, design="taylor")  # type: ignore[arg-type]
    r = survey.from_arrays(
        tiny,
        {"a": np.array(A), "b": np.array(B), "c": np.array(C)},
        unit=np.array(["X"] * 4),
        weight=np.array(w),
        attributes={"psu": np.array(["p1", "p2", "p3", "p4"])},
    )
    psu = survey.estimate(r, methodology=tiny, share=share, design="taylor")  # type: ignore[arg-type]
    for code in ("F1", "F2"):
        assert psu["X"][code].se == pytest.approx(plain["X"][code].se)
    assert psu["X"].overall.se == pytest.approx(plain["X"].overall.se)


@pytest.mark.parametrize("share", ["pooled", "respondents"])
def test_share_se_same_in_chunks(tiny: SurveyMethodology, share: str) -> None:
    r = four(tiny)
    whole = survey.estimate(r, methodology=tiny, share=share, design="taylor")  # type: ignore[arg-type]
    again = survey.estimate(iter([r]), methodology=tiny, share=share, design="taylor")  # type: ignore[arg-type]
    assert again["X"]["F1"].se == pytest.approx(whole["X"]["F1"].se)
    assert again["X"].overall.se == pytest.approx(whole["X"].overall.se)


def test_unknown_share(tiny: SurveyMethodology) -> None:
    with pytest.raises(SurveyError, match="share must be one of"):
        survey.estimate(four(tiny), methodology=tiny, share="mean")  # type: ignore[arg-type]


EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "survey"
METHOD = str(EXAMPLES / "example-province-departments-methodology.yaml")
DATA = str(EXAMPLES / "example-province-departments-responses.csv")
MAPPING = str(EXAMPLES / "example-province-departments-mapping.yaml")


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="parindex")
    sub = parser.add_subparsers(dest="command", required=True)
    cli.add_parser(sub)
    return cli.run(parser.parse_args(["sipas", *argv]))


def test_cli_share(capsys: pytest.CaptureFixture[str]) -> None:
    base = [DATA, "--methodology", METHOD, "--mapping", MAPPING, "--format", "json"]
    assert run(base) == 0
    default = json.loads(capsys.readouterr().out)
    assert run([*base, "--share", "items"]) == 0
    assert json.loads(capsys.readouterr().out) == default
    assert "share" not in default
    assert run([*base, "--share", "pooled"]) == 0
    pooled = json.loads(capsys.readouterr().out)
    assert pooled["share"] == "pooled"
    assert pooled["groups"][0]["items"] == default["groups"][0]["items"]
    assert run([*base, "--share", "respondents"]) == 0
    resp = json.loads(capsys.readouterr().out)
    assert resp["share"] == "respondents"
    assert resp["groups"][0]["overall"]["value"] != default["groups"][0]["overall"]["value"]


@pytest.mark.parametrize("share", ["pooled", "respondents"])
def test_taylor_se_with_strata_psus_and_weights_by_direct_computation(share: str) -> None:
    """The shipped example (strata, PSUs, weights; unit SNV a domain) against a direct
    computation: z = (a - R d) / D per respondent, summed per PSU, n/(n-1) Σ (z_p - z̄_h)²."""
    m = load_methodology(METHOD)
    (r,) = list(iter_csv(DATA, methodology=m, mapping=read_mapping(MAPPING)))
    est = survey.estimate(r, methodology=m, design="taylor", share=share, single_psu="skip")
    items = [i for p in m.overall_parts for i in m.items_below(p)]
    cols = [r.items.index(i) for i in items]
    sat = np.stack([np.isin(r.answers[:, j], m.scale_of(r.items[j]).satisfied) for j in cols], 1)
    val = np.stack([np.isin(r.answers[:, j], m.scale_of(r.items[j]).levels) for j in cols], 1)
    assert r.weight is not None
    w = r.weight * (r.unit.values() == "SNV")
    s, v = sat.sum(1).astype(float), val.sum(1).astype(float)
    if share == "pooled":
        a, d = w * s, w * v
    else:
        a, d = w * np.where(v > 0, s / np.where(v > 0, v, 1), 0), w * (v > 0)
    ratio = a.sum() / d.sum()
    z = (a - ratio * d) / d.sum()
    st, ps = r.factor("stratum").values(), r.factor("psu").values()
    var = 0.0
    for h in np.unique(st):
        zp = np.array([z[(st == h) & (ps == p)].sum() for p in np.unique(ps[st == h])])
        if len(zp) > 1:
            var += len(zp) / (len(zp) - 1) * ((zp - zp.mean()) ** 2).sum()
    assert est["SNV"].overall.value == pytest.approx(100 * ratio)
    assert est["SNV"].overall.se == pytest.approx(100 * math.sqrt(var))


@pytest.mark.parametrize("single_psu", ["skip", "center", "average"])
@pytest.mark.parametrize("share", ["pooled", "respondents"])
def test_single_item_factor_se_is_the_items_under_every_policy(
    tiny: SurveyMethodology, share: str, single_psu: str
) -> None:
    # F2 has one item, c: both definitions are then c's rate (a ratio of c's satisfied over its
    # valid answers), so their standard errors are c's, stratum with one respondent included.
    # (Every stratum has a valid answer to c: under "average" an aggregate's subset is the
    # group's respondents, an item's those with a valid answer, as docs/survey.md says.)
    r = survey.from_arrays(
        tiny,
        {"a": np.array(A * 2), "b": np.array(B * 2), "c": np.array([*C, 4, 5, 1, 4])},
        unit=np.array(["X"] * 8),
        weight=np.array([1.0, 2.0, 1.5, 1.0, 1.0, 3.0, 1.0, 2.0]),
        attributes={"stratum": np.array(["h1"] * 4 + ["h2"] * 3 + ["h3"])},
    )
    est = survey.estimate(
        r,
        methodology=tiny,
        design="taylor",
        share=share,  # type: ignore[arg-type]
        single_psu=single_psu,  # type: ignore[arg-type]
    )
    assert est["X"]["F2"].se == pytest.approx(est["X"]["c"].se)
    assert est["X"]["F2"].value == pytest.approx(est["X"]["c"].value)
