"""Scheme families: loading, member choice, and scoring a province's units with them."""

from __future__ import annotations

from pathlib import Path

import pytest

import parindex
from parindex import Assessment, MethodologyError, UnitError
from parindex.schemes import SchemeFamily, families, load_applicability, load_family, score_family
from parindex.units import UnitList, load_unit_list
from tests.conftest import EXAMPLES

FAMILY = EXAMPLES / "illustrative-family.yaml"
DEPT = str(EXAMPLES / "illustrative-department-scheme.yaml")
COMMUNE = str(EXAMPLES / "illustrative-commune-scheme.yaml")


@pytest.fixture(scope="module")
def family() -> SchemeFamily:
    return load_family(FAMILY)


@pytest.fixture(scope="module")
def units() -> UnitList:
    return load_unit_list(EXAMPLES / "example-unit-list.yaml")


def test_the_illustrative_family(family: SchemeFamily) -> None:
    assert family.id == "example/2025" and family.years == (2025, 2026) and family.province is None
    assert [(m.id, m.unit_types) for m in family] == [
        ("example/department/2025", ("department",)),
        ("example/commune/2025", ("commune", "ward")),
    ]
    dept, commune = family.members
    # department tree: appraised 6 + 5 + 10 + 63 = 84 (bonus and penalty apart), survey 4 + 12 = 16
    assert (dept.scale, dept.appraised_points, dept.survey_points) == (100, 84, 16)
    assert (commune.appraised_points, commune.survey_points) == (70, 30)
    assert commune.methodology.not_applicable == "share"
    assert family.unit_types == ("department", "commune", "ward")


def test_member_choice_by_unit_type(family: SchemeFamily, units: UnitList) -> None:
    assert family.member_for("department").scheme == "department"
    assert family.member_for("ward").id == "example/commune/2025"
    assert family.member("commune") is family.member_for("commune")
    assert family.member_for_unit("phuong-minh-hoa", units).scheme == "commune"
    with pytest.raises(
        UnitError, match="no tree of the family example/2025 scores units of type 'district'"
    ) as e:
        family.member_for("district", unit="huyen-x")
    assert (e.value.unit, e.value.value) == ("huyen-x", "district")
    with pytest.raises(UnitError, match=r"no unit 'so-noi-vuu'.*did you mean so-noi-vu"):
        family.member_for_unit("so-noi-vuu", units)
    with pytest.raises(MethodologyError, match="no member 'ward'"):
        family.member("ward")


def _assessments() -> list[Assessment]:
    return [
        Assessment.from_mapping(
            {
                "1.1": "on_time",
                "1.2": {"late": 1},
                "1.3": 100,
                "2.1": 90,
                "2.2": "full",
                "3.1": 30,
                "5.1": 4,
                "5.2": 85,
            },
            unit="phuong-minh-hoa",
        ),
        Assessment.from_mapping(
            {
                "1.1": "on_time",
                "1.2": 92,
                "1.3": {},
                "1.4": {"a": 0, "b": 0, "c": 0},
                "1.5": 40,
                "3.1": 4,
                "3.2": 60,
                "5": 60,
                "4.1": 4,
                "4.2": 80,
            },
            unit="so-ngoai-vu",
        ),
        Assessment.from_mapping(
            {
                "1.1": "on_time",
                "1.2": {"late": 0},
                "1.3": 95,
                "2.1": 100,
                "2.2": "partial",
                "3.1": 55,
                "3.2": 40,
                "4.1": "met",
                "5.1": 5,
                "5.2": 90,
            },
            unit="xa-minh-hoa",
        ),
    ]


def test_score_family_hand_worked(family: SchemeFamily, units: UnitList) -> None:
    app = load_applicability(EXAMPLES / "example-applicability.yaml")
    cards = score_family(family, units, _assessments(), year=2025, applicability=app)
    # unit-list order, not input order
    assert [c.unit for c in cards] == ["so-ngoai-vu", "xa-minh-hoa", "phuong-minh-hoa"]

    # so-ngoai-vu (department tree, drop): domain 2 named not applicable → 87.6 of 95.
    d = cards["so-ngoai-vu"]
    assert d.methodology.id == "example/department/2025" and d.unit_type == "department"
    assert d.points == pytest.approx(87.6) and d.max_points == 95

    # xa-minh-hoa (commune tree): 1: 5 + 5 + 5 = 15; 2: 15 + 5 = 20; 3: 10 + 4 = 14; 4: 10;
    # 5: 10 × (5 − 1) / 4 = 10 and 20 × 90 % = 18 → 28. Total 87 of 100.
    x = cards["xa-minh-hoa"]
    assert x.unit_type == "commune" and not x.not_applicable
    assert [r.points for r in x.domains] == [15, 20, 14, 10, 28] and x.points == 87

    # phuong-minh-hoa (ward, share): 1: 5 + 4 + 5 = 14; 2: 13.5 + 10 = 23.5;
    # 3: 3.1 earns 6, 3.2 named not applicable → 6 × 20 / 10 = 12; 4 does not apply to wards;
    # 5: 7.5 + 17 = 24.5. Root: (14 + 23.5 + 12 + 24.5) × 100 / 90 = 74 × 10 / 9.
    w = cards["phuong-minh-hoa"]
    assert w.unit_type == "ward"
    assert w["3"].shared == 2 and w["3"].points == 12
    assert w["4"].not_applicable and w.total.shared == pytest.approx(100 / 90)
    assert w.points == pytest.approx(740 / 9) and w.max_points == 100
    assert w.group is not None and w.group.code == "Khá"  # 82.22 ≥ 80 (illustrative thresholds)

    assert [c.unit for c in cards.by_scheme("commune")] == ["xa-minh-hoa", "phuong-minh-hoa"]
    ranking = parindex.rank(cards.by_scheme("commune"))
    assert [row.unit for row in ranking.rows] == ["xa-minh-hoa", "phuong-minh-hoa"]
    assert cards.missing_units() == ("so-noi-vu", "so-tu-phap", "van-phong-ubnd")
    with pytest.raises(UnitError, match="no card for this unit; did you mean so-ngoai-vu"):
        cards["so-noi-vuu"]


def test_score_family_refuses_unknown_units_all_named(
    family: SchemeFamily, units: UnitList
) -> None:
    items = [
        *_assessments(),
        Assessment.from_mapping({}, unit="so-tai-chinh"),
        Assessment.from_mapping({}, unit="xa-minh-hoaa"),
    ]
    with pytest.raises(UnitError) as e:
        score_family(family, units, items, year=2025)
    msg = str(e.value)
    assert "2 unit(s) not in the unit list" in msg and "'so-tai-chinh'" in msg
    assert "'xa-minh-hoaa' (did you mean xa-minh-hoa, phuong-minh-hoa?)" in msg
    assert e.value.unit == "so-tai-chinh"


def test_score_family_checks_types_years_and_duplicates(
    family: SchemeFamily, units: UnitList
) -> None:
    wrong = [Assessment("so-tu-phap", {"self": {}}, unit_type="commune")]
    with pytest.raises(
        UnitError, match="'so-tu-phap' is given as 'commune' but listed as 'department'"
    ):
        score_family(family, units, wrong)
    with pytest.raises(MethodologyError, match="governs 2025, 2026, not 2024"):
        score_family(family, units, [], year=2024)
    twice = [
        Assessment.from_mapping({}, unit="so-noi-vu"),
        Assessment.from_mapping({}, unit="so-noi-vu"),
    ]
    with pytest.raises(UnitError, match="two assessments"):
        score_family(family, units, twice)
    # a scheme-specific type declared by the member methodology is accepted
    sub = Assessment("so-tu-phap", {"self": {"5": 50}}, unit_type="department_no_tthc")
    card = score_family(family, units, [sub])["so-tu-phap"]
    assert (
        card.unit_type == "department_no_tthc"
        and card["2"].not_applicable
        and card.max_points == 95
    )


def test_unit_list_period_and_province_must_fit(tmp_path: Path) -> None:
    early = UnitList.from_mapping(
        {
            "province": "Gia Lai",
            "valid_from": "2024-01-01",
            "valid_to": "2024-12-31",
            "units": [{"id": "so-noi-vu", "name": "Sở Nội vụ", "type": "department"}],
        },
        source="gia-lai-2024.yaml",
    )
    fam = load_family(FAMILY)
    with pytest.raises(UnitError, match="outside the year 2025") as e:
        score_family(fam, early, [], year=2025)
    assert e.value.file == "gia-lai-2024.yaml"
    ht = load_family("ha-tinh/2019")
    with pytest.raises(UnitError, match=r"is for Hà Tĩnh \(42\), the unit list for Gia Lai \(64\)"):
        score_family(ht, early, [])


def _family_file(tmp_path: Path, members: str, extra: str = "") -> Path:
    f = tmp_path / "family.yaml"
    f.write_text(
        "parindex: 1\nkind: family\nissuer: example\nversion: '2025'\nyears: [2025]\n"
        "title: {vi: 'Thử', en: 'Test'}\nstatus: inferred\nlegal_basis: {decision: TEST}\n"
        + extra
        + "members:\n"
        + members,
        encoding="utf-8",
    )
    return f


@pytest.mark.parametrize(
    ("members", "message", "line"),
    [
        (
            f"  - {{file: '{COMMUNE}', unit_types: [xa]}}\n",
            "a unit type is one of department, district",
            10,
        ),
        (
            f"  - {{file: '{COMMUNE}', unit_types: [district]}}\n",
            "example/commune/2025 declares the unit types commune, ward",
            10,
        ),
        (
            f"  - {{file: '{COMMUNE}', methodology: ha-tinh/commune/2019, unit_types: [commune]}}\n",
            "give either 'methodology'",
            10,
        ),
        (
            "  - {methodology: ha-tinh/commune/2019, unit_types: [commune]}\n",
            "issuer 'ha-tinh' is not the family's 'example'",
            10,
        ),
        (
            "  - {file: missing.yaml, unit_types: [commune]}\n",
            "the member cannot be loaded: .*cannot read the file",
            10,
        ),
        (
            f"  - {{file: '{COMMUNE}', unit_types: [commune], scale: 60}}\n",
            "unknown key 'scale'",
            10,
        ),
    ],
)
def test_family_file_errors(tmp_path: Path, members: str, message: str, line: int) -> None:
    f = _family_file(tmp_path, members)
    with pytest.raises(MethodologyError, match=message) as e:
        load_family(f)
    assert e.value.file == str(f) and e.value.line == line


def test_one_tree_per_unit_type(tmp_path: Path) -> None:
    ward = tmp_path / "ward.yaml"
    ward.write_text(
        Path(COMMUNE).read_text(encoding="utf-8").replace("scheme: commune", "scheme: ward"),
        encoding="utf-8",
    )
    f = _family_file(
        tmp_path,
        f"  - {{file: '{COMMUNE}', unit_types: [commune, ward]}}\n  - {{file: ward.yaml, unit_types: [ward]}}\n",
    )
    with pytest.raises(
        MethodologyError,
        match="units of type 'ward' are already scored in 2025 by example/commune/2025; one tree per type and year",
    ) as e:
        load_family(f)
    assert e.value.line == 11 and e.value.value == "ward"


def test_family_years_must_be_governed_by_every_member(tmp_path: Path) -> None:
    f = _family_file(tmp_path, f"  - {{file: '{COMMUNE}', unit_types: [commune]}}\n")
    f.write_text(
        f.read_text(encoding="utf-8").replace("years: [2025]", "years: [2024, 2025]"),
        encoding="utf-8",
    )
    with pytest.raises(
        MethodologyError,
        match=r"example/commune/2025 does not govern the year\(s\) 2024 \(it governs 2025, 2026\)",
    ):
        load_family(f)


def test_family_province_is_resolved(tmp_path: Path) -> None:
    f = _family_file(
        tmp_path, f"  - {{file: '{COMMUNE}', unit_types: [commune]}}\n", "province: binh dinh\n"
    )
    with pytest.raises(MethodologyError, match="merged into Gia Lai") as e:
        load_family(f)
    assert e.value.line is not None
    f = _family_file(
        tmp_path, f"  - {{file: '{COMMUNE}', unit_types: [commune]}}\n", "province: gia lai\n"
    )
    fam = load_family(f)
    assert fam.province is not None and fam.province.id == "gia-lai-2025"


def test_shipped_families() -> None:
    assert "ha-tinh/2019" in families()
    assert load_family("ha-tinh", year=2019).id == "ha-tinh/2019"
    with pytest.raises(MethodologyError, match="no shipped family of ha-tinh governs the 2020"):
        load_family("ha-tinh", year=2020)
    with pytest.raises(
        MethodologyError, match=r"no shipped family ha-tinh/2018; shipped families: .*ha-tinh/2019"
    ):
        load_family("ha-tinh/2018")


def test_family_files_are_not_taken_for_methodologies() -> None:
    assert not any("family" in i.id for i in parindex.available())


def _tree(tmp_path: Path, scheme: str, version: str, years: str) -> str:
    name = f"{scheme}-{version}.yaml"
    (tmp_path / name).write_text(
        f"parindex: 1\nissuer: example\nscheme: {scheme}\nversion: '{version}'\nyears: {years}\n"
        "title: 'Thử'\nstatus: inferred\ndetail: components\nlegal_basis: {decision: TEST}\n"
        "scale: 100\nnot_applicable: drop\n"
        "nodes:\n  - {code: TD, label: 'Thẩm định', max: 100, method: appraisal}\n",
        encoding="utf-8",
    )
    return name


def test_members_for_part_of_the_years(tmp_path: Path) -> None:
    # 2024–2025: districts exist in 2024 only; communes change tree in 2025.
    district = _tree(tmp_path, "district", "2024", "[2024]")
    commune_old = _tree(tmp_path, "commune", "2024", "[2024]")
    commune_new = _tree(tmp_path, "commune", "2025", "[2025]")
    f = _family_file(
        tmp_path,
        f"  - {{file: {district}, unit_types: [district], years: [2024]}}\n"
        f"  - {{file: {commune_old}, unit_types: [commune, ward], years: [2024]}}\n"
        f"  - {{file: {commune_new}, unit_types: [commune, ward], years: [2025]}}\n",
    )
    f.write_text(
        f.read_text(encoding="utf-8").replace("years: [2025]\n", "years: [2024, 2025]\n", 1),
        encoding="utf-8",
    )
    fam = load_family(f)
    assert [m.years for m in fam] == [(2024,), (2024,), (2025,)]
    assert fam.member_for("district", 2024).id == "example/district/2024"
    assert fam.member_for("ward", 2024).id == "example/commune/2024"
    assert fam.member_for("ward", 2025).id == "example/commune/2025"
    with pytest.raises(UnitError, match="scores units of type 'district' in 2025"):
        fam.member_for("district", 2025)
    units = UnitList.from_mapping(
        {
            "province": "Hà Tĩnh",
            "valid_from": "2025-07-01",
            "valid_to": None,
            "units": [{"id": "xa-a", "name": "Xã A", "type": "commune"}],
        },
        source="ha-tinh-2025.yaml",
    )
    card = score_family(fam, units, [Assessment.from_mapping({"TD": 70}, unit="xa-a")], year=2025)
    assert card["xa-a"].methodology.id == "example/commune/2025" and card["xa-a"].points == 70


def test_member_years_must_be_family_years(tmp_path: Path) -> None:
    f = _family_file(tmp_path, f"  - {{file: '{COMMUNE}', unit_types: [commune], years: [2026]}}\n")
    with pytest.raises(MethodologyError, match="a member's years must be among them") as e:
        load_family(f)
    assert e.value.line == 10
