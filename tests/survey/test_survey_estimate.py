from __future__ import annotations

import builtins
import re
import sys
from typing import Any

import numpy as np
import pytest

import parindex
from parindex import survey
from parindex.errors import MissingExtraError, SurveyError
from parindex.survey import SurveyMethodology


def sample(tiny: SurveyMethodology, n: int = 200, seed: int = 0) -> survey.Responses:
    rng = np.random.default_rng(seed)
    cols = {c: rng.choice([1, 2, 3, 4, 5, 8, 9], size=n) for c in "abc"}
    return survey.from_arrays(
        tiny,
        cols,
        unit=rng.choice(["X", "Y"], n),
        weight=rng.uniform(1, 2, n),
        attributes={"group": rng.choice(["citizen", "business"], n)},
    )


def test_by_nothing_and_by_two_attributes(tiny: SurveyMethodology) -> None:
    r = sample(tiny)
    everyone = survey.estimate(r, methodology=tiny, by=())
    assert [g.key for g in everyone.groups] == [()]
    assert everyone.groups[0].respondents == 200
    both = survey.estimate(r, methodology=tiny, by=("unit", "group"))
    assert len(both.groups) == 4
    assert sum(g.respondents for g in both.groups) == 200
    assert both["X", "citizen"].key == ("X", "citizen")
    with pytest.raises(SurveyError, match="no attribute 'district'"):
        survey.estimate(r, methodology=tiny, by=("district",))
    with pytest.raises(SurveyError, match="no group"):
        both.group("Z", "citizen")


def test_bootstrap_over_chunks_without_psu(tiny: SurveyMethodology) -> None:
    r = sample(tiny, n=120)
    chunks = [
        survey.from_arrays(
            tiny,
            {c: r.answers[s : s + 50, j] for j, c in enumerate(r.items)},
            unit=r.unit.values()[s : s + 50],
        )
        for s in range(0, 120, 50)
    ]
    est = survey.estimate(iter(chunks), methodology=tiny, design="bootstrap", replicates=50, seed=3)
    whole = survey.estimate(
        survey.from_arrays(
            tiny, {c: r.answers[:, j] for j, c in enumerate(r.items)}, unit=r.unit.values()
        ),
        methodology=tiny,
        design="bootstrap",
        replicates=50,
        seed=3,
    )
    assert est["X"].overall.value == pytest.approx(whole["X"].overall.value)
    assert est["X"].overall.se > 0


def test_options_are_checked(tiny: SurveyMethodology) -> None:
    r = sample(tiny)
    with pytest.raises(SurveyError, match="design must be"):
        survey.estimate(r, methodology=tiny, design="jackknife")  # type: ignore[arg-type]
    with pytest.raises(SurveyError, match="single_psu must be"):
        survey.estimate(r, methodology=tiny, single_psu="merge")  # type: ignore[arg-type]
    with pytest.raises(SurveyError, match="overall must be"):
        survey.estimate(r, methodology=tiny, overall="zz")
    with pytest.raises(SurveyError, match="no respondents"):
        survey.estimate(iter([]), methodology=tiny)


def test_weights_are_used_by_srs_and_taylor(tiny: SurveyMethodology) -> None:
    """Weights without a PSU structure give a weighted estimate (respondents as PSUs): srs and
    taylor agree when the responses have no strata or PSUs; ``weights=False`` ignores them."""
    r = sample(tiny)
    srs = survey.estimate(r, methodology=tiny)
    tay = survey.estimate(r, methodology=tiny, design="taylor")
    assert srs.weighted and tay.weighted
    assert srs["X"]["a"].value == pytest.approx(tay["X"]["a"].value, rel=1e-12)
    assert srs["X"]["a"].se == pytest.approx(tay["X"]["a"].se, rel=1e-12)
    assert srs["X"].overall.se == pytest.approx(tay["X"].overall.se, rel=1e-12)
    unweighted = survey.estimate(r, methodology=tiny, weights=False)
    assert not unweighted.weighted
    assert unweighted["X"]["a"].value != pytest.approx(srs["X"]["a"].value)
    plain = survey.estimate(r, methodology=tiny, design="taylor", weights=False)
    assert plain["X"]["a"].value == pytest.approx(unweighted["X"]["a"].value)


def test_output_formats(tiny: SurveyMethodology) -> None:
    est = survey.estimate(sample(tiny), methodology=tiny)
    table = survey.to_table(est, tiny)
    assert table.splitlines()[0].startswith("Nhóm")
    assert "Overall" in survey.to_table(est, tiny, lang="en")
    assert survey.to_csv(est, items=False).count("\n") == 1 + 2 * 3  # header + 2 units × 3
    assert '"overall"' in survey.to_json(est)
    from parindex.survey.output import round_half_up

    with pytest.deprecated_call():
        assert round_half_up(2.675) == "2.68"  # half up on the decimal value, not binary
    with pytest.deprecated_call():
        assert round_half_up(float("nan")) == "—"  # the one dash for a missing figure


def test_table_decimal_comma_in_vietnamese(tiny: SurveyMethodology) -> None:
    """The survey table rounds like the score cards: a decimal comma in Vietnamese."""
    est = survey.estimate(sample(tiny), methodology=tiny)
    overall = est.groups[0].overall
    vi = survey.to_table(est, tiny)
    en = survey.to_table(est, tiny, lang="en")
    assert parindex.present(overall.value, lang="vi") in vi
    assert parindex.present(overall.value, lang="en") in en
    body = vi.splitlines()[2:]
    assert all(re.search(r"\d\.\d", line) is None for line in body)
    assert any(re.search(r"\d,\d\d", line) for line in body)
    assert survey.to_csv(est).count(",") > 0 and re.search(r",\d+\.\d\d,", survey.to_csv(est))


def test_missing_pandas_names_the_extra(
    tiny: SurveyMethodology, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pandas" or name.startswith("pyarrow"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "pandas", raising=False)
    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(MissingExtraError, match=r"parindex\[pandas\]"):
        survey.from_dataframe(tiny, object())
    with pytest.raises(MissingExtraError, match=r"parindex\[parquet\]"):
        survey.read_parquet("x.parquet", methodology=tiny)


def test_importing_the_survey_module_needs_no_pandas() -> None:
    import subprocess

    code = (
        "import sys; sys.modules['pandas'] = None; sys.modules['pyarrow'] = None\n"
        "import parindex.survey\n"
        "assert 'pandas' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_srs_item_se_does_not_depend_on_aggregate_intervals(tiny: SurveyMethodology) -> None:
    r = sample(tiny)
    full = survey.estimate(r, methodology=tiny)
    light = survey.estimate(r, methodology=tiny, aggregate_intervals=False)
    for unit in ("X", "Y"):
        for item in "abc":
            assert light[unit][item].se == pytest.approx(full[unit][item].se, rel=1e-9)
            assert light[unit][item].low == full[unit][item].low  # Wilson either way
        assert np.isnan(light[unit]["F1"].se)


RATING = """
parindex: 1
kind: survey
issuer: test
scheme: rating
version: "1"
years: [2024]
title: {vi: Thang 10, en: Ten-point rating}
status: confirmed
legal_basis: {decision: "none"}
scales:
  s5: {label: s5, levels: [1, 2, 3, 4, 5], satisfied: [4, 5], no_opinion: [8], status: confirmed}
  r10: {label: r10, levels: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], satisfied: [8, 9, 10], status: confirmed}
overall: {status: confirmed}
structure:
  - {code: q, label: q, scale: s5}
  - {code: r, label: r, scale: r10}
"""


@pytest.mark.parametrize("shuffle", [False, True])
def test_both_counting_paths_against_a_direct_count(parse_text: Any, shuffle: bool) -> None:
    m = parse_text(RATING)
    rng = np.random.default_rng(4)
    n = 1000
    q = rng.choice([1, 2, 3, 4, 5, 8, -1], size=n)  # five levels: byte-packed path
    r = rng.choice([*range(1, 11), -1], size=n)  # ten levels: np.bincount path
    unit = np.sort(rng.choice(["A", "B", "C"], size=n))
    if shuffle:
        p = rng.permutation(n)
        q, r, unit = q[p], r[p], unit[p]
    est = survey.estimate(survey.from_arrays(m, {"q": q, "r": r}, unit=unit), methodology=m)
    for u in ("A", "B", "C"):
        sel = unit == u
        qv = q[sel][np.isin(q[sel], [1, 2, 3, 4, 5])]
        rv = r[sel][r[sel] > 0]
        assert est[u]["q"].n == qv.size
        assert est[u]["q"].value == pytest.approx(100 * np.isin(qv, [4, 5]).mean())
        assert est[u]["q"].mean == pytest.approx(qv.mean())
        assert est[u]["r"].n == rv.size
        assert est[u]["r"].value == pytest.approx(100 * (rv >= 8).mean())
        assert est[u]["r"].mean == pytest.approx(rv.mean())
        assert est[u].answers["no_opinion"] == int((q[sel] == 8).sum())
        assert est[u].answers["blank"] == int((q[sel] == -1).sum() + (r[sel] == -1).sum())
