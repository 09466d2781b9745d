"""Presentation: everything that turns cards, methodologies and analyses into text, HTML and
charts. It reads the lower layers and is imported by none of them.

* :mod:`parindex.render.text`: plain-text tables (``card.table()``, the CLI);
* :mod:`parindex.render.notebook`: HTML fragments for Jupyter (the ``_repr_html_`` bodies);
* :mod:`parindex.render.charts`: matplotlib figures (optional extra ``charts``);
* :mod:`parindex.render.svg`: inline SVG charts of the HTML report;
* :mod:`parindex.render.rows`: the data the charts of both backends draw.

Importing this package registers the notebook HTML and the text table with
:mod:`parindex._hooks`, through which ``Methodology._repr_html_``, ``ScoreCard._repr_html_``,
``ScoreCard.table``, ``GapReport._repr_html_``, ``GapReport.table`` and ``Ranking._repr_html_``
reach them.
"""

from __future__ import annotations

from .. import _hooks
from ..analysis.gaps import GapReport
from ..analysis.rank import Ranking
from ..card import ScoreCard
from ..methodology.model import Methodology
from . import charts, notebook, rows, svg, text

__all__ = ["charts", "notebook", "rows", "svg", "text"]

_hooks.register("html", Methodology, notebook.methodology_html)
_hooks.register("html", ScoreCard, notebook.card_html)
_hooks.register("html", GapReport, notebook.gaps_html)
_hooks.register("html", Ranking, notebook.ranking_html)
_hooks.register("table", ScoreCard, text.card_table)
_hooks.register("table", GapReport, text.gaps_table)
