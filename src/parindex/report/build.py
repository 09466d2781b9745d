"""Build the lost-points report: run the analyses once, keep the results in a :class:`Report`."""

from __future__ import annotations

from collections.abc import Iterable

from ..analysis.compare import compare_periods, compare_stages
from ..analysis.gaps import gaps
from ..analysis.rank import rank
from ..analysis.responsibility import Cascade, ResponsibilityMap
from ..card import ScoreCard
from ..errors import ParIndexError
from .header import DocumentHeader
from .model import WORDS, Report

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
) -> Report:
    """Compute the report for ``card``: gaps with causes, responsible units and remedies, the
    appraisal's cuts, the change against ``previous`` (with places among ``previous_peers`` and
    ``peers``) and the place among ``peers``; ``header`` gives the Word and PDF reports'
    administrative header and closing. Vietnamese by default (``lang="en"`` for English).
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
    return Report(card, g, st, st.self_card, lang, title, pc, ranking, header)
