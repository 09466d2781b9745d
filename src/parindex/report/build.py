"""Build the lost-points report: run the analyses once, keep the results in a :class:`Report`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..analysis.compare import compare_periods, compare_stages
from ..analysis.followup import FollowUp, follow_up
from ..analysis.gaps import gaps
from ..analysis.rank import rank
from ..analysis.responsibility import Cascade, ResponsibilityMap
from ..card import ScoreCard
from ..errors import ParIndexError
from .model import WORDS, DocumentHeader, Report

__all__ = ["build_report"]


def build_report(
    card: ScoreCard,
    *,
    responsibilities: ResponsibilityMap | None = None,
    previous: ScoreCard | None = None,
    peers: Iterable[ScoreCard] | None = None,
    previous_peers: Iterable[ScoreCard] | None = None,
    cascade: Cascade | None = None,
    lang: str = "vi",
    title: str | None = None,
    header: DocumentHeader | None = None,
    follow_ups: Iterable[FollowUp] | None = None,
    date: dt.date | None = None,
) -> Report:
    """Compute the report for ``card``: gaps with causes, responsible units and remedies, the
    appraisal's cuts, the change against ``previous`` (with places among ``previous_peers`` and
    ``peers``) and the place among ``peers``; ``header`` gives the Word and PDF reports'
    administrative header and closing. ``follow_ups`` (default: the tasks of
    ``responsibilities``) are followed to their deadlines on ``date`` (default: the header's
    date, else today) in the section "Kết quả khắc phục". Vietnamese by default (``lang="en"`` for English).
    """
    if lang not in WORDS:
        raise ParIndexError("the report language is vi or en", value=lang)
    g = gaps(card, responsibilities, cascade=cascade)
    st = compare_stages(card)
    peer_list = list(peers) if peers is not None else None
    ranking = None
    if peer_list is not None:
        ranking = rank([card, *[p for p in peer_list if p.unit != card.unit]])
    pc = None
    if previous is not None:
        prev_peers = list(previous_peers) if previous_peers is not None else None
        pc = compare_periods(
            previous,
            card,
            previous_peers=prev_peers if peer_list is not None else None,
            peers=peer_list if prev_peers is not None else None,
        )
    if follow_ups is None and responsibilities is not None:
        follow_ups = responsibilities.follow_ups()
    tasks = tuple(follow_ups or ())
    fu = None
    if tasks:
        on = date or (header.date if header is not None else None) or dt.date.today()
        fu = follow_up(tasks, card, date=on, previous=previous)
    return Report(card, g, st, st.self_card, lang, title, pc, ranking, header, fu)
