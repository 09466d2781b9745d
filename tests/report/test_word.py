"""The Word report in the administrative format (Decree 30/2020/NĐ-CP, Appendix I) and its PDF."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

import parindex
from parindex import present
from parindex.analysis.responsibility import load_responsibilities
from parindex.errors import MissingExtraError, ParIndexError
from parindex.report import DocumentHeader, Report, build_report, load_header
from parindex.report.header import header_with
from parindex.units import load_unit_list

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "docs" / "examples"

docx = pytest.importorskip("docx")

HEADER = """\
authority: UBND TỈNH MẪU
body: Sở Nội vụ
number: 125
place: Mẫu
date: 2025-10-05
subject: Kết quả Chỉ số cải cách hành chính quý III năm 2025
recipients: [Ủy ban nhân dân tỉnh]
signer_title: "KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC"
signer_name: Nguyễn Văn A
copies_to: [Như trên, "Lưu: VT, CCHC"]
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    m = parindex.load_file(EX / "example-province-scheme-2025.yaml")
    units = load_unit_list(EX / "example-units.yaml")
    rmap = load_responsibilities(EX / "example-responsibilities.yaml", methodology=m, units=units)
    now = [
        parindex.score(m, a)
        for a in parindex.read_assessments(EX / "example-province-assessments-2025-q3.yaml")
    ]
    before = [
        parindex.score(m, a)
        for a in parindex.read_assessments(EX / "example-province-assessments-2025-q2.yaml")
    ]
    hfile = tmp_path_factory.mktemp("h") / "header.yaml"
    hfile.write_text(HEADER, encoding="utf-8")
    return build_report(
        now[0],
        responsibilities=rmap,
        previous=before[0],
        peers=now,
        previous_peers=before,
        header=load_header(hfile),
    )


def _text(doc: object) -> str:
    parts = [p.text for p in doc.paragraphs]  # type: ignore[attr-defined]
    for t in doc.tables:  # type: ignore[attr-defined]
        for row in t.rows:
            for c in row.cells:
                parts.append(c.text)
    return "\n".join(parts)


def test_docx_is_laid_out_as_an_administrative_report(report: Report, tmp_path: Path) -> None:
    from docx.shared import Mm

    path = report.write(tmp_path / "bao-cao.docx")
    doc = docx.Document(str(path))
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    # stored in twentieths of a point: within 0.01 mm of the millimetres asked for
    top, bottom, left, right = (
        round(x.mm, 1) for x in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
    )
    assert 20 <= top <= 25 and 20 <= bottom <= 25
    assert 30 <= left <= 35 and 15 <= right <= 20
    assert abs(s.left_margin - Mm(30)) < Mm(0.01)
    assert doc.styles["Normal"].font.name == "Times New Roman"
    head = doc.tables[0]
    left, right = head.cell(0, 0).text, head.cell(0, 1).text
    assert "UBND TỈNH MẪU" in left and "SỞ NỘI VỤ" in left and "Số: 125/BC-SNV" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    date = next(p for p in head.cell(0, 1).paragraphs if "ngày" in p.text)
    assert date.text == "Mẫu, ngày 05 tháng 10 năm 2025"
    assert all(r.italic for r in date.runs)
    text = _text(doc)
    assert "BÁO CÁO" in text and "Kết quả Chỉ số cải cách hành chính quý III năm 2025" in text
    assert "Kính gửi: Ủy ban nhân dân tỉnh." in text
    assert "Nơi nhận:" in text and "- Lưu: VT, CCHC." in text
    assert "KT. GIÁM ĐỐC" in text and "PHÓ GIÁM ĐỐC" in text and "Nguyễn Văn A" in text
    assert "Xếp hạng kiểu" not in text  # words of other formats do not leak in


def test_docx_lost_criteria_table_has_the_figures(report: Report, tmp_path: Path) -> None:
    doc = docx.Document(str(report.write(tmp_path / "r.docx")))
    gap_tables = [t for t in doc.tables if t.rows[0].cells[-1].text == "Giải pháp"]
    assert len(gap_tables) == 1
    table = gap_tables[0]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert len(rows) == len(report.gaps) > 0
    for row, g in zip(rows, report.gaps, strict=True):
        assert row[1:6] == [
            g.code,
            g.label("vi"),
            present(g.max, lang="vi"),
            present(g.points, lang="vi"),
            present(g.lost, lang="vi"),
        ]
        assert row[6] == g.cause("vi") and row[7] == (report.responsible(g.code) or "—")
    # every table repeats its header row on each page
    for t in doc.tables[1:-1]:
        tr_pr = t.rows[0]._tr.trPr
        assert tr_pr is not None and tr_pr.xpath("./w:tblHeader"), t.rows[0].cells[0].text
    summary = "\n".join(c.text for r in doc.tables[1].rows for c in r.cells)
    assert "72,62" in summary  # Vietnamese number format


def test_docx_has_charts_or_says_why_not(report: Report, tmp_path: Path) -> None:
    doc = docx.Document(str(report.write(tmp_path / "r.docx")))
    images = doc.inline_shapes
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert len(images) == 0 and "matplotlib" in _text(doc)
    else:
        assert len(images) == 3  # domains, Pareto, change against the previous period


def test_docx_text_is_cleaned(report: Report, tmp_path: Path) -> None:
    import attrs

    header = DocumentHeader(signer_name="Nguyễn\x1b[31m Văn\u202e B\x07")
    rep = attrs.evolve(report, header=header)
    doc = docx.Document(str(rep.write(tmp_path / "r.docx")))
    assert "Nguyễn Văn B" in _text(doc)


def test_header_file_refuses_unknown_keys(tmp_path: Path) -> None:
    p = tmp_path / "h.yaml"
    p.write_text("signer: X\n", encoding="utf-8")
    with pytest.raises(ParIndexError, match="unknown key 'signer'"):
        load_header(p)
    p.write_text("date: 5/10/2025\n", encoding="utf-8")
    with pytest.raises(ParIndexError, match="YYYY-MM-DD"):
        load_header(p)
    h = header_with(DocumentHeader(date=dt.date(2026, 1, 5)), {"number": 7, "place": "Huế"})
    assert h.number_line() == "Số: 7/BC-SNV" and h.date_line() == "Huế, ngày 05 tháng 01 năm 2026"
    assert DocumentHeader().number_line() == "Số: …/BC-SNV"


def test_cli_writes_docx_with_header_fields(tmp_path: Path) -> None:
    from parindex.cli import main

    out = tmp_path / "bc.docx"
    hfile = tmp_path / "header.yaml"
    hfile.write_text(HEADER, encoding="utf-8")
    rc = main(
        [
            "report",
            str(EX / "example-province-scheme-2025.yaml"),
            str(EX / "example-province-assessments-2025-q3.yaml"),
            "-o",
            str(out),
            "--header",
            str(hfile),
            "--unit",
            "Tỉnh Ví dụ (example)",
            "--header-field",
            "signer_name=Trần Thị B",
        ]
    )
    assert rc == 0
    text = _text(docx.Document(str(out)))
    assert "Trần Thị B" in text and "Nguyễn Văn A" not in text and "Số: 125/BC-SNV" in text


def test_pdf_without_libreoffice_names_the_package(
    report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(MissingExtraError) as exc:
        report.write(tmp_path / "r.pdf")
    assert "libreoffice-writer-nogui" in str(exc.value)
    assert "libreoffice-writer-nogui" in exc.value.text("vi")
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_pdf_converts_with_libreoffice(report: Report, tmp_path: Path) -> None:
    path = report.write(tmp_path / "bao-cao.pdf")
    assert path.read_bytes()[:5] == b"%PDF-"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(next(ln for ln in info.stdout.splitlines() if ln.startswith("Pages:")).split()[1])
    assert 2 <= pages <= 12
    size = next(ln for ln in info.stdout.splitlines() if ln.startswith("Page size:"))
    assert "595" in size and "841" in size  # A4 in points
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Kính gửi" in text
    assert "Nơi nhận" in text and present(report.card.index, lang="vi") in text
