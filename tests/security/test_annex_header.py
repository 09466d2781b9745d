"""A table's file name cannot inject keys into the draft that import-annex writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from parindex.io.annex import read_annex

TABLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "annex-illustrative-table.csv"


def test_a_file_name_with_newlines_stays_in_the_comment(tmp_path: Path) -> None:
    name = "bang\ngrouping: {injected: true}\nx\u2028status: confirmed\r#.csv"
    table = tmp_path / name
    shutil.copy(TABLE, table)
    d = read_annex(table, issuer="example", scheme="annex-demo", version="2025")
    head = d.text.split("parindex: 1", 1)[0]
    assert all(line.startswith("#") for line in head.splitlines() if line), head
    data = yaml.safe_load(d.text)
    assert "grouping" not in data and data["status"] == "inferred"
