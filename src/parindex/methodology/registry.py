"""Loading methodologies: the shipped ones by id or year, and files of your own.

Which files are shipped, and the years each governs, is :mod:`.catalogue`'s business (one
catalogue for every kind of shipped file); this module builds scoring and survey methodologies
from them. ``methodology/registry.yaml`` lists decisions that are known to exist but whose
official annex tables are not public: asking for one explains what is missing.
"""

from __future__ import annotations

import functools
import os
import warnings
from pathlib import Path
from typing import Any, Literal, overload

import attrs

from .._files import read_bytes
from .._types import MethodologyKind
from ..errors import MethodologyError, NotEncodedError
from . import catalogue, yamlio
from .catalogue import KnownDecision, known, shipped_root
from .loader import parse_methodology
from .model import Methodology
from .survey import SurveyMethodology, parse_survey_methodology

__all__ = [
    "KnownDecision",
    "MethodologyInfo",
    "available",
    "governing",
    "known",
    "load",
    "load_file",
    "resolve",
    "shipped_root",
]


def load_any(data: Any, *, file: str) -> Methodology | SurveyMethodology:
    """Build a scoring methodology or a survey methodology, by the file's ``kind``."""
    if isinstance(data, dict) and data.get("kind") == "survey":
        return parse_survey_methodology(data, file=file)
    return parse_methodology(data, file=file)


@functools.cache
def _load_shipped(ident: str) -> Methodology | SurveyMethodology:
    f = catalogue.find(ident)
    if f is None:
        raise KeyError(ident)
    m = load_any(catalogue.read_data(f), file=f.display)
    if m.id != ident:
        raise MethodologyError(
            f"the file declares the id {m.id}, which does not match its place", file=f.display
        )
    return m


@attrs.frozen
class MethodologyInfo:
    """A line of the catalogue: what a methodology is and how complete it is."""

    id: str
    kind: str
    decision: str
    years: tuple[int, ...]
    title: str
    encoded: bool
    complete: bool
    status: str
    detail: str = "full"
    note: str | None = None
    maxima: tuple[int, int] | None = None  # (nodes whose maximum is known, nodes), when encoded


def shipped_ids() -> tuple[str, ...]:
    """The ids of the shipped scoring and survey methodologies."""
    return catalogue.ids()


def available() -> tuple[MethodologyInfo, ...]:
    """Every shipped methodology, and every known decision that is not encoded."""
    out: list[MethodologyInfo] = []
    for ident in shipped_ids():
        m = _load_shipped(ident)
        is_survey = not isinstance(m, Methodology)
        out.append(
            MethodologyInfo(
                id=ident,
                kind="survey" if is_survey else "scoring",
                decision=m.legal_basis.decision,
                years=m.years,
                title=m.title.vi,
                encoded=True,
                complete=bool(getattr(m, "complete", True)),
                status=m.status,
                detail=getattr(m, "detail", "full"),
                maxima=(
                    (sum(n.max is not None for n in m), len(m))
                    if isinstance(m, Methodology)
                    else None
                ),
            )
        )
    for k in known():
        out.append(
            MethodologyInfo(
                id=k.id,
                kind="survey" if "sipas" in k.id else "scoring",
                decision=k.decision,
                years=k.years,
                title=k.title,
                encoded=False,
                complete=False,
                status="unknown",
                note=k.missing,
            )
        )
    return tuple(out)


def governing(
    prefix: str = "vn-moha/province", years: range = range(2012, 2027)
) -> tuple[tuple[int, MethodologyInfo | None], ...]:
    """For each assessment year, the methodology or known decision of ``prefix`` that governs
    it (encoded first), or None where no decision is known here."""
    infos = [i for i in available() if i.id.startswith(prefix + "/")]
    out: list[tuple[int, MethodologyInfo | None]] = []
    for year in years:
        found = sorted((i for i in infos if year in i.years), key=lambda i: (not i.encoded, i.id))
        out.append((year, found[0] if found else None))
    return tuple(out)


def _not_encoded(k: KnownDecision) -> NotEncodedError:
    return NotEncodedError(
        f"{k.id} ({k.decision}{', ' + k.date if k.date else ''}) is known to exist but is not "
        f"encoded: {k.known} Missing: {k.missing} To use it, write the official annex as a "
        "methodology file of your own (see docs/methodology-format.md) and load it with "
        "parindex.load_file(path).",
        value=k.id,
    )


def _of_kind(
    m: Methodology | SurveyMethodology, kind: MethodologyKind | None, what: str
) -> Methodology | SurveyMethodology:
    """Check the loaded methodology against the ``kind=`` asked for.

    Without ``kind`` a scoring methodology is expected (that is what the type says); a survey
    methodology is still returned, with a DeprecationWarning, for one release.
    """
    if kind == "any":
        return m
    is_survey = isinstance(m, SurveyMethodology)
    if kind is None:
        if is_survey:
            warnings.warn(
                f"loading a survey methodology with {what} without kind='survey' is deprecated; "
                f"pass kind='survey' (or kind='any'), or use parindex.survey.load_methodology",
                DeprecationWarning,
                stacklevel=3,
            )
        return m
    if kind not in ("scoring", "survey"):
        raise ValueError(f"unknown kind {kind!r}; expected one of 'scoring', 'survey', 'any'")
    if is_survey != (kind == "survey"):
        raise MethodologyError(
            f"{m.id} is a {'survey' if is_survey else 'scoring'} methodology, not a {kind} one",
            value=m.id,
        )
    return m


@overload
def load(
    ident: str, year: int | None = None, *, kind: Literal["scoring"] | None = None
) -> Methodology: ...
@overload
def load(ident: str, year: int | None = None, *, kind: Literal["survey"]) -> SurveyMethodology: ...
@overload
def load(
    ident: str, year: int | None = None, *, kind: MethodologyKind
) -> Methodology | SurveyMethodology: ...
def load(
    ident: str, year: int | None = None, *, kind: MethodologyKind | None = None
) -> Methodology | SurveyMethodology:
    """Load a shipped methodology.

    ``load("vn-moha/province/2022")`` gives that exact version; ``load("vn-moha/province",
    year=2023)`` gives the version in force for the 2023 assessment. ``kind="survey"`` loads a
    survey methodology (``kind="any"``: whichever the id names); the return type follows
    ``kind``, a :class:`Methodology` by default.
    """
    return _of_kind(_load(ident, year), kind, "load()")


def _load(ident: str, year: int | None) -> Methodology | SurveyMethodology:
    if not isinstance(ident, str):
        raise MethodologyError(
            "expected a methodology id (a text)",
            value=ident,
            error_code="wrong-type",
            params={"what": "a methodology id (a text)"},
            pointer="/ident",
        )
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise MethodologyError(
            "year must be an integer year such as 2023",
            value=year,
            error_code="wrong-type",
            params={"what": "an integer year"},
            pointer="/year",
        )
    ident = ident.strip().strip("/")
    if ident.endswith(".yaml"):
        ident = ident[:-5]
    parts = ident.split("/")
    ids = shipped_ids()
    if len(parts) == 3:
        if year is not None:
            raise MethodologyError(
                "give either an exact version (issuer/scheme/version) or a scheme and a year",
                value=ident,
            )
        if ident in ids:
            return _load_shipped(ident)
        for k in known():
            if k.id == ident:
                raise _not_encoded(k)
        raise MethodologyError(
            f"no methodology {ident}; available: {', '.join(ids)}",
            value=ident,
            error_code="unknown-methodology",
            params={"ident": ident, "available": ", ".join(ids)},
        )
    if len(parts) == 2:
        if year is None:
            raise MethodologyError(
                "give the assessment year: load('vn-moha/province', year=2023)", value=ident
            )
        found = catalogue.version_for(ident, year)
        if found is not None:
            return _load_shipped(found)
        for k in known():
            if k.id.startswith(ident + "/") and year in k.years:
                raise _not_encoded(k)
        versions = [
            f"{fid} ({catalogue.header(fid).years[0]}–{catalogue.header(fid).years[-1]})"
            for fid in ids
            if fid.startswith(ident + "/")
        ]
        raise MethodologyError(
            f"no version of {ident} governs the {year} assessment"
            + (
                f"; shipped versions: {', '.join(versions)}"
                if versions
                else f"; unknown scheme (available: {', '.join(sorted({i.rsplit('/', 1)[0] for i in ids}))})"
            ),
            value=year,
            error_code="unknown-year",
            params={"ident": ident, "year": year},
        )
    raise MethodologyError(
        "expected an id such as 'vn-moha/province/2022' or 'vn-moha/province' with a year",
        value=ident,
    )


def resolve(ref: str) -> Any:
    """A methodology from what a person types: an id (``vn-moha/province/2022``), an id with a
    year (``vn-moha/province@2023``), or the path of a YAML file."""
    p = Path(ref)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return load_file(p, kind="any")
    if "@" in ref:
        ident, year = ref.split("@", 1)
        try:
            y = int(year)
        except ValueError:
            raise MethodologyError(
                "expected id@year, e.g. vn-moha/province@2023", value=ref
            ) from None
        return load(ident, year=y, kind="any")
    return load(ref, kind="any")


@overload
def load_file(
    path: str | os.PathLike[str], *, kind: Literal["scoring"] | None = None
) -> Methodology: ...
@overload
def load_file(path: str | os.PathLike[str], *, kind: Literal["survey"]) -> SurveyMethodology: ...
@overload
def load_file(
    path: str | os.PathLike[str], *, kind: MethodologyKind
) -> Methodology | SurveyMethodology: ...
def load_file(
    path: str | os.PathLike[str], *, kind: MethodologyKind | None = None
) -> Methodology | SurveyMethodology:
    """Load and validate a methodology file of your own: a scoring methodology by default,
    ``kind="survey"`` for a survey methodology, ``kind="any"`` for whichever the file is."""
    p = Path(path)
    raw = read_bytes(p, error=MethodologyError)
    return _of_kind(load_any(yamlio.load_yaml(raw, file=str(p)), file=str(p)), kind, "load_file()")
