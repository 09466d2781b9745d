"""The lost-points report as a Word document laid out as a Vietnamese administrative report
(Decree 30/2020/NĐ-CP, Appendix I; needs the optional extra ``docx``: python-docx).

The page: A4, margins 20 mm top and bottom, 30 mm left, 15 mm right, Times New Roman. On top, the
issuing body (its superior over "SỞ NỘI VỤ") and "Số: …/BC-SNV" on the left, the national name and
motto on the right with the place and date in italics under them; then "BÁO CÁO", the subject and
"Kính gửi: …"; the body (summary, results by domain, the criteria that lost points with cause,
responsible unit and remedy, the roll-up by responsible unit, appraisal, the previous period, the
items without input, charts); then "Nơi nhận:" on the left and the signer on the right. Where each
size comes from is in docs/reports.md. Tables repeat their header row on every page; figures are in
the report's language format (decimal comma in Vietnamese); every text passes
:func:`parindex._safe.clean`; the file is written atomically.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from .._safe import clean
from .._write import write_file
from ..errors import MissingExtraError
from ..render import charts as render_charts
from ._tables import (
    Table,
    cut_table,
    domain_table,
    gap_table,
    period_table,
    summary_table,
    unit_table,
)
from .model import COLUMNS, DocumentHeader, Report, SectionedReport, register_format

__all__ = ["MARGINS_MM", "PAGE_MM", "write_all_docx", "write_docx"]

#: A4 portrait, width and height in millimetres.
PAGE_MM = (210, 297)
#: Top, bottom, left, right margins in millimetres (each inside the decree's range).
MARGINS_MM = (20, 20, 30, 15)
FONT = "Times New Roman"
#: Font sizes in points: body text, the national name, the motto, tables, "Nơi nhận" list.
SIZES = {"body": 13, "national": 12, "motto": 13, "table": 11, "copies": 11}

NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
_LABELS = {
    "vi": {"report": "BÁO CÁO", "to": "Kính gửi", "copies": "Nơi nhận", "charts": "Biểu đồ"},
    "en": {"report": "BÁO CÁO", "to": "Kính gửi", "copies": "Nơi nhận", "charts": "Charts"},
}
_NO_CHARTS = {
    "vi": "Biểu đồ không được vẽ: cần cài thêm gói matplotlib (pip install 'parindex[charts]').",
    "en": "Charts not drawn: install matplotlib (pip install 'parindex[charts]').",
}
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _document() -> Any:
    try:
        import docx
    except ImportError:
        raise MissingExtraError.for_extra("python-docx", "docx", "the Word report") from None
    doc = docx.Document()
    _page(doc)
    return doc


def write_all_docx(
    rep: SectionedReport, path: str | os.PathLike[str], header: DocumentHeader | None = None
) -> Path:
    """Write the all-units report as a Word document, in the same administrative layout."""
    doc = _document()
    h = header or rep.header or DocumentHeader()
    _head(doc, rep.lang, h, rep.heading)
    number = iter(_ROMAN)
    for sec in rep.sections():
        if sec.level == 1:
            _para(doc, f"{next(number)}. {sec.title.upper()}", bold=True, style="Heading 1")
        else:
            _para(doc, sec.title, bold=True, style="Heading 2")
        if sec.table is not None:
            _table(doc, sec.table)
        if sec.text:
            _para(doc, sec.text)
    _para(doc, rep.words["generated"], italic=True, size=SIZES["copies"])
    _closing(doc, h)
    return write_file(path, lambda tmp: doc.save(str(tmp)))


def write_docx(
    rep: Report, path: str | os.PathLike[str], header: DocumentHeader | None = None
) -> Path:
    """Write the report as a Word document to ``path`` (``header`` defaults to the report's)."""
    doc = _document()
    h = header or rep.header or DocumentHeader()
    _head(doc, rep.lang, h, rep.heading)
    _body(doc, rep)
    _closing(doc, h)
    return write_file(path, lambda tmp: doc.save(str(tmp)))


# -- page and styles ------------------------------------------------------------------------------


def _page(doc: Any) -> None:
    from docx.shared import Mm, Pt, RGBColor

    s = doc.sections[0]
    s.page_width, s.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    top, bottom, left, right = MARGINS_MM
    s.top_margin, s.bottom_margin = Mm(top), Mm(bottom)
    s.left_margin, s.right_margin = Mm(left), Mm(right)
    for name in ("Normal", "Heading 1", "Heading 2", "Caption"):
        st = doc.styles[name]
        _font(st.element, FONT)
        st.font.name = FONT
        st.font.size = Pt(SIZES["body"])
        st.font.color.rgb = RGBColor(0, 0, 0)
        if name.startswith("Heading"):
            st.font.bold = True
            st.font.italic = name == "Heading 2"
            st.paragraph_format.space_before = Pt(6)
            st.paragraph_format.space_after = Pt(3)
    doc.styles["Normal"].paragraph_format.space_after = Pt(3)


def _font(element: Any, name: str) -> None:
    """Set every script's font (Latin, East Asian, complex) and drop theme fonts, which would win."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), name)


def _para(
    container: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: int | None = None,
    center: bool = False,
    style: str | None = None,
) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = container.add_paragraph(style=style)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0) if center else Pt(3)
    if text:
        _run(p, text, bold=bold, italic=italic, size=size)
    return p


def _run(
    p: Any, text: str, *, bold: bool = False, italic: bool = False, size: int | None = None
) -> Any:
    from docx.shared import Pt

    r = p.add_run(clean(text))
    r.bold, r.italic = bold or None, italic or None
    if size is not None:
        r.font.size = Pt(size)
    return r


def _cell(table: Any, row: int, col: int) -> Any:
    """An empty cell of a layout table, ready for paragraphs."""
    c = table.cell(row, col)
    c.paragraphs[0]._element.getparent().remove(c.paragraphs[0]._element)
    return c


# -- header, body, closing --------------------------------------------------------------------------


def _head(doc: Any, lang: str, h: DocumentHeader, heading: str) -> None:
    from docx.shared import Mm

    lay = doc.add_table(rows=1, cols=2)
    lay.autofit = False
    widths = (Mm(70), Mm(PAGE_MM[0] - MARGINS_MM[2] - MARGINS_MM[3] - 70))
    for i, wd in enumerate(widths):
        lay.columns[i].width = wd
        lay.cell(0, i).width = wd
    left, right = _cell(lay, 0, 0), _cell(lay, 0, 1)
    size = SIZES["national"]
    if h.authority:
        _para(left, h.authority.upper(), size=size, center=True)
    _para(left, h.body.upper(), bold=True, size=size, center=True)
    _para(left, "———", size=size, center=True)
    _para(left, h.number_line(), size=SIZES["body"], center=True)
    _para(right, NATIONAL, bold=True, size=size, center=True)
    _para(right, MOTTO, bold=True, size=SIZES["motto"], center=True)
    _para(right, "———————————", size=size, center=True)
    _para(right, h.date_line(), italic=True, size=SIZES["body"], center=True)

    words = _LABELS[lang]
    _para(doc, "", center=True)
    _para(doc, words["report"], bold=True, size=14, center=True)
    _para(doc, h.subject or heading, bold=True, center=True)
    _para(doc, "———", center=True)
    recipients = h.recipients or ("…",)
    p = _para(doc, center=True)
    _run(p, f"{words['to']}: ")
    _run(p, "; ".join(recipients) + ".")
    _para(doc, "")


def _body(doc: Any, rep: Report) -> None:
    w = rep.words
    number = iter(_ROMAN)

    def heading(text: str) -> None:
        _para(doc, f"{next(number)}. {text.upper()}", bold=True, style="Heading 1")

    heading(w["summary"])
    _table(doc, summary_table(rep))

    heading(w["domains"])
    _table(doc, domain_table(rep))

    heading(w["gaps"])
    gt = gap_table(rep)
    if gt is None:
        _para(doc, w["none"])
    else:
        _table(doc, gt)

    ut = unit_table(rep)
    if ut is not None:
        heading(w["by_unit"])
        _table(doc, ut)

    cols = COLUMNS[rep.lang]
    heading(w["stages"])
    _para(
        doc,
        f"{cols[3]}: {rep.num(rep.stages.self_points)}; {cols[5]}: {rep.num(rep.stages.points)}",
    )
    ct = cut_table(rep)
    if ct is not None:
        _table(doc, ct)

    pt = period_table(rep)
    if pt is not None:
        heading(w["periods"])
        _table(doc, pt)

    ft = rep.follow_table()
    if ft is not None:
        heading(w["follow"])
        _para(doc, rep.follow_counts())
        _table(doc, ft)

    heading(w["missing"])
    missing = ", ".join(g.code for g in rep.gaps.missing_input) or w["none"]
    _para(doc, f"- {w['no_input']}: {missing}")
    _para(doc, f"- {w['no_evidence']}: {', '.join(rep.gaps.missing_evidence) or w['none']}")

    heading(_LABELS[rep.lang]["charts"])
    charts = _charts(rep)
    if charts is None:
        _para(doc, _NO_CHARTS[rep.lang], italic=True)
    else:
        from docx.shared import Mm

        for title, png in charts:
            doc.add_picture(io.BytesIO(png), width=Mm(150))
            _para(doc, title, italic=True, center=True)
    _para(doc, w["generated"], italic=True, size=SIZES["copies"])


def _closing(doc: Any, h: DocumentHeader) -> None:
    from docx.shared import Mm

    _para(doc, "")
    lay = doc.add_table(rows=1, cols=2)
    lay.autofit = False
    widths = (Mm(80), Mm(PAGE_MM[0] - MARGINS_MM[2] - MARGINS_MM[3] - 80))
    for i, wd in enumerate(widths):
        lay.columns[i].width = wd
        lay.cell(0, i).width = wd
    left, right = _cell(lay, 0, 0), _cell(lay, 0, 1)
    _para(left, "Nơi nhận:", bold=True, italic=True, size=12)
    for i, name in enumerate(h.copies_to):
        end = "." if i == len(h.copies_to) - 1 else ";"
        _para(left, f"- {name}{end}", size=SIZES["copies"])
    for line in h.signer_title.split("\n"):
        _para(right, line.upper(), bold=True, center=True)
    for _ in range(4):  # room for the signature and the seal
        _para(right, "", center=True)
    _para(right, h.signer_name or "…", bold=True, center=True)


def _table(doc: Any, t: Table) -> None:
    """A bordered table whose header row repeats on every page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    table = doc.add_table(rows=1 + len(t.rows), cols=len(t.head))
    table.style = "Table Grid"
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    table.autofit = False
    widths = _widths(t)
    for i, row in enumerate([t.head, *t.rows]):
        for j, text in enumerate(row):
            cell = table.cell(i, j)
            cell.width = widths[j]
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            if i == 0:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif j in t.numeric:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(p, text, bold=i == 0, size=SIZES["table"])
    _para(doc, "")


def _widths(t: Table) -> list[Any]:
    """Column widths: narrow for figures and short codes, the rest of the line for texts."""
    from docx.shared import Mm

    line = PAGE_MM[0] - MARGINS_MM[2] - MARGINS_MM[3]
    fixed: dict[int, float] = {}
    for j in range(len(t.head)):
        longest = max((len(r[j]) for r in t.rows), default=0)
        if j in t.numeric:
            fixed[j] = 16.0
        elif longest <= 8:
            fixed[j] = 12.0 if longest <= 4 else 16.0
    rest = len(t.head) - len(fixed)
    share = (line - sum(fixed.values())) / rest if rest else 0.0
    return [Mm(fixed.get(j, share)) for j in range(len(t.head))]


def _charts(rep: Report) -> list[tuple[str, bytes]] | None:
    """The report's charts as PNG images, or None without matplotlib."""
    w = rep.words
    try:
        figs = [(w["chart_domains"], render_charts.domain_profile(rep.card, lang=rep.lang))]
        if len(rep.gaps):
            figs.append((w["chart_pareto"], render_charts.lost_pareto(rep.gaps, lang=rep.lang)))
        pc = rep.previous
        if pc is not None:
            periods = {
                pc.before.period or w["before"]: [pc.before],
                pc.after.period or w["after"]: [pc.after],
            }
            figs.append((w["chart_change"], render_charts.change_chart(periods, lang=rep.lang)))
    except MissingExtraError:
        return None
    out = []
    for title, fig in figs:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=150)
        out.append((title, buf.getvalue()))
    return out


register_format(("docx",), write=write_docx, write_all=write_all_docx)
