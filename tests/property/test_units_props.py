"""Properties of province lookups and name folding."""

from __future__ import annotations

import datetime as dt
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.units import normalize_name, province, provinces, successor_of

DATES = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))


def _strip_marks(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@st.composite
def respelled(draw: st.DrawFn, name: str) -> str:
    """The name with random case changes, stripped diacritics and extra spaces or hyphens."""
    text = _strip_marks(name) if draw(st.booleans()) else name
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    text = "".join(ch.swapcase() if flip else ch for ch, flip in zip(text, flips, strict=True))
    pieces: list[str] = []
    for ch in text:
        pieces.append(draw(st.sampled_from(["", "", "", " ", "  ", "-"])))
        pieces.append(ch)
    pieces.append(draw(st.sampled_from(["", " ", "\t"])))
    return "".join(pieces)


@settings(max_examples=300, deadline=None)
@given(day=DATES, data=st.data())
def test_every_province_is_found_by_its_name_however_spelled(
    day: dt.date, data: st.DataObject
) -> None:
    units = provinces(day)
    unit = data.draw(st.sampled_from(units))
    assert province(unit.name, on=day) == unit
    assert province(unit.name_en, on=day) == unit
    assert province(data.draw(respelled(unit.name)), on=day) == unit
    if unit.code is not None:
        assert province(unit.code, on=day) == unit


@settings(max_examples=100, deadline=None)
@given(day=DATES)
def test_one_unit_per_name_and_code_on_every_date(day: dt.date) -> None:
    units = provinces(day)
    assert len(units) == (63 if day < dt.date(2025, 7, 1) else 34)
    assert len({normalize_name(p.name) for p in units}) == len(units)
    codes = [p.code for p in units if p.code is not None]
    assert len(set(codes)) == len(codes)
    for unit in units:
        assert unit.is_valid_on(day)
        assert successor_of(unit.id, on_or_after=day) == unit


@given(st.text())
def test_normalize_name_is_idempotent(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert once == "" or (once.isascii() and once.isalnum() and once == once.lower())


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệ ìỉĩíịòỏõóọ"))
def test_normalize_name_ignores_case_and_diacritics(text: str) -> None:
    assert normalize_name(text.upper()) == normalize_name(text)
    assert normalize_name(_strip_marks(text)) == normalize_name(text)
