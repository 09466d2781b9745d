"""The lost-points report as Markdown."""

from __future__ import annotations

from pathlib import Path

from .._safe import markdown_text
from .._write import write_text
from ._tables import domain_table, gap_table, group_cell, period_cell, period_table
from .model import COLUMNS, Report, SectionedReport, register_format

__all__ = ["render_all_markdown", "render_markdown"]


def _cell(text: str) -> str:
    return markdown_text(text).replace("|", "\\|").replace("\n", " ")


def _table(head: tuple[str, ...] | list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(_cell(h) for h in head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return out


def render_markdown(rep: Report) -> str:
    w = rep.words
    n = rep.num
    card = rep.card
    lines = [f"# {markdown_text(rep.heading)}", ""]
    summary = [
        [w["unit"], card.unit],
        [w["period"], period_cell(rep)],
        [w["methodology"], f"{card.methodology.title.text(rep.lang)} ({card.methodology.id})"],
        [w["points"], f"{n(card.points)} / {n(card.max_points)}"],
        [w["index"], n(card.index)],
        [w["group"], group_cell(rep)],
        [w["lost"], n(rep.gaps.total_lost)],
    ]
    if rep.place is not None and rep.ranking is not None:
        summary.append([w["place"], f"{rep.place} / {len(rep.ranking)}"])
    summary += [[label, text] for label, text in rep.basis()]
    lines += [f"## {w['summary']}", "", *_table([w["item"], w["value"]], summary), ""]

    lines += [f"## {w['domains']}", ""]
    domains = domain_table(rep)  # the same tables as the Word report (report/_tables.py)
    lines += _table(domains.head, [list(r) for r in domains.rows])
    lines.append("")

    lines += [f"## {w['gaps']}", ""]
    lost = gap_table(rep)
    if lost is None:
        lines += [w["none"], ""]
    else:
        lines += _table(lost.head, [list(r) for r in lost.rows])
        lines.append("")

    units = rep.gaps.by_unit()
    if units:
        lines += [f"## {w['by_unit']}", ""]
        lines += _table(
            [w["unit_col"], w["lead_lost"], w["items"], w["coop_lost"], w["items"]],
            [
                [
                    u.name,
                    n(u.lead_lost),
                    ", ".join(u.lead_codes) or "—",
                    n(u.cooperating_lost),
                    ", ".join(u.cooperating_codes) or "—",
                ]
                for u in units
            ],
        )
        lines.append("")

    cut = rep.stages.cut
    lines += [f"## {w['stages']}", ""]
    lines.append(
        f"{COLUMNS[rep.lang][3]}: {n(rep.stages.self_points)}; "
        f"{COLUMNS[rep.lang][5]}: {n(rep.stages.points)}"
    )
    lines.append("")
    if cut:
        lines += _table(
            [
                COLUMNS[rep.lang][0],
                COLUMNS[rep.lang][1],
                COLUMNS[rep.lang][3],
                COLUMNS[rep.lang][4],
                w["cut"],
                "",
            ],
            [
                [
                    r.code,
                    r.label.text(rep.lang),
                    n(r.self_points),
                    n(r.appraised),
                    n(r.cut),
                    w["explain"] if r.needs_explanation else "",
                ]
                for r in cut
            ],
        )
        lines.append("")

    if rep.previous is not None:
        lines += [f"## {w['periods']}", ""]
        table = period_table(rep)  # the one definition of this table (Word uses it too)
        assert table is not None
        lines += _table(table.head, [list(r) for r in table.rows])
        lines.append("")

    ft = rep.follow_table()
    if ft is not None:
        lines += [f"## {w['follow']}", "", markdown_text(rep.follow_counts()), ""]
        lines += _table(ft.head, [list(r) for r in ft.rows])
        lines.append("")

    missing = rep.gaps.missing_input
    noev = rep.gaps.missing_evidence
    lines += [f"## {w['missing']}", ""]
    lines.append(
        f"- {w['no_input']}: " + markdown_text(", ".join(g.code for g in missing) or w["none"])
    )
    lines.append(f"- {w['no_evidence']}: " + markdown_text(", ".join(noev) or w["none"]))
    lines.append("")

    lines += [f"## {w['table']}", ""]
    cols = COLUMNS[rep.lang]
    lines += _table(
        list(cols),
        [
            [
                r["code"],
                ("  " * (r["depth"] - 1)) + r["label"],
                n(r["max"]),
                n(r["self"]) if r["self"] is not None else "",
                n(r["appraised"]) if r["appraised"] is not None else "",
                n(r["points"]),
                n(r["index"]),
                r["cause"],
                r["responsible"],
                r["remedy"],
            ]
            for r in rep.rows()
        ],
    )
    lines += ["", f"*{w['generated']}*", ""]
    return "\n".join(lines)


def render_all_markdown(rep: SectionedReport) -> str:
    """The all-units report as Markdown: its sections in order."""
    lines = [f"# {markdown_text(rep.heading)}", ""]
    for sec in rep.sections():
        lines += [f"{'#' * (sec.level + 1)} {markdown_text(sec.title)}", ""]
        if sec.table is not None:
            lines += _table(sec.table.head, [list(r) for r in sec.table.rows])
            lines.append("")
        if sec.text:
            lines += [markdown_text(sec.text), ""]
    lines += [f"*{markdown_text(rep.words['generated'])}*", ""]
    return "\n".join(lines)


def _write_all(rep: SectionedReport, path: Path) -> Path:
    return write_text(path, render_all_markdown(rep))


register_format(("md", "markdown"), text=render_markdown, write_all=_write_all)
