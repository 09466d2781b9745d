"""HTML for Jupyter: methodologies, score cards, lost points (gap lists) and rankings.

Each function returns a self-contained HTML fragment (no scripts, inline styles only, every text
escaped); the objects' ``_repr_html_`` methods reach them through :mod:`parindex._hooks`, so that
a notebook shows a table instead of a ``repr``. Lost points are those of
:func:`parindex.analysis.gaps.gaps`, the one definition. Vietnamese by default (``lang="en"`` for English). Figures are exact
underneath and rounded half up only here, as published.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .._safe import html_text
from .._text import present
from ..analysis.gaps import GapReport
from ..analysis.gaps import gaps as find_gaps
from ..card import ScoreCard
from ..methodology.model import METHOD_LABELS, Methodology

__all__ = [
    "card_html",
    "gaps_html",
    "methodology_html",
    "ranking_html",
    "rows_html",
]

_STYLE = (
    "border-collapse:collapse;font-size:13px;margin:4px 0;"
    "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"
)
_TH = "border-bottom:2px solid #999;padding:3px 8px;text-align:left;background:#f3f6fa"
_TD = "border-bottom:1px solid #e3e3e3;padding:3px 8px;vertical-align:top"
_NUM = _TD + ";text-align:right;font-variant-numeric:tabular-nums"


def _e(x: Any) -> str:
    return "" if x is None else html_text(x)


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "vi"


def _table(
    head: Iterable[str], rows: Iterable[Iterable[tuple[str, bool]]], *, bold: Iterable[bool] = ()
) -> str:
    """Rows of (html text, numeric?) cells."""
    flags = list(bold)
    out = [f'<table style="{_STYLE}"><thead><tr>']
    out.extend(f'<th style="{_TH}">{_e(h)}</th>' for h in head)
    out.append("</tr></thead><tbody>")
    for i, row in enumerate(rows):
        weight = ";font-weight:600" if i < len(flags) and flags[i] else ""
        out.append("<tr>")
        out.extend(
            f'<td style="{(_NUM if num else _TD) + weight}">{cell}</td>' for cell, num in row
        )
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def rows_html(rows: Iterable[Mapping[str, Any]], columns: Iterable[str] | None = None) -> str:
    """A plain table of mappings (numbers right-aligned): for lists that have no renderer yet."""
    items = list(rows)
    cols = (
        list(columns) if columns is not None else list(dict.fromkeys(k for r in items for k in r))
    )

    def cell(v: Any) -> tuple[str, bool]:
        if isinstance(v, float):
            return _e(present(v)), True
        return _e(v), isinstance(v, int) and not isinstance(v, bool)

    return _table(cols, ([cell(r.get(c)) for c in cols] for r in items))


# -- methodology --------------------------------------------------------------------------------


def methodology_html(m: Methodology, lang: str = "vi", *, depth: int | None = None) -> str:
    """The methodology's title, legal basis, years, grouping and tree (maxima, methods, rules)."""
    lang = _lang(lang)
    vi = lang == "vi"
    lb = m.legal_basis
    years = ", ".join(str(y) for y in m.years)
    facts = [
        (("Văn bản" if vi else "Decision"), lb.decision + (f" ({lb.date})" if lb.date else "")),
        (("Năm đánh giá" if vi else "Assessment years"), years),
        (
            ("Thang điểm" if vi else "Scale"),
            present(m.scale, 2, lang=lang).rstrip("0").rstrip(",."),
        ),
        (("Trạng thái số liệu" if vi else "Status"), m.status),
        (("Mức chi tiết" if vi else "Detail"), m.detail),
        (
            ("Nội dung không áp dụng" if vi else "Items that do not apply"),
            m.not_applicable,
        ),
    ]
    if m.grouping is not None:
        facts.append(
            (
                "Xếp nhóm" if vi else "Groups",
                ", ".join(
                    f"{g.code} ≥ {present(g.min, 0) if g.min == int(g.min) else g.min}"
                    for g in m.grouping.groups
                ),
            )
        )
    head = (
        ("Mã", "Nội dung", "Điểm tối đa", "Phương pháp", "Cách chấm", "Trạng thái")
        if vi
        else ("Code", "Item", "Max", "Method", "Rule", "Status")
    )
    rows = []
    bold = []
    for n in m.walk():
        if depth is not None and n.depth > depth:
            continue
        method = METHOD_LABELS[n.method][0 if vi else 1] if n.method else ""
        kind = n.rule.kind if n.rule is not None and n.is_leaf else ("" if n.is_leaf else "Σ")
        if n.role != "regular":
            kind = f"{kind} ({n.role})".strip()
        pad = "&nbsp;" * 4 * (n.depth - 1)
        rows.append(
            [
                (pad + _e(n.code), False),
                (_e(n.label.text(lang)), False),
                ("?" if n.max is None else _e(present(n.max, lang=lang)), True),
                (_e(method), False),
                (_e(kind), False),
                (_e(n.status), False),
            ]
        )
        bold.append(n.depth == 1)
    dl = "".join(f"<li><b>{_e(k)}:</b> {_e(v)}</li>" for k, v in facts)
    notes = "".join(f"<li>{_e(x)}</li>" for x in m.notes)
    return (
        f'<div><div style="font-weight:700;font-size:15px">{_e(m.title.text(lang))}</div>'
        f'<div style="color:#666">[{_e(m.id)}]</div><ul style="margin:4px 0">{dl}</ul>'
        + _table(head, rows, bold=bold)
        + (f'<ul style="color:#555;font-size:12px">{notes}</ul>' if notes else "")
        + "</div>"
    )


# -- score card ---------------------------------------------------------------------------------


def card_html(card: ScoreCard, lang: str = "vi", *, depth: int | None = None) -> str:
    """The card: unit, total, index and group, then one row per node with the reasons."""
    lang = _lang(lang)
    vi = lang == "vi"
    m = card.methodology
    d = m.rounding.decimals
    g = card.group
    head = (
        ("Mã", "Nội dung", "Điểm tối đa", "Điểm đạt", "Chỉ số (%)", "Điểm mất", "Giải thích")
        if vi
        else ("Code", "Item", "Max", "Points", "Index (%)", "Lost", "Explanation")
    )
    rows = []
    bold = []
    for r in card:
        if depth is not None and r.node.depth > depth:
            continue
        pad = "&nbsp;" * 4 * (r.node.depth - 1)
        flag = ""
        if r.not_applicable:
            flag = (
                ' <span style="color:#888">(KAD)</span>'
                if vi
                else ' <span style="color:#888">(n/a)</span>'
            )
        elif r.missing:
            flag = (
                ' <span style="color:#b00">(chưa có số liệu)</span>'
                if vi
                else ' <span style="color:#b00">(no input)</span>'
            )
        why = r.explain(lang) if (r.is_leaf or r.not_applicable or r.clamped) else ""
        rows.append(
            [
                (pad + _e(r.code), False),
                (_e(r.node.label.text(lang)) + flag, False),
                (_e(present(r.adjusted_max, d, lang=lang)), True),
                (_e(present(r.points, d, lang=lang)), True),
                (_e(present(r.index, d, lang=lang)), True),
                (_e(present(r.lost, d, lang=lang)), True),
                (_e(why), False),
            ]
        )
        bold.append(r.node.depth == 1)
    unit = card.unit or ("(không tên)" if vi else "(unnamed)")
    total = (
        f"{present(card.points, d, lang=lang)}{'/' if vi else ' of '}{present(card.max_points, d, lang=lang)} "
        + ("điểm — chỉ số " if vi else "points — index ")
        + f"{present(card.index, d, lang=lang)}%"
    )
    if g is not None:
        total += (" — nhóm " if vi else " — group ") + (g.label.text(lang) if g.label else g.code)
    notes = []
    if card.missing:
        notes.append(("Chưa có số liệu: " if vi else "No input: ") + ", ".join(card.missing))
    if card.not_applicable:
        notes.append(
            ("Không áp dụng: " if vi else "Not applicable: ") + ", ".join(card.not_applicable)
        )
    if card.clamped:
        notes.append(
            ("Đã áp giới hạn điểm tại: " if vi else "Bounds applied at: ")
            + ", ".join(c or ("TỔNG" if vi else "TOTAL") for c in card.clamped)
        )
    if m.status != "confirmed" or m.detail != "full":
        notes.append(
            (f"Trạng thái số liệu: {m.status}; mức chi tiết: {m.detail}")
            if vi
            else f"Methodology status: {m.status}; detail: {m.detail}"
        )
    period = f" — {'kỳ' if vi else 'period'} {_e(card.period)}" if card.period else ""
    return (
        f'<div><div style="font-weight:700;font-size:15px">{_e(unit)}{period}</div>'
        f'<div style="color:#666">{_e(m.title.text(lang))} [{_e(m.id)}]'
        + (f" — {'tính đến bước' if vi else 'as of stage'} {_e(card.upto)}" if card.upto else "")
        + f'</div><div style="font-size:14px;margin:4px 0"><b>{_e(total)}</b></div>'
        + _table(head, rows, bold=bold)
        + "".join(f'<div style="color:#555;font-size:12px">{_e(x)}</div>' for x in notes)
        + "</div>"
    )


# -- lost points --------------------------------------------------------------------------------


def gaps_html(gaps: Any, lang: str = "vi", *, top: int | None = None) -> str:
    """A list of lost points.

    ``gaps`` is a :class:`~parindex.analysis.gaps.GapReport` (each gap with its cause, the units
    responsible and the remedy), a :class:`~parindex.ScoreCard` (its gaps without the remedies:
    the leaves that lost points, most first, with the cause), or any list of rows (objects with
    ``to_dict()`` or mappings), shown as they are.
    """
    lang = _lang(lang)
    vi = lang == "vi"
    if isinstance(gaps, GapReport):
        return _gap_report_html(gaps, lang, top)
    if not isinstance(gaps, ScoreCard):
        items = [g.to_dict() if hasattr(g, "to_dict") else dict(g) for g in gaps]
        return rows_html(items[:top] if top is not None else items)
    card = gaps
    d = card.methodology.rounding.decimals
    rep = find_gaps(card, steps=False)
    lost = list(rep.items if top is None else rep.items[:top])
    total = rep.leaf_lost
    head = (
        ("Mã", "Nội dung", "Lĩnh vực", "Điểm tối đa", "Điểm đạt", "Điểm mất", "% điểm mất", "Lý do")
        if vi
        else ("Code", "Item", "Domain", "Max", "Points", "Lost", "Share of lost", "Reason")
    )
    rows = []
    for g in lost:
        share = None if not total else g.lost / total * 100.0
        rows.append(
            [
                (_e(g.code), False),
                (_e(g.label(lang)), False),
                (_e(g.domain), False),
                (_e(present(g.max, d, lang=lang)), True),
                (_e(present(g.points, d, lang=lang)), True),
                (_e(present(g.lost, d, lang=lang)), True),
                (_e(present(share, 1, lang=lang)), True),
                (_e(g.cause(lang)), False),
            ]
        )
    title = (
        f"Điểm bị mất của {card.unit or '(không tên)'}: {present(total, d, lang=lang)} điểm ở các tiêu chí "
        f"(tổng: {present(card.points, d, lang=lang)}/{present(card.max_points, d, lang=lang)} điểm)"
        if vi
        else f"Points lost by {card.unit or '(unnamed)'} in the items: {present(total, d, lang=lang)} "
        f"(total: {present(card.points, d, lang=lang)} of {present(card.max_points, d, lang=lang)} points)"
    )
    return f'<div><div style="font-weight:700">{_e(title)}</div>{_table(head, rows)}</div>'


def _gap_report_html(rep: GapReport, lang: str, top: int | None) -> str:
    vi = lang == "vi"
    card = rep.card
    d = card.methodology.rounding.decimals
    items = list(rep.items if top is None else rep.items[:top])
    head = (
        (
            "Mã",
            "Nội dung",
            "Lĩnh vực",
            "Điểm tối đa",
            "Điểm đạt",
            "Điểm mất",
            "Nguyên nhân",
            "Đơn vị chủ trì",
            "Phối hợp",
            "Giải pháp",
        )
        if vi
        else (
            "Code",
            "Item",
            "Domain",
            "Max",
            "Points",
            "Lost",
            "Cause",
            "Lead",
            "Cooperating",
            "Remedy",
        )
    )
    rows = [
        [
            (_e(g.code), False),
            (_e(g.label(lang)), False),
            (_e(g.domain), False),
            (_e(present(g.max, d, lang=lang)), True),
            (_e(present(g.points, d, lang=lang)), True),
            (_e(present(g.lost, d, lang=lang)), True),
            (_e(g.cause(lang)), False),
            (_e(", ".join(g.lead)), False),
            (_e(", ".join(g.cooperating)), False),
            (_e(g.remedy(lang)), False),
        ]
        for g in items
    ]
    title = (
        f"Điểm bị mất của {card.unit or '(không tên)'}: {present(rep.leaf_lost, d, lang=lang)} điểm ở "
        f"{len(rep.items)} tiêu chí (tổng: {present(card.points, d, lang=lang)}/{present(card.max_points, d, lang=lang)} điểm)"
        if vi
        else f"Points lost by {card.unit or '(unnamed)'}: {present(rep.leaf_lost, d, lang=lang)} in "
        f"{len(rep.items)} items (total: {present(card.points, d, lang=lang)} of {present(card.max_points, d, lang=lang)} points)"
    )
    return f'<div><div style="font-weight:700">{_e(title)}</div>{_table(head, rows)}</div>'


# -- ranking ------------------------------------------------------------------------------------


def ranking_html(ranking: Any, lang: str = "vi") -> str:
    """A :class:`~parindex.Ranking`: place, unit, index, points, group, change, and the tie rule."""
    lang = _lang(lang)
    vi = lang == "vi"
    d = ranking.decimals
    has_prev = any(r.previous_place is not None for r in ranking.rows)
    head = (
        ["Hạng", "Đơn vị", "Chỉ số (%)", "Điểm", "Nhóm"]
        if vi
        else ["Place", "Unit", "Index (%)", "Points", "Group"]
    )
    if has_prev:
        head += (
            ["Hạng trước", "Thay đổi hạng", "Thay đổi chỉ số"]
            if vi
            else ["Previous place", "Place change", "Index change"]
        )
    rows = []
    for r in ranking.rows:
        row = [
            ("—" if r.place is None else str(r.place), True),
            (_e(r.unit), False),
            (_e(present(r.index, d, lang=lang)), True),
            (_e(present(r.points, d, lang=lang)), True),
            (_e(r.group_code or "—"), False),
        ]
        if has_prev:
            ch = r.place_change
            arrow = "" if ch is None or ch == 0 else ("▲" if ch > 0 else "▼")
            ic = r.index_change
            row += [
                ("—" if r.previous_place is None else str(r.previous_place), True),
                ("—" if ch is None else f"{arrow}{'+' if ch > 0 else ''}{ch}", True),
                (
                    "—" if ic is None else ("+" if ic > 0 else "") + _e(present(ic, d, lang=lang)),
                    True,
                ),
            ]
        rows.append(row)
    rule = ranking.tie_rule_text("vi" if vi else "en")
    return f'<div>{_table(head, rows)}<div style="color:#555;font-size:12px">{_e(rule)}</div></div>'
