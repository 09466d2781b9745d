"""Text and number helpers shared by every layer (the lowest layer: nothing of parindex here).

Text
    :func:`nfc` (Unicode normal form C), :func:`nfc_strip` (and without edge whitespace),
    :func:`fold_case` (for case-insensitive lookups) and :func:`fold_ascii` (for lookups that
    also ignore diacritics: "Đắk Lắk" → "dak lak").

Numbers
    :func:`num_text` is the lossless text of a number (it reads back as the same float),
    :func:`fmt` the number in a rule or a message (up to 4 decimals, decimal comma in
    Vietnamese), and :func:`present` a figure as published: rounded half up to ``decimals``,
    with :data:`MISSING` for an unknown figure. :func:`publish_round` is the same rounding as a
    number (to compare a rounded index with group thresholds or to rank ties).

Words
    :func:`period_label` (``2025-Q3`` → "Quý III/2025"), :func:`group_text` (a group's label,
    "Nhóm B" without one) and :func:`status_text` (the status and detail words of
    :data:`STATUS_WORDS`) as an officer reads them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from ._types import Label, check_lang

__all__ = [
    "MISSING",
    "STATUS_WORDS",
    "fmt",
    "fold_ascii",
    "fold_case",
    "group_text",
    "nfc",
    "nfc_strip",
    "num_text",
    "period_label",
    "present",
    "publish_round",
    "published_difference",
    "status_text",
]

#: The one mark for a missing figure in published output (an em dash).
MISSING = "—"


# -- text ---------------------------------------------------------------------------------------


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C, not stripped."""
    return unicodedata.normalize("NFC", text)


def nfc_strip(text: str) -> str:
    """``text`` in Unicode normal form C without leading or trailing whitespace.

    Stripping before or after normalising gives the same text: no whitespace character composes
    with a neighbour, and the whitespace characters that NFC changes stay whitespace.
    """
    return unicodedata.normalize("NFC", text).strip()


def fold_case(text: str) -> str:
    """``text`` for case-insensitive lookups: NFC, stripped, case-folded (diacritics kept)."""
    return nfc_strip(text).casefold()


def fold_ascii(text: str) -> str:
    """``text`` case-folded without diacritics (đ → d), for lookups that ignore both.

    Compatibility characters are folded too (full-width letters, ligatures); spaces and
    punctuation are kept: ``fold_ascii("Đắk Lắk") == "dak lak"``.
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


# -- numbers ------------------------------------------------------------------------------------


def num_text(x: float) -> str:
    """The shortest text that reads back as ``x`` (``66.0`` → ``66``), without an exponent."""
    if x == 0:
        return "0"
    return str(np.format_float_positional(x, unique=True, trim="-"))


def fmt(x: float | None, lang: str = "vi") -> str:
    """A number in a rule or a message: up to 4 decimals, trailing zeros dropped, a decimal
    comma in Vietnamese; ``?`` for an unknown number."""
    if x is None:
        return "?"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return s.replace(".", ",") if lang == "vi" else s


def _half_up(x: float, decimals: int) -> Decimal:
    # Half up on the shortest decimal text of x (repr), not on its binary value: 2.675 → 2.68.
    d = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(d) if d == 0 else d  # no negative zero


def publish_round(x: float, decimals: int = 2) -> float:
    """``x`` rounded half up to ``decimals`` as published (2.675 → 2.68), as a number."""
    if not math.isfinite(x):
        return float(x)
    return float(_half_up(x, decimals))


def published_difference(before: float, after: float, decimals: int = 2) -> float:
    """``after - before`` as the two figures are printed: each rounded half up to ``decimals``
    first, then subtracted exactly (27.104 → 27.676 prints 27.10 → 27.68: +0.58, not +0.57)."""
    if not (math.isfinite(before) and math.isfinite(after)):
        return after - before
    d = _half_up(after, decimals) - _half_up(before, decimals)
    return float(abs(d) if d == 0 else d)


def present(x: float | None, decimals: int = 2, *, lang: str = "en") -> str:
    """A figure as published: rounded half up to ``decimals`` (2.675 → ``2.68``), never ``-0.00``,
    with a decimal comma for ``lang="vi"`` (``2,68``) and no thousands separator;
    :data:`MISSING` for an unknown figure (``None`` or NaN)."""
    check_lang(lang)
    if x is None or math.isnan(x):
        return MISSING
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    s = f"{_half_up(x, decimals):.{decimals}f}"
    return s.replace(".", ",") if check_lang(lang) == "vi" else s


# -- words --------------------------------------------------------------------------------------

_ROMAN = ("I", "II", "III", "IV")
_PERIOD = re.compile(r"(\d{4})(?:-([QqHh])([1-4]))?")


def period_label(period: str | None, lang: str = "vi") -> str:
    """A period as officers write it: ``2025-Q3`` → "Quý III/2025" ("Q3 2025" in English),
    ``2025-H1`` → "6 tháng đầu năm 2025" ("H1 2025"), ``2025`` → "Năm 2025" ("2025"). Any other
    text is returned as given (stripped); ``None`` gives ``""``."""
    vi = check_lang(lang) == "vi"
    text = nfc_strip(period or "")
    m = _PERIOD.fullmatch(text)
    if m is None:
        return text
    year, kind, n = m.group(1), (m.group(2) or "").upper(), int(m.group(3) or 0)
    if not kind:
        return f"Năm {year}" if vi else year
    if kind == "Q":
        return f"Quý {_ROMAN[n - 1]}/{year}" if vi else f"Q{n} {year}"
    if n > 2:
        return text
    if vi:
        return f"6 tháng {'đầu' if n == 1 else 'cuối'} năm {year}"
    return f"H{n} {year}"


def group_text(code: str, label: Label | None, lang: str = "vi") -> str:
    """A result group as printed: its label from the methodology ("Khá") in ``lang``; without a
    label, "Nhóm B" in Vietnamese and the bare code in English."""
    if label is not None:
        return label.text(check_lang(lang))
    return f"Nhóm {code}" if check_lang(lang) == "vi" else code


#: The status words of facts (confirmed, derived, inferred, unknown) and the detail words of a
#: methodology (full, criteria, domains, components): (Vietnamese, English).
STATUS_WORDS: dict[str, tuple[str, str]] = {
    "confirmed": ("đã xác nhận", "confirmed"),
    "derived": ("suy ra", "derived"),
    "inferred": ("suy đoán", "inferred"),
    "unknown": ("chưa rõ", "unknown"),
    "full": ("đầy đủ", "full"),
    "criteria": ("đến tiêu chí", "criteria"),
    "domains": ("đến lĩnh vực", "domains"),
    "components": ("đến chỉ số thành phần", "components"),
}


def status_text(word: str, lang: str = "vi") -> str:
    """A status or detail word of :data:`STATUS_WORDS` in ``lang``; another word as given."""
    pair = STATUS_WORDS.get(word)
    if pair is None:
        return word
    return pair[0] if check_lang(lang) == "vi" else pair[1]
