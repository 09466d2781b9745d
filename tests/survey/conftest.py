from __future__ import annotations

from pathlib import Path

import pytest

from parindex.methodology import yamlio
from parindex.survey import SurveyMethodology, parse_survey_methodology

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "survey"

TINY = """
parindex: 1
kind: survey
issuer: test
scheme: tiny
version: "1"
years: [2024]
title: {vi: Khảo sát thử, en: Tiny test survey}
status: confirmed
legal_basis: {decision: "none"}
min_answers: 4
scales:
  s5:
    label: s5
    levels: [1, 2, 3, 4, 5]
    satisfied: [4, 5]
    no_opinion: [8]
    not_applicable: [9]
    blank: [0]
    status: confirmed
overall: {status: inferred, aggregate: children}
structure:
  - code: F1
    label: {vi: Yếu tố 1, en: Factor 1}
    scale: s5
    children:
      - {code: a, label: Câu a}
      - {code: b, label: Câu b}
  - code: F2
    label: {vi: Yếu tố 2, en: Factor 2}
    scale: s5
    children:
      - {code: c, label: Câu c}
"""


def parse(text: str, file: str = "<test>") -> SurveyMethodology:
    return parse_survey_methodology(yamlio.load_yaml(text, file=file), file=file)


@pytest.fixture(scope="session")
def tiny_text() -> str:
    return TINY


@pytest.fixture(scope="session")
def parse_text() -> object:
    return parse


@pytest.fixture(scope="session")
def tiny() -> SurveyMethodology:
    return parse(TINY)
