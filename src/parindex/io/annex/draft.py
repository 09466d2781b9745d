"""Annex rows into a draft methodology file, and the review list of what a person must finish.

:func:`read_annex` reads an annex file (:mod:`.rows`, :mod:`.parse`), turns each leaf's guide
into a rule where its shape is clear (:mod:`.guide`) and writes the draft. Each leaf whose rule
was derived from its guide says ``status: inferred`` and keeps the guide word for word in its
``note`` (with the evidence column, "Tài liệu kiểm chứng"); a guide not understood stays as
text on a leaf scored with points given directly. :meth:`AnnexDraft.report` prints the review
list: maxima that do not add up (with the difference), guides not turned into rules, ambiguous
band edges, things to check in the rules made, and every source row skipped, with the reason.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import yaml

from ... import _safe
from ..._text import num_text
from ..._write import write_text
from ...errors import AnnexError, MethodologyError
from ...methodology.loader import load_text
from ...methodology.model import Methodology
from .guide import clean, fold, parse_guide
from .parse import AnnexRow, SkippedRow, read_annex_table

__all__ = ["AnnexDraft", "GuideIssue", "read_annex"]


@attrs.frozen
class GuideIssue:
    """A guide that stayed as text: where it is, its lines and why."""

    code: str
    row: int
    lines: tuple[str, ...]
    reason: str
    where: str = ""  # "table 2, row 6" where the row number alone does not say it

    def text(self) -> str:
        shown = " | ".join(self.lines)
        return f"{self.where or f'row {self.row}'}, node {self.code}: {self.reason}: {shown}"


@attrs.frozen
class AnnexDraft:
    """The draft methodology made from an annex table."""

    text: str  # the YAML file
    rows: tuple[AnnexRow, ...]
    rules: Mapping[str, str]  # leaf code -> rule kind made from its guide
    unparsed: tuple[GuideIssue, ...]  # guides kept as text on a points leaf (in 'note')
    checks: tuple[str, ...]  # things to check in rules that were made
    problems: tuple[str, ...]  # why the draft does not load yet ('' when it does)
    methodology: Methodology | None = attrs.field(default=None, eq=False, repr=False)
    file: str | None = None
    skipped: tuple[SkippedRow, ...] = ()  # source rows that are not nodes, with the reason
    sums: tuple[str, ...] = ()  # maxima that do not add up, with the difference
    ambiguous: tuple[str, ...] = ()  # band edges two guide lines both claim
    source_rows: tuple[int, ...] = ()  # every non-empty row of the source

    @property
    def valid(self) -> bool:
        return self.methodology is not None

    @property
    def review(self) -> tuple[str, ...]:
        """Everything a person must look at, one line each (the report's list)."""
        return (
            *self.sums,
            *(g.text() for g in self.unparsed),
            *self.ambiguous,
            *self.checks,
            *(s.line() for s in self.skipped),
        )

    def accounted(self) -> dict[int, str]:
        """Every non-empty source row and where it went: a node's code, or the skip reason."""
        out: dict[int, str] = {}
        for r in self.rows:
            out[r.row] = r.code
            for m in r.merged:
                out[m] = f"{r.code} (guide)"
        for s in self.skipped:
            out[s.row] = f"skipped: {s.reason}"
        return out

    def report(self) -> str:
        """What was made and what is left for a person, in plain lines."""
        kinds: dict[str, int] = {}
        for k in self.rules.values():
            kinds[k] = kinds.get(k, 0) + 1
        out = [
            f"{len(self.rows)} rows read; rules made from the guides: "
            + (", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) or "none")
        ]
        if self.sums:
            out.append("maxima that do not add up (fix the figure that differs from the decision):")
            out.extend("  - " + s for s in self.sums)
        if self.unparsed:
            out.append(
                f"{len(self.unparsed)} guide(s) kept as text on a points leaf (finish them by hand):"
            )
            out.extend("  - " + g.text() for g in self.unparsed)
        if self.ambiguous:
            out.append("ambiguous band edges (given to one band; check against the decision):")
            out.extend("  - " + a for a in self.ambiguous)
        if self.checks:
            out.append("to check:")
            out.extend("  - " + c for c in self.checks)
        if self.skipped:
            out.append(f"{len(self.skipped)} source row(s) skipped:")
            out.extend("  - " + s.line() for s in self.skipped)
        if self.problems:
            out.append("the draft does not pass validation yet:")
            out.extend("  - " + p for p in self.problems)
        else:
            out.append("the draft passes validation")
        return "\n".join(out)

    def write(self, path: str | os.PathLike[str]) -> Path:
        return write_text(path, self.text)


_PART_METHODS = (("hai long", "sipas"), ("dieu tra xa hoi hoc", "survey"))


def read_annex(
    path: str | os.PathLike[str],
    *,
    issuer: str = "draft",
    scheme: str = "annex",
    version: str = "2025",
    years: Sequence[int] | None = None,
    title: str | None = None,
    decision: str = "DRAFT",
    date: str | None = None,
    scale: float | None = None,
    status: str = "inferred",
    method: str = "appraisal",
    not_applicable: str = "drop",
    sheet: str | None = None,
) -> AnnexDraft:
    """Read an annex file (``.docx``, ``.pdf``, ``.xlsx``, ``.csv``) and make a draft methodology.

    ``status`` defaults to ``inferred``: a table typed from a decision must be checked against
    it before the file says ``confirmed``. ``method`` is used where the table has no method
    column (a part named for the people's satisfaction, "sự hài lòng", is ``sipas``, one named
    for the sociological survey ``survey``). ``scale`` defaults to the sum of the top-level maxima.
    """
    table = read_annex_table(path, sheet=sheet)
    rows = table.rows
    file = str(path)
    codes = {r.code for r in rows}
    kids: dict[str, list[AnnexRow]] = {}
    top: list[AnnexRow] = []
    for r in rows:
        if r.parent is not None and r.parent not in codes:
            raise AnnexError(
                f"the parent {r.parent} of this code is not in the table (codes give the tree: "
                "1.2.3 stands under 1.2)",
                file=file,
                row=r.row,
                code=r.code,
            )
        if r.parent is None:
            top.append(r)
        else:
            kids.setdefault(r.parent, []).append(r)
    rules: dict[str, str] = {}
    unparsed: list[GuideIssue] = []
    checks: list[str] = []
    ambiguous: list[str] = []
    sums: list[str] = []

    def note(*parts: str | None) -> str | None:
        text = "\n".join(p for p in parts if p)
        return text or None

    def node(r: AnnexRow) -> dict[str, Any]:
        d: dict[str, Any] = {"code": r.code}
        d["label"] = {"vi": r.name, "en": r.name_en} if r.name_en else {"vi": r.name}
        children = kids.get(r.code, [])
        if r.max is not None or not children:
            d["max"] = r.max
        if r.method is not None:
            d["method"] = r.method
        evidence = f"Tài liệu kiểm chứng: {r.evidence}" if r.evidence else None
        where = r.place()
        if not children:
            g = parse_guide(r.guide, r.max)
            if g.rule is not None:
                if g.min is not None:
                    d["min"] = g.min
                d["status"] = "inferred"
                guide = r.guide.strip() if r.guide else None
                text = note(f"Hướng dẫn chấm điểm: {guide}" if guide else None, evidence, r.remark)
                if text:
                    d["note"] = text
                d["rule"] = dict(g.rule)
                rules[r.code] = str(g.rule["kind"])
                if g.check:
                    checks.append(f"{where}, node {r.code}: {g.check}")
                if g.parts:
                    shown = " + ".join(f"{lb} ({num_text(p)})" for lb, p in g.parts)
                    checks.append(
                        f"{where}, node {r.code}: sub-items that add up to the maximum, scored "
                        f"with points given directly: {shown}"
                    )
                ambiguous.extend(f"{where}, node {r.code}: {a}" for a in g.ambiguous)
            else:
                guide_text = None
                if r.guide is not None:
                    guide_text = clean(r.guide) if "\n" not in r.guide else r.guide.strip()
                    unparsed.append(
                        GuideIssue(r.code, r.row, g.unparsed or g.lines, g.reason or "", r.where)
                    )
                text = note(guide_text, evidence, r.remark)
                if text:
                    d["note"] = text
                rules[r.code] = "points"
                if r.max is None:
                    checks.append(f"{where}, node {r.code}: the maximum is not given (max: null)")
        else:
            text = note(clean(r.guide) if r.guide else None, evidence, r.remark)
            if text:
                d["note"] = text
            maxima = [c.max for c in children]
            if r.max is not None and all(x is not None for x in maxima):
                total = math.fsum(x for x in maxima if x is not None)
                if abs(total - r.max) > 1e-9:
                    sums.append(
                        f"{where}, node {r.code}: the maximum is {num_text(r.max)}, its children "
                        f"add up to {num_text(round(total, 9))} (difference "
                        f"{num_text(round(r.max - total, 9))})"
                    )
            d["children"] = [node(c) for c in children]
        return d

    nodes = []
    for r in top:
        n = node(r)
        if "method" not in n:
            part_method = next((m for key, m in _PART_METHODS if key in fold(r.name)), None)
            if part_method is not None and len(top) > 1:
                checks.append(
                    f"{r.place()}, node {r.code}: method {part_method} taken from the part's name"
                )
            n = _with_method(n, part_method if part_method and len(top) > 1 else method)
        nodes.append(n)
    if scale is None:
        known = [r.max for r in top]
        scale = (
            math.fsum(x for x in known if x is not None)
            if all(x is not None for x in known)
            else None
        )
        if scale is None:
            checks.append("the scale is unknown (a top-level maximum is missing): pass scale=")
            scale = 100.0
    for skipped, total in table.totals:
        if abs(total - scale) > 1e-9:
            sums.append(
                f"{skipped.line()}: the total row says {num_text(total)}, the top-level maxima "
                f"add up to {num_text(scale)} (difference {num_text(round(total - scale, 9))})"
            )
    if table.unused_columns:
        checks.append(
            "columns not read (they hold scores, not the methodology): "
            + ", ".join(table.unused_columns)
        )
    src = Path(file).name
    data: dict[str, Any] = {
        "parindex": 1,
        "issuer": issuer,
        "scheme": scheme,
        "version": str(version),
        "years": list(years) if years else [int(version)] if str(version).isdigit() else [2025],
        "title": {
            "vi": title or f"Bản nháp từ phụ lục {src}",
            "en": f"Draft imported from the annex table {src}",
        },
        "status": status,
        "detail": "full",
        "source": f"imported from the annex table {src} by parindex import-annex; check every figure against the decision",
        "legal_basis": {"decision": decision} | ({"date": date} if date else {}),
        "scale": scale if scale != int(scale) else int(scale),
        "not_applicable": not_applicable,
        "missing": "zero",
        "rounding": {"decimals": 2},
        "nodes": nodes,
    }
    header = (
        f"# DRAFT imported from {_safe.clean(src, newlines=False)} by parindex import-annex.\n"
        f"# {len(unparsed)} scoring guide(s) could not be turned into rules: they are kept as text in\n"
        "# 'note' on leaves scored with points given directly. Finish them, check every number\n"
        "# against the decision, then set 'status'.\n"
    )
    text = header + yaml.safe_dump(_tidy(data), allow_unicode=True, sort_keys=False, width=100)
    problems: list[str] = []
    m: Methodology | None = None
    out_name = f"{Path(file).stem}.yaml"
    try:
        m = load_text(text, file=out_name)
    except MethodologyError as exc:
        problems.append(str(exc))
    return AnnexDraft(
        text,
        rows,
        rules,
        tuple(unparsed),
        tuple(checks),
        tuple(problems),
        m,
        file,
        skipped=table.skipped,
        sums=tuple(sums),
        ambiguous=tuple(ambiguous),
        source_rows=table.source_rows,
    )


def _tidy(x: Any) -> Any:
    """Whole floats written as integers (max: 6, not 6.0)."""
    if isinstance(x, float) and x.is_integer():
        return int(x)
    if isinstance(x, dict):
        return {k: _tidy(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_tidy(v) for v in x]
    return x


def _with_method(n: dict[str, Any], method: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in n.items():
        out[k] = v
        if k == "max" or (k == "label" and "max" not in n):
            out["method"] = method
    if "method" not in out:
        out["method"] = method
    return out
