"""Units are matched as a person types them: by id or name, ignoring case and diacritics; with a
unit list, an assessed unit that is not in it is refused naming the closest ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from parindex.cli._common import check_units, pick_card
from parindex.errors import ParIndexError, UnitError
from parindex.units import load_unit_list

EX = Path(__file__).resolve().parents[2] / "docs" / "examples"


class Card:
    def __init__(self, unit: str) -> None:
        self.unit = unit


def test_the_unit_list_finds_ids_and_names_ignoring_case_and_diacritics() -> None:
    units = load_unit_list(EX / "example-unit-list.yaml")
    assert units.find("so-tu-phap").id == "so-tu-phap"
    assert units.find("SỞ TƯ PHÁP (VÍ DỤ)").id == "so-tu-phap"
    assert units.find("so tu phap (vi du)").id == "so-tu-phap"
    with pytest.raises(UnitError, match="closest: so-tu-phap") as e:
        units.find("So Tu phap")
    assert e.value.unit == "So Tu phap"
    with pytest.raises(UnitError, match="empty"):
        units.find("  ")


def test_check_units_refuses_an_unknown_unit() -> None:
    units = load_unit_list(EX / "example-unit-list.yaml")
    check_units(units, [Card("Sở Nội vụ (ví dụ)"), Card("xa-minh-hoa")])
    with pytest.raises(UnitError, match="not in the unit list"):
        check_units(units, [Card("Sở Nội vụ (ví dụ)"), Card("Sở Xây dựng")])


def test_unit_matches_ignoring_case_and_diacritics() -> None:
    cards = [Card("Sở Tư pháp"), Card("Sở Nội vụ")]
    assert pick_card(cards, "so tu phap").unit == "Sở Tư pháp"
    assert pick_card(cards, "SỞ NỘI VỤ").unit == "Sở Nội vụ"
    with pytest.raises(ParIndexError, match="no such unit"):
        pick_card(cards, "Sở Y tế")
    with pytest.raises(ParIndexError, match="empty"):
        pick_card(cards, " ")


def test_gaps_with_units_refuses_an_assessed_unit_not_in_the_list(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from parindex.cli import main

    rc = main(
        [
            "gaps",
            str(EX / "illustrative-department-scheme.yaml"),
            str(EX / "example-assessments.yaml"),
            "--unit",
            "sở ví dụ a (EXAMPLE)",
            "--units",
            str(EX / "example-unit-list.yaml"),
        ]
    )
    err = capsys.readouterr().err
    assert rc == 1 and "not in the unit list" in err and "Sở Ví dụ A (example)" in err
