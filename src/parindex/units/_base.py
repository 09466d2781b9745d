"""Names, dates and records of the province registry, shared by the modules of this package."""

from __future__ import annotations

import datetime as dt
import re
from typing import TypeAlias

import attrs

from .._text import fold_ascii
from .._types import STATUSES, Status
from ..errors import UnitError

__all__ = [
    "ONE_DAY",
    "STATUSES",
    "DateLike",
    "Province",
    "ProvinceName",
    "Region",
    "Status",
    "as_date",
    "fmt_day",
    "normalize_name",
]

DateLike: TypeAlias = dt.date | str

ONE_DAY = dt.timedelta(days=1)


# --------------------------------------------------------------------------------------------
# Name folding


_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Administrative prefixes and English suffixes dropped for lookups, in folded compact form.
_PREFIXES = ("thanhpho", "tinh", "tp")
_SUFFIXES = ("province", "city")


def _compact(text: str) -> str:
    """Lower-case ASCII letters and digits only: diacritics removed, đ/Đ → d."""
    return _NON_ALNUM.sub("", fold_ascii(text))


def normalize_name(text: str) -> str:
    """Fold a province name for lookups.

    Case, diacritics (including đ/Đ → d), spaces, hyphens and punctuation are ignored, and the
    prefixes "tỉnh", "thành phố", "TP." / "TP" and the English suffixes "province" and "city" are
    dropped (never down to an empty string). The result contains only ``a-z`` and ``0-9``, and
    ``normalize_name(normalize_name(x)) == normalize_name(x)``.

    >>> normalize_name("  TP. Hồ Chí Minh ")
    'hochiminh'
    >>> normalize_name("Tỉnh Bình Định")
    'binhdinh'
    """
    compact = _compact(text)
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if compact.startswith(prefix) and len(compact) > len(prefix):
                compact = compact[len(prefix) :]
                changed = True
                break
        for suffix in _SUFFIXES:
            if compact.endswith(suffix) and len(compact) > len(suffix):
                compact = compact[: -len(suffix)]
                changed = True
                break
    return compact


# --------------------------------------------------------------------------------------------
# Records


def _in_period(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


@attrs.frozen
class ProvinceName:
    """One name of a province for a period (both ends inclusive; ``None`` is open)."""

    name: str
    name_en: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def is_valid_on(self, day: dt.date) -> bool:
        return _in_period(day, self.valid_from, self.valid_to)


@attrs.frozen
class Province:
    """A province-level unit (tỉnh / thành phố trực thuộc trung ương) for its validity period.

    ``name`` and ``name_en`` are the names on the date the record was looked up for; ``names``
    holds the whole name history and ``aliases`` extra spellings accepted by lookups.
    ``status`` concerns the unit itself (existence, dates, composition), ``code_status`` its
    statistics code and ``region_status`` its region.
    """

    id: str
    code: str | None
    name: str
    name_en: str
    region: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    predecessors: tuple[str, ...] = ()
    successor: str | None = None
    status: Status = "confirmed"
    source: str = ""
    code_status: Status = "confirmed"
    region_status: Status = "confirmed"
    names: tuple[ProvinceName, ...] = ()
    aliases: tuple[str, ...] = ()

    def is_valid_on(self, on: DateLike | None = None) -> bool:
        """Whether the unit exists on that date (default: today)."""
        return _in_period(as_date(on), self.valid_from, self.valid_to)

    def name_on(self, on: DateLike | None = None) -> str:
        """The Vietnamese name on that date (default: today)."""
        day = as_date(on)
        for entry in self.names:
            if entry.is_valid_on(day):
                return entry.name
        return self.name

    @property
    def label(self) -> str:
        """``"Bình Định (52)"``, or ``"Gia Lai (gia-lai-2025)"`` when the code is not known."""
        return f"{self.name} ({self.code if self.code is not None else self.id})"

    def _on(self, day: dt.date) -> Province:
        for entry in self.names:
            if entry.is_valid_on(day):
                if entry.name == self.name and entry.name_en == self.name_en:
                    return self
                return attrs.evolve(self, name=entry.name, name_en=entry.name_en)
        return self


@attrs.frozen
class Region:
    """A socio-economic region (vùng kinh tế - xã hội) with the codes of its 63-period provinces."""

    id: str
    name: str
    name_en: str
    provinces: tuple[str, ...]
    status: Status = "confirmed"
    source: str = ""


# --------------------------------------------------------------------------------------------
# Dates


def as_date(on: object) -> dt.date:
    if on is None:
        return dt.date.today()
    if isinstance(on, dt.datetime):
        return on.date()
    if isinstance(on, dt.date):
        return on
    if isinstance(on, str):
        try:
            return dt.date.fromisoformat(on.strip())
        except ValueError:
            raise UnitError("dates must be written YYYY-MM-DD", value=on) from None
    raise UnitError("a date must be a datetime.date or a YYYY-MM-DD string", value=on)


def fmt_day(day: dt.date | None) -> str:
    return "(open)" if day is None else day.isoformat()
