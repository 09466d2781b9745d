"""The JSON Schemas: shipped, exposed, and matched by every card, ranking, gap report, assessment
and error parindex writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import parindex
from parindex.cli import main
from parindex.schemas import NAMES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
PAIRS = [
    ("illustrative-department-scheme.yaml", "example-assessments.yaml"),
    ("example-province-scheme-2025.yaml", "example-province-assessments-2025-q3.yaml"),
    ("example-province-scheme-2026.yaml", "example-province-assessments-2026-q1.yaml"),
]


def check(name: str, data: Any) -> None:
    s = parindex.schema(name)
    jsonschema.Draft202012Validator.check_schema(s)
    jsonschema.Draft202012Validator(s).validate(json.loads(json.dumps(data)))


@pytest.mark.parametrize("name", NAMES)
def test_every_schema_is_a_draft_2020_12_schema(name: str) -> None:
    s = parindex.schema(name)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(s)


def test_an_unknown_schema_is_a_library_error() -> None:
    with pytest.raises(parindex.ParIndexError):
        parindex.schema("nothing")


@pytest.mark.parametrize(("scheme", "inputs"), PAIRS)
def test_cards_rankings_gaps_and_assessments_match_their_schemas(scheme: str, inputs: str) -> None:
    m = parindex.load_file(EXAMPLES / scheme)
    assessments = parindex.read_assessments(EXAMPLES / inputs, methodology=m)
    cards = parindex.score_many(m, assessments, missing="zero")
    for a in assessments:
        check("assessment", a.to_dict())
    for card in cards:
        d = card.to_dict()
        check("card", d)
        assert d["format_version"] == "1" and d["library_version"] == parindex.__version__
        assert d["methodology"] == m.id and len(d["methodology_fingerprint"]) == 16
        check("gaps", parindex.gaps(card).to_dict())
    check("ranking", parindex.rank(cards).to_dict())


def test_the_shipped_index_card_matches_the_schema() -> None:
    m = parindex.load("vn-moha/province", year=2023)
    card = parindex.score(m, {"TD": 55, "KTXH": 5.25, "XHH": 18.5, "SIPAS": 83.45})
    check("card", card.to_dict())
    check("gaps", parindex.gaps(card).to_dict())


def test_errors_match_the_error_schema() -> None:
    m = parindex.load("vn-moha/province", year=2023)
    found = parindex.check_assessment(
        m, {"TD": 500, "KTXH": "x", "ZZ": 1, "XHH": {"value": 3, "not_applicable": True}}
    )
    assert found
    for e in found:
        check("error", e.to_dict())
        check("error", e.to_dict("en"))
    check("error", parindex.ErrorList(found).to_dict())


def test_a_period_stays_a_text() -> None:
    a = parindex.Assessment.from_dict({"unit": "A", "period": 2023, "values": {}})
    assert a.period == "2023"


def test_the_schema_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "card"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "parindex score card"
