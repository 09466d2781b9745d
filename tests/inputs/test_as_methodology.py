"""With the methodology at hand, inputs are read as it means them: level labels for codes, a
percentage only where one is expected, a fraction where a percentage is expected warned about."""

from __future__ import annotations

from pathlib import Path

import pytest

import parindex
from parindex import read_assessments
from parindex.errors import AssessmentError

EX = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.fixture(scope="module")
def m() -> parindex.Methodology:
    return parindex.load_file(EX / "illustrative-department-scheme.yaml")


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_a_percentage_on_a_points_item_is_refused(m: parindex.Methodology, tmp_path: Path) -> None:
    f = write(tmp_path, "a.csv", "unit,code,value\nA,1.2,80%\nA,3.1,60%\n")
    with pytest.raises(AssessmentError, match="does not take a percentage") as e:
        read_assessments(f, methodology=m)
    assert e.value.row == 3 and e.value.code == "3.1"


@pytest.mark.parametrize("label", ["Ban hành kịp thời", "ban hanh kip thoi", "ISSUED ON TIME"])
def test_level_labels_are_read_as_codes(
    m: parindex.Methodology, tmp_path: Path, label: str
) -> None:
    for f in (
        write(tmp_path, "a.csv", f"unit,code,value\nA,1.1,{label}\n"),
        write(tmp_path, "a.yaml", f"unit: A\nvalues: {{'1.1': '{label}'}}\n"),
    ):
        (a,) = read_assessments(f, methodology=m)
        assert a.stages["self"]["1.1"].value == "on_time"


def test_a_fraction_for_a_percentage_is_scored_but_warned(
    m: parindex.Methodology, tmp_path: Path
) -> None:
    f = write(tmp_path, "a.yaml", "unit: A\nperiod: '2025'\nvalues: {'1.2': 0.9}\n")
    with pytest.warns(UserWarning, match="looks like a fraction"):
        (a,) = read_assessments(f, methodology=m)
    assert a.stages["self"]["1.2"].value == 0.9


def test_a_period_outside_the_years_is_warned(m: parindex.Methodology, tmp_path: Path) -> None:
    f = write(tmp_path, "a.yaml", "unit: A\nperiod: '1999-Q3'\nvalues: {'1.2': 90}\n")
    with pytest.warns(UserWarning, match="outside the years"):
        read_assessments(f, methodology=m)


def test_the_cli_prints_reader_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from parindex.cli import main

    f = write(tmp_path, "a.csv", "unit,code,value\nA,1.2,0.9\n")
    rc = main(["score", str(EX / "illustrative-department-scheme.yaml"), str(f)])
    err = capsys.readouterr().err
    assert rc == 0 and err.startswith("parindex: warning: ") and "looks like a fraction" in err
