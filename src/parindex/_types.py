"""Types shared by low modules (the methodology model, its rules and readers, the province
registry): the status literal and the bilingual label. Nothing of parindex is imported here."""

from __future__ import annotations

from typing import Any, Literal

import attrs

__all__ = ["STATUSES", "Amendment", "Label", "LegalBasis", "Status"]

#: How certain a recorded fact is.
Status = Literal["confirmed", "derived", "inferred", "unknown"]
STATUSES: tuple[Status, ...] = ("confirmed", "derived", "inferred", "unknown")


@attrs.frozen
class Label:
    """A label in Vietnamese (required) and English (optional)."""

    vi: str
    en: str | None = None

    def text(self, lang: str = "vi") -> str:
        if lang == "en" and self.en:
            return self.en
        return self.vi

    def to_dict(self) -> dict[str, str]:
        out = {"vi": self.vi}
        if self.en is not None:
            out["en"] = self.en
        return out


@attrs.frozen
class LegalBasis:
    """The decision that issued a methodology (or amended it)."""

    decision: str
    date: str | None = None
    title: Label | None = None
    url: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"decision": self.decision}
        if self.date is not None:
            out["date"] = self.date
        if self.title is not None:
            out["title"] = self.title.to_dict()
        if self.url is not None:
            out["url"] = self.url
        if self.note is not None:
            out["note"] = self.note
        return out


Amendment = LegalBasis
