"""Crosswalks between two methodology versions: which codes correspond, and how.

A crosswalk file (bảng chuyển đổi mã) maps codes of one version to codes of the next::

    parindex_crosswalk: 1
    from: example/province/2025
    to: example/province/2026
    items:
      - {from: "1.1", to: "1.1"}                          # same item
      - {from: "1.2", to: "1.2", kind: renamed}           # new wording, same maximum
      - {from: "2.1", to: ["2.1", "2.2"], kind: split}
      - {from: ["3.1", "3.2"], to: "3.1", kind: merged}
      - {from: "4", to: "4", kind: reweighted}            # same content, another maximum
    dropped: ["1.3"]          # items of 'from' with no counterpart
    added: ["2.3"]            # new items of 'to'

Kinds: ``same`` (default), ``renamed``, ``split`` (one → several), ``merged`` (several → one),
``reweighted`` (one → one with another maximum). Points compare only where the maxima agree; the
index (percent) compares on every mapped group. What cannot be compared is listed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .._files import read_text
from ..errors import CrosswalkError, MethodologyError
from ..methodology.model import Methodology
from ..methodology.yamlio import load_yaml

__all__ = ["KINDS", "Crosswalk", "CrosswalkError", "Link", "load_crosswalk"]

KINDS = ("same", "renamed", "split", "merged", "reweighted")


@attrs.frozen
class Link:
    """One correspondence: codes of the earlier version → codes of the later one."""

    source: tuple[str, ...]
    target: tuple[str, ...]
    kind: str = "same"
    note: str | None = None
    line: int | None = None


@attrs.frozen
class Crosswalk:
    """Code correspondences between two methodology versions."""

    from_id: str
    to_id: str
    links: tuple[Link, ...]
    dropped: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    source: str = ""

    def check(self, before: Methodology, after: Methodology) -> Crosswalk:
        """Check every code against the two methodologies; raise :class:`CrosswalkError`."""
        for m, want, side in ((before, self.from_id, "from"), (after, self.to_id, "to")):
            if m.id != want:
                raise CrosswalkError(
                    f"the crosswalk's '{side}' version is {want}, not {m.id}",
                    file=self.source or None,
                    value=m.id,
                )
        seen: dict[tuple[str, str], int | None] = {}
        for link in self.links:
            for side, codes, m in (("from", link.source, before), ("to", link.target, after)):
                for c in codes:
                    if c not in m:
                        raise CrosswalkError(
                            f"unknown code on the '{side}' side: {m.id} has no such node",
                            file=self.source or None,
                            line=link.line,
                            code=c,
                        )
                    if (side, c) in seen:
                        raise CrosswalkError(
                            f"the code is mapped twice on the '{side}' side (first at line {seen[(side, c)]})",
                            file=self.source or None,
                            line=link.line,
                            code=c,
                        )
                    seen[(side, c)] = link.line
            if link.kind in ("same", "renamed"):
                a, b = before[link.source[0]].max, after[link.target[0]].max
                if a != b:
                    raise CrosswalkError(
                        f"a '{link.kind}' item keeps its maximum, but it changes from {a} to {b}; "
                        "use kind: reweighted",
                        file=self.source or None,
                        line=link.line,
                        code=link.source[0],
                    )
        for side, m in (("from", before), ("to", after)):
            mapped = [
                c for link in self.links for c in (link.source if side == "from" else link.target)
            ]
            for c in mapped:
                for anc in m.ancestors(c):
                    if anc.code in mapped:
                        line = seen[(side, c)]
                        raise CrosswalkError(
                            f"on the '{side}' side, {c} lies under {anc.code}, which is mapped "
                            "too; map either the node or the items below it, so that nothing is "
                            "counted twice",
                            file=self.source or None,
                            line=line,
                            code=c,
                        )
        for side, codes, m in (("dropped", self.dropped, before), ("added", self.added, after)):
            for c in codes:
                if c not in m:
                    raise CrosswalkError(
                        f"unknown code in '{side}': {m.id} has no such node",
                        file=self.source or None,
                        code=c,
                    )
                key = ("from" if side == "dropped" else "to", c)
                if key in seen:
                    raise CrosswalkError(
                        f"the code is both mapped and listed as {side}",
                        file=self.source or None,
                        code=c,
                    )
        return self

    def unmapped(self, m: Methodology, side: str) -> tuple[str, ...]:
        """Leaves of ``m`` covered by no link (on ``side`` 'from' or 'to'), nor dropped/added,
        nor under or above a mapped node."""
        mapped = {
            c for link in self.links for c in (link.source if side == "from" else link.target)
        }
        listed = set(self.dropped if side == "from" else self.added)
        covered = mapped | listed
        out = []
        for leaf in m.leaves():
            chain = {leaf.code, *(a.code for a in m.ancestors(leaf.code))}
            if chain & covered:
                continue
            below = any(c in covered for c in (n.code for n in m.walk(leaf.code)))
            if not below:
                out.append(leaf.code)
        return tuple(out)


def _codes(value: Any, *, file: str, line: int | None, key: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    out = []
    for x in items:
        if isinstance(x, int | float) and not isinstance(x, bool):
            x = str(x)
        if not isinstance(x, str) or not x.strip():
            raise CrosswalkError(
                f"'{key}' is a code or a list of codes", file=file, line=line, value=value
            )
        out.append(x.strip())
    if not out:
        raise CrosswalkError(f"'{key}' lists no code", file=file, line=line)
    return tuple(out)


def load_crosswalk(
    source: str | os.PathLike[str],
    before: Methodology | None = None,
    after: Methodology | None = None,
) -> Crosswalk:
    """Read a crosswalk file; with both methodologies, check every code against them."""
    p = Path(source)
    file = str(p)
    text = read_text(p, error=CrosswalkError)
    try:
        data = load_yaml(text, file=file)
    except MethodologyError as exc:
        raise CrosswalkError(exc.message, file=file, line=exc.line, column=exc.column) from None
    if not isinstance(data, Mapping) or data.get("parindex_crosswalk") != 1:
        raise CrosswalkError("a crosswalk file starts with 'parindex_crosswalk: 1'", file=file)
    allowed = {"parindex_crosswalk", "from", "to", "items", "dropped", "added", "note"}
    extra = sorted(set(data) - allowed)
    if extra:
        raise CrosswalkError(
            f"unknown key; allowed: {', '.join(sorted(allowed))}", file=file, value=extra[0]
        )
    fid, tid = data.get("from"), data.get("to")
    if not isinstance(fid, str) or not isinstance(tid, str):
        raise CrosswalkError("'from' and 'to' name the two methodology ids", file=file)
    seq = data.get("items")
    if not isinstance(seq, list):
        raise CrosswalkError("'items' must be a list", file=file)
    marks = getattr(seq, "item_marks", [None] * len(seq))
    links = []
    for item, mark in zip(seq, marks, strict=True):
        line = mark[0] if mark else None
        if not isinstance(item, Mapping):
            raise CrosswalkError("an item is a mapping with from, to, kind", file=file, line=line)
        bad = sorted(set(item) - {"from", "to", "kind", "note"})
        if bad:
            raise CrosswalkError(
                "unknown key in an item; allowed: from, to, kind, note",
                file=file,
                line=line,
                value=bad[0],
            )
        if "from" not in item or "to" not in item:
            raise CrosswalkError("an item needs 'from' and 'to'", file=file, line=line)
        src = _codes(item["from"], file=file, line=line, key="from")
        dst = _codes(item["to"], file=file, line=line, key="to")
        kind = item.get("kind", "same")
        if kind not in KINDS:
            raise CrosswalkError(
                f"unknown kind; expected one of {', '.join(KINDS)}",
                file=file,
                line=line,
                value=kind,
            )
        shape = {
            "split": len(src) == 1 and len(dst) >= 2,
            "merged": len(src) >= 2 and len(dst) == 1,
        }.get(kind, len(src) == 1 and len(dst) == 1)
        if not shape:
            want = {
                "split": "one 'from' code and several 'to' codes",
                "merged": "several 'from' codes and one 'to' code",
            }.get(kind, "one 'from' code and one 'to' code")
            raise CrosswalkError(
                f"a '{kind}' item has {want}", file=file, line=line, code=src[0], value=list(dst)
            )
        note = item.get("note")
        links.append(Link(src, dst, kind, str(note) if note is not None else None, line))
    dropped = (
        _codes(data["dropped"], file=file, line=None, key="dropped") if data.get("dropped") else ()
    )
    added = _codes(data["added"], file=file, line=None, key="added") if data.get("added") else ()
    cw = Crosswalk(fid, tid, tuple(links), dropped, added, file)
    if before is not None and after is not None:
        cw.check(before, after)
    return cw
