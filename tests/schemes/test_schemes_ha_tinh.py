"""The worked example: Hà Tĩnh's four trees of Decision 52/2019/QĐ-UBND, only what it confirms."""

from __future__ import annotations

import pytest

import parindex
from parindex import AssessmentError, UnitError
from parindex.schemes import load_family, score_family
from parindex.units import UnitList

# scheme: (domains, criteria, appraised, survey, scale), as Decision 52/2019/QĐ-UBND gives them
CONFIRMED = {
    "department": (8, 39, 80, 20, 100),
    "district": (9, 44, 80, 20, 100),
    "commune": (9, 34, 70, 30, 100),
    "central-agency": (5, 21, 40, 20, 60),
}


@pytest.mark.parametrize("scheme", sorted(CONFIRMED))
def test_the_confirmed_numbers(scheme: str) -> None:
    domains, criteria, td, xhh, scale = CONFIRMED[scheme]
    m = parindex.load(f"ha-tinh/{scheme}/2019")
    assert m.legal_basis.decision == "52/2019/QĐ-UBND" and m.years == (2019,)
    assert m.detail == "components" and m.status == "confirmed" and m.grouping is None
    assert m.scale == scale and m.complete
    assert [n.code for n in m.walk()] == ["CCHC", "TD", "XHH"]
    assert m["CCHC"].counts == {"criteria": criteria} and m["CCHC"].max == scale
    assert (m["TD"].max, m["TD"].method) == (td, "appraisal")
    assert (m["XHH"].max, m["XHH"].method) == (xhh, "survey")
    assert all(
        n.status == "confirmed" and n.rule is not None and n.rule.kind == "points"
        for n in m.leaves()
    )
    assert any(f"{domains} domains" in note and "[confirmed" in note for note in m.notes)
    assert any("[unknown]" in note and "Tốt / Khá / Trung bình / Yếu" in note for note in m.notes)
    assert any("[inferred]" in note and "'drop'" in note for note in m.notes)


def test_the_family() -> None:
    fam = load_family("ha-tinh/2019")
    assert fam.province is not None and fam.province.code == "42"
    assert fam.legal_basis.decision == "52/2019/QĐ-UBND"
    rows = [(m.scheme, m.unit_types, m.scale, m.appraised_points, m.survey_points) for m in fam]
    assert rows == [
        ("department", ("department",), 100, 80, 20),
        ("district", ("district",), 100, 80, 20),
        ("commune", ("commune", "ward"), 100, 70, 30),
        ("central-agency", ("central_agency",), 60, 40, 20),
    ]


def test_scoring_the_components() -> None:
    fam = load_family("ha-tinh", year=2019)
    units = UnitList.from_mapping(
        {
            "province": "Hà Tĩnh",
            "valid_from": "2019-01-01",
            "valid_to": "2019-12-31",
            "units": [
                {"id": "so-a", "name": "Sở A (ví dụ)", "type": "department"},
                {"id": "huyen-b", "name": "Huyện B (ví dụ)", "type": "district"},
                {"id": "xa-c", "name": "Xã C (ví dụ)", "type": "commune"},
                {"id": "cq-d", "name": "Cơ quan D (ví dụ)", "type": "central_agency"},
            ],
        },
        source="ha-tinh-2019.yaml",
    )
    items = [
        parindex.Assessment.from_mapping({"TD": 72.5, "XHH": 16.25}, unit="so-a"),
        parindex.Assessment.from_mapping({"TD": 70, "XHH": 15}, unit="huyen-b"),
        parindex.Assessment.from_mapping({"TD": 63, "XHH": 24.6}, unit="xa-c"),
        parindex.Assessment.from_mapping({"TD": 35, "XHH": 15}, unit="cq-d"),
    ]
    cards = score_family(fam, units, items, year=2019)
    assert cards["so-a"].points == 88.75 and cards["so-a"].index == 88.75
    assert (
        cards["huyen-b"].methodology.id == "ha-tinh/district/2019" and cards["huyen-b"].points == 85
    )
    assert cards["xa-c"].points == pytest.approx(87.6)
    # central agencies: 50 of 60 points → 83.33 %
    cq = cards["cq-d"]
    assert cq.points == 50 and cq.max_points == 60 and cq.index == pytest.approx(250 / 3)
    assert cq.group is None  # thresholds not known: no class is invented
    with pytest.raises(AssessmentError, match="no input for 1 item\\(s\\): XHH"):
        score_family(fam, units, [parindex.Assessment.from_mapping({"TD": 70}, unit="so-a")])
    with pytest.raises(AssessmentError, match="points must lie between 0 and 80") as e:
        score_family(
            fam, units, [parindex.Assessment.from_mapping({"TD": 81, "XHH": 10}, unit="so-a")]
        )
    assert (e.value.unit, e.value.code, e.value.value) == ("so-a", "TD", 81)
    with pytest.raises(
        UnitError, match="no tree of the family ha-tinh/2019 scores units of type 'other'"
    ):
        fam.member_for("other")
