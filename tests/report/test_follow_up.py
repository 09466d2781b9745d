"""Remedies followed to their deadlines: "Kết quả khắc phục" with one late, one done, one due."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import parindex
from parindex.analysis.followup import follow_up, load_follow_ups, parse_status, quarter_of
from parindex.analysis.responsibility import load_responsibilities
from parindex.errors import ResponsibilityError
from parindex.report import Report, build_report
from parindex.units import load_unit_list

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "docs" / "examples"
M = parindex.load_file(EX / "example-province-scheme-2025.yaml")
NOW = [
    parindex.score(M, a)
    for a in parindex.read_assessments(EX / "example-province-assessments-2025-q3.yaml")
]
BEFORE = [
    parindex.score(M, a)
    for a in parindex.read_assessments(EX / "example-province-assessments-2025-q2.yaml")
]

FOLLOW = """\
parindex_followup: 1
methodology: example/province/2025
items:
  - {code: "1.1", task: Công khai thủ tục, unit: so-noi-vu, deadline: 2025-09-30, status: chưa thực hiện}
  - {code: "1.3", task: Ban hành kế hoạch, unit: so-noi-vu, deadline: 2025-08-31, status: hoàn thành}
  - {code: "2.1", task: Rà soát văn bản, unit: so-tu-phap, deadline: 2025-12-31, status: đang thực hiện}
  - {code: "1.2", task: Kiểm tra cải cách, unit: so-noi-vu, deadline: 2025-09-10, status: đang thực hiện}
"""


@pytest.fixture(scope="module")
def rep(tmp_path_factory: pytest.TempPathFactory) -> Report:
    path = tmp_path_factory.mktemp("f") / "khac-phuc.yaml"
    path.write_text(FOLLOW, encoding="utf-8")
    units = load_unit_list(EX / "example-units.yaml")
    rmap = load_responsibilities(EX / "example-responsibilities.yaml", methodology=M, units=units)
    return build_report(
        NOW[0],
        responsibilities=rmap,
        previous=BEFORE[0],
        follow_ups=load_follow_ups(path, methodology=M.id),
        date=dt.date(2025, 9, 30),
    )


def test_late_done_and_due(rep: Report) -> None:
    rows = rep.follow_up
    assert rows is not None
    assert [r.item.code for r in rows] == ["1.2", "1.3", "1.1", "2.1"]  # late first
    late, done, due, later = rows
    assert late.late_days == 20 and late.due_this_quarter and not late.done
    assert late.recovered is False  # 1.2 still loses 2 points, as before
    assert done.done and done.late_days is None and done.recovered is None  # 1.0 → 0.5: partly
    assert due.due_this_quarter and due.late_days is None and due.recovered is True
    assert not later.due_this_quarter and later.late_days is None


def test_every_format_shows_the_section(rep: Report, tmp_path: Path) -> None:
    md = rep.to_markdown()
    assert "## Kết quả khắc phục" in md
    assert "Đến hạn trong quý: 3; hoàn thành: 1; quá hạn: 1" in md
    assert (
        "| 1.2 | Kiểm tra cải cách | Sở Nội vụ | 10/09/2025 | đang thực hiện | quá hạn 20 ngày |"
        in md
    )
    assert md.index("| 1.2 | Kiểm tra") < md.index("| 1.3 | Ban hành")
    assert "quá hạn 20 ngày" in rep.to_html()
    openpyxl = pytest.importorskip("openpyxl")
    ws = openpyxl.load_workbook(rep.write(tmp_path / "r.xlsx"))["Kết quả khắc phục"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[2][:6] == (
        "1.2",
        "Kiểm tra cải cách",
        "Sở Nội vụ",
        "10/09/2025",
        "đang thực hiện",
        "quá hạn 20 ngày",
    )
    assert rows[2][6] == 2.0
    docx = pytest.importorskip("docx")
    doc = docx.Document(str(rep.write(tmp_path / "r.docx")))
    texts = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "quá hạn 20 ngày" in texts


def test_a_responsibility_map_carries_deadlines(tmp_path: Path) -> None:
    p = tmp_path / "map.yaml"
    p.write_text(
        "parindex_responsibilities: 1\nmethodology: example/province/2025\nitems:\n"
        '  - {code: "1.2", lead: so-noi-vu, task: Kiểm tra, deadline: 2025-09-10, status: hoàn thành}\n'
        '  - {code: "2", lead: so-tu-phap}\n',
        encoding="utf-8",
    )
    rmap = load_responsibilities(p, methodology=M)
    (task,) = rmap.follow_ups()
    assert (task.code, task.unit, task.deadline, task.status) == (
        "1.2",
        "so-noi-vu",
        dt.date(2025, 9, 10),
        "done",
    )
    rep = build_report(NOW[0], responsibilities=rmap, date=dt.date(2025, 9, 30))
    assert rep.follow_up is not None and rep.follow_up[0].late_days is None
    p.write_text(
        "parindex_responsibilities: 1\nmethodology: example/province/2025\nitems:\n"
        '  - {code: "1.2", lead: so-noi-vu, deadline: 2025-09-10}\n',
        encoding="utf-8",
    )
    with pytest.raises(ResponsibilityError, match="needs a task"):
        load_responsibilities(p)
    csv = tmp_path / "map.csv"
    csv.write_text(
        "code,lead,task,deadline,status\n1.2,so-noi-vu,Kiểm tra,2025-09-10,xong\n", encoding="utf-8"
    )
    with pytest.raises(ResponsibilityError, match="unknown status"):
        load_responsibilities(csv, methodology=M)


def test_helpers() -> None:
    assert quarter_of(dt.date(2025, 11, 5)) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert quarter_of(dt.date(2025, 2, 28)) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    assert parse_status("Đang  thực hiện") == "doing" and parse_status("done") == "done"
    assert follow_up((), NOW[0], date=dt.date(2025, 9, 30)) == ()
