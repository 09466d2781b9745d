"""Tests of the province registry, regional means, pro-forma figures and unit lists."""

from __future__ import annotations

import datetime as dt
import math
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from parindex.errors import UnitError
from parindex.units import (
    ProForma,
    Province,
    UnitList,
    components_of,
    load_unit_list,
    merger_date,
    national_mean,
    normalize_name,
    pro_forma,
    province,
    provinces,
    region,
    region_of,
    regional_means,
    regions,
    successor_of,
)
from parindex.units.registry import build_registry as _build

BEFORE = "2024-06-01"
AFTER = "2025-08-01"

# The reorganisation of 1 July 2025, written out by hand from the National Assembly resolution
# (new name = first component listed).
MERGED = {
    "Tuyên Quang": ["Tuyên Quang", "Hà Giang"],
    "Lào Cai": ["Lào Cai", "Yên Bái"],
    "Thái Nguyên": ["Thái Nguyên", "Bắc Kạn"],
    "Phú Thọ": ["Phú Thọ", "Vĩnh Phúc", "Hòa Bình"],
    "Bắc Ninh": ["Bắc Ninh", "Bắc Giang"],
    "Hưng Yên": ["Hưng Yên", "Thái Bình"],
    "Hải Phòng": ["Hải Phòng", "Hải Dương"],
    "Ninh Bình": ["Ninh Bình", "Hà Nam", "Nam Định"],
    "Quảng Trị": ["Quảng Trị", "Quảng Bình"],
    "Đà Nẵng": ["Đà Nẵng", "Quảng Nam"],
    "Quảng Ngãi": ["Quảng Ngãi", "Kon Tum"],
    "Gia Lai": ["Gia Lai", "Bình Định"],
    "Khánh Hòa": ["Khánh Hòa", "Ninh Thuận"],
    "Lâm Đồng": ["Lâm Đồng", "Đắk Nông", "Bình Thuận"],
    "Đắk Lắk": ["Đắk Lắk", "Phú Yên"],
    "Thành phố Hồ Chí Minh": ["Thành phố Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"],
    "Đồng Nai": ["Đồng Nai", "Bình Phước"],
    "Tây Ninh": ["Tây Ninh", "Long An"],
    "Cần Thơ": ["Cần Thơ", "Sóc Trăng", "Hậu Giang"],
    "Vĩnh Long": ["Vĩnh Long", "Bến Tre", "Trà Vinh"],
    "Đồng Tháp": ["Đồng Tháp", "Tiền Giang"],
    "Cà Mau": ["Cà Mau", "Bạc Liêu"],
    "An Giang": ["An Giang", "Kiên Giang"],
}
UNCHANGED = {
    "Hà Nội": "01",
    "Huế": "46",
    "Lai Châu": "12",
    "Điện Biên": "11",
    "Sơn La": "14",
    "Lạng Sơn": "20",
    "Quảng Ninh": "22",
    "Thanh Hóa": "38",
    "Nghệ An": "40",
    "Hà Tĩnh": "42",
    "Cao Bằng": "04",
}


# ---------------------------------------------------------------------------------------------
# The data file


def test_data_file_ships_in_the_package_with_source_and_status_per_fact_group() -> None:
    path = resources.files("parindex") / "data" / "provinces.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for group in ("provinces", "name_history", "regions", "reorganisation"):
        assert data[group]["status"] in {"confirmed", "derived", "inferred", "unknown"}
        assert data[group]["source"].strip()
    assert data["reorganisation"]["codes"]["merged"]["status"] == "unknown"
    assert data["reorganisation"]["codes"]["unchanged"]["status"] == "derived"
    assert data["reorganisation"]["regions"]["status"] == "derived"


def test_63_units_before_and_34_after_the_merger() -> None:
    before = provinces(BEFORE)
    after = provinces(AFTER)
    assert len(before) == 63
    assert len(after) == 34
    assert len(provinces("2025-06-30")) == 63
    assert len(provinces("2025-07-01")) == 34
    assert len(provinces(dt.date(2010, 1, 1))) == 63
    assert len(provinces()) == 34  # today is after 1 July 2025
    assert len({p.code for p in before}) == 63
    assert all(p.code is not None and len(p.code) == 2 for p in before)
    assert [p.code for p in before][:5] == ["01", "02", "04", "06", "08"]
    assert before[-1].label == "Cà Mau (96)"
    ids = [p.id for p in before] + [p.id for p in after]
    assert len(set(ids)) == 63 + 34 - 11  # the eleven unchanged units are the same records


def test_regions_have_14_11_14_5_6_13_provinces_and_cover_the_63_once() -> None:
    assert [len(r.provinces) for r in regions()] == [14, 11, 14, 5, 6, 13]
    assert [r.name for r in regions()] == [
        "Trung du và miền núi phía Bắc",
        "Đồng bằng sông Hồng",
        "Bắc Trung Bộ và Duyên hải miền Trung",
        "Tây Nguyên",
        "Đông Nam Bộ",
        "Đồng bằng sông Cửu Long",
    ]
    codes = [c for r in regions() for c in r.provinces]
    assert sorted(codes) == sorted(str(p.code) for p in provinces(BEFORE))
    for p in provinces(BEFORE):
        assert p.region is not None
        assert p.code in region(p.region).provinces
    assert region("Tây Nguyên").provinces == ("62", "64", "66", "67", "68")
    assert region("central highlands").id == "tay-nguyen"
    assert region("dong-nam-bo").provinces == ("70", "72", "74", "75", "77", "79")


def test_merger_composition_matches_the_resolution() -> None:
    after = provinces(AFTER)
    merged = [p for p in after if p.predecessors]
    unchanged = [p for p in after if not p.predecessors]
    assert len(merged) == 23
    assert len(unchanged) == 11
    assert {p.name: p.code for p in unchanged} == UNCHANGED
    assert {p.name: [c.name for c in components_of(p.id)] for p in merged} == MERGED
    covered = [c.id for p in after for c in components_of(p.id)]
    assert len(covered) == 63
    assert sorted(covered) == sorted(p.id for p in provinces(BEFORE))
    for old in provinces(BEFORE):
        new = successor_of(old.id)
        assert old.id in [c.id for c in components_of(new.id)]
        assert sum(old.id in [c.id for c in components_of(p.id)] for p in after) == 1


def test_merged_units_have_unknown_codes_and_new_ids() -> None:
    gia_lai = province("Gia Lai", on=AFTER)
    assert gia_lai.id == "gia-lai-2025"
    assert gia_lai.code is None
    assert gia_lai.code_status == "unknown"
    assert gia_lai.valid_from == dt.date(2025, 7, 1)
    assert gia_lai.valid_to is None
    assert gia_lai.predecessors == ("gia-lai", "binh-dinh")
    assert gia_lai.status == "confirmed"
    assert "National Assembly" in gia_lai.source
    old = province("Gia Lai", on=BEFORE)
    assert (old.id, old.code, old.successor) == ("gia-lai", "64", "gia-lai-2025")
    assert old.valid_to == dt.date(2025, 6, 30)
    assert merger_date() == dt.date(2025, 7, 1)
    hanoi = province("Hà Nội", on=AFTER)
    assert (hanoi.code, hanoi.code_status, hanoi.successor) == ("01", "derived", None)
    assert hanoi == province("01", on=BEFORE)


def test_post_merger_region_only_when_all_components_share_it() -> None:
    assert province("Cần Thơ", on=AFTER).region == "dong-bang-song-cuu-long"
    assert province("Cần Thơ", on=AFTER).region_status == "derived"
    assert province("TP.HCM", on=AFTER).region == "dong-nam-bo"
    assert province("Huế", on=AFTER).region == "bac-trung-bo-duyen-hai-mien-trung"
    for name in ("Gia Lai", "Phú Thọ", "Bắc Ninh", "Quảng Ngãi", "Lâm Đồng", "Đắk Lắk", "Tây Ninh"):
        unit = province(name, on=AFTER)
        assert unit.region is None, name
        assert unit.region_status == "unknown"
    assert sum(p.region is None for p in provinces(AFTER)) == 7


# ---------------------------------------------------------------------------------------------
# Lookups


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("binh dinh", "52"),
        ("Bình Định", "52"),
        ("BÌNH ĐỊNH", "52"),
        ("  binh  đinh ", "52"),
        ("Tỉnh Bình Định", "52"),
        ("Binh Dinh province", "52"),
        ("binh-dinh", "52"),
        ("52", "52"),
        ("052", "52"),
        (52, "52"),
        ("2", "02"),
        ("tp hcm", "79"),
        ("Hồ Chí Minh", "79"),
        ("TP.HCM", "79"),
        ("TPHCM", "79"),
        ("ho chi minh city", "79"),
        ("Thành phố Hồ Chí Minh", "79"),
        ("Huế", "46"),
        ("Thừa Thiên Huế", "46"),
        ("thua thien - hue", "46"),
        ("Hue city", "46"),
        ("Đắk Lắk", "66"),
        ("dak lak", "66"),
        ("Hoà Bình", "17"),  # old-style tone placement
        ("ba ria vung tau", "77"),
        ("Hanoi", "01"),
    ],
)
def test_lookup_by_code_and_spelling_before_the_merger(key: str | int, code: str) -> None:
    assert province(key, on=BEFORE).code == code


def test_lookup_accepts_dates_and_iso_strings() -> None:
    assert province("52", on=dt.date(2021, 3, 31)).name == "Bình Định"
    assert province("52", on=dt.datetime(2021, 3, 31, 12, 0)).name == "Bình Định"
    with pytest.raises(UnitError, match="YYYY-MM-DD"):
        province("52", on="31/03/2021")
    with pytest.raises(UnitError):
        province("52", on=20210331)  # type: ignore[arg-type]


def test_hue_name_follows_the_date() -> None:
    on_eve = province("46", on="2024-12-31")
    on_day = province("46", on="2025-01-01")
    assert (on_eve.name, on_eve.name_en) == ("Thừa Thiên Huế", "Thua Thien Hue")
    assert (on_day.name, on_day.name_en) == ("Huế", "Hue")
    assert on_eve.id == on_day.id == "hue"
    assert province("Huế", on="2020-01-01").name == "Thừa Thiên Huế"
    assert province("Thừa Thiên Huế", on=AFTER).name == "Huế"
    names_2024 = {p.name for p in provinces("2024-12-31")}
    names_2025 = {p.name for p in provinces("2025-01-01")}
    assert "Thừa Thiên Huế" in names_2024 and "Huế" not in names_2024
    assert "Huế" in names_2025 and "Thừa Thiên Huế" not in names_2025
    assert on_day.name_on("2024-01-01") == "Thừa Thiên Huế"


def test_after_the_merger_a_shared_name_means_the_new_unit() -> None:
    assert province("Gia Lai", on="2025-06-30").code == "64"
    assert province("Gia Lai", on="2025-07-01").id == "gia-lai-2025"
    assert province("gia-lai-2025", on=AFTER).name == "Gia Lai"
    assert province("gia-lai", on=BEFORE).code == "64"  # the old unit's id ...
    assert province("Gia-Lai", on=AFTER).id == "gia-lai-2025"  # ... is also a spelling of the name
    assert province("hue", on=BEFORE).name == "Thừa Thiên Huế"
    assert province("TP.HCM", on=AFTER).id == "ho-chi-minh-2025"
    assert province("46", on=AFTER).name == "Huế"


def test_a_merged_name_after_the_merger_points_to_its_successor() -> None:
    with pytest.raises(UnitError) as caught:
        province("Bình Định", on=AFTER)
    text = str(caught.value)
    assert "merged into Gia Lai" in text
    assert "2025-07-01" in text
    assert "gia-lai-2025" in text
    assert "successor_of" in text
    assert caught.value.unit == "binh-dinh"
    assert caught.value.value == "Bình Định"
    with pytest.raises(UnitError, match="merged into Gia Lai"):
        province("52", on="2025-07-01")


def test_an_old_code_of_a_merged_unit_is_not_carried_over() -> None:
    with pytest.raises(UnitError) as caught:
        province("64", on=AFTER)
    assert "code of the merged unit is not recorded" in str(caught.value)
    assert "gia-lai-2025" in str(caught.value)


def test_a_new_unit_before_it_existed_is_an_error() -> None:
    with pytest.raises(UnitError, match="exists only from 2025-07-01") as caught:
        province("gia-lai-2025", on=BEFORE)
    assert "Gia Lai, Bình Định" in str(caught.value)


def test_unknown_names_get_suggestions() -> None:
    with pytest.raises(UnitError, match=r"did you mean Bình Định \(52\)") as caught:
        province("Binh Dinhh", on=BEFORE)
    assert caught.value.value == "Binh Dinhh"
    with pytest.raises(UnitError, match="no province has statistics code 99"):
        province("99", on=BEFORE)
    with pytest.raises(UnitError, match="empty"):
        province("   ", on=BEFORE)
    with pytest.raises(UnitError):
        province(True, on=BEFORE)
    with pytest.raises(UnitError, match="no region"):
        region("Nam Bộ xa xôi")


def test_successor_of() -> None:
    assert successor_of("Bình Định").id == "gia-lai-2025"
    assert successor_of("Gia Lai").id == "gia-lai-2025"
    assert successor_of("64").id == "gia-lai-2025"
    assert successor_of("Bình Định", on_or_after="2026-01-01").id == "gia-lai-2025"
    assert successor_of("Gia Lai", on_or_after=AFTER).id == "gia-lai-2025"
    assert successor_of("Bà Rịa - Vũng Tàu").id == "ho-chi-minh-2025"
    assert successor_of("Thừa Thiên Huế").name == "Huế"
    assert successor_of("Hà Nội").code == "01"
    assert successor_of("gia-lai-2025").id == "gia-lai-2025"
    assert successor_of("Bình Định", on_or_after="2024-01-01").code == "52"
    with pytest.raises(UnitError, match="exists only from"):
        successor_of("gia-lai-2025", on_or_after="2024-01-01")


def test_components_of() -> None:
    assert [p.code for p in components_of("Gia Lai")] == ["64", "52"]
    assert [p.code for p in components_of("ho chi minh")] == ["79", "74", "77"]
    assert [p.name for p in components_of("Ninh Bình")] == ["Ninh Bình", "Hà Nam", "Nam Định"]
    (hue,) = components_of("Huế")
    assert (hue.code, hue.name) == ("46", "Huế")
    with pytest.raises(UnitError, match="merged into Gia Lai"):
        components_of("Bình Định")
    with pytest.raises(UnitError, match="pre-merger province"):
        components_of("Bình Định", on=BEFORE)


def test_region_of() -> None:
    assert region_of("Bình Định", on=BEFORE).name == "Bắc Trung Bộ và Duyên hải miền Trung"
    assert region_of("64", on=BEFORE).id == "tay-nguyen"
    assert region_of("Cần Thơ", on=AFTER).id == "dong-bang-song-cuu-long"
    with pytest.raises(UnitError, match="several regions") as caught:
        region_of("Gia Lai", on=AFTER)
    assert "bac-trung-bo-duyen-hai-mien-trung, tay-nguyen" in str(caught.value)


def test_normalize_name_examples() -> None:
    assert normalize_name("Bình Định") == "binhdinh"
    assert normalize_name("ĐẮK LẮK") == "daklak"
    assert normalize_name("TP. Hồ Chí Minh") == "hochiminh"
    assert normalize_name("Thành phố Huế") == "hue"
    assert normalize_name("Bà Rịa - Vũng Tàu") == "bariavungtau"
    assert normalize_name("tỉnh") == "tinh"  # never folded down to nothing
    assert normalize_name("") == ""


# ---------------------------------------------------------------------------------------------
# Means


RESULTS_2023 = {
    "52": 80.0,  # Bắc Trung Bộ và DHMT
    "Gia Lai": 70.0,  # Tây Nguyên
    "Kon Tum": 75.5,  # Tây Nguyên
    "01": 90.0,  # Đồng bằng sông Hồng
    "Hải Phòng": 86.0,  # Đồng bằng sông Hồng
    "Cà Mau": 81.25,  # Đồng bằng sông Cửu Long
}


def test_regional_means_are_plain_means_and_empty_regions_are_absent() -> None:
    means = regional_means(RESULTS_2023, on="2023-12-31")
    assert means == {
        "dong-bang-song-hong": 88.0,
        "bac-trung-bo-duyen-hai-mien-trung": 80.0,
        "tay-nguyen": 72.75,
        "dong-bang-song-cuu-long": 81.25,
    }
    assert list(means) == [
        "dong-bang-song-hong",
        "bac-trung-bo-duyen-hai-mien-trung",
        "tay-nguyen",
        "dong-bang-song-cuu-long",
    ]


def test_national_mean() -> None:
    # 80 + 70 + 75.5 + 90 + 86 + 81.25 = 482.75; / 6
    assert national_mean(RESULTS_2023, on="2023-12-31") == pytest.approx(482.75 / 6, abs=1e-12)
    assert national_mean({"52": 1, "64": 2}, on=BEFORE) == 1.5


def test_means_keep_exact_sums() -> None:
    ten = {code: 0.1 for code in region("Trung du và miền núi phía Bắc").provinces[:10]}
    assert sum(ten.values()) / 10 != 0.1  # the naive sum drifts
    assert regional_means(ten, on=BEFORE) == {"trung-du-mien-nui-phia-bac": 0.1}
    assert national_mean(ten, on=BEFORE) == 0.1


def test_means_reject_unknown_duplicate_and_non_numeric_keys() -> None:
    with pytest.raises(UnitError, match="no province is called 'Atlantis'"):
        regional_means({"Atlantis": 1.0}, on=BEFORE)
    with pytest.raises(UnitError, match="given twice"):
        national_mean({"52": 1.0, "Bình Định": 2.0}, on=BEFORE)
    with pytest.raises(UnitError, match="not finite"):
        national_mean({"52": math.nan}, on=BEFORE)
    with pytest.raises(UnitError, match="not a number"):
        regional_means({"52": "80"}, on=BEFORE)  # type: ignore[dict-item]
    with pytest.raises(UnitError, match="no values"):
        national_mean({}, on=BEFORE)
    with pytest.raises(UnitError, match="merged into Gia Lai"):
        regional_means({"52": 80.0}, on=AFTER)
    with pytest.raises(UnitError, match="several regions"):
        regional_means({"Gia Lai": 80.0}, on=AFTER)
    assert regional_means({"Cần Thơ": 80.0, "Cà Mau": 70.0}, on=AFTER) == {
        "dong-bang-song-cuu-long": 75.0
    }


# ---------------------------------------------------------------------------------------------
# Pro-forma figures


def test_pro_forma_equal_weights_is_the_mean() -> None:
    result = pro_forma({"64": 70.0, "Bình Định": 80.0, "Kon Tum": 99.0}, "Gia Lai")
    assert isinstance(result, ProForma)
    assert result.value == 75.0
    assert result.rule == "equal weights"
    assert result.province.id == "gia-lai-2025"
    assert [(p.code, v, w) for p, v, w in result.components] == [
        ("64", 70.0, 0.5),
        ("52", 80.0, 0.5),
    ]
    assert result.missing == ()


def test_pro_forma_three_components_equal_weights() -> None:
    result = pro_forma({"79": 90.0, "74": 80.0, "77": 76.0}, "TP.HCM")
    assert result.value == pytest.approx(82.0, abs=1e-12)  # 246 / 3
    assert [w for _, _, w in result.components] == pytest.approx([1 / 3] * 3)


def test_pro_forma_caller_weights() -> None:
    result = pro_forma({"64": 70.0, "52": 80.0}, "gia-lai-2025", weights={"64": 3, "Bình Định": 1})
    assert result.value == 72.5  # (3 × 70 + 1 × 80) / 4
    assert result.rule == "caller weights"
    assert [(p.id, w) for p, _, w in result.components] == [("gia-lai", 0.75), ("binh-dinh", 0.25)]


def test_pro_forma_missing_components() -> None:
    values = {"68": 60.0, "Đắk Nông": 90.0}
    with pytest.raises(UnitError, match="no value for Bình Thuận") as caught:
        pro_forma(values, "Lâm Đồng")
    assert "allow_missing" in str(caught.value)
    equal = pro_forma(values, "Lâm Đồng", allow_missing=True)
    assert equal.value == 75.0
    assert equal.missing == ("binh-thuan",)
    assert [w for _, _, w in equal.components] == [0.5, 0.5]
    weighted = pro_forma(
        values, "Lâm Đồng", weights={"68": 1, "67": 3, "60": 4}, allow_missing=True
    )
    assert weighted.value == 82.5  # (1 × 60 + 3 × 90) / 4, weights renormalised over 1 + 3
    assert [w for _, _, w in weighted.components] == [0.25, 0.75]
    with pytest.raises(UnitError, match=r"no component of .* has a value"):
        pro_forma({"52": 1.0}, "Lâm Đồng", allow_missing=True)


def test_pro_forma_unchanged_province_is_itself() -> None:
    result = pro_forma({"01": 88.5, "52": 80.0}, "Hà Nội")
    assert result.value == 88.5
    assert [p.code for p, _, _ in result.components] == ["01"]


def test_pro_forma_weight_errors() -> None:
    values = {"64": 70.0, "52": 80.0}
    with pytest.raises(UnitError, match=r"Kon Tum \(62\) is not a component of Gia Lai"):
        pro_forma(values, "Gia Lai", weights={"64": 1, "52": 1, "Kon Tum": 1})
    with pytest.raises(UnitError, match="negative"):
        pro_forma(values, "Gia Lai", weights={"64": -1, "52": 1})
    with pytest.raises(UnitError, match="not finite"):
        pro_forma(values, "Gia Lai", weights={"64": math.inf, "52": 1})
    with pytest.raises(UnitError, match="all zero"):
        pro_forma(values, "Gia Lai", weights={"64": 0, "52": 0})
    with pytest.raises(UnitError, match="no weight for Bình Định"):
        pro_forma(values, "Gia Lai", weights={"64": 1})
    with pytest.raises(UnitError, match='"equal" or a mapping'):
        pro_forma(values, "Gia Lai", weights="population")
    with pytest.raises(UnitError, match="no province is called 'Nowhere'"):
        pro_forma({"Nowhere": 1.0}, "Gia Lai")


# ---------------------------------------------------------------------------------------------
# Unit lists


def _list(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "province": "Gia Lai",
        "valid_from": "2025-07-01",
        "valid_to": None,
        "units": [
            {"id": "so-noi-vu", "name": "Sở Nội vụ", "type": "department"},
            {"id": "so-tai-chinh", "name": "Sở Tài chính", "type": "department"},
            {"id": "phuong-quy-nhon", "name": "Phường Quy Nhơn", "type": "ward"},
            {"id": "xa-an-nhon", "name": "Xã An Nhơn", "type": "commune"},
        ],
    }
    data.update(changes)
    return data


def test_unit_list_from_mapping() -> None:
    units = UnitList.from_mapping(_list(), source="gia-lai-2025.yaml")
    assert units.province.id == "gia-lai-2025"
    assert units.valid_from == dt.date(2025, 7, 1)
    assert units.valid_to is None
    assert units.ids == ("so-noi-vu", "so-tai-chinh", "phuong-quy-nhon", "xa-an-nhon")
    assert len(units) == 4
    assert "so-noi-vu" in units and "so-xyz" not in units
    noi_vu = units.get("so-noi-vu")
    assert noi_vu is not None and noi_vu.name == "Sở Nội vụ"
    assert units.get("so-xyz") is None
    assert units["xa-an-nhon"].type == "commune"
    with pytest.raises(UnitError, match="did you mean so-noi-vu"):
        units["so-noi-vuu"]
    assert [u.id for u in units.of_type("department")] == ["so-noi-vu", "so-tai-chinh"]
    assert units.of_type("district") == ()
    with pytest.raises(UnitError, match="unit type must be one of"):
        units.of_type("huyen")
    assert units.check(["so-noi-vu", "so-xyz", "xa-an-nhon", "so-xyz", "xa-b"]) == [
        "so-xyz",
        "xa-b",
    ]
    assert units.check([]) == []


def test_unit_list_validation_errors() -> None:
    def fails(match: str, **changes: Any) -> UnitError:
        with pytest.raises(UnitError, match=match) as caught:
            UnitList.from_mapping(_list(**changes), source="list.yaml")
        assert caught.value.file == "list.yaml"
        return caught.value

    dup = _list()["units"] + [{"id": "so-noi-vu", "name": "Sở Nội vụ (bis)", "type": "department"}]
    error = fails("duplicate unit id", units=dup)
    assert (error.row, error.unit, error.value) == (5, "so-noi-vu", "so-noi-vu")
    assert "first at row 1" in str(error)
    error = fails("unit type must be one of", units=[{"id": "a", "name": "A", "type": "huyen"}])
    assert (error.row, error.value) == (1, "huyen")
    fails("non-empty name", units=[{"id": "a", "name": "  ", "type": "commune"}])
    fails("non-empty text", units=[{"id": "", "name": "A", "type": "commune"}])
    fails("quote ids", units=[{"id": 101, "name": "A", "type": "commune"}])
    fails("unknown unit field", units=[{"id": "a", "name": "A", "type": "commune", "x": 1}])
    error = fails(
        r"district level .* was abolished on 2025-07-01",
        units=[{"id": "tx-an-nhon", "name": "Thị xã An Nhơn", "type": "district"}],
    )
    assert error.unit == "tx-an-nhon"
    fails("merged into Gia Lai", province="Bình Định")
    fails("valid_to 2025-01-01 is before valid_from", valid_to="2025-01-01")
    fails("YYYY-MM-DD", valid_from="1/7/2025")
    fails("unknown field", sheet="x")
    with pytest.raises(UnitError, match="missing 'province'"):
        UnitList.from_mapping({"units": []}, source="list.yaml")
    fails("'units' must be a list", units={"so-noi-vu": "Sở Nội vụ"})
    error = fails(
        r"exists from \(open\) to 2025-06-30, but the list runs from 2025-01-01 to \(open\)",
        province="Bình Định",
        valid_from="2025-01-01",
    )
    assert error.unit == "binh-dinh"
    fails("exists from 2025-07-01", valid_from=None)


def test_district_units_are_fine_before_the_merger() -> None:
    data = {
        "province": "Hà Tĩnh",
        "valid_from": dt.date(2019, 1, 1),
        "valid_to": dt.date(2025, 6, 30),
        "units": [
            {"id": "tp-ha-tinh", "name": "Thành phố Hà Tĩnh", "type": "district"},
            {"id": "so-noi-vu", "name": "Sở Nội vụ", "type": "department"},
        ],
    }
    units = UnitList.from_mapping(data, source="ha-tinh-2019.yaml")
    assert units.province.code == "42"
    assert [u.id for u in units.of_type("district")] == ["tp-ha-tinh"]
    data["valid_to"] = None
    with pytest.raises(UnitError, match="abolished"):
        UnitList.from_mapping(data, source="ha-tinh-2019.yaml")


YAML_LIST = """\
province: Bình Định
valid_from: 2021-01-01
valid_to: 2021-12-31
units:
  - {id: so-noi-vu, name: Sở Nội vụ, type: department}
  - {id: tp-quy-nhon, name: Thành phố Quy Nhơn, type: district}
  - id: xa-phuoc-my
    name: Xã Phước Mỹ
    type: commune
"""


def test_load_unit_list_yaml(tmp_path: Path) -> None:
    path = tmp_path / "binh-dinh-2021.yaml"
    path.write_text(YAML_LIST, encoding="utf-8")
    units = load_unit_list(path)
    assert units.province.code == "52"
    assert units.ids == ("so-noi-vu", "tp-quy-nhon", "xa-phuoc-my")
    assert units.valid_to == dt.date(2021, 12, 31)
    assert units.source == str(path)


def test_load_unit_list_yaml_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(YAML_LIST + "  - {id: so-noi-vu, name: Sở Nội vụ, type: department}\n")
    with pytest.raises(UnitError, match="duplicate unit id") as caught:
        load_unit_list(path)
    assert (caught.value.file, caught.value.line) == (str(path), 10)
    assert "first at line 5" in str(caught.value)
    assert f"{path}:10" in str(caught.value)

    path.write_text(YAML_LIST.replace("type: commune", "type: village"))
    with pytest.raises(UnitError, match="unit type") as caught:
        load_unit_list(path)
    assert caught.value.line == 7

    path.write_text(YAML_LIST.replace("2021-12-31", "2025-12-31"))
    with pytest.raises(UnitError, match="exists from") as caught:
        load_unit_list(path)
    assert caught.value.line == 1

    path.write_text("province: [unclosed\n")
    with pytest.raises(UnitError, match="not valid YAML"):
        load_unit_list(path)
    with pytest.raises(UnitError, match="cannot read"):
        load_unit_list(tmp_path / "missing.yaml")
    (tmp_path / "list.txt").write_text("x")
    with pytest.raises(UnitError, match=r"\.yaml, \.yml or \.csv"):
        load_unit_list(tmp_path / "list.txt")


CSV_LIST = """\
province,valid_from,valid_to,id,name,type
Gia Lai,2025-07-01,,so-noi-vu,Sở Nội vụ,department
Gia Lai,2025-07-01,,phuong-quy-nhon,Phường Quy Nhơn,ward

Gia Lai,2025-07-01,,xa-an-nhon,Xã An Nhơn,commune
"""


def test_load_unit_list_csv(tmp_path: Path) -> None:
    path = tmp_path / "gia-lai.csv"
    path.write_text("\ufeff" + CSV_LIST, encoding="utf-8")  # as spreadsheets save it
    units = load_unit_list(path)
    assert units.province.id == "gia-lai-2025"
    assert units.valid_to is None
    assert units.ids == ("so-noi-vu", "phuong-quy-nhon", "xa-an-nhon")
    assert [u.type for u in units] == ["department", "ward", "commune"]


def test_load_unit_list_csv_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "gia-lai.csv"
    path.write_text(CSV_LIST + "Gia Lai,2025-07-01,,xa-an-nhon,Xã An Nhơn (bis),commune\n")
    with pytest.raises(UnitError, match="duplicate unit id") as caught:
        load_unit_list(path)
    assert caught.value.line == 6
    assert "first at line 5" in str(caught.value)

    path.write_text(CSV_LIST + "Kon Tum,2025-07-01,,xa-b,Xã B,commune\n")
    with pytest.raises(UnitError, match="same province") as caught:
        load_unit_list(path)
    assert (caught.value.line, caught.value.value) == (6, "Kon Tum")

    path.write_text(CSV_LIST.replace("Sở Nội vụ,department", "Sở Nội vụ,huyện"))
    with pytest.raises(UnitError, match="unit type") as caught:
        load_unit_list(path)
    assert (caught.value.line, caught.value.value) == (2, "huyện")

    path.write_text("province,id,name\nGia Lai,a,A\n")
    with pytest.raises(UnitError, match="missing column"):
        load_unit_list(path)
    path.write_text("province,id,name,type\n")
    with pytest.raises(UnitError, match="no units"):
        load_unit_list(path)


# ---------------------------------------------------------------------------------------------
# Registry validation


def _data() -> dict[str, Any]:
    path = resources.files("parindex") / "data" / "provinces.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def test_registry_validation_rejects_broken_data() -> None:
    registry = _build(_data())
    assert len(registry.records) == 63 + 23

    data = _data()
    data["reorganisation"]["merged"][0]["components"].append("46")  # Huế is unchanged
    with pytest.raises(UnitError, match="used twice"):
        _build(data)

    data = _data()
    data["reorganisation"]["merged"].pop()
    with pytest.raises(UnitError, match="neither unchanged nor merged"):
        _build(data)

    data = _data()
    data["regions"]["status"] = "official"
    with pytest.raises(UnitError, match="status must be one of"):
        _build(data)

    data = _data()
    data["provinces"]["items"][1]["name_en"] = "Ha Gang"
    with pytest.raises(UnitError, match="name_en does not match"):
        _build(data)

    data = _data()
    data["regions"]["items"][0]["provinces"].append("01")
    with pytest.raises(UnitError, match="already in"):
        _build(data)

    data = _data()
    data["reorganisation"]["merged"][11]["name"] = "Bình Định"
    data["reorganisation"]["merged"][11]["name_en"] = "Binh Dinh"
    with pytest.raises(UnitError, match="named after its first component"):
        _build(data)


def test_province_records_are_frozen() -> None:
    unit = province("52", on=BEFORE)
    assert isinstance(unit, Province)
    with pytest.raises(AttributeError):
        unit.name = "x"  # type: ignore[misc]
