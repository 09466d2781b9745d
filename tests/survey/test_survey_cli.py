from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from parindex.cli import survey as cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "survey"
METHOD = str(EXAMPLES / "example-province-departments-methodology.yaml")
DATA = str(EXAMPLES / "example-province-departments-responses.csv")
MAPPING = str(EXAMPLES / "example-province-departments-mapping.yaml")


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="parindex")
    sub = parser.add_subparsers(dest="command", required=True)
    cli.add_parser(sub)
    return cli.run(parser.parse_args(["sipas", *argv]))


def test_table_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    assert run([DATA, "--methodology", METHOD, "--mapping", MAPPING]) == 0
    out = capsys.readouterr().out
    assert "Chỉ số chung" in out and "Khoảng tin cậy" in out
    assert "SNV" in out and "ít trả lời" in out  # BQLKCN has few forms


def test_json_with_design(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(
        [
            DATA,
            "--methodology",
            METHOD,
            "--mapping",
            MAPPING,
            "--design",
            "taylor",
            "--format",
            "json",
            "--chunk-rows",
            "500",
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["design"] == "taylor" and data["weighted"] is True
    first = data["groups"][0]
    assert set(first) >= {"key", "overall", "aggregates", "items", "answers", "respondents"}
    assert set(first["aggregates"]) == {"TC", "TT", "CC", "KQ", "GY", "DG"}
    o = first["overall"]
    assert o["low"] <= o["value"] <= o["high"] and o["n"] > 0


def test_csv_by_group(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(
            [
                DATA,
                "--methodology",
                METHOD,
                "--mapping",
                MAPPING,
                "--by",
                "unit",
                "--by",
                "group",
                "--format",
                "csv",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("group,code,kind,value")
    assert any(line.startswith("SNV/business,overall") for line in lines)


def test_errors_exit_2_with_the_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent_id,unit,S1.1\n1,HN,7\n", encoding="utf-8")
    assert run([str(bad), "--methodology", "vn-moha/sipas/2023"]) == 2
    err = capsys.readouterr().err
    assert "row 2" in err and "S1.1" in err and "outside the scale" in err
    assert run([str(bad), "--methodology", "vn-moha/sipas/2023", "--skip-errors"]) == 0
    out = capsys.readouterr().out
    assert "Đã loại" in out
