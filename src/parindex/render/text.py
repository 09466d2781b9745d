"""Plain-text tables of a score card (``card.table()`` and the CLI) and of a gap report
(``gap_report.table()``).

The notebook HTML of a card is :func:`parindex.render.notebook.card_html`."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from .._safe import clean
from .._text import period_label, present, status_text

if TYPE_CHECKING:
    from ..analysis.gaps import GapReport
    from ..card import ScoreCard

__all__ = ["card_table", "gaps_table"]

_HEAD = {
    "vi": ("Mã", "Nội dung", "Điểm tối đa", "Điểm đạt", "Chỉ số (%)", "Giải thích"),
    "en": ("Code", "Item", "Max", "Points", "Index (%)", "Explanation"),
}


def _rows(card: ScoreCard, lang: str, depth: int | None) -> list[tuple[str, ...]]:
    d = card.methodology.rounding.decimals
    p = partial(present, lang=lang)
    rows: list[tuple[str, ...]] = []
    for r in card:
        if depth is not None and r.node.depth > depth:
            continue
        indent = "  " * (r.node.depth - 1)
        label = r.node.label.text(lang)
        if len(label) > 60:
            label = label[:57] + "..."
        rows.append(
            (
                indent + r.code,
                label,
                p(r.adjusted_max, d),
                p(r.points, d),
                p(r.index, d),
                r.explain(lang) if r.is_leaf or r.not_applicable else "",
            )
        )
    return rows


def card_table(card: ScoreCard, *, lang: str = "vi", depth: int | None = None) -> str:
    """The card as an aligned text table, with the totals and group at the end."""
    lang = "en" if lang == "en" else "vi"
    head = _HEAD[lang]
    rows = [head, *_rows(card, lang, depth)]
    rows = [tuple(clean(c, newlines=False) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for i, r in enumerate(rows):
        cells = [
            r[0].ljust(widths[0]),
            r[1].ljust(widths[1]),
            r[2].rjust(widths[2]),
            r[3].rjust(widths[3]),
            r[4].rjust(widths[4]),
            r[5],
        ]
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * len(head[5]))
    d = card.methodology.rounding.decimals
    g = card.group
    m = card.methodology
    unit = clean(card.unit, newlines=False)
    # the period as officers write it in Vietnamese ("Quý III/2025"); as given in English
    period = clean(period_label(card.period) if lang == "vi" else card.period or "", newlines=False)
    if lang == "vi":
        title = f"Đơn vị: {unit or '(không tên)'}" + (f" — {period}" if period else "")
        title += f"\nBộ chỉ số: {m.title.vi} [{m.id}]"
        p = partial(present, decimals=d, lang="vi")
        total = f"TỔNG: {p(card.points)}/{p(card.max_points)} điểm — chỉ số {p(card.index)}%" + (
            f" — xếp nhóm {g.label.vi if g.label else g.code}" if g else ""
        )
        extra = []
        if card.missing:
            extra.append(f"Chưa có số liệu ({len(card.missing)}): {', '.join(card.missing)}")
        if card.not_applicable:
            extra.append(f"Không áp dụng: {', '.join(card.not_applicable)}")
        if card.clamped:
            extra.append(f"Đã áp giới hạn điểm tại: {', '.join(c or 'TỔNG' for c in card.clamped)}")
    else:
        title = f"Unit: {unit or '(unnamed)'}" + (f" — period {period}" if period else "")
        title += f"\nMethodology: {m.title.text('en')} [{m.id}]"
        total = (
            f"TOTAL: {present(card.points, d)} of {present(card.max_points, d)} points — "
            f"index {present(card.index, d)}%"
            + (f" — group {g.label.text('en') if g.label else g.code}" if g else "")
        )
        extra = []
        if card.missing:
            extra.append(f"No input ({len(card.missing)}): {', '.join(card.missing)}")
        if card.not_applicable:
            extra.append(f"Not applicable: {', '.join(card.not_applicable)}")
        if card.clamped:
            extra.append(f"Bounds applied at: {', '.join(c or 'TOTAL' for c in card.clamped)}")
    if m.status != "confirmed" or m.detail != "full":
        extra.append(
            f"Trạng thái số liệu của bộ chỉ số: {status_text(m.status)}; "
            f"mức chi tiết: {status_text(m.detail)}"
            if lang == "vi"
            else f"Methodology status: {m.status}; detail: {m.detail}"
        )
    return "\n".join([title, "", *lines, "", total, *extra])


def gaps_table(rep: GapReport, *, lang: str = "vi") -> str:
    """A plain-text list of the gaps of a report: code, lost, points of the maximum, lead unit,
    cause; then the points lost by the whole index."""
    vi = lang != "en"
    p = partial(present, lang="vi" if vi else "en")
    head = (
        ("Mã", "Điểm mất", "Điểm đạt/tối đa", "Đơn vị chủ trì", "Nguyên nhân")
        if vi
        else ("Code", "Lost", "Points/max", "Lead unit", "Cause")
    )
    rows: list[tuple[str, ...]] = [head]
    rmap = rep.responsibilities
    for g in rep.items:
        lead = ", ".join(rmap.unit_name(u) if rmap else u for u in g.lead) or "—"
        row = (g.code, p(g.lost), f"{p(g.points)}/{p(g.max)}", lead, g.cause(lang))
        rows.append((*(clean(c, newlines=False) for c in row),))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        "  ".join(
            [
                r[0].ljust(widths[0]),
                r[1].rjust(widths[1]),
                r[2].rjust(widths[2]),
                r[3].ljust(widths[3]),
                r[4],
            ]
        ).rstrip()
        for r in rows
    ]
    lines.insert(1, "-" * min(100, sum(widths) + 8))
    total = (
        f"Tổng điểm mất: {p(rep.total_lost)} / {p(rep.card.max_points)}"
        if vi
        else f"Total points lost: {p(rep.total_lost)} of {p(rep.card.max_points)}"
    )
    return "\n".join([*lines, "", total])
