"""HTML for Jupyter: kept as an import path; the functions live in
:mod:`parindex.render.notebook`.

``lost_points`` is deprecated: lost points have one definition, :func:`parindex.analysis.gaps.gaps`.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from .analysis.gaps import gaps
from .render.notebook import card_html, gaps_html, methodology_html, ranking_html, rows_html

if TYPE_CHECKING:
    from .analysis.gaps import Gap
    from .card import ScoreCard

__all__ = [
    "card_html",
    "gaps_html",
    "lost_points",
    "methodology_html",
    "ranking_html",
    "rows_html",
]


def lost_points(card: ScoreCard) -> list[Gap]:
    """Deprecated: the gaps of :func:`parindex.analysis.gaps.gaps`, the one definition of lost
    points (shared points weighted, a bonus not earned is not a loss, a deduction is).

    Use ``gaps(card, steps=False).items``; each item has ``code`` and ``lost`` as before.
    """
    warnings.warn(
        "display.lost_points is deprecated; use parindex.analysis.gaps.gaps(card, steps=False)",
        DeprecationWarning,
        stacklevel=2,
    )
    return list(gaps(card, steps=False).items)
