from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parindex import survey
from parindex.errors import SurveyError
from parindex.survey import SurveyMethodology

HEADER = "respondent_id,unit,group,stratum,psu,weight,a,b,c\n"


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    p = tmp_path / "responses.csv"
    p.write_text(header + body, encoding="utf-8")
    return p


GOOD = "1,X,citizen,h1,p1,1.5,5,4,1\n2,X,citizen,h1,p2,2,4,2,8\n3,Y,business,h1,p1,1,3,9,5\n"


def test_csv_round_trip(tmp_path: Path, tiny: SurveyMethodology) -> None:
    r = survey.read_csv(write(tmp_path, GOOD), methodology=tiny)
    assert r.n == 3 and r.items == ("a", "b", "c")
    assert r.answers.dtype == np.int8
    assert r.unit.labels == ("X", "Y")
    assert set(r.attributes) == {"group", "stratum", "psu"}
    assert r.weight is not None and r.weight.tolist() == [1.5, 2.0, 1.0]
    assert r.rows.tolist() == [2, 3, 4]  # the header is row 1


@pytest.mark.parametrize(
    ("body", "row", "column", "value", "message"),
    [
        ("1,X,c,h1,p1,1,5,4,1\n2,X,c,h1,p1,1,6,4,1\n", 3, "a", 6, "outside the scale"),
        ("1,X,c,h1,p1,1,5,4,1\n2,X,c,h1,p1,1,5,x,1\n", 3, "b", "x", "not a whole-number code"),
        ("1,X,c,h1,p1,1,5,4,1\n1,X,c,h1,p1,1,5,4,1\n", 3, "respondent_id", "1", "already seen"),
        ("1,X,c,h1,p1,-1,5,4,1\n", 2, "weight", -1.0, "negative"),
        ("1,X,c,h1,p1,,5,4,1\n", 2, "weight", None, "missing"),
        ("1,X,c,h1,,1,5,4,1\n", 2, "psu", "", "without a primary sampling unit"),
        ("1,,c,h1,p1,1,5,4,1\n", 2, "unit", "", "unit is empty"),
    ],
)
def test_bad_input_names_row_column_and_value(
    tmp_path: Path,
    tiny: SurveyMethodology,
    body: str,
    row: int,
    column: str,
    value: object,
    message: str,
) -> None:
    with pytest.raises(SurveyError, match=message) as info:
        survey.read_csv(write(tmp_path, body), methodology=tiny)
    err = info.value
    assert err.row == row
    assert err.code == column
    if value is None:
        assert err.value is None or np.isnan(err.value)
    else:
        assert err.value == value
    assert "responses.csv" in str(err)


def test_unknown_item_column(tmp_path: Path, tiny: SurveyMethodology) -> None:
    p = write(tmp_path, "1,X,5\n", header="respondent_id,unit,zz\n")
    with pytest.raises(SurveyError, match="unknown item column 'zz'"):
        survey.read_csv(p, methodology=tiny)


def test_skip_counts_every_excluded_answer(tmp_path: Path, tiny: SurveyMethodology) -> None:
    body = (
        "1,X,c,h1,p1,1,5,4,1\n"  # fine
        "2,X,c,h1,p1,1,6,4,7\n"  # two answers outside the scale
        "1,X,c,h1,p1,1,5,4,1\n"  # duplicate id: three answers go with the respondent
        "4,X,c,h1,p1,-2,5,,1\n"  # negative weight: two answers go
        "5,X,c,h1,p1,1,x,4,1\n"  # not a code
    )
    r = survey.read_csv(write(tmp_path, body), methodology=tiny, on_error="skip")
    assert r.n == 3
    ex = r.excluded
    assert dict(ex.respondents) == {"duplicate_id": 1, "bad_weight": 1}
    assert ex.answers["out_of_scale"] == 2
    assert ex.answers["not_a_code"] == 1
    assert ex.answers["respondent_excluded"] == 5
    est = survey.estimate(r, methodology=tiny)
    assert est.excluded == ex
    assert est["X"].answers["excluded"] == 3  # 6, 7 and x, kept as excluded answers
    assert "answer code outside" in ex.describe()


def test_chunks_give_the_same_estimates_and_catch_duplicates_across_chunks(
    tmp_path: Path, tiny: SurveyMethodology
) -> None:
    rng = np.random.default_rng(0)
    lines = [
        f"{i},{rng.choice(['X', 'Y'])},c,h{i % 3},p{i % 4},{rng.uniform(1, 2):.3f},"
        + ",".join(str(rng.choice([1, 2, 3, 4, 5, 8])) for _ in range(3))
        for i in range(300)
    ]
    p = write(tmp_path, "\n".join(lines) + "\n")
    whole = survey.estimate(survey.read_csv(p, methodology=tiny), methodology=tiny, design="taylor")
    chunked = survey.estimate(
        survey.iter_csv(p, methodology=tiny, chunk_rows=37), methodology=tiny, design="taylor"
    )
    for g1, g2 in zip(whole.groups, chunked.groups, strict=True):
        assert g1.key == g2.key
        for code in g1.nodes:
            assert g1[code].value == pytest.approx(g2[code].value, rel=1e-12)
            assert g1[code].se == pytest.approx(g2[code].se, rel=1e-9)
    p2 = write(tmp_path, "\n".join([*lines, lines[0]]) + "\n")
    with pytest.raises(SurveyError, match="already seen") as info:
        survey.estimate(survey.iter_csv(p2, methodology=tiny, chunk_rows=50), methodology=tiny)
    assert info.value.row == 302


def test_mapping_file(tmp_path: Path, tiny: SurveyMethodology) -> None:
    m = tmp_path / "map.yaml"
    m.write_text(
        "parindex: 1\nkind: survey-mapping\ncolumns:\n  Q1: a\n  Q2: b\n  Q3: c\n  note: null\n",
        encoding="utf-8",
    )
    p = write(tmp_path, "1,X,5,4,1,hi\n", header="respondent_id,unit,Q1,Q2,Q3,note\n")
    r = survey.read_csv(p, methodology=tiny, mapping=m)
    assert r.items == ("a", "b", "c")


def test_from_arrays_checks(tiny: SurveyMethodology) -> None:
    with pytest.raises(SurveyError, match="unknown item column"):
        survey.from_arrays(tiny, {"zz": [1]}, unit=["X"])
    with pytest.raises(SurveyError, match="row 2"):
        survey.from_arrays(tiny, {"a": [1, 7]}, unit=["X", "X"])
    r = survey.from_arrays(
        tiny, np.array([[1, 2, 3], [4, 5, 8]]), items=["a", "b", "c"], unit=["X", "Y"]
    )
    assert r.answers.flags.f_contiguous


def test_dataframe_and_parquet(tmp_path: Path, tiny: SurveyMethodology) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {"respondent_id": ["1", "2"], "unit": ["X", "X"], "a": [5, None], "b": [4, 2], "c": [1, 8]}
    )
    r = survey.from_dataframe(tiny, frame)
    assert r.answers[:, 0].tolist() == [5, survey.BLANK]
    pytest.importorskip("pyarrow")
    path = tmp_path / "r.parquet"
    frame.to_parquet(path)
    r2 = survey.read_parquet(path, methodology=tiny)
    assert r2.answers.tolist() == r.answers.tolist()


def test_example_data_reads_and_estimates() -> None:
    root = Path(__file__).resolve().parents[2] / "examples" / "survey"
    m = survey.load_methodology(root / "example-province-departments-methodology.yaml")
    r = survey.read_csv(
        root / "example-province-departments-responses.csv",
        methodology=m,
        mapping=root / "example-province-departments-mapping.yaml",
    )
    est = survey.estimate(r, methodology=m, design="taylor")
    assert len(est.groups) == 16
    assert est["BQLKCN"].overall.small


def test_csv_reads_float_codes_and_r_missing_values(
    tmp_path: Path, tiny: SurveyMethodology
) -> None:
    # pandas writes an integer column with gaps as 4.0; R writes a missing value as NA
    body = "1,X,c,h1,p1,1,5.0,NA,1.00\n2,X,c,h1,p2,1,4,nan,NA\n"
    r = survey.read_csv(write(tmp_path, body), methodology=tiny)
    assert r.answers.tolist() == [[5, -1, 1], [4, -1, -1]]
    with pytest.raises(SurveyError, match="not a whole-number code"):
        survey.read_csv(write(tmp_path, "1,X,c,h1,p1,1,4.5,1,1\n"), methodology=tiny)


def test_zero_weight_is_accepted_and_keeps_its_psu(tmp_path: Path, tiny: SurveyMethodology) -> None:
    # a respondent outside the domain has weight 0: it adds nothing to the rates, but its PSU
    # still counts in the design (as in R's survey package)
    body = "1,X,c,h1,p1,1,5,4,1\n2,X,c,h1,p2,0,1,1,1\n3,X,c,h1,p3,2,4,2,5\n"
    r = survey.read_csv(write(tmp_path, body), methodology=tiny)
    assert r.n == 3 and r.weight is not None and r.weight.tolist() == [1.0, 0.0, 2.0]
    est = survey.estimate(r, methodology=tiny, design="taylor")
    assert est["X"]["a"].value == pytest.approx(100.0)
    b = est["X"]["b"]  # satisfied: 1 (w 1) of weights 1 + 2 → p = 1/3
    # three PSUs in the stratum, the zero-weight one with total 0; z_j = (y_j - p v_j) / V with V = 3: PSU1 (1 - 1/3)/3, PSU2 0, PSU3 (0 - 2/3)/3
    z = np.array([(1 - 1 / 3) / 3, 0.0, (0 - 2 / 3) / 3])
    var = 3 / 2 * ((z**2).sum() - z.sum() ** 2 / 3)
    assert b.se == pytest.approx(np.sqrt(var) * 100, rel=1e-12)
