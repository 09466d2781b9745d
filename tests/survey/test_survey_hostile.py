"""Hostile and sloppy survey input: the library's own errors, bounded duplicate checks, safe CSV."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pytest

from parindex import survey
from parindex.cli import survey as cli
from parindex.errors import SurveyError
from parindex.survey import SurveyMethodology
from parindex.survey.responses import SeenIds

HEADER = "respondent_id,unit,group,stratum,psu,weight,a,b,c\n"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "survey"
METHOD = str(EXAMPLES / "example-province-departments-methodology.yaml")
DATA = str(EXAMPLES / "example-province-departments-responses.csv")


def write_bytes(tmp_path: Path, body: bytes) -> Path:
    p = tmp_path / "responses.csv"
    p.write_bytes(HEADER.encode() + body)
    return p


def test_field_over_the_csv_limit_is_a_survey_error(
    tmp_path: Path, tiny: SurveyMethodology
) -> None:
    body = b"1,X,c,h1,p1,1,5,4,1\n2,X," + b"g" * 140_000 + b",h1,p1,1,5,4,1\n"
    with pytest.raises(SurveyError) as info:
        survey.read_csv(write_bytes(tmp_path, body), methodology=tiny)
    assert info.value.row == 3
    assert info.value.file is not None and info.value.file.endswith("responses.csv")


def test_invalid_utf8_is_a_survey_error_naming_the_row(
    tmp_path: Path, tiny: SurveyMethodology
) -> None:
    body = b"1,X,c,h1,p1,1,5,4,1\n2,X\xff\xfe,c,h1,p1,1,5,4,1\n"
    with pytest.raises(SurveyError, match="not UTF-8") as info:
        survey.read_csv(write_bytes(tmp_path, body), methodology=tiny)
    assert info.value.row == 3


@pytest.mark.parametrize("delimiter", ["", ";;", '"', "\n"])
def test_bad_delimiter_is_a_survey_error(
    tmp_path: Path, tiny: SurveyMethodology, delimiter: str
) -> None:
    p = write_bytes(tmp_path, b"1,X,c,h1,p1,1,5,4,1\n")
    with pytest.raises(SurveyError, match="delimiter"):
        survey.read_csv(p, methodology=tiny, delimiter=delimiter)


def test_seen_ids_are_compact_hashes_and_catch_duplicates() -> None:
    seen = SeenIds()
    for start in range(0, 10_000, 1_000):
        ids = np.asarray([f"id-{i}" for i in range(start, start + 1_000)])
        h = SeenIds.hashes(ids)
        assert not seen.seen(h).any()
        seen.add(h)
    assert len(seen) == 10_000
    assert len(seen.runs) <= 5  # merged runs, not one per chunk
    assert sum(r.nbytes for r in seen.runs) == 8 * 10_000
    again = SeenIds.hashes(np.asarray(["id-5", "new", "id-9999"]))
    assert seen.seen(again).tolist() == [True, False, True]


def test_survey_csv_neutralises_formulas(tmp_path: Path, tiny: SurveyMethodology) -> None:
    body = (
        "1,=HYPERLINK(1),c,h1,p1,1,5,4,1\n2,+X,c,h1,p2,1,4,4,1\n3,=HYPERLINK(1),c,h1,p1,1,4,5,5\n"
    )
    p = tmp_path / "responses.csv"
    p.write_text(HEADER + body, encoding="utf-8")
    est = survey.estimate(survey.read_csv(p, methodology=tiny), methodology=tiny)
    lines = survey.to_csv(est).splitlines()
    assert all(not line.startswith(("=", "+")) for line in lines)
    assert any(line.startswith("'=HYPERLINK(1)") for line in lines)
    assert any(line.startswith("'+X") for line in lines)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="parindex")
    sub = parser.add_subparsers(dest="command", required=True)
    cli.add_parser(sub)
    return parser.parse_args(["sipas", DATA, "--methodology", METHOD, *argv])


@pytest.mark.parametrize(
    "argv",
    [
        ["--replicates", "-5"],
        ["--replicates", "0"],
        ["--replicates", "1e8"],
        ["--replicates", "100000000"],
        ["--min-answers", "-1"],
        ["--delimiter", ""],
        ["--delimiter", ";;"],
        ["--chunk-rows", "0"],
    ],
)
def test_cli_options_are_checked_at_parse_time(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        parse(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert argv[0] in err and "Traceback" not in err


def test_cli_accepts_good_options() -> None:
    args = parse(["--replicates", "50", "--min-answers", "0", "--delimiter", ";"])
    assert (args.replicates, args.min_answers, args.delimiter) == (50, 0, ";")
