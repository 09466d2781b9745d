"""All units in one report: ranking with changes, roll-up by responsible unit, weakest criteria,
a section per unit; in every format."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import parindex
from parindex import present
from parindex.analysis.responsibility import load_responsibilities
from parindex.cli import main
from parindex.report import AllUnitsReport, build_all_units
from parindex.report.html import render_all_html
from parindex.report.markdown import render_all_markdown
from parindex.units import load_unit_list

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "docs" / "examples"
Q3 = EX / "example-province-assessments-2025-q3.yaml"
Q2 = EX / "example-province-assessments-2025-q2.yaml"


@pytest.fixture(scope="module")
def rep() -> AllUnitsReport:
    m = parindex.load_file(EX / "example-province-scheme-2025.yaml")
    units = load_unit_list(EX / "example-units.yaml")
    rmap = load_responsibilities(EX / "example-responsibilities.yaml", methodology=m, units=units)
    now = [parindex.score(m, a) for a in parindex.read_assessments(Q3)]
    before = [parindex.score(m, a) for a in parindex.read_assessments(Q2)]
    return build_all_units(now, responsibilities=rmap, previous=before)


def test_ranking_with_groups_and_changes(rep: AllUnitsReport) -> None:
    t = rep.ranking_table()
    assert len(t.rows) == len(rep.reports) == 4
    for row, r in zip(t.rows, rep.ranking, strict=True):
        assert row[:5] == (
            str(r.place),
            r.unit,
            present(r.points, lang="vi"),
            present(r.index, lang="vi"),
            f"Nhóm {r.group_code}",  # the example's groups have no label: "Nhóm A"
        )
        assert row[5] == str(r.previous_place or "—")
    assert any(r.previous_place is not None for r in rep.ranking)


def test_rollup_and_weakest_add_up_over_units(rep: AllUnitsReport) -> None:
    rollup = rep.rollup_table()
    assert rollup is not None
    for row in rollup.rows:
        lead = math.fsum(
            u.lead_lost for r in rep.reports for u in r.gaps.by_unit() if u.name == row[0]
        )
        assert row[1] == present(lead, lang="vi")
    weakest = rep.weakest_table()
    assert weakest is not None
    counts = [int(r[3]) for r in weakest.rows]
    assert counts == sorted(counts, reverse=True)
    code = weakest.rows[0][1]
    lost_by = [r for r in rep.reports if any(g.code == code for g in r.gaps)]
    assert counts[0] == len(lost_by)
    total = math.fsum(g.lost for r in lost_by for g in r.gaps if g.code == code)
    assert weakest.rows[0][4] == present(total, lang="vi")


def test_every_format_has_every_unit(rep: AllUnitsReport, tmp_path: Path) -> None:
    md = render_all_markdown(rep)
    html = render_all_html(rep)
    for r in rep.reports:
        # units are level-3 headings under "per unit"
        assert f"### {r.card.unit}" in md.splitlines() and f"<h3>{r.card.unit}</h3>" in html
    assert "Tiêu chí yếu nhất toàn tỉnh" in md and "<script" not in html
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(rep.write(tmp_path / "all.xlsx"))
    ranking = wb[wb.sheetnames[1]]
    values = [c.value for row in ranking.iter_rows() for c in row]
    assert all(r.unit in values for r in rep.ranking)
    assert rep.ranking.rows[0].index is not None
    assert round(rep.ranking.rows[0].index, 2) in values  # figures stored as numbers
    docx = pytest.importorskip("docx")
    doc = docx.Document(str(rep.write(tmp_path / "all.docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert all(r.card.unit in text for r in rep.reports) and "Nơi nhận:" in "\n".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells
    )


def test_cli_all_units(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["report", str(EX / "example-province-scheme-2025.yaml"), str(Q3), "--all-units"]
    assert main([*args, "--previous", str(Q2)]) == 0
    out = capsys.readouterr().out
    assert "Xếp hạng các đơn vị" in out and "Thay đổi thứ hạng" in out
    assert main([*args, "-o", str(tmp_path / "all.html")]) == 0
    assert "<h2>Xếp hạng các đơn vị</h2>" in (tmp_path / "all.html").read_text(encoding="utf-8")
