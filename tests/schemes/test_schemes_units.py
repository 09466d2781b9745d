"""Validation of assessments and unit-keyed mappings against a province's unit list."""

from __future__ import annotations

import pytest

import parindex
from parindex import Assessment, UnitError
from parindex.schemes import Applicability, check_units, load_applicability
from parindex.units import UnitList, load_unit_list
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def units() -> UnitList:
    return load_unit_list(EXAMPLES / "example-unit-list.yaml")


def test_all_known(units: UnitList) -> None:
    check = check_units(units, ["so-noi-vu", "xa-minh-hoa"])
    assert check.ok and check.unknown == () and check.wrong_type == ()
    assert check.missing == ("so-tu-phap", "so-ngoai-vu", "van-phong-ubnd", "phuong-minh-hoa")
    check.raise_for_errors()  # nothing to raise
    with pytest.raises(
        UnitError, match=r"4 unit\(s\) of the unit list .* have nothing: so-tu-phap, so-ngoai-vu"
    ):
        check.raise_for_errors(require_all=True)


def test_unknown_units_are_listed_in_order_with_suggestions(units: UnitList) -> None:
    items = [
        Assessment.from_mapping({}, unit=u)
        for u in ("so-tai-chinh", "so-noi-vu", "so-tu-phapp", "so-tai-chinh")
    ]
    check = check_units(units, items, source="q3.csv")
    assert not check.ok and check.unknown == ("so-tai-chinh", "so-tu-phapp")
    assert check.suggestions["so-tu-phapp"][0] == "so-tu-phap"
    with pytest.raises(UnitError) as e:
        check.raise_for_errors()
    err = e.value
    assert (err.file, err.unit, err.value) == (
        "q3.csv",
        "so-tai-chinh",
        ["so-tai-chinh", "so-tu-phapp"],
    )
    assert "2 unit(s) not in the unit list" in str(err) and "did you mean so-tu-phap" in str(err)


def test_unit_types_must_agree(units: UnitList) -> None:
    items = [
        Assessment("xa-minh-hoa", {"self": {}}, unit_type="ward"),
        Assessment(
            "so-noi-vu", {"self": {}}, unit_type="department_no_tthc"
        ),  # scheme-specific: fine
        Assessment("so-tu-phap", {"self": {}}, unit_type="department"),
    ]
    check = check_units(units, items)
    assert check.wrong_type == (("xa-minh-hoa", "ward", "commune"),)
    with pytest.raises(
        UnitError, match="'xa-minh-hoa' is given as 'ward' but listed as 'commune'"
    ) as e:
        check.raise_for_errors()
    assert (e.value.unit, e.value.value) == ("xa-minh-hoa", "ward")


def test_mappings_cards_and_nested_values(units: UnitList) -> None:
    targets = {"so-noi-vu": 90.0, "ubnd-huyen": 80.0}
    assert check_units(units, targets).unknown == ("ubnd-huyen",)
    # a map whose values name units (criterion → lead and cooperating units)
    responsible = {"1.1": ["so-noi-vu"], "2.1": ("so-tu-phap", "so-tnmt"), "3.2": "van-phong-ubnd"}
    assert check_units(units, responsible.values()).unknown == ("so-tnmt",)
    m = parindex.load_file(EXAMPLES / "illustrative-department-scheme.yaml")
    card = parindex.score(m, Assessment.from_mapping({"5": 50}, unit="so-kh-dt"))
    assert check_units(units, [card]).unknown == ("so-kh-dt",)
    with pytest.raises(UnitError, match="expected assessments, cards, unit ids"):
        check_units(units, [42])


def test_missing_can_be_restricted_to_types(units: UnitList) -> None:
    check = check_units(units, ["so-noi-vu"], types=["commune", "ward"])
    assert check.missing == ("xa-minh-hoa", "phuong-minh-hoa")
    with pytest.raises(UnitError, match="unit type must be one of"):
        check_units(units, [], types=["xa"])


def test_applicability_names_only_listed_units(units: UnitList) -> None:
    app = load_applicability(EXAMPLES / "example-applicability.yaml")
    app.check_units(units)  # the example file fits the example list
    bad = Applicability.from_mapping(
        {
            "parindex": 1,
            "kind": "applicability",
            "rules": [{"units": ["so-ngoai-vu", "so-ngoai-vuu"], "codes": ["2"], "reason": "x"}],
        },
        source="app.yaml",
    )
    with pytest.raises(UnitError, match=r"not in the unit list .*did you mean so-ngoai-vu") as e:
        bad.check_units(units)
    assert (e.value.file, e.value.unit) == ("app.yaml", "so-ngoai-vuu")
    other = Applicability.from_mapping(
        {
            "parindex": 1,
            "kind": "applicability",
            "province": "Hà Tĩnh",
            "on": "2024-01-01",
            "rules": [{"units": ["so-noi-vu"], "codes": ["2"], "reason": "x"}],
        },
        source="ha-tinh.yaml",
    )
    with pytest.raises(UnitError, match="for Hà Tĩnh \\(42\\), the unit list for Gia Lai"):
        other.check_units(units)


def test_applicability_province_must_exist() -> None:
    with pytest.raises(UnitError, match="merged into Gia Lai") as e:
        Applicability.from_mapping(
            {
                "parindex": 1,
                "kind": "applicability",
                "province": "Bình Định",
                "on": "2025-08-01",
                "rules": [],
            },
            source="bd.yaml",
        )
    assert e.value.file == "bd.yaml"
