"""The report's sections as tables of shown text (figures already formatted), for renderers that
lay tables out themselves (the Word report). Each function returns a :class:`Table` or ``None``
when the section has nothing to show.
"""

from __future__ import annotations

from .._text import group_text, period_label
from .model import COLUMNS, Report, Table

__all__ = [
    "Table",
    "cut_table",
    "domain_table",
    "gap_table",
    "group_cell",
    "period_cell",
    "period_table",
    "summary_table",
    "unit_table",
]


def period_cell(rep: Report) -> str:
    """The card's period in the summary: as officers write it in Vietnamese ("Quý III/2025"),
    as given in English."""
    period = rep.card.period
    return (period_label(period) if rep.lang == "vi" else period) or "—"


def group_cell(rep: Report) -> str:
    """The card's group in the summary: the grouping's label in Vietnamese ("Nhóm B" without
    one), the code in English."""
    g = rep.card.group
    if g is None:
        return "—"
    return group_text(g.code, g.label) if rep.lang == "vi" else g.code


def summary_table(rep: Report) -> Table:
    w, n, card = rep.words, rep.num, rep.card
    rows: list[tuple[str, ...]] = [
        (w["unit"], card.unit),
        (w["period"], period_cell(rep)),
        (w["methodology"], f"{card.methodology.title.text(rep.lang)} ({card.methodology.id})"),
        (w["points"], f"{n(card.points)} / {n(card.max_points)}"),
        (w["index"], n(card.index)),
        (w["group"], group_cell(rep)),
        (w["lost"], n(rep.gaps.total_lost)),
    ]
    if rep.place is not None and rep.ranking is not None:
        rows.append((w["place"], f"{rep.place} / {len(rep.ranking)}"))
    rows += rep.basis()
    return Table((w["item"], w["value"]), rows, frozenset())


def domain_table(rep: Report) -> Table:
    cols, w, n = COLUMNS[rep.lang], rep.words, rep.num
    return Table(
        (cols[0], cols[1], cols[2], cols[5], cols[6], w["lost_col"]),
        [
            (
                r.code,
                r.node.label.text(rep.lang),
                n(r.adjusted_max),
                n(r.points),
                n(r.index),
                n(r.lost),
            )
            for r in rep.card.domains
        ],
        frozenset({2, 3, 4, 5}),
    )


def gap_table(rep: Report) -> Table | None:
    if not len(rep.gaps):
        return None
    cols, w, n = COLUMNS[rep.lang], rep.words, rep.num
    rows: list[tuple[str, ...]] = []
    for i, gp in enumerate(rep.gaps, start=1):
        casc = "; ".join(f"{c.unit} {c.code}: {n(c.points)}/{n(c.max)}" for c in gp.cascade)
        rows.append(
            (
                str(i),
                gp.code,
                gp.label(rep.lang),
                n(gp.max),
                n(gp.points),
                n(gp.lost),
                gp.cause(rep.lang),
                rep.responsible(gp.code) or "—",
                gp.remedy(rep.lang) + (f" [{w['cascade']}: {casc}]" if casc else ""),
            )
        )
    return Table(
        ("#", cols[0], cols[1], cols[2], cols[5], w["lost_col"], cols[7], cols[8], cols[9]),
        rows,
        frozenset({0, 3, 4, 5}),
    )


def unit_table(rep: Report) -> Table | None:
    units = rep.gaps.by_unit()
    if not units:
        return None
    w, n = rep.words, rep.num
    return Table(
        (w["unit_col"], w["lead_lost"], w["items"], w["coop_lost"], w["items"]),
        [
            (
                u.name,
                n(u.lead_lost),
                ", ".join(u.lead_codes) or "—",
                n(u.cooperating_lost),
                ", ".join(u.cooperating_codes) or "—",
            )
            for u in units
        ],
        frozenset({1, 3}),
    )


def cut_table(rep: Report) -> Table | None:
    cut = rep.stages.cut
    if not cut:
        return None
    cols, w, n = COLUMNS[rep.lang], rep.words, rep.num
    return Table(
        (cols[0], cols[1], cols[3], cols[4], w["cut"], ""),
        [
            (
                r.code,
                r.label.text(rep.lang),
                n(r.self_points),
                n(r.appraised),
                n(r.cut),
                w["explain"] if r.needs_explanation else "",
            )
            for r in cut
        ],
        frozenset({2, 3, 4}),
    )


def period_table(rep: Report) -> Table | None:
    pc = rep.previous
    if pc is None:
        return None
    cols, w, n = COLUMNS[rep.lang], rep.words, rep.num
    head = [
        cols[0],
        cols[1],
        f"{w['before']} ({pc.before.period or '—'})",
        f"{w['after']} ({pc.after.period or '—'})",
        w["change"],
    ]
    with_places = pc.peers is not None
    if with_places:
        head += [f"{w['place']} ({w['before'].lower()})", f"{w['place']} ({w['after'].lower()})"]
    rows = []
    for r in pc.rows:
        if r.depth > 1:
            continue
        ch = r.points_change
        row = [
            r.code or "Σ",
            r.label.text(rep.lang),
            n(r.previous_points),
            n(r.points),
            ("+" if (ch or 0) > 0 else "") + n(ch),
        ]
        if with_places:
            row += [str(r.previous_place or "—"), str(r.place or "—")]
        rows.append(tuple(row))
    return Table(tuple(head), rows, frozenset(range(2, len(head))))
