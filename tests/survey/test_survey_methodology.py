from __future__ import annotations

from collections.abc import Callable

import pytest

from parindex.errors import MethodologyError
from parindex.methodology import registry
from parindex.survey import SurveyMethodology, load_methodology


def test_shipped_files_load_through_the_registry() -> None:
    for ident in ("vn-moha/sipas/2017", "vn-moha/sipas/2023"):
        m = registry.load(ident, kind="survey")
        assert isinstance(m, SurveyMethodology)
        assert m.id == ident
        assert m.complete is False  # criteria or contents not public
        assert m.title.vi and m.title.en


def test_2023_structure_follows_the_reference() -> None:
    m = load_methodology("vn-moha/sipas/2023")
    assert m.legal_basis.decision == "1001/QĐ-BNV"
    assert m.legal_basis.date == "2023-12-11"
    assert m.top == ("CS", "DV")
    assert len(m["CS"].children) == 9
    assert all(len(m[g].children) == 4 for g in m["CS"].children)
    assert m["DV"].children == ("S1", "S2", "S3", "S4", "S5")
    assert len(m["S1"].children) == 3 and len(m["S2"].children) == 4
    assert m["S3"].status == "unknown" and m["S3"].is_item
    assert m.overall_status == "inferred"
    assert m.scales["satisfaction5"].satisfied == (4, 5)
    assert m.scales["satisfaction5"].status == "inferred"


def test_2017_criteria_split_is_marked_inferred() -> None:
    m = load_methodology("vn-moha/sipas/2017")
    assert [len(m[f].children) for f in m.top] == [4, 5, 6, 3, 4]
    assert len(m.items) == 22
    assert all(m[c].status == "inferred" for c in m.items)
    assert all(m[f].status == "confirmed" for f in m.top)
    assert m.overall_status == "unknown"


def test_load_by_scheme_and_year() -> None:
    assert registry.load("vn-moha/sipas", year=2024, kind="survey").id == "vn-moha/sipas/2023"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("min_answers: 4", "min_answers: 4\nbogus: 1"), "unknown key 'bogus'"),
        (("satisfied: [4, 5]", "satisfied: [4, 6]"), "satisfied level"),
        (("no_opinion: [8]", "no_opinion: [5]"), "must not overlap"),
        (("{code: c, label: Câu c}", "{code: a, label: Câu c}"), "used twice"),
        (
            ("    scale: s5\n    children:\n      - {code: c", "    children:\n      - {code: c"),
            "needs a 'scale'",
        ),
        (("levels: [1, 2, 3, 4, 5]", "levels: [1, 2, 3, 4, 500]"), "0 to 126"),
        (("kind: survey", "kind: scoring"), "expected one of survey"),
    ],
)
def test_bad_files_are_refused_with_a_position(
    change: tuple[str, str], message: str, tiny_text: str, parse_text: Callable[..., object]
) -> None:
    text = tiny_text.replace(*change)
    assert text != tiny_text
    with pytest.raises(MethodologyError, match=message) as info:
        parse_text(text, file="bad.yaml")
    assert "bad.yaml" in str(info.value)


def test_load_methodology_refuses_an_unknown_id() -> None:
    with pytest.raises(MethodologyError):
        load_methodology("vn-moha/sipas/1999")
