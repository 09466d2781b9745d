"""The text and number helpers of ``parindex._text``, with hand-worked cases."""

from __future__ import annotations

import ast
import math
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import parindex
from parindex import _text
from parindex._text import (
    MISSING,
    fmt,
    fold_ascii,
    fold_case,
    group_text,
    nfc,
    nfc_strip,
    num_text,
    period_label,
    present,
    publish_round,
    status_text,
)

# -- publish rounding -----------------------------------------------------------------------------


def test_present_rounds_half_up_on_the_decimal_text() -> None:
    # 2.675 is 2.67499999... in binary; MOHA rounds the written figure: 2.68.
    assert present(2.675) == "2.68"
    assert present(2.675, lang="en") == "2.68"
    assert present(2.675, lang="vi") == "2,68"
    assert present(0.125) == "0.13"
    assert present(2.5, 0) == "3"
    assert present(72.6249, 3, lang="vi") == "72,625"
    assert present(-0.005) == "-0.01"  # half up away from zero, as Decimal's ROUND_HALF_UP


def test_present_never_shows_negative_zero() -> None:
    assert present(-0.001) == "0.00"
    assert present(-0.001, lang="vi") == "0,00"
    assert present(-0.0) == "0.00"
    assert present(-0.4, 0) == "0"


def test_present_one_dash_for_a_missing_figure() -> None:
    assert MISSING == "\u2014"  # em dash
    for lang in ("vi", "en"):
        assert present(None, lang=lang) == MISSING
        assert present(math.nan, lang=lang) == MISSING
    assert present(math.inf) == "∞" and present(-math.inf) == "-∞"


def test_present_groups_no_thousands() -> None:
    # present_vi only ever swapped the decimal point for a comma: no thousands separator.
    assert present(1234.5, lang="vi") == "1234,50"
    assert present(1234.5, lang="en") == "1234.50"
    assert present(1234567.125, lang="vi") == "1234567,13"


def test_publish_round_is_the_published_figure_as_a_number() -> None:
    assert publish_round(2.675) == 2.68
    assert publish_round(72.625, 1) == 72.6
    zero = publish_round(-0.001)
    assert zero == 0 and math.copysign(1.0, zero) == 1.0
    assert math.isnan(publish_round(math.nan))


def test_survey_and_cards_round_alike() -> None:
    from parindex.survey.output import round_half_up

    with pytest.deprecated_call():
        assert round_half_up(-0.001) == parindex.present(-0.001) == "0.00"
    with pytest.deprecated_call():
        assert round_half_up(None) == parindex.present(None) == MISSING


def test_present_vi_is_deprecated() -> None:
    from parindex.card import present_vi

    with pytest.deprecated_call():
        assert present_vi(2.675) == present(2.675, lang="vi") == "2,68"


@given(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    st.integers(min_value=0, max_value=6),
    st.sampled_from(["vi", "en"]),
)
@example(-0.001, 2, "vi")
@example(-0.004999, 2, "en")
@example(-1e-300, 0, "vi")
def test_present_has_no_negative_zero_and_is_within_half_a_unit(
    x: float, decimals: int, lang: str
) -> None:
    s = present(x, decimals, lang=lang)
    assert not re.fullmatch(r"-0(?:[.,]0*)?", s)
    assert s not in ("-0,00", "-0.00")
    if lang == "vi":
        assert "." not in s
        s = s.replace(",", ".")
    assert abs(float(s) - x) <= 0.5 * 10**-decimals * (1 + 1e-9) + abs(x) * 1e-15
    assert float(s) == publish_round(x, decimals)


# -- rule-text numbers and lossless text ----------------------------------------------------------


def test_fmt_is_the_rule_text_number() -> None:
    assert fmt(66.0) == "66"
    assert fmt(2.5) == "2,5"
    assert fmt(2.5, "en") == "2.5"
    assert fmt(1 / 3, "en") == "0.3333"
    assert fmt(-0.00001) == "0"
    assert fmt(None) == "?"
    assert fmt(math.inf) == "∞" and fmt(-math.inf) == "-∞"


def test_num_text_is_lossless_and_positional() -> None:
    assert num_text(66.0) == "66"
    assert num_text(0.1 + 0.2) == "0.30000000000000004"
    assert num_text(1e-7) == "0.0000001"
    assert num_text(-0.0) == "0"
    assert num_text(66.66671) != num_text(66.666705)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_num_text_reads_back(x: float) -> None:
    t = num_text(x)
    assert "e" not in t and float(t) == x


# -- text -----------------------------------------------------------------------------------------

NEW = "Phường Minh Họa"  # tone mark on the o (new placement)
OLD = "PHƯỜNG MINH HOẠ"  # tone mark on the a (old placement), upper case


def test_nfc_composes_and_strips_only_when_asked() -> None:
    decomposed = unicodedata.normalize("NFD", NEW)
    assert decomposed != NEW and nfc(decomposed) == NEW
    assert nfc(" " + decomposed + "\n") == " " + NEW + "\n"
    assert nfc_strip(" " + decomposed + "\u00a0\n") == NEW
    assert nfc_strip("  Đắk Lắk\t") == "Đắk Lắk"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=12))
@example(" \u0301a ")
@example("\u2000e\u0301\u2001")
def test_strip_before_or_after_nfc_is_the_same(s: str) -> None:
    # survey responses stripped before normalising, the other readers after: one function.
    assert nfc_strip(s) == nfc(s.strip())


def test_fold_case_keeps_diacritics() -> None:
    assert fold_case(" PHƯỜNG MINH HỌA ") == fold_case(NEW) == "phường minh họa"
    assert fold_case(unicodedata.normalize("NFD", NEW)) == fold_case(NEW)
    # old and new tone placement are different letters for a case fold
    assert fold_case(OLD) != fold_case(NEW)
    assert fold_case("Không áp dụng") == "không áp dụng"


def test_fold_ascii_drops_diacritics_and_d_stroke() -> None:
    assert fold_ascii(NEW) == fold_ascii(OLD) == "phuong minh hoa"
    assert fold_ascii(unicodedata.normalize("NFD", OLD)) == "phuong minh hoa"
    assert fold_ascii("Đắk Lắk") == "dak lak"
    assert fold_ascii("ĐĂK NÔNG") == "dak nong"
    assert fold_ascii("Ｈà Nội") == "ha noi"  # full-width letters fold too


def test_text_module_is_the_lowest_layer() -> None:
    """``_text`` imports nothing of parindex but the other lowest modules (``errors``, ``_types``)."""
    tree = ast.parse(Path(_text.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or 0) > 0:
            assert node.module in ("errors", "_types"), node.module
        elif isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith("parindex"), node.module
        elif isinstance(node, ast.Import):
            assert not any(a.name.startswith("parindex") for a in node.names)


# -- words ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "vi", "en"),
    [
        ("2025-Q3", "Quý III/2025", "Q3 2025"),
        ("2025-Q1", "Quý I/2025", "Q1 2025"),
        ("2024-q4", "Quý IV/2024", "Q4 2024"),
        ("2025-H1", "6 tháng đầu năm 2025", "H1 2025"),
        ("2025-H2", "6 tháng cuối năm 2025", "H2 2025"),
        ("2025", "Năm 2025", "2025"),
        (" 2023 ", "Năm 2023", "2023"),
        ("2025-H3", "2025-H3", "2025-H3"),
        ("đợt 1", "đợt 1", "đợt 1"),
        ("", "", ""),
        (None, "", ""),
    ],
)
def test_period_label(period: str | None, vi: str, en: str) -> None:
    assert period_label(period, "vi") == vi
    assert period_label(period, "en") == en
    assert period_label(period) == vi


def test_group_text_uses_the_label_or_names_the_group() -> None:
    from parindex._types import Label

    assert group_text("B", None, "vi") == "Nhóm B"
    assert group_text("B", None, "en") == "B"
    assert group_text("K", Label("Khá", "Fair"), "vi") == "Khá"
    assert group_text("K", Label("Khá", "Fair"), "en") == "Fair"
    with pytest.raises(ValueError, match="unknown language"):
        group_text("B", None, "fr")


def test_status_words_in_both_languages() -> None:
    assert [status_text(w) for w in ("confirmed", "derived", "inferred", "unknown")] == [
        "đã xác nhận",
        "suy ra",
        "suy đoán",
        "chưa rõ",
    ]
    assert status_text("components") == "đến chỉ số thành phần"
    assert status_text("full") == "đầy đủ"
    for word in ("confirmed", "derived", "inferred", "unknown", "full", "criteria", "domains"):
        assert status_text(word, "en") == word
    assert status_text("something", "vi") == "something"


def test_every_status_and_detail_has_a_vietnamese_word() -> None:
    from parindex._types import STATUSES
    from parindex.methodology.model import DETAILS

    for word in (*STATUSES, *DETAILS):
        assert status_text(word, "vi") != word
