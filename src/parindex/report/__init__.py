"""Reports: the quarterly lost-points report as Markdown, a self-contained HTML page (inline SVG
charts) and XLSX (optional extra ``xlsx``).

    from parindex.report import build_report
    rep = build_report(card, responsibilities=rmap, previous=last_quarter, peers=cards)
    rep.write("bao-cao.html"); rep.write("bao-cao.md"); rep.write("bao-cao.xlsx")

:mod:`~parindex.report.model` holds the content (:class:`Report`, :data:`COLUMNS`),
:mod:`~parindex.report.build` computes it, and the renderers :mod:`~parindex.report.markdown`,
:mod:`~parindex.report.html` and :mod:`~parindex.report.xlsx` read it; importing this package
registers them as the report's formats.
"""

from . import html, markdown, xlsx  # noqa: F401  (importing them registers the formats)
from .build import build_report
from .model import COLUMNS, Report

__all__ = ["COLUMNS", "Report", "build_report"]
