"""The one catalogue of shipped files, of every kind.

Files live in the repository's top-level ``methodology/`` folder (a wheel carries it as
``parindex/_methodology``):

* ``<issuer>/<scheme>/<version>.yaml``: a scoring or a survey methodology (by its ``kind``);
* ``<issuer>/family-<version>.yaml``: a scheme family (loaded by :mod:`parindex.schemes`);
* ``registry.yaml``: decisions known to exist but not encoded (their official annex is not public).

This module only finds the files and reads their headers (:class:`~.yamlio.FileHeader`); the
registry builds methodologies from them and :mod:`parindex.schemes` builds families. Nothing else
walks the folder.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import attrs

from ..errors import MethodologyError
from . import yamlio

__all__ = [
    "KnownDecision",
    "ShippedFile",
    "files",
    "find",
    "header",
    "ids",
    "known",
    "read_data",
    "read_known",
    "shipped_root",
    "version_for",
]

_FAMILY_FILE = re.compile(r"^family-(\d{4})\.yaml$")
KNOWN_FILE = "registry.yaml"


def shipped_root() -> Traversable:
    """Where the shipped methodology files are (a folder in the repository or in the wheel)."""
    packaged = resources.files("parindex") / "_methodology"
    if packaged.is_dir():
        return packaged
    # source checkout / editable install: src/parindex/methodology/catalogue.py -> repo/methodology
    repo = Path(__file__).resolve().parents[3] / "methodology"
    if repo.is_dir():
        return repo
    raise MethodologyError(
        "the shipped methodology files are missing from this installation; reinstall parindex"
    )


@attrs.frozen
class ShippedFile:
    """A shipped file: its id (``vn-moha/province/2022``; ``ha-tinh/2019`` for a family), whether
    it is a family, the file itself and the name messages give it."""

    id: str
    family: bool
    file: Traversable = attrs.field(eq=False, repr=False)
    display: str


def _walk(root: Traversable) -> Iterator[ShippedFile]:
    for issuer in sorted(root.iterdir(), key=lambda p: p.name):
        if not issuer.is_dir():
            continue
        for entry in sorted(issuer.iterdir(), key=lambda p: p.name):
            found = _FAMILY_FILE.match(entry.name)
            if found and entry.is_file():
                ident = f"{issuer.name}/{found.group(1)}"
                yield ShippedFile(ident, True, entry, f"methodology/{issuer.name}/{entry.name}")
            if not entry.is_dir():
                continue
            for f in sorted(entry.iterdir(), key=lambda p: p.name):
                if f.name.endswith(".yaml"):
                    ident = f"{issuer.name}/{entry.name}/{f.name[:-5]}"
                    yield ShippedFile(ident, False, f, f"methodology/{ident}.yaml")


def files(*, family: bool | None = None) -> tuple[ShippedFile, ...]:
    """Every shipped file (only the families, or only the methodologies, if ``family`` says)."""
    return tuple(f for f in _walk(shipped_root()) if family is None or f.family == family)


def ids(*, family: bool = False) -> tuple[str, ...]:
    """The ids of the shipped methodologies (scoring and survey), or of the families."""
    return tuple(f.id for f in files(family=family))


def find(ident: str, *, family: bool = False) -> ShippedFile | None:
    """The shipped file of ``ident``, or None."""
    for f in files(family=family):
        if f.id == ident:
            return f
    return None


def read_data(f: ShippedFile) -> Any:
    """The file's content, read by the strict YAML reader."""
    return yamlio.load_yaml(f.file.read_bytes(), file=f.display)


@functools.cache
def header(ident: str, *, family: bool = False) -> yamlio.FileHeader:
    """The header of a shipped file (kind, id, years, title, status, legal basis...)."""
    f = find(ident, family=family)
    if f is None:
        raise KeyError(ident)
    data = read_data(f)
    r = yamlio.Reader(data, file=f.display, what="family" if family else "methodology")
    kind = "family" if family else str(data.get("kind", "scoring"))
    return yamlio.read_header(r, kind)


def version_for(prefix: str, year: int, *, family: bool = False) -> str | None:
    """The id of the shipped version of ``prefix`` (``vn-moha/province``, or an issuer for a
    family) that governs the ``year`` assessment, or None."""
    for ident in ids(family=family):
        if ident.startswith(prefix + "/") and year in header(ident, family=family).years:
            return ident
    return None


@attrs.frozen
class KnownDecision:
    """A decision known to exist whose tables are not encoded here."""

    id: str
    scheme: str
    decision: str
    date: str | None
    years: tuple[int, ...]
    title: str
    known: str
    missing: str
    source: str | None


def read_known(data: Any, *, file: str) -> tuple[KnownDecision, ...]:
    """The decisions listed in a ``registry.yaml`` file."""
    r = yamlio.Reader(data, file=file, what="registry")
    r.req("parindex", int)
    seq = r.req("known", list)
    r.done()
    out = []
    for item, mark in zip(seq, yamlio.item_marks(seq), strict=True):
        k = yamlio.Reader(item, file=file, what="known decision", mark=mark)
        out.append(
            KnownDecision(
                id=k.req("id", yamlio.text),
                scheme=k.req("scheme", yamlio.text),
                decision=k.req("decision", yamlio.text),
                date=k.opt("date", yamlio.text),
                years=tuple(k.req("years", list)),
                title=k.req("title", yamlio.text),
                known=k.req("known", yamlio.text),
                missing=k.req("missing", yamlio.text),
                source=k.opt("source", yamlio.text),
            )
        )
        k.done()
    return tuple(out)


@functools.cache
def known() -> tuple[KnownDecision, ...]:
    """Decisions known to exist but not encoded (their official annex is not public here)."""
    f = shipped_root() / KNOWN_FILE
    display = f"methodology/{KNOWN_FILE}"
    return read_known(yamlio.load_yaml(f.read_bytes(), file=display), file=display)
