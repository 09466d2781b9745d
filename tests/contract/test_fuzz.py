"""Fuzzing at the boundary: arbitrary JSON as assessments, cards and web requests; only the
library's own errors may come out. A few hundred cases by default; PARINDEX_FUZZ=thorough runs
10,000 per target."""

from __future__ import annotations

import json
import os
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parindex
from parindex.card import ScoreCard

pytest.importorskip("fastapi")
from parindex.server import handlers

THOROUGH = os.environ.get("PARINDEX_FUZZ") == "thorough"
FUZZ = settings(
    max_examples=10_000 if THOROUGH else 150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
M = parindex.load("vn-moha/province", year=2023)
CODES = st.sampled_from(["TD", "KTXH", "XHH", "SIPAS", "", "1", "x"])
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(["NA", "false", "on_time", "\ud800"])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
ENTRY = SCALARS | st.fixed_dictionaries(
    {},
    optional={
        "value": JSON,
        "not_applicable": JSON,
        "note": JSON,
        "evidence": JSON,
    },
)
VALUES = st.dictionaries(CODES, ENTRY, max_size=5) | JSON
ASSESSMENT = VALUES | st.fixed_dictionaries(
    {}, optional={"unit": JSON, "period": JSON, "values": VALUES, "stages": JSON}
)


def _only_library_errors(call: Any, *args: Any) -> None:
    try:
        call(*args)
    except parindex.ParIndexError as exc:
        json.dumps(exc.to_dict(), allow_nan=False).encode("utf-8")


@FUZZ
@given(ASSESSMENT)
def test_assessments(data: Any) -> None:
    _only_library_errors(
        handlers.do_score, {"methodology": "vn-moha/province", "year": 2023, "assessment": data}
    )


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "methodology",
                "year",
                "assessment",
                "assessments",
                "collect",
                "tie",
                "previous",
                "upto",
                "missing",
            ]
        ),
        JSON | ASSESSMENT,
        max_size=5,
    )
)
def test_requests(data: Any) -> None:
    for work in (
        handlers.do_score,
        handlers.do_score_many,
        handlers.do_rank,
        handlers.do_gaps,
        handlers.do_compare,
    ):
        _only_library_errors(work, data)


CARD = parindex.score(M, {"TD": 55, "KTXH": 5.25, "XHH": 18.5, "SIPAS": 83.45}).to_dict()


@FUZZ
@given(
    st.sampled_from(sorted(CARD)),
    JSON,
    st.integers(0, 4),
    st.sampled_from(["code", "points", "max", "layers"]),
)
def test_cards(key: str, value: Any, node: int, node_key: str) -> None:
    data = json.loads(json.dumps(CARD))
    if key == "nodes" and node < len(data["nodes"]):
        data["nodes"][node][node_key] = value
    else:
        data[key] = value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        _only_library_errors(ScoreCard.from_dict, data, M)


@FUZZ
@given(st.binary(max_size=64) | JSON.map(lambda x: json.dumps(x).encode()))
def test_bodies(body: bytes) -> None:
    _only_library_errors(handlers.parse_json, body)


def test_a_card_with_an_unknown_code_is_refused_with_its_pointer() -> None:
    data = json.loads(json.dumps(CARD))
    data["nodes"][1]["code"] = "ZZ"
    with pytest.raises(parindex.ParIndexError) as info:
        ScoreCard.from_dict(data, M)
    assert info.value.error_code == "unknown-code"
    assert info.value.pointer == "/nodes/1/code"
    data["nodes"][1] = {"code": "TD"}
    with pytest.raises(parindex.ParIndexError) as info:
        ScoreCard.from_dict(data, M)
    assert info.value.error_code == "invalid-card"


def test_an_entry_with_a_number_as_evidence_is_refused() -> None:
    with pytest.raises(parindex.AssessmentError) as info:
        parindex.Assessment.from_mapping({"TD": {"value": 1, "evidence": 5}})
    assert info.value.error_code == "wrong-type"
