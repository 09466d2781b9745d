"""``parindex test FILES...``: the shipped test cases pass; a mismatch names its node and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from parindex.cli import main

CASES = sorted((Path(__file__).resolve().parents[1] / "cases").glob("*.yaml"))


def test_there_are_shipped_cases() -> None:
    assert CASES


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_shipped_cases_pass(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(path), "--lang", "en"]) == 0, capsys.readouterr().out


def test_a_mismatch_names_the_node_and_explains(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "wrong.yaml"
    f.write_text(
        "methodology: vn-moha/province\n"
        "year: 2023\n"
        "cases:\n"
        "  - name: council figures\n"
        "    inputs: {TD: 55, KTXH: 5.25, XHH: 18.5, SIPAS: 83.45}\n"
        "    expected:\n"
        "      points: {SIPAS: 8.5, TOTAL: 87.095}\n"
        "      group: A\n"
        "      place: 2\n",
        encoding="utf-8",
    )
    assert main(["test", str(f), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "council figures: node SIPAS: expected 8.5, got 8.345 — " in out
    assert "group: expected A, got B" in out
    assert "place: expected 2, got 1" in out
    assert "node TOTAL" not in out
    assert "1 file(s), 3 mismatch(es)" in out


def test_a_malformed_test_file_is_a_library_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("methodology: vn-moha/province\ncases: {a: 1}\n", encoding="utf-8")
    assert main(["test", str(f)]) == 1
    assert "parindex:" in capsys.readouterr().err
