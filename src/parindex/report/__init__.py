"""Reports: the quarterly lost-points report as Markdown, a self-contained HTML page (inline SVG
charts), XLSX (optional extra ``xlsx``), a Word document in the administrative format (optional
extra ``docx``) and PDF (that document converted by LibreOffice).

    from parindex.report import build_report
    rep = build_report(card, responsibilities=rmap, previous=last_quarter, peers=cards)
    rep.write("bao-cao.html"); rep.write("bao-cao.md"); rep.write("bao-cao.xlsx")
    rep.write("bao-cao.docx"); rep.write("bao-cao.pdf")

:mod:`~parindex.report.model` holds the content (:class:`Report`, :data:`COLUMNS`),
:mod:`~parindex.report.build` computes it, and the renderers :mod:`~parindex.report.markdown`,
:mod:`~parindex.report.html` and :mod:`~parindex.report.xlsx` read it; importing this package
registers them as the report's formats.
"""

from . import docx, html, markdown, pdf, xlsx  # noqa: F401  (importing them registers the formats)
from .allunits import AllUnitsReport, build_all_units
from .build import build_report
from .header import load_header
from .model import COLUMNS, DocumentHeader, Report

__all__ = [
    "COLUMNS",
    "AllUnitsReport",
    "DocumentHeader",
    "Report",
    "build_all_units",
    "build_report",
    "load_header",
]
