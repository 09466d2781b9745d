"""Annex tables into draft methodology files: guide shapes, tables, what is left, the command."""

from __future__ import annotations

import argparse
import csv
import unicodedata
from pathlib import Path

import pytest

import parindex
from parindex.cli import main as cli_main
from parindex.io.annex import AnnexError, parse_guide, read_annex
from parindex.methodology.loader import load_text

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "docs" / "examples" / "annex-illustrative-table.csv"

# The rule shapes of the reference's section 5 (a 2013 province table, a 2022 hospital table),
# written as an annex would write them.
LEVELS = "Ban hành kịp thời: 1 điểm\nBan hành chậm: 0,5 điểm\nKhông ban hành: -1 điểm"
BANDS_30 = "Từ 30% trở lên: 1 điểm\nTừ 20% đến dưới 30%: 0,5 điểm\nDưới 20%: 0 điểm"
BANDS_PLAN = "Trên 90% kế hoạch: 2 điểm\n70% - 90%: 1 điểm\nDưới 70%: 0 điểm"
PROPORTIONAL = "Từ 80% đến 100%: điểm = tỷ lệ × điểm tối đa\nDưới 80%: 0 điểm"
FORMULA = "Điểm = (b/a) × 1 + (c/a) × 0,5\nTrong đó: a là số vấn đề phát hiện, b là số đã xử lý xong, c là số đang xử lý"
DEDUCTIONS = (
    "Mỗi báo cáo chậm hoặc thiếu nội dung trừ 0,25 điểm\n"
    "Mỗi báo cáo quý, 6 tháng không gửi trừ 0,5 điểm\n"
    "Thiếu báo cáo năm: trừ 1 điểm"
)


def odd(text: str) -> str:
    """The same text decomposed (NFD) with non-breaking spaces, as copied from a PDF."""
    return unicodedata.normalize("NFD", text.replace(" ", "\u00a0"))


def one_leaf(rule: dict[str, object], mx: float, mn: float | None = None) -> parindex.Methodology:
    import yaml

    node: dict[str, object] = {
        "code": "1",
        "label": "x",
        "max": mx,
        "method": "appraisal",
        "rule": rule,
    }
    if mn is not None:
        node["min"] = mn
    doc = {
        "parindex": 1,
        "issuer": "t",
        "scheme": "t",
        "version": "2025",
        "years": [2025],
        "title": "t",
        "status": "inferred",
        "detail": "full",
        "legal_basis": {"decision": "T"},
        "scale": mx,
        "not_applicable": "drop",
        "nodes": [node],
    }
    return load_text(yaml.safe_dump(doc, allow_unicode=True), file="t.yaml")


@pytest.mark.parametrize("transform", [lambda s: s, odd], ids=["nfc", "nfd-nbsp"])
def test_levels_with_negative_points(transform: object) -> None:
    g = parse_guide(transform(LEVELS), 1)  # type: ignore[operator]
    assert g.rule == {
        "kind": "levels",
        "levels": [
            {"code": "ban_hanh_kip_thoi", "points": 1.0, "label": {"vi": "Ban hành kịp thời"}},
            {"code": "ban_hanh_cham", "points": 0.5, "label": {"vi": "Ban hành chậm"}},
            {"code": "khong_ban_hanh", "points": -1.0, "label": {"vi": "Không ban hành"}},
        ],
    }
    assert g.min == -1.0  # the node needs min: -1 for the negative level
    m = one_leaf(dict(g.rule), 1, g.min)
    assert parindex.score(m, {"1": "ban_hanh_cham"}).points == 0.5
    assert parindex.score(m, {"1": "khong_ban_hanh"}).points == -1


@pytest.mark.parametrize("transform", [lambda s: s, odd], ids=["nfc", "nfd-nbsp"])
def test_bands_with_explicit_edges(transform: object) -> None:
    g = parse_guide(transform(BANDS_30), 1)  # type: ignore[operator]
    assert g.rule is not None
    assert [(b["range"], b["points"]) for b in g.rule["bands"]] == [
        ("[30, 100]", 1),
        ("[20, 30)", 0.5),
        ("[0, 20)", 0),
    ]
    m = one_leaf(dict(g.rule), 1)
    # 30 % is "từ 30% trở lên" (edge included) -> 1; 29.9 % -> 0.5; 20 % -> 0.5; 19.99 % -> 0
    assert [parindex.score(m, {"1": x}).points for x in (30, 29.9, 20, 19.99)] == [1, 0.5, 0.5, 0]


def test_range_edge_kept_as_written_unless_another_line_claims_it() -> None:
    # "trên 90%" excludes 90, so "70% - 90%" keeps 90 as written: [70, 90]
    g = parse_guide(BANDS_PLAN, 2)
    assert g.rule is not None and g.ambiguous == ()
    assert [b["range"] for b in g.rule["bands"]] == ["(90, 100]", "[70, 90]", "[0, 70)"]
    # "từ 90%" also claims 90: which band owns it is not written, so no rule is guessed
    g = parse_guide(BANDS_PLAN.replace("Trên 90% kế hoạch", "Từ 90%"), 2)
    assert g.rule is None and g.reason == "a band edge two lines both claim"
    assert g.ambiguous == ("90% is claimed by '70% - 90%: 1 điểm' and 'Từ 90%: 2 điểm'",)
    assert g.unparsed == g.lines == ("Từ 90%: 2 điểm", "70% - 90%: 1 điểm", "Dưới 70%: 0 điểm")


def test_proportional_inside_a_band() -> None:
    g = parse_guide(odd(PROPORTIONAL), 3)
    assert g.rule == {
        "kind": "proportional",
        "input": {"unit": "percent"},
        "range": "[80, 100]",
        "full": 100,
        "otherwise": 0.0,
    }
    m = one_leaf(dict(g.rule), 3)
    # 96.5 % of the plan: 3 × 96.5 / 100 = 2.895; 79 %: outside the band, 0
    assert parindex.score(m, {"1": 96.5}).points == pytest.approx(2.895)
    assert parindex.score(m, {"1": 79}).points == 0


def test_per_report_deductions() -> None:
    g = parse_guide(odd(DEDUCTIONS), 1)
    assert g.rule is not None and g.rule["kind"] == "deductions"
    items = g.rule["items"]
    assert [(i["code"], i["points"]) for i in items] == [
        ("bao_cao_cham_hoac_thieu_noi_du", 0.25),
        ("bao_cao_quy_6_thang_khong_gui", 0.5),
        ("thieu_bao_cao_nam", 1.0),
    ]
    m = one_leaf(dict(g.rule), 1)
    # 1 − 0.25 × 1 = 0.75; 1 − 0.25 × 2 − 0.5 × 1 = 0 ; 1 − 1 − 0.25 = −0.25, floored at 0
    assert parindex.score(m, {"1": {"bao_cao_cham_hoac_thieu_noi_du": 1}}).points == 0.75
    assert (
        parindex.score(
            m, {"1": {"bao_cao_cham_hoac_thieu_noi_du": 2, "bao_cao_quy_6_thang_khong_gui": 1}}
        ).points
        == 0
    )
    card = parindex.score(m, {"1": {"thieu_bao_cao_nam": 1, "bao_cao_cham_hoac_thieu_noi_du": 1}})
    assert card.points == 0 and card.clamped == ("1",)
    assert parse_guide("Mỗi báo cáo chậm: trừ 0,25 điểm", 1).rule is not None
    assert parse_guide("Trừ 0,5 điểm cho mỗi báo cáo không gửi", 1).rule is not None


def test_formula_over_counts_is_made_and_flagged_for_checking() -> None:
    g = parse_guide(FORMULA, 1)
    assert g.rule is not None and g.rule["kind"] == "formula" and g.rule["clamp"] is True
    assert set(g.rule["inputs"]) == {"a", "b", "c"} and g.check is not None
    m = one_leaf(dict(g.rule), 1)
    # a = 4 found, b = 2 resolved, c = 1 in progress: 2/4 × 1 + 1/4 × 0.5 = 0.625
    assert parindex.score(m, {"1": {"a": 4, "b": 2, "c": 1}}).points == pytest.approx(0.625)


@pytest.mark.parametrize(
    ("guide", "reason"),
    [
        ("Căn cứ kết quả kiểm tra thực tế để chấm điểm", "lines not understood"),
        (
            "Từ 80% đến dưới 100%: 0,5 điểm\nDưới 80%: 0 điểm",
            "the value 100% falls in none of the bands",
        ),
        ("Từ 50%: 1 điểm\nTừ 40% đến 60%: 0,5 điểm\nDưới 40%: 0 điểm", "overlap"),
        ("Ban hành kịp thời: 2 điểm\nKhông ban hành: 0 điểm", "above the maximum 1"),
        ("Ban hành kịp thời: 1 điểm", "a single level"),
        ("Từ 80%: 1 điểm\nBan hành chậm: 0,5 điểm", "percentage bands mixed with levels"),
        ("", "no scoring guide"),
    ],
)
def test_guides_that_stay_text(guide: str, reason: str) -> None:
    g = parse_guide(guide, 1)
    assert g.rule is None and g.reason is not None and reason in g.reason


# -- tables -------------------------------------------------------------------------------------------


def test_the_example_table_becomes_a_valid_draft(tmp_path: Path) -> None:
    d = read_annex(TABLE, issuer="example", scheme="annex-demo", version="2025")
    assert d.valid and not d.problems
    assert dict(d.rules) == {
        "1.1": "levels",
        "1.2": "bands",
        "1.3": "deductions",
        "1.4": "formula",
        "1.5": "bands",
        "2.1": "proportional",
        "2.2": "points",
    }
    assert [(g.code, g.row, g.reason) for g in d.unparsed] == [("2.2", 10, "lines not understood")]
    m = d.methodology
    assert (
        m is not None
        and m.scale == 10
        and m["2.2"].note == "Căn cứ kết quả kiểm tra thực tế để chấm điểm"
    )
    assert m["1"].label.en == "Direction and management of PAR" and m.status == "inferred"
    out = d.write(tmp_path / "draft.yaml")
    assert cli_main(["validate", str(out)]) == 0
    report = d.report()
    assert "row 10, node 2.2: lines not understood: Căn cứ kết quả kiểm tra" in report
    assert "the draft passes validation" in report


def _xlsx_table(path: Path, rows: list[list[object]]) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    ws.append(["PHỤ LỤC: BỘ TIÊU CHÍ (minh họa)"])
    ws.append([])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_xlsx_table_with_decimal_commas_nbsp_and_nfd(tmp_path: Path) -> None:
    with TABLE.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    odd_rows: list[list[object]] = [[odd(c) if isinstance(c, str) else c for c in r] for r in rows]
    odd_rows[0][3] = odd("Điểm tối đa")
    for r in odd_rows[1:]:
        r[3] = str(r[3]).replace(".", ",")
    p = _xlsx_table(tmp_path / "annex.xlsx", odd_rows)
    d = read_annex(p, issuer="example", scheme="annex-demo", version="2025")
    ref = read_annex(TABLE, issuer="example", scheme="annex-demo", version="2025")
    assert d.valid and dict(d.rules) == dict(ref.rules)
    assert d.methodology is not None and ref.methodology is not None
    # the same tree and rules, labels back in NFC
    assert [n.rule for n in d.methodology.leaves()] == [n.rule for n in ref.methodology.leaves()]
    assert d.methodology["1.1"].label.vi == "Ban hành kế hoạch CCHC năm"
    assert [g.row for g in d.unparsed] == [12]  # two rows above the header


def test_table_errors_name_the_place(tmp_path: Path) -> None:
    p = tmp_path / "no-guide.csv"
    p.write_text("STT,Nội dung,Điểm tối đa\n1,A,1\n", encoding="utf-8")
    with pytest.raises(AnnexError, match=r"no-guide.csv, row 1: the column 'Hướng dẫn chấm điểm'"):
        read_annex(p)
    p = _xlsx_table(
        tmp_path / "bad.xlsx",
        [["STT", "Nội dung", "Điểm tối đa", "Hướng dẫn chấm điểm"], ["1", "A", "một", ""]],
    )
    with pytest.raises(
        AnnexError,
        match=r"sheet 'Phụ lục' cell C4, row 4, node '1': expected a number of points.*'một'",
    ):
        read_annex(p)
    p = tmp_path / "orphan.csv"
    p.write_text(
        "STT,Nội dung,Điểm tối đa,Hướng dẫn chấm điểm\n1,A,1,\n2.1,B,1,\n", encoding="utf-8"
    )
    with pytest.raises(
        AnnexError, match=r"row 3, node '2.1': the parent 2 of this code is not in the table"
    ):
        read_annex(p)
    p.write_text("STT,Nội dung,Điểm tối đa,Hướng dẫn chấm điểm\n1,A,1,\n1,B,1,\n", encoding="utf-8")
    with pytest.raises(AnnexError, match=r"row 3, node '1': duplicate code \(first at row 2\)"):
        read_annex(p)


def _cli(*argv: str) -> int:
    from parindex.cli.spreadsheets import add_parser

    p = argparse.ArgumentParser()
    add_parser(p.add_subparsers(dest="command", required=True))
    args = p.parse_args(list(argv))
    return int(args.func(args))


def test_import_annex_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "draft.yaml"
    rc = _cli(
        "import-annex", str(TABLE), "-o", str(out), "--issuer", "example", "--decision", "VÍ DỤ"
    )
    captured = capsys.readouterr()
    assert rc == 0 and out.exists()
    assert "1 guide(s) kept as text" in captured.err and "node 2.2" in captured.err
    assert parindex.load_file(out).legal_basis.decision == "VÍ DỤ"
    # a table whose maxima do not add up: the draft is written, and what is left is said
    bad = tmp_path / "bad.csv"
    bad.write_text(
        TABLE.read_text(encoding="utf-8").replace(
            ",Direction and management of PAR,6,", ",Direction and management of PAR,7,"
        ),
        encoding="utf-8",
    )
    rc = _cli("import-annex", str(bad), "-o", str(tmp_path / "bad.yaml"))
    err = capsys.readouterr().err
    assert rc == 1 and "the draft does not pass validation yet" in err
    assert "node '1': the children's maxima add up to 6, not to this node's maximum 7" in err


def test_guide_continued_on_the_rows_below(tmp_path: Path) -> None:
    # official tables often write one guide line per row, with the code and name merged above
    p = _xlsx_table(
        tmp_path / "merged.xlsx",
        [
            ["STT", "Nội dung", "Điểm tối đa", "Hướng dẫn chấm điểm"],
            ["1", "Ban hành kế hoạch", "1", "Ban hành kịp thời: 1 điểm"],
            [None, None, None, "Ban hành chậm: 0,5 điểm"],
            [None, None, None, "Không ban hành: 0 điểm"],
            [None, "Tổng cộng", 1, None],
        ],
    )
    d = read_annex(p)
    assert d.valid and dict(d.rules) == {"1": "levels"}
    assert d.methodology is not None and [lv.code for lv in d.methodology["1"].rule.levels] == [  # type: ignore[union-attr]
        "ban_hanh_kip_thoi",
        "ban_hanh_cham",
        "khong_ban_hanh",
    ]


def test_commands_through_the_main_parser(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from parindex import cli

    if ".cli.spreadsheets" not in cli.EXTENSIONS:
        monkeypatch.setattr(cli, "EXTENSIONS", (*cli.EXTENSIONS, ".cli.spreadsheets"))
    out = tmp_path / "d.yaml"
    assert cli_main(["import-annex", str(TABLE), "-o", str(out)]) == 0
    assert cli_main(["validate", str(out)]) == 0
    capsys.readouterr()
    # errors go through the main command's handler: "parindex: <where>: <what>", exit 1
    assert cli_main(["import-annex", str(tmp_path / "none.csv"), "-o", str(out)]) == 1
    assert "parindex: " in capsys.readouterr().err
    pytest.importorskip("openpyxl")
    xlsx = tmp_path / "t.xlsx"
    assert cli_main(["template", str(out), "-o", str(xlsx)]) == 0
    assert xlsx.stat().st_size > 0
