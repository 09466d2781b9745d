"""Types shared by low modules (the methodology model, its rules and readers, the province
registry): the literal types of methods and policies, the language checker and the bilingual
label. Nothing of parindex is imported here.

The ``Literal`` types make a misspelt policy a type error (``score(m, a, upto="final")`` fails
``mypy``); the tuples beside them are the same values for validation at run time.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

__all__ = [
    "AGGREGATES",
    "LANGS",
    "MISSING_POLICIES",
    "NA_POLICIES",
    "ROLES",
    "STAGES",
    "STATUSES",
    "TIE_RULE_NAMES",
    "Aggregate",
    "Amendment",
    "Label",
    "Lang",
    "LegalBasis",
    "MethodologyKind",
    "MissingPolicy",
    "NAPolicy",
    "Role",
    "Stage",
    "Status",
    "TieRule",
    "Upto",
    "check_lang",
]

#: How certain a recorded fact is.
Status = Literal["confirmed", "derived", "inferred", "unknown"]
STATUSES: tuple[Status, ...] = ("confirmed", "derived", "inferred", "unknown")

#: The language of a text: Vietnamese (the official one) or English.
Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")

#: The assessment stages, in order: self-assessment, survey, first and second appraisal.
Stage = Literal["self", "survey", "appraisal1", "appraisal2"]
STAGES: tuple[Stage, ...] = ("self", "survey", "appraisal1", "appraisal2")
#: The stage to score "as of" (``score(..., upto=)``); Vietnamese stage names are also accepted
#: at run time, so the type also admits any ``str`` read from a file or a command line.
Upto = Stage

#: What happens to the points of an item that does not apply to a unit.
NAPolicy = Literal["drop", "share", "earned"]
NA_POLICIES: tuple[NAPolicy, ...] = ("drop", "share", "earned")

#: What happens to an applicable item with no input: scored 0 (``zero``), an error
#: (``block``), or left out of the maximum like an item that does not apply (``exclude``).
MissingPolicy = Literal["zero", "block", "exclude"]
MISSING_POLICIES: tuple[MissingPolicy, ...] = ("zero", "block", "exclude")

#: How a node counts towards its parent.
Role = Literal["regular", "bonus", "penalty"]
ROLES: tuple[Role, ...] = ("regular", "bonus", "penalty")

#: How a node adds up its children.
Aggregate = Literal["sum", "capped"]
AGGREGATES: tuple[Aggregate, ...] = ("sum", "capped")

#: Which kind of methodology a loader is asked for: a scoring methodology, a survey
#: methodology, or whichever the file is (``"any"``).
MethodologyKind = Literal["scoring", "survey", "any"]

#: How a ranking breaks ties: on the index as published (rounded) or on the exact index.
TieRule = Literal["rounded", "exact"]
TIE_RULE_NAMES: tuple[TieRule, ...] = ("rounded", "exact")


def check_lang(lang: str) -> Lang:
    """Return ``lang`` when it is a language parindex writes; otherwise raise ``ValueError``
    naming the accepted values. The one check of every ``lang=`` argument."""
    if lang in LANGS:
        return lang
    raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(map(repr, LANGS))}")


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
