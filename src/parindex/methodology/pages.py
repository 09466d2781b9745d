"""Documentation pages generated from the shipped methodology files.

``python -m parindex.methodology.pages docs/methodologies`` writes one Markdown page per shipped
version; the test suite checks that the pages in ``docs/methodologies/`` equal what this module
generates, so the docs cannot drift from the files.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .._text import fmt
from .._write import write_text
from .model import METHOD_LABELS, Methodology
from .registry import load, shipped_ids

__all__ = ["page", "page_name", "write_pages"]


def page_name(ident: str) -> str:
    return ident.replace("/", "-") + ".md"


def _legal(m: Any) -> list[str]:
    lb = m.legal_basis
    out = [f"- Văn bản / decision: **{lb.decision}**" + (f", {lb.date}" if lb.date else "")]
    if lb.url:
        out.append(f"- Nguồn / link: {lb.url}")
    if lb.note:
        out.append(f"- Ghi chú / note: {lb.note}")
    for a in getattr(m, "amendments", ()):
        out.append(f"- Sửa đổi / amendment: {a.decision}" + (f", {a.date}" if a.date else ""))
    return out


def page(m: Any) -> str:
    """The Markdown page of a methodology (scoring or survey)."""
    lines = [f"# {m.id}", "", f"**{m.title.vi}**", ""]
    if m.title.en:
        lines += [f"*{m.title.en}*", ""]
    lines += [
        "<!-- Generated from the methodology file by parindex.methodology.pages; do not edit. -->",
        "",
        f"- Năm đánh giá / assessment years: {', '.join(str(y) for y in m.years)}",
        f"- Trạng thái / status: {m.status}",
    ]
    lines += _legal(m)
    if getattr(m, "source", None):
        lines.append(f"- Nguồn số liệu / source: {m.source}")
    if isinstance(m, Methodology):
        lines += [
            f"- Thang điểm / scale: {fmt(m.scale, 'en')}",
            f"- Mức chi tiết / detail: {m.detail}",
            f"- Tiêu chí không áp dụng / not applicable: {m.not_applicable}",
            f"- Thiếu số liệu / missing input: {m.missing}",
            f"- Đủ điểm tối đa / all maxima known: {'có / yes' if m.complete else 'không / no'}",
        ]
        if m.grouping:
            gs = ", ".join(f"{g.code} ≥ {fmt(g.min, 'en')}" for g in m.grouping.groups)
            lines.append(f"- Xếp nhóm / groups: {gs} ({m.grouping.status})")
        lines += [
            "",
            "| Mã / code | Nội dung / item | Tối đa / max | Phương pháp / method | Quy tắc / rule | Trạng thái / status |",
            "|---|---|---|---|---|---|",
        ]
        for n in m.walk():
            label = n.label.vi + (f" — *{n.label.en}*" if n.label.en else "")
            mx = "chưa rõ / unknown" if n.max is None else fmt(n.max, "en")
            method = METHOD_LABELS[n.method][1] if n.method else ""
            rule = n.rule.kind if n.rule is not None else ""
            if n.role != "regular":
                rule = f"{n.role} {rule}".strip()
            indent = "&nbsp;&nbsp;" * (n.depth - 1)
            lines.append(f"| {indent}{n.code} | {label} | {mx} | {method} | {rule} | {n.status} |")
    else:
        lines += [
            "",
            "| Mã / code | Nội dung / item | Loại / kind | Trạng thái / status |",
            "|---|---|---|---|",
        ]
        depth: dict[str, int] = {}
        for n in m.walk():
            d = depth[n.code] = depth.get(n.parent, 0) + 1 if n.parent else 1
            label = n.label.vi + (f" — *{n.label.en}*" if n.label.en else "")
            indent = "&nbsp;&nbsp;" * (d - 1)
            lines.append(f"| {indent}{n.code} | {label} | {n.kind} | {n.status} |")
    notes = getattr(m, "notes", ())
    if notes:
        lines += ["", "## Ghi chú / notes", ""]
        lines += [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def write_pages(folder: str | Path) -> list[Path]:
    out = []
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for ident in shipped_ids():
        p = folder / page_name(ident)
        write_text(p, page(load(ident, kind="any")))
        out.append(p)
    return out


if __name__ == "__main__":  # pragma: no cover
    for p in write_pages(sys.argv[1] if len(sys.argv) > 1 else "docs/methodologies"):
        print(p)
