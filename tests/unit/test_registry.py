"""The shipped methodologies: every file loads, validates, matches the schema and its docs page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import parindex
from parindex import MethodologyError, NotEncodedError
from parindex.methodology import json_schema
from parindex.methodology.model import Methodology
from parindex.methodology.pages import page, page_name
from parindex.methodology.registry import shipped_ids
from parindex.methodology.yamlio import load_yaml

ROOT = Path(__file__).resolve().parents[2]


def test_every_shipped_file_loads_and_sits_where_its_id_says() -> None:
    ids = shipped_ids()
    assert {
        "vn-moha/province/2017",
        "vn-moha/province/2019",
        "vn-moha/province/2020",
        "vn-moha/province/2022",
    } <= set(ids)
    for ident in ids:
        m = parindex.load(ident, kind="any")
        assert m.id == ident
        assert (ROOT / "methodology" / f"{ident}.yaml").is_file()


@pytest.mark.parametrize("ident", [i for i in shipped_ids() if "/sipas/" not in i])
def test_scoring_files_match_the_json_schema(ident: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data = json.loads(
        json.dumps(load_yaml((ROOT / "methodology" / f"{ident}.yaml").read_bytes(), file=ident))
    )
    jsonschema.validate(data, json_schema())


def test_schema_in_docs_equals_the_packaged_schema() -> None:
    assert (
        json.loads((ROOT / "docs" / "methodology.schema.json").read_text(encoding="utf-8"))
        == json_schema()
    )


@pytest.mark.parametrize("ident", shipped_ids())
def test_docs_page_is_generated_from_the_file(ident: str) -> None:
    doc = ROOT / "docs" / "methodologies" / page_name(ident)
    assert doc.is_file(), (
        f"run: python -m parindex.methodology.pages docs/methodologies ({doc} missing)"
    )
    assert doc.read_text(encoding="utf-8") == page(parindex.load(ident, kind="any")), (
        "the page is out of date: python -m parindex.methodology.pages docs/methodologies"
    )


def test_known_numbers_of_the_shipped_files() -> None:
    m17 = parindex.load("vn-moha/province/2017")
    assert [n.max for n in m17.top] == [10, 10, 14.5, 11, 16, 7, 16, 15.5]
    assert m17["3"].counts == {"criteria": 5, "sub_criteria": 16}
    m19 = parindex.load("vn-moha/province/2019")
    assert m19["TD"].max == 65 and m19["XHH"].max == 35 and m19["XHH"].status == "derived"
    assert [m19[str(i)].max for i in range(1, 9)] == [7, 5, 14, 7.5, 8, 8.5, 9, 6]
    m20 = parindex.load("vn-moha/province/2020")
    assert not m20.complete and m20["SIPAS"].max == 10 and m20["TD"].max is None
    m22 = parindex.load("vn-moha/province/2022")
    assert [(n.code, n.max) for n in m22.top] == [
        ("TD", 61.5),
        ("KTXH", 6.5),
        ("XHH", 22),
        ("SIPAS", 10),
    ]
    assert m22.years == (2022, 2023) and m22.legal_basis.decision == "876/QĐ-BNV"
    assert [g.min for g in m22.grouping.groups] == [90, 80, 0]  # type: ignore[union-attr]


def test_load_by_year_picks_the_version_in_force() -> None:
    assert parindex.load("vn-moha/province", year=2023).id == "vn-moha/province/2022"
    assert parindex.load("vn-moha/province", year=2021).id == "vn-moha/province/2020"
    assert parindex.load("vn-moha/province", year=2019).id == "vn-moha/province/2019"


def test_known_but_not_encoded_explains_what_is_missing() -> None:
    with pytest.raises(NotEncodedError) as e:
        parindex.load("vn-moha/province", year=2025)
    msg = str(e.value)
    assert "1187/QĐ-BNV" in msg and "load_file" in msg and "not encoded" in msg
    with pytest.raises(NotEncodedError, match="1187/QĐ-BNV"):
        parindex.load("vn-moha/province/2025")
    with pytest.raises(NotEncodedError, match="876/QĐ-BNV"):
        parindex.load("vn-moha/ministry", year=2022)


def test_unknown_ids_are_clear() -> None:
    with pytest.raises(MethodologyError, match="no version of vn-moha/province governs the 1999"):
        parindex.load("vn-moha/province", year=1999)
    with pytest.raises(MethodologyError, match="no methodology"):
        parindex.load("vn-moha/province/1999")


def test_available_lists_encoded_and_known() -> None:
    infos = {i.id: i for i in parindex.available()}
    assert (
        infos["vn-moha/province/2022"].encoded
        and infos["vn-moha/province/2022"].detail == "components"
    )
    assert not infos["vn-moha/province/2020"].complete
    assert not infos["vn-moha/province/2025"].encoded


def test_2024_is_encoded_as_far_as_it_is_known() -> None:
    # 892/QĐ-BNV: 68 + 32 confirmed, the split inside each unknown (max: null), link inferred
    m = parindex.load("vn-moha/province", year=2024)
    assert m.id == "vn-moha/province/2024" and m.legal_basis.decision == "892/QĐ-BNV"
    assert m.legal_basis.note is not None and "[inferred]" in m.legal_basis.note
    assert (m["KQ"].max, m["DT"].max, m.scale) == (68, 32, 100)
    assert all(
        m[c].max is None and m[c].status == "inferred" for c in ("TD", "KTXH", "XHH", "SIPAS")
    )
    infos = {i.id: i for i in parindex.available()}
    assert infos["vn-moha/province/2024"].encoded and not infos["vn-moha/province/2024"].complete
    card = parindex.score(m, {"TD": 55, "KTXH": 5, "XHH": 20, "SIPAS": 8.5})
    assert card.points == 88.5 and card.group.code == "B"
    assert card["KQ"].index == pytest.approx(60 / 68 * 100)


def test_partial_methodology_totals_what_is_known_and_refuses_the_rest() -> None:
    m = parindex.load("vn-moha/province/2020")
    # MOHA 2020 table style: four components given; the total and index are known (scale 100)
    card = parindex.score(m, {"TD": 60.1, "KTXH": 4.9, "XHH": 15.2, "SIPAS": 82.0})
    assert card.points == pytest.approx(60.1 + 4.9 + 15.2 + 8.2)
    assert (
        card.max_points == 100
        and card["TD"].index is None
        and card["SIPAS"].index == pytest.approx(82.0)
    )
    with pytest.raises(parindex.UnknownValueError, match="maximum is not known"):
        parindex.score(m, {"TD": parindex.NA, "KTXH": 4.9, "XHH": 15.2, "SIPAS": 82.0})


def test_methodology_is_immutable() -> None:
    m = parindex.load("vn-moha/province/2022")
    assert isinstance(m, Methodology)
    with pytest.raises((AttributeError, TypeError)):
        m.scale = 60  # type: ignore[misc]
    with pytest.raises(TypeError):
        m.nodes["TD"] = m.nodes["KTXH"]  # type: ignore[index]
