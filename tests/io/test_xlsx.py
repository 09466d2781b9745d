"""Self-assessment workbooks: template → filled → read → scored, live totals, malformed files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pytest

import parindex
from parindex.assessment import Assessment
from parindex.io.workbook import (
    DATA_ROW,
    HEADER_ROW,
    LISTS_SHEET,
    MAIN_SHEET,
    META_SHEET,
    NA_TEXT,
    Layout,
    layout,
    read_workbook,
    write_workbook,
)
from parindex.methodology.loader import load_text

openpyxl = pytest.importorskip("openpyxl")
sys.path.insert(0, str(Path(__file__).parent))
from excel_eval import Evaluator  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCHEME = ROOT / "docs" / "examples" / "illustrative-department-scheme.yaml"
ASSESS = ROOT / "docs" / "examples" / "example-assessments.yaml"


@pytest.fixture(scope="module")
def m() -> parindex.Methodology:
    return parindex.load_file(SCHEME)


@pytest.fixture(scope="module")
def units() -> list[Assessment]:
    return parindex.read_assessments(ASSESS)


def cell_of(
    m: parindex.Methodology, code: str, stage: str, part: int = 0, name: str | None = None
) -> str:
    """The address of a stage's cell (0 value, 1 points, 2 evidence, 3 note) of a row."""
    row = layout(m).row_of(code, name)
    return f"{openpyxl.utils.get_column_letter(Layout.stage_col(stage, part))}{row}"


def values(path: Path) -> list[list[Any]]:
    wb = openpyxl.load_workbook(path)
    return [[c.value for c in row] for row in wb[MAIN_SHEET].iter_rows()]


# -- round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize("i", [0, 1])
def test_round_trip_loses_nothing(
    m: parindex.Methodology, units: list[Assessment], tmp_path: Path, i: int
) -> None:
    a = units[i]
    first = write_workbook(m, tmp_path / "first.xlsx", a)
    back = read_workbook(first, m)
    # values, notes, evidence references, stages, unit, period and unit type all come back
    assert back == a
    assert (
        back.stages["appraisal1" if i == 0 else "survey"]
        == a.stages["appraisal1" if i == 0 else "survey"]
    )
    if i == 0:
        e = back.stages["appraisal1"]["1.2"]
        assert (e.value, e.note, e.evidence) == (
            85,
            "Hai nhiệm vụ chưa có tài liệu kiểm chứng",
            ("KH-12/2025",),
        )
    # the same card as the same inputs read from YAML
    assert parindex.score(m, back) == parindex.score(m, a)
    # written again: the same cells, read again: the same assessment
    second = write_workbook(m, tmp_path / "second.xlsx", back)
    assert values(first) == values(second)
    assert read_workbook(second, m) == a


def test_not_applicable_round_trip_and_live_marker(m: parindex.Methodology, tmp_path: Path) -> None:
    a = Assessment(
        "Sở NA",
        {
            "self": {"1.1": "late", "2": parindex.NA, "3.2": 40},
            "appraisal1": {"3.2": {"value": "NA", "note": "chưa có hệ thống"}},
        },
        "2025-Q4",
        "department",
    )
    p = write_workbook(m, tmp_path / "na.xlsx", a)
    back = read_workbook(p, m)
    assert back == a
    assert (
        back.stages["self"]["2"].not_applicable
        and back.stages["appraisal1"]["3.2"].note == "chưa có hệ thống"
    )
    wb = openpyxl.load_workbook(p)
    assert wb[MAIN_SHEET][cell_of(m, "2", "self")].value == NA_TEXT
    ev = Evaluator(wb)
    # 3.2: 40 % is in [30, 50): 3 points after the self-assessment; not applicable after round 1
    assert ev.cell(MAIN_SHEET, cell_of(m, "3.2", "self", 1)) == 3
    assert ev.cell(MAIN_SHEET, cell_of(m, "3.2", "appraisal1", 1)) == "KAD"
    assert parindex.score(m, back) == parindex.score(m, a)


def test_officer_fills_a_blank_template(
    m: parindex.Methodology, units: list[Assessment], tmp_path: Path
) -> None:
    blank = write_workbook(m, tmp_path / "blank.xlsx")
    assert read_workbook(blank, m) == Assessment()
    wb = openpyxl.load_workbook(blank)
    ws = wb[MAIN_SHEET]
    ws["C3"], ws["C4"], ws["C5"] = "Sở Ví dụ A (example)", "2025-Q3", "department"
    typed = {
        ("self", "1.1", None): "Ban hành kịp thời",  # the drop-down shows the Vietnamese labels
        ("self", "1.2", None): 92,
        ("self", "1.3", "late"): 1,
        ("self", "1.4", "a"): 4,
        ("self", "1.4", "b"): 2,
        ("self", "1.4", "c"): 1,
        ("self", "1.5", None): "25,0",  # typed as text with a decimal comma
        ("self", "2.1", None): 96.5,
        ("self", "2.2", None): "Công khai đầy đủ, đúng hạn",
        ("self", "3.1", None): 4.5,
        ("self", "3.2", None): 45,
        ("self", "5", None): 60,
        ("self", "6.1", None): 1,
        ("self", "6.2", None): 1.5,
        ("self", "7.1", "breach"): 0,
        ("survey", "4.1", None): 4.2,
        ("survey", "4.2", None): 87.4,
        ("appraisal1", "1.2", None): 85,
        ("appraisal1", "2.2", None): "Công khai chưa đầy đủ",
        ("appraisal1", "3.1", None): 4,
    }
    for (st, code, name), v in typed.items():
        ws[cell_of(m, code, st, 0, name)] = v
    ws[cell_of(m, "1.2", "appraisal1", 2)] = "KH-12/2025"
    ws[cell_of(m, "1.2", "appraisal1", 3)] = "Hai nhiệm vụ chưa có tài liệu kiểm chứng"
    wb.save(tmp_path / "filled.xlsx")
    a = read_workbook(tmp_path / "filled.xlsx", m)
    assert (
        a.stages["self"]["1.1"].value == "on_time"
        and a.stages["appraisal1"]["2.2"].value == "partial"
    )
    # the card equals the one scored from the YAML example: 90.458 points (see tests/cli)
    card = parindex.score(m, a)
    assert card == parindex.score(m, units[0])
    assert card.points == pytest.approx(90.458)


# -- live totals ----------------------------------------------------------------------------------


@pytest.mark.parametrize("i", [0, 1])
def test_live_totals_equal_parindex_points(
    m: parindex.Methodology, units: list[Assessment], tmp_path: Path, i: int
) -> None:
    a = units[i]
    p = write_workbook(m, tmp_path / "live.xlsx", a)
    ev = Evaluator(openpyxl.load_workbook(p))
    lay = layout(m)
    card = parindex.score(m, a)
    assert ev.cell(MAIN_SHEET, "C6") == pytest.approx(card.points, abs=1e-12)
    for n in m.walk():
        row = lay.row_of(n.code)
        live = ev.value(MAIN_SHEET, row, lay.final_col)
        want = card[n.code]
        if want.missing or (want.not_applicable and n.is_leaf):
            # no input (B's domain 2 does not apply to its unit type): blank in Excel, 0 points
            assert live == "" and want.points == 0
        else:
            assert live == pytest.approx(want.points, abs=1e-12), n.code
        for st in ("self", "survey", "appraisal1"):
            upto = parindex.score(m, a, upto=st)[n.code]
            got = ev.value(MAIN_SHEET, row, Layout.stage_col(st, 1))
            assert (0.0 if got == "" else got) == pytest.approx(upto.points, abs=1e-12), (
                n.code,
                st,
            )


def test_live_points_hand_worked(tmp_path: Path) -> None:
    # The format page's example: 1 "late" -> 2 of 4; 2 = 96 % in [95, 100] -> 6 of 6; total 8.
    # After appraisal round 1 gives 2 = 90 % (band [80, 95) -> 3): total 2 + 3 = 5.
    m = load_text(
        (ROOT / "docs" / "methodology-format.md")
        .read_text(encoding="utf-8")
        .split("text = '''")[1]
        .split("'''")[0],
        file="example.yaml",
    )
    a = Assessment("X", {"self": {"1": "late", "2": 96}, "appraisal1": {"2": 90}})
    p = write_workbook(m, tmp_path / "w.xlsx", a)
    ev = Evaluator(openpyxl.load_workbook(p))
    assert ev.cell(MAIN_SHEET, cell_of(m, "2", "self", 1)) == 6
    assert ev.cell(MAIN_SHEET, cell_of(m, "2", "appraisal1", 1)) == 3
    assert ev.cell(MAIN_SHEET, cell_of(m, "1", "appraisal2", 1)) == 2  # carried from self
    assert ev.cell(MAIN_SHEET, "C6") == 5
    assert parindex.score(m, a).points == 5


# -- layout, validation, protection --------------------------------------------------------------


def test_layout_validation_and_protection(m: parindex.Methodology, tmp_path: Path) -> None:
    p = write_workbook(m, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(p)
    ws = wb[MAIN_SHEET]
    assert wb.sheetnames == ["Hướng dẫn", MAIN_SHEET, LISTS_SHEET, META_SHEET]
    assert wb[META_SHEET].sheet_state == "veryHidden" and wb[LISTS_SHEET].sheet_state == "hidden"
    assert wb.security.lockStructure and ws.protection.sheet
    # official layout: STT, name, level, maximum, guide; per-stage input columns
    assert [ws.cell(HEADER_ROW, j).value for j in (1, 2, 4, 5, 6)] == [
        "STT / Mã",
        "Nội dung",
        "Cấp",
        "Điểm tối đa",
        "Hướng dẫn chấm điểm",
    ]
    assert ws.cell(HEADER_ROW, Layout.stage_col("self", 0)).value == "Tự đánh giá — Giá trị"
    assert (
        ws.cell(HEADER_ROW, Layout.stage_col("appraisal2", 2)).value
        == "Thẩm định lần 2 — Tài liệu kiểm chứng"
    )
    row = layout(m).row_of("1.2")
    assert (
        ws.cell(row, 1).value == "1.2"
        and ws.cell(row, 5).value == 2
        and ws.cell(row, 4).value == "Tiêu chí"
    )
    assert (
        ws.cell(row, 6).value
        == "Từ 90% đến 100%: 2 điểm; Từ 70% đến dưới 90%: 1 điểm; Từ 0% đến dưới 70%: 0 điểm. [trạng thái số liệu: inferred]"
    )
    assert ws.cell(layout(m).row_of("1.4", "b"), 1).value == "1.4 : b"
    # inputs unlocked, structure locked
    assert not ws[cell_of(m, "1.2", "self")].protection.locked
    assert not ws[cell_of(m, "1.2", "appraisal1", 3)].protection.locked
    assert ws.cell(row, 2).protection.locked and ws[cell_of(m, "1.2", "self", 1)].protection.locked
    # drop-downs for levels, numeric checks for rates and counts
    dvs = {str(c): dv for dv in ws.data_validations.dataValidation for c in dv.sqref.ranges}
    lv = dvs[cell_of(m, "1.1", "self")]
    assert lv.type == "list" and lv.formula1.startswith(f"'{LISTS_SHEET}'!$C$")
    rate = dvs[cell_of(m, "1.2", "self")]
    ref = cell_of(m, "1.2", "self")
    assert rate.type == "custom" and f"{ref}>=0" in rate.formula1 and f"{ref}<=100" in rate.formula1
    count = dvs[cell_of(m, "1.3", "self", 0, "late")]
    assert "INT(" in count.formula1
    # the list behind the drop-down: labels, then "Không áp dụng"
    lists = wb[LISTS_SHEET]
    r = int(lv.formula1.split("$C$")[1].split(":")[0])
    assert [lists.cell(r, j).value for j in range(3, 7)] == [
        "Ban hành kịp thời",
        "Ban hành chậm",
        "Không ban hành",
        NA_TEXT,
    ]
    assert [lists.cell(r + 1, j).value for j in range(3, 6)] == [1, 0.5, 0]
    help_text = " ".join(str(c.value) for c in wb["Hướng dẫn"]["A"] if c.value)
    assert (
        "Không áp dụng" in help_text
        and "Tài liệu kiểm chứng" in help_text
        and "parindex score" in help_text
    )


@pytest.mark.parametrize(
    "ident", [i.id for i in parindex.available() if i.encoded and i.kind == "scoring"]
)
def test_template_for_every_shipped_methodology(ident: str, tmp_path: Path) -> None:
    mm = parindex.load(ident)
    p = write_workbook(mm, tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(p)[MAIN_SHEET]
    codes = [ws.cell(DATA_ROW + i, 1).value for i in range(len(mm))]
    assert codes == [n.code for n in mm.walk()]
    assert read_workbook(p) == Assessment()  # the methodology is found by the id in the workbook


# -- malformed workbooks ---------------------------------------------------------------------------


def _filled(m: parindex.Methodology, units: list[Assessment], tmp_path: Path) -> Path:
    return write_workbook(m, tmp_path / "ok.xlsx", units[0], protect=False)


def _edit(path: Path, change: Any) -> Path:
    wb = openpyxl.load_workbook(path)
    change(wb)
    out = path.with_name("bad.xlsx")
    wb.save(out)
    return out


def test_moved_columns_are_refused(
    m: parindex.Methodology, units: list[Assessment], tmp_path: Path
) -> None:
    def swap(wb: Any) -> None:
        ws = wb[MAIN_SHEET]
        ws.move_range("H1:H200", cols=20)
        ws.move_range("I1:I200", cols=-1)
        ws.move_range("AB1:AB200", cols=-19)

    bad = _edit(_filled(m, units, tmp_path), swap)
    with pytest.raises(
        parindex.AssessmentError,
        match=r"sheet 'Chấm điểm' cell H9: expected the column 'Tự đánh giá — Giá trị'",
    ):
        read_workbook(bad, m)


def test_text_in_a_number_cell(
    m: parindex.Methodology, units: list[Assessment], tmp_path: Path
) -> None:
    ref = cell_of(m, "1.2", "self")
    bad = _edit(
        _filled(m, units, tmp_path), lambda wb: wb[MAIN_SHEET].__setitem__(ref, "chín mươi")
    )
    with pytest.raises(parindex.AssessmentError) as e:
        read_workbook(bad, m)
    err = e.value
    assert (err.sheet, err.cell, err.code, err.stage, err.unit) == (
        MAIN_SHEET,
        ref,
        "1.2",
        "self",
        "Sở Ví dụ A (example)",
    )
    assert "expected a number" in str(err) and "chín mươi" in str(err) and "bad.xlsx" in str(err)


def test_value_out_of_range_and_unknown_level(
    m: parindex.Methodology, units: list[Assessment], tmp_path: Path
) -> None:
    ref = cell_of(m, "1.2", "self")
    bad = _edit(_filled(m, units, tmp_path), lambda wb: wb[MAIN_SHEET].__setitem__(ref, 130))
    with pytest.raises(
        parindex.AssessmentError, match=rf"cell {ref}.*node '1.2'.*out of range.*\(value: 130\)"
    ):
        read_workbook(bad, m)
    ref = cell_of(m, "1.1", "self")
    bad = _edit(
        _filled(m, units, tmp_path), lambda wb: wb[MAIN_SHEET].__setitem__(ref, "Ban hành sớm")
    )
    with pytest.raises(parindex.AssessmentError, match=rf"cell {ref}.*not a level of this item"):
        read_workbook(bad, m)


def test_unknown_code_and_deleted_row(
    m: parindex.Methodology, units: list[Assessment], tmp_path: Path
) -> None:
    row = layout(m).row_of("1.5")
    bad = _edit(
        _filled(m, units, tmp_path), lambda wb: wb[MAIN_SHEET].__setitem__(f"A{row}", "1.9")
    )
    with pytest.raises(parindex.AssessmentError, match=rf"cell A{row}.*unknown code.*'1.9'"):
        read_workbook(bad, m)
    row3 = layout(m).row_of("1.3")
    bad = _edit(_filled(m, units, tmp_path), lambda wb: wb[MAIN_SHEET].delete_rows(row3))
    with pytest.raises(
        parindex.AssessmentError,
        match=rf"cell A{row3}.*expected the row of 1.3 here, found 1.3 : late: rows were deleted",
    ):
        read_workbook(bad, m)
    last = DATA_ROW + len(layout(m).rows)
    bad = _edit(_filled(m, units, tmp_path), lambda wb: wb[MAIN_SHEET].__setitem__(f"A{last}", "8"))
    with pytest.raises(
        parindex.AssessmentError, match=rf"cell A{last}: .*rows may not be added; unknown code '8'"
    ):
        read_workbook(bad, m)


def test_workbook_for_another_version_or_text(
    m: parindex.Methodology, units: list[Assessment], tmp_path: Path
) -> None:
    text = SCHEME.read_text(encoding="utf-8")
    other = load_text(
        text.replace('version: "2025"', 'version: "2026"').replace(
            "years: [2025, 2026]", "years: [2026]"
        ),
        file="x.yaml",
    )
    p = write_workbook(other, tmp_path / "v2026.xlsx")
    with pytest.raises(
        parindex.AssessmentError,
        match=r"sheet '_parindex' cell B2: this workbook was made for the methodology example/department/2026",
    ):
        read_workbook(p, m)
    same_id = load_text(
        text.replace('- {range: "[20, 30)", points: 0.5}', '- {range: "[20, 30)", points: 0.25}'),
        file="x.yaml",
    )
    p = write_workbook(same_id, tmp_path / "changed.xlsx")
    with pytest.raises(
        parindex.AssessmentError,
        match=r"sheet '_parindex' cell B4: this workbook was made from a different text",
    ):
        read_workbook(p, m)
    p = write_workbook(m, tmp_path / "ok.xlsx")
    bad = _edit(p, lambda wb: wb[META_SHEET].__setitem__("B3", "2024"))
    with pytest.raises(
        parindex.AssessmentError,
        match=r"sheet '_parindex' cell B3: this workbook was made for version 2024",
    ):
        read_workbook(bad, m)
    with pytest.raises(parindex.AssessmentError, match=r"not shipped with parindex"):
        read_workbook(p)


def test_inputs_in_the_wrong_place(
    m: parindex.Methodology, units: list[Assessment], tmp_path: Path
) -> None:
    ref = cell_of(m, "1", "self")
    bad = _edit(_filled(m, units, tmp_path), lambda wb: wb[MAIN_SHEET].__setitem__(ref, 5))
    with pytest.raises(
        parindex.AssessmentError,
        match=rf"cell {ref}.*only “Không áp dụng” may be written here: this row adds up",
    ):
        read_workbook(bad, m)
    ref_c = cell_of(m, "1.4", "self", 0, "c")
    bad = _edit(_filled(m, units, tmp_path), lambda wb: wb[MAIN_SHEET].__setitem__(ref_c, None))
    with pytest.raises(
        parindex.AssessmentError, match=rf"cell {ref_c}.*the formula needs every input; empty: c"
    ):
        read_workbook(bad, m)
    ref_n = cell_of(m, "3.2", "appraisal2", 3)
    bad = _edit(_filled(m, units, tmp_path), lambda wb: wb[MAIN_SHEET].__setitem__(ref_n, "đồng ý"))
    with pytest.raises(
        parindex.AssessmentError, match=rf"cell {cell_of(m, '3.2', 'appraisal2')}.*without a value"
    ):
        read_workbook(bad, m)


def test_a_value_inside_a_node_marked_not_applicable(
    m: parindex.Methodology, units: list[Assessment], tmp_path: Path
) -> None:
    bad = _edit(
        _filled(m, units, tmp_path),
        lambda wb: wb[MAIN_SHEET].__setitem__(cell_of(m, "3", "self"), NA_TEXT),
    )
    with pytest.raises(
        parindex.AssessmentError,
        match=rf"cell {cell_of(m, '3.1', 'self')}, unit 'Sở Ví dụ A \(example\)', node '3.1', stage 'self': this item is inside 3, which is marked not applicable",
    ):
        read_workbook(bad, m)


def test_not_a_workbook_and_missing_sheet(
    m: parindex.Methodology, units: list[Assessment], tmp_path: Path
) -> None:
    f = tmp_path / "x.xlsx"
    f.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(parindex.AssessmentError, match=r"x.xlsx: not an .xlsx workbook"):
        read_workbook(f, m)
    bad = _edit(_filled(m, units, tmp_path), lambda wb: wb.remove(wb[META_SHEET]))
    with pytest.raises(
        parindex.AssessmentError, match=r"sheet '_parindex': the sheet '_parindex' is missing"
    ):
        read_workbook(bad, m)


def test_writing_a_wrong_value_names_unit_node_and_stage(
    m: parindex.Methodology, tmp_path: Path
) -> None:
    a = Assessment("Sở X", {"appraisal1": {"1.2": 130}})
    with pytest.raises(
        parindex.AssessmentError, match=r"unit 'Sở X', node '1.2', stage 'appraisal1'"
    ):
        write_workbook(m, tmp_path / "x.xlsx", a)


def test_missing_openpyxl_names_the_extra(
    m: parindex.Methodology, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(parindex.MissingExtraError, match=r"pip install 'parindex\[xlsx\]'"):
        write_workbook(m, tmp_path / "x.xlsx")


# -- command line -----------------------------------------------------------------------------------


def _cli(*argv: str) -> int:
    from parindex.cli.spreadsheets import add_parser

    p = argparse.ArgumentParser()
    add_parser(p.add_subparsers(dest="command", required=True))
    args = p.parse_args(list(argv))
    return int(args.func(args))


def test_template_command(
    m: parindex.Methodology,
    units: list[Assessment],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "b.xlsx"
    assert (
        _cli(
            "template",
            str(SCHEME),
            "-o",
            str(out),
            "--assessment",
            str(ASSESS),
            "--unit",
            "Sở Ví dụ B (example)",
        )
        == 0
    )
    assert "example/department/2025" in capsys.readouterr().out
    assert read_workbook(out, m) == units[1]
    assert _cli("template", "vn-moha/province@2023", "-o", str(tmp_path / "p.xlsx")) == 0
    assert read_workbook(tmp_path / "p.xlsx").unit == ""
    with pytest.raises(
        parindex.ParIndexError, match="the file has 2 units; choose one with --unit"
    ):
        _cli("template", str(SCHEME), "-o", str(out), "--assessment", str(ASSESS))
