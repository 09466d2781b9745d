"""Bands: intervals of input values with explicit edges, e.g. ``[80, 100)``."""

from __future__ import annotations

import math
import re
from typing import Any, overload

import attrs
import numpy as np
import numpy.typing as npt

from ..._text import fmt, num_text
from ...expr import excel_number
from ._base import INF

__all__ = ["Band", "parse_band"]

_BAND_RE = re.compile(
    r"^\s*([\[(])\s*([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)|[-−]?∞|-?inf)\s*[,;]\s*"
    r"([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)|\+?∞|\+?inf)\s*([\])])\s*$"
)


def _num(text: str) -> float:
    t = text.replace(",", ".").replace("−", "-").replace("+", "")
    if t in ("∞", "inf"):
        return INF
    if t in ("-∞", "-inf"):
        return -INF
    return float(t)


def _g6(x: float) -> str:
    """A number as 0.1.0 wrote it in band texts (6 significant digits)."""
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


@attrs.frozen
class Band:
    """An interval of input values with explicit edges, e.g. ``[80, 100)``."""

    lo: float
    hi: float
    lo_inclusive: bool
    hi_inclusive: bool

    @overload
    def contains(self, x: float) -> bool: ...
    @overload
    def contains(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]: ...
    def contains(self, x: Any) -> Any:
        """Whether ``x`` lies in the band; ``x`` may be a number or a numpy array."""
        above = x >= self.lo if self.lo_inclusive else x > self.lo
        below = x <= self.hi if self.hi_inclusive else x < self.hi
        return above & below

    def text(self, digits: int | None = None) -> str:
        """The band as written in a methodology file: lossless (``parse_band`` reads it back
        to an equal band), or with ``digits=6`` as parindex 0.1.0 wrote it."""
        if digits not in (None, 6):
            raise ValueError("digits must be None or 6")
        num = num_text if digits is None else _g6
        lo = "-∞" if self.lo == -INF else num(self.lo)
        hi = "∞" if self.hi == INF else num(self.hi)
        return f"{'[' if self.lo_inclusive else '('}{lo}, {hi}{']' if self.hi_inclusive else ')'}"

    def __str__(self) -> str:
        return self.text()

    def whole(self) -> tuple[float, float] | None:
        """The first and last whole numbers in the band (infinite edges stay infinite), or None
        when it holds none: ``[1, 2]`` and ``(0, 3)`` both give ``(1, 2)``."""
        lo = self.lo
        if math.isfinite(lo):
            lo = float(math.ceil(lo)) if self.lo_inclusive else float(math.floor(lo) + 1)
        hi = self.hi
        if math.isfinite(hi):
            hi = float(math.floor(hi)) if self.hi_inclusive else float(math.ceil(hi) - 1)
        return None if lo > hi else (lo, hi)

    def describe(self, lang: str = "vi", unit: str = "", *, integer: bool = False) -> str:
        """Human words for the band: 'from 80 % to under 100 %'. With ``integer=True`` (a count)
        the band speaks of whole numbers: ``[0, 1)`` is '0', ``[1, 2]`` 'from 1 to 2',
        ``[3, ∞)`` '3 or more' (``unit`` then names what is counted: ' văn bản')."""
        if integer and (w := self.whole()) is not None:
            return _describe_whole(w[0], w[1], lang, unit)
        u = unit
        lo = fmt(self.lo, lang) + u
        hi = fmt(self.hi, lang) + u
        if lang == "vi":
            if self.lo == -INF:
                return ("đến " if self.hi_inclusive else "dưới ") + hi
            if self.hi == INF:
                return ("từ " if self.lo_inclusive else "trên ") + lo
            if self.lo == self.hi:
                return "bằng " + lo
            left = ("từ " if self.lo_inclusive else "trên ") + lo
            right = (" đến " if self.hi_inclusive else " đến dưới ") + hi
            return left + right
        if self.lo == -INF:
            return ("up to " if self.hi_inclusive else "below ") + hi
        if self.hi == INF:
            return ("at least " if self.lo_inclusive else "above ") + lo
        if self.lo == self.hi:
            return "exactly " + lo
        left = ("" if self.lo_inclusive else "over ") + lo
        right = ("–" if self.hi_inclusive else "–<") + hi
        return left + right

    def excel_test(self, cell: str) -> str:
        """An Excel condition: whether the value in ``cell`` lies in the band."""
        tests = []
        if self.lo != -INF:
            tests.append(f"{cell}{'>=' if self.lo_inclusive else '>'}{excel_number(self.lo)}")
        if self.hi != INF:
            tests.append(f"{cell}{'<=' if self.hi_inclusive else '<'}{excel_number(self.hi)}")
        return f"AND({','.join(tests)})" if tests else "TRUE"

    def nearest(self, x: float, lo: float, hi: float, integer: bool) -> tuple[float, str]:
        """The value of the band closest to ``x`` within [lo, hi], and how it is bounded
        (``">="``, ``">"``, ``"<="`` or ``"<"``: the value is the edge or the first number
        past an excluded edge)."""
        if self.lo > x or (self.lo == x and not self.lo_inclusive):
            edge = self.lo
            if self.lo_inclusive:
                return max(float(math.ceil(edge)) if integer else edge, lo), ">="
            v = math.floor(edge) + 1.0 if integer else math.nextafter(edge, INF)
            return v, ">"
        edge = self.hi
        if self.hi_inclusive:
            return min(float(math.floor(edge)) if integer else edge, hi), "<="
        v = math.ceil(edge) - 1.0 if integer else math.nextafter(edge, -INF)
        return v, "<"

    def reachable(self, lo: float, hi: float, integer: bool) -> bool:
        """Whether an input from ``lo`` to ``hi`` (whole numbers only if ``integer``) can fall
        in the band."""
        probe = Band(
            max(self.lo, lo),
            min(self.hi, hi),
            self.lo_inclusive or self.lo < lo,
            self.hi_inclusive or self.hi > hi,
        )
        if probe.lo > probe.hi:
            return False
        if probe.lo == probe.hi and not (probe.lo_inclusive and probe.hi_inclusive):
            return False
        if integer:
            first = math.ceil(probe.lo) if probe.lo_inclusive else math.floor(probe.lo) + 1
            return probe.contains(float(first))
        return True

    def overlaps(self, other: Band) -> bool:
        lo, lo_inc = (self.lo, self.lo_inclusive)
        if other.lo > lo or (other.lo == lo and not other.lo_inclusive):
            lo, lo_inc = other.lo, other.lo_inclusive
        hi, hi_inc = (self.hi, self.hi_inclusive)
        if other.hi < hi or (other.hi == hi and not other.hi_inclusive):
            hi, hi_inc = other.hi, other.hi_inclusive
        if lo < hi:
            return True
        return lo == hi and lo_inc and hi_inc


def _describe_whole(lo: float, hi: float, lang: str, unit: str) -> str:
    a, b = fmt(lo, lang) + unit, fmt(hi, lang) + unit
    vi = lang == "vi"
    if lo == hi:
        return a
    if hi == INF:
        return f"từ {a} trở lên" if vi else f"{a} or more"
    if lo == -INF:
        return f"không quá {b}" if vi else f"at most {b}"
    return f"từ {fmt(lo, lang)} đến {b}" if vi else f"{fmt(lo, lang)} to {b}"


def parse_band(text: str) -> Band:
    """Parse ``"[80, 100)"``; raise ValueError with a reason if it is not a band."""
    m = _BAND_RE.match(text.replace("\u00a0", " "))
    if not m:
        raise ValueError(
            "expected an interval such as '[80, 100)' (square bracket = edge included, "
            "round = excluded; ∞ for no bound)"
        )
    lo, hi = _num(m.group(2)), _num(m.group(3))
    band = Band(lo, hi, m.group(1) == "[" and lo != -INF, m.group(4) == "]" and hi != INF)
    if lo > hi or (lo == hi and not (band.lo_inclusive and band.hi_inclusive)):
        raise ValueError("the band is empty: its lower edge is not below its upper edge")
    return band
