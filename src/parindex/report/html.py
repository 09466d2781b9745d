"""The lost-points report as one self-contained HTML page (inline CSS and SVG, no scripts,
no external resources)."""

from __future__ import annotations

from pathlib import Path

from .._safe import html_text
from .._write import write_text
from ..render.rows import change_rows
from ..render.svg import bar_chart, change_chart, pareto_chart
from ._tables import group_cell, period_cell
from .model import COLUMNS, Report, SectionedReport, register_format

__all__ = ["render_all_html", "render_html"]

_CSS = """
body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{border:1px solid #bbb;padding:4px 6px;vertical-align:top}
th{background:#f1f3f5}td.n{text-align:right;white-space:nowrap}
tr.d1 td{font-weight:bold;background:#f8f9fa}
.charts{display:flex;flex-wrap:wrap;gap:24px}
.note{color:#555;font-size:12px}
.flag{color:#c92a2a;font-weight:bold}
tr.late td{color:#c92a2a}
@page{size:A4 landscape;margin:15mm}
@media print{body{margin:0;max-width:none}thead{display:table-header-group}
figure,svg,tr,h2,h3{break-inside:avoid;page-break-inside:avoid}
h2,h3{break-after:avoid;page-break-after:avoid}}
"""


def _e(s: object) -> str:
    return html_text(s)


def _table(
    head: list[str], rows: list[list[tuple[str, bool]]], cls: list[str] | None = None
) -> str:
    out = ["<table><thead><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for i, r in enumerate(rows):
        c = f' class="{cls[i]}"' if cls and cls[i] else ""
        out.append(f"<tr{c}>")
        for text, numeric in r:
            out.append(f'<td class="n">{_e(text)}</td>' if numeric else f"<td>{_e(text)}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def render_html(rep: Report) -> str:
    w = rep.words
    n = rep.num
    card = rep.card
    cols = COLUMNS[rep.lang]
    body: list[str] = [f"<h1>{_e(rep.heading)}</h1>"]
    summary = [
        [(w["unit"], False), (card.unit, False)],
        [(w["period"], False), (period_cell(rep), False)],
        [
            (w["methodology"], False),
            (f"{card.methodology.title.text(rep.lang)} ({card.methodology.id})", False),
        ],
        [(w["points"], False), (f"{n(card.points)} / {n(card.max_points)}", True)],
        [(w["index"], False), (n(card.index), True)],
        [(w["group"], False), (group_cell(rep), False)],
        [(w["lost"], False), (n(rep.gaps.total_lost), True)],
    ]
    if rep.place is not None and rep.ranking is not None:
        summary.append([(w["place"], False), (f"{rep.place} / {len(rep.ranking)}", True)])
    summary += [[(label, False), (text, False)] for label, text in rep.basis()]
    body.append(f'<h2 id="summary">{_e(w["summary"])}</h2>')
    body.append(_table([w["item"], w["value"]], summary))

    charts = [
        bar_chart(
            [
                (r.code, r.node.label.text(rep.lang), r.index)
                for r in card.domains
                if r.index is not None and r.node.role == "regular"
            ],
            n,
            w["chart_domains"],
        ),
        pareto_chart([(gp.code, gp.lost) for gp in rep.gaps], n, w["chart_pareto"]),
    ]
    if rep.previous is not None:
        charts.append(change_chart(change_rows(rep.previous), n, w["chart_change"]))
    body.append(
        '<div class="charts">' + "".join(f"<figure>{c}</figure>" for c in charts) + "</div>"
    )

    body.append(f'<h2 id="domains">{_e(w["domains"])}</h2>')
    body.append(
        _table(
            [cols[0], cols[1], cols[2], cols[5], cols[6], w["lost_col"]],
            [
                [
                    (r.code, False),
                    (r.node.label.text(rep.lang), False),
                    (n(r.adjusted_max), True),
                    (n(r.points), True),
                    (n(r.index), True),
                    (n(r.lost), True),
                ]
                for r in card.domains
            ],
        )
    )

    body.append(f'<h2 id="gaps">{_e(w["gaps"])}</h2>')
    if not len(rep.gaps):
        body.append(f"<p>{_e(w['none'])}</p>")
    else:
        rows = []
        for i, gp in enumerate(rep.gaps, start=1):
            casc = "; ".join(f"{c.unit} {c.code}: {n(c.points)}/{n(c.max)}" for c in gp.cascade)
            rows.append(
                [
                    (str(i), True),
                    (gp.code, False),
                    (gp.label(rep.lang), False),
                    (n(gp.max), True),
                    (n(gp.points), True),
                    (n(gp.lost), True),
                    (gp.cause(rep.lang), False),
                    (rep.responsible(gp.code) or "—", False),
                    (gp.remedy(rep.lang) + (f" [{w['cascade']}: {casc}]" if casc else ""), False),
                ]
            )
        body.append(
            _table(
                ["#", cols[0], cols[1], cols[2], cols[5], w["lost_col"], cols[7], cols[8], cols[9]],
                rows,
            )
        )

    units = rep.gaps.by_unit()
    if units:
        body.append(f'<h2 id="units">{_e(w["by_unit"])}</h2>')
        body.append(
            _table(
                [w["unit_col"], w["lead_lost"], w["items"], w["coop_lost"], w["items"]],
                [
                    [
                        (u.name, False),
                        (n(u.lead_lost), True),
                        (", ".join(u.lead_codes) or "—", False),
                        (n(u.cooperating_lost), True),
                        (", ".join(u.cooperating_codes) or "—", False),
                    ]
                    for u in units
                ],
            )
        )

    body.append(f'<h2 id="stages">{_e(w["stages"])}</h2>')
    body.append(
        f"<p>{_e(cols[3])}: {_e(n(rep.stages.self_points))}; {_e(cols[5])}: "
        f"{_e(n(rep.stages.points))}</p>"
    )
    cut = rep.stages.cut
    if cut:
        body.append(
            _table(
                [cols[0], cols[1], cols[3], cols[4], w["cut"], ""],
                [
                    [
                        (r.code, False),
                        (r.label.text(rep.lang), False),
                        (n(r.self_points), True),
                        (n(r.appraised), True),
                        (n(r.cut), True),
                        (w["explain"] if r.needs_explanation else "", False),
                    ]
                    for r in cut
                ],
            )
        )

    if rep.previous is not None:
        pc = rep.previous
        body.append(f'<h2 id="periods">{_e(w["periods"])}</h2>')
        head = [
            cols[0],
            cols[1],
            f"{w['before']} ({pc.before.period or '—'})",
            f"{w['after']} ({pc.after.period or '—'})",
            w["change"],
        ]
        if pc.peers is not None:
            head += [
                f"{w['place']} ({w['before'].lower()})",
                f"{w['place']} ({w['after'].lower()})",
            ]
        rows2 = []
        for r in pc.rows:
            if r.depth > 1:
                continue
            ch = r.points_change
            row = [
                (r.code or "Σ", False),
                (r.label.text(rep.lang), False),
                (n(r.previous_points), True),
                (n(r.points), True),
                (("+" if (ch or 0) > 0 else "") + n(ch), True),
            ]
            if pc.peers is not None:
                row += [(str(r.previous_place or "—"), True), (str(r.place or "—"), True)]
            rows2.append(row)
        body.append(_table(head, rows2))

    ft = rep.follow_table()
    if ft is not None:
        body.append(f'<h2 id="follow">{_e(w["follow"])}</h2>')
        body.append(f"<p>{_e(rep.follow_counts())}</p>")
        body.append(
            _table(
                list(ft.head),
                [[(c, j in ft.numeric) for j, c in enumerate(r)] for r in ft.rows],
                ["late" if r.late_days is not None else "" for r in rep.follow_up or ()],
            )
        )

    body.append(f'<h2 id="missing">{_e(w["missing"])}</h2><ul>')
    body.append(
        f"<li>{_e(w['no_input'])}: {_e(', '.join(x.code for x in rep.gaps.missing_input) or w['none'])}</li>"
    )
    body.append(
        f"<li>{_e(w['no_evidence'])}: {_e(', '.join(rep.gaps.missing_evidence) or w['none'])}</li></ul>"
    )

    body.append(f'<h2 id="table">{_e(w["table"])}</h2>')
    rows3 = []
    classes = []
    for rr in rep.rows():
        rows3.append(
            [
                (rr["code"], False),
                (rr["label"], False),
                (n(rr["max"]), True),
                (n(rr["self"]) if rr["self"] is not None else "", True),
                (n(rr["appraised"]) if rr["appraised"] is not None else "", True),
                (n(rr["points"]), True),
                (n(rr["index"]), True),
                (rr["cause"], False),
                (rr["responsible"], False),
                (rr["remedy"], False),
            ]
        )
        classes.append(f"d{rr['depth']}")
    body.append(_table(list(cols), rows3, classes))
    body.append(f'<p class="note">{_e(w["generated"])}</p>')
    lang = "vi" if rep.lang == "vi" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{_e(rep.heading)} — {_e(card.unit)}</title><style>{_CSS}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def render_all_html(rep: SectionedReport) -> str:
    """The all-units report as one HTML page: its sections in order."""
    body = [f"<h1>{_e(rep.heading)}</h1>"]
    for sec in rep.sections():
        tag = f"h{min(sec.level + 1, 4)}"
        body.append(f"<{tag}>{_e(sec.title)}</{tag}>")
        if sec.table is not None:
            t = sec.table
            rows = [[(c, j in t.numeric) for j, c in enumerate(r)] for r in t.rows]
            body.append(_table(list(t.head), rows))
        if sec.text:
            body.append(f"<p>{_e(sec.text)}</p>")
    body.append(f'<p class="note">{_e(rep.words["generated"])}</p>')
    lang = "vi" if rep.lang == "vi" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{_e(rep.heading)}</title><style>{_CSS}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def _write_all(rep: SectionedReport, path: Path) -> Path:
    return write_text(path, render_all_html(rep))


register_format(("html", "htm"), text=render_html, write_all=_write_all)
