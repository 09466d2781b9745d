"""Reports: the quarterly lost-points report as Markdown, a self-contained HTML page (inline SVG
charts) and XLSX (optional extra ``xlsx``).

    from parindex.report import build_report
    rep = build_report(card, responsibilities=rmap, previous=last_quarter, peers=cards)
    rep.write("bao-cao.html"); rep.write("bao-cao.md"); rep.write("bao-cao.xlsx")
"""

from .core import COLUMNS, Report, build_report

__all__ = ["COLUMNS", "Report", "build_report"]
