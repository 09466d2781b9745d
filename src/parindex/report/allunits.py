"""All units in one report: the ranking with groups and changes, the roll-up by responsible unit
across all units, the criteria that the most units lost, and a section per unit (its summary,
the criteria it lost, the appraisal's cuts).

The content is a list of :class:`Section` (a heading and a table or a line of text), defined here
once; each renderer lays the same list out in its format.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs

from .._text import group_text, period_label
from ..analysis.rank import Ranking, rank
from ..analysis.responsibility import ResponsibilityMap
from ..card import ScoreCard
from ..errors import ParIndexError
from ._tables import cut_table, gap_table, summary_table
from .build import build_report
from .model import COLUMNS, WORDS, DocumentHeader, Report, Section, Table, find_format

__all__ = ["ALL_WORDS", "AllUnitsReport", "build_all_units"]

#: The words of the all-units report, by language.
ALL_WORDS: Mapping[str, Mapping[str, str]] = {
    "vi": {
        "title": "Báo cáo tiêu chí mất điểm Chỉ số cải cách hành chính của các đơn vị",
        "overview": "Tổng quan",
        "units": "Số đơn vị",
        "ranking": "Xếp hạng các đơn vị",
        "rollup": "Điểm mất theo đơn vị chịu trách nhiệm (mọi đơn vị)",
        "weakest": "Tiêu chí yếu nhất toàn tỉnh",
        "lost_by": "Số đơn vị mất điểm",
        "who": "Các đơn vị mất điểm",
        "per_unit": "Kết quả từng đơn vị",
        "place_change": "Thay đổi thứ hạng",
        "index_change": "Thay đổi chỉ số",
        "previous_place": "Xếp hạng kỳ trước",
        "count": "Số lượt",
    },
    "en": {
        "title": "Report of the PAR INDEX criteria that lost points, all units",
        "overview": "Overview",
        "units": "Units",
        "ranking": "Ranking of the units",
        "rollup": "Lost points by responsible unit (all units)",
        "weakest": "Weakest criteria across the province",
        "lost_by": "Units that lost points",
        "who": "Units",
        "per_unit": "Results of each unit",
        "place_change": "Change of place",
        "index_change": "Change of index",
        "previous_place": "Previous place",
        "count": "Items",
    },
}


@attrs.frozen
class AllUnitsReport:
    """One report for every unit: the province-wide tables and each unit's :class:`Report`."""

    reports: tuple[Report, ...]
    ranking: Ranking
    lang: str = "vi"
    title: str | None = None
    header: DocumentHeader | None = None

    @property
    def words(self) -> Mapping[str, str]:
        return {**WORDS[self.lang], **ALL_WORDS[self.lang]}

    @property
    def heading(self) -> str:
        return self.title or ALL_WORDS[self.lang]["title"]

    def num(self, x: float | None) -> str:
        return self.reports[0].num(x)

    # -- the province-wide tables -----------------------------------------------------------
    def ranking_table(self) -> Table:
        w, n = self.words, self.num
        with_previous = any(r.previous_place is not None for r in self.ranking)
        head = [w["place"], w["unit_col"], w["points"], w["index"], w["group"]]
        if with_previous:
            head += [w["previous_place"], w["place_change"], w["index_change"]]
        rows = []
        for r in self.ranking:
            group = r.group_code or "—"
            if r.group is not None and self.lang == "vi":
                group = group_text(r.group.code, r.group.label)
            row = [str(r.place or "—"), r.unit, n(r.points), n(r.index), group]
            if with_previous:
                pc, ic = r.place_change, r.index_change
                row += [
                    str(r.previous_place or "—"),
                    "—" if pc is None else f"{pc:+d}" if pc else "0",
                    "—" if ic is None else ("+" if ic > 0 else "") + n(ic),
                ]
            rows.append(tuple(row))
        numeric = {0, 2, 3} | ({5, 6, 7} if with_previous else set())
        return Table(tuple(head), rows, frozenset(numeric))

    def rollup_table(self) -> Table | None:
        """Lost points each responsible unit leads (and cooperates on), summed over all units."""
        w, n = self.words, self.num
        acc: dict[str, list[float]] = {}
        units: dict[str, set[str]] = {}
        names: dict[str, str] = {}
        for rep in self.reports:
            for u in rep.gaps.by_unit():
                names[u.unit] = u.name
                a = acc.setdefault(u.unit, [0.0, 0.0, 0.0])
                a[0] += u.lead_lost
                a[1] += u.cooperating_lost
                a[2] += len(u.lead_codes)
                units.setdefault(u.unit, set()).add(rep.card.unit)
        if not acc:
            return None
        order = sorted(acc, key=lambda u: (-acc[u][0], -acc[u][1], names[u]))
        return Table(
            (w["unit_col"], w["lead_lost"], w["count"], w["coop_lost"], w["lost_by"]),
            [
                (
                    names[u],
                    n(acc[u][0]),
                    str(int(acc[u][2])),
                    n(acc[u][1]),
                    str(len(units[u])),
                )
                for u in order
            ],
            frozenset({1, 2, 3, 4}),
        )

    def weakest_table(self, top: int = 15) -> Table | None:
        """The criteria lost by the most units (then by the most points lost in all)."""
        w, n = self.words, self.num
        lost: dict[str, list[float]] = {}
        who: dict[str, list[str]] = {}
        label: dict[str, str] = {}
        for rep in self.reports:
            for g in rep.gaps:
                lost.setdefault(g.code, []).append(g.lost)
                who.setdefault(g.code, []).append(rep.card.unit)
                label[g.code] = g.label(self.lang)
        if not lost:
            return None
        order = sorted(lost, key=lambda c: (-len(lost[c]), -math.fsum(lost[c]), c))[:top]
        cols = ("#", COLUMNS[self.lang][0], w["items"], w["lost_by"], w["lost"])
        return Table(
            (*cols, w["who"]),
            [
                (
                    str(i),
                    c,
                    label[c],
                    str(len(lost[c])),
                    n(math.fsum(lost[c])),
                    ", ".join(who[c]),
                )
                for i, c in enumerate(order, start=1)
            ],
            frozenset({0, 3, 4}),
        )

    def sections(self) -> list[Section]:
        """The whole report in order, as every renderer lays it out."""
        w = self.words
        card = self.reports[0].card
        overview = Table(
            (w["item"], w["value"]),
            [
                (
                    w["methodology"],
                    f"{card.methodology.title.text(self.lang)} ({card.methodology.id})",
                ),
                (
                    w["period"],
                    (period_label(card.period) if self.lang == "vi" else card.period) or "—",
                ),
                (w["units"], str(len(self.reports))),
            ],
            frozenset(),
        )
        out = [
            Section(1, w["overview"], overview),
            Section(1, w["ranking"], self.ranking_table()),
        ]
        rollup = self.rollup_table()
        if rollup is not None:
            out.append(Section(1, w["rollup"], rollup))
        out.append(
            Section(
                1, w["weakest"], self.weakest_table(), "" if self.weakest_table() else w["none"]
            )
        )
        out.append(Section(1, w["per_unit"]))
        by_place = {r.unit: r.place or 0 for r in self.ranking}
        for rep in sorted(self.reports, key=lambda r: (by_place.get(r.card.unit, 0), r.card.unit)):
            out.append(Section(2, rep.card.unit, summary_table(rep)))
            gt = gap_table(rep)
            out.append(Section(3, w["gaps"], gt, "" if gt is not None else w["none"]))
            ct = cut_table(rep)
            if ct is not None:
                out.append(Section(3, w["stages"], ct))
        return out

    def write(self, path: str | os.PathLike[str], format: str | None = None) -> Path:
        """Write the report; the format as for :meth:`Report.write` (md, html, xlsx, docx, pdf)."""
        p = Path(path)
        fmt = find_format(p, format)
        if fmt.write_all is None:
            raise ParIndexError("this format has no all-units report", file=str(p), value=format)
        return fmt.write_all(self, p)


def build_all_units(
    cards: Iterable[ScoreCard],
    *,
    responsibilities: ResponsibilityMap | None = None,
    previous: Iterable[ScoreCard] | None = None,
    lang: str = "vi",
    title: str | None = None,
    header: DocumentHeader | None = None,
) -> AllUnitsReport:
    """One report for all ``cards`` (one per unit), with the change against ``previous`` (cards
    of the earlier period, matched by unit) where given."""
    if lang not in WORDS:
        raise ParIndexError("the report language is vi or en", value=lang)
    cards = list(cards)
    if not cards:
        raise ParIndexError("an all-units report needs at least one unit")
    prev = list(previous) if previous is not None else None
    prev_of = {c.unit: c for c in prev or ()}
    ranking = rank(cards, previous=prev)
    reports = tuple(
        build_report(
            c,
            responsibilities=responsibilities,
            previous=prev_of.get(c.unit),
            peers=cards,
            previous_peers=prev,
            lang=lang,
            header=header,
        )
        for c in cards
    )
    return AllUnitsReport(reports, ranking, lang, title, header)
