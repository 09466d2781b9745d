"""The quarterly report on the Ministry's real index, before the survey results exist.

The shipped 2022 provincial index (``vn-moha/province/2022``): TD and KTXH self-assessed, one
appraisal round, the survey stage (XHH, SIPAS) absent. The report is built under the missing
policy ``exclude`` and under carry-forward of the previous year's four components, in Markdown,
HTML and XLSX, and each states its policy.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import parindex
from parindex.assessment import Assessment
from parindex.cli import main
from parindex.errors import ParIndexError
from parindex.report.build import build_report

M = parindex.load("vn-moha/province/2022")
QUARTER = Assessment(
    "Bình Định",
    {"self": {"TD": 52.0, "KTXH": 5.0}, "appraisal1": {"TD": 48.5}},
    period="2025-Q3",
)
LAST_YEAR = Assessment(
    "Bình Định", {"self": {"TD": 55.0, "KTXH": 5.5, "XHH": 17.1, "SIPAS": 82.5}}, period="2024"
)


def test_without_a_policy_the_quarter_is_blocked() -> None:
    with pytest.raises(ParIndexError, match="XHH"):
        parindex.score(M, QUARTER)


def test_exclude_leaves_the_survey_out_of_the_maximum() -> None:
    card = parindex.score(M, QUARTER, missing="exclude")
    assert card.points == 53.5 and card.adjusted_max == 68.0
    assert card.excluded == ("XHH", "SIPAS") and card.missing == ("XHH", "SIPAS")
    assert card.not_applicable == ()
    assert card["XHH"].explain() == "Chưa có số liệu: bỏ khỏi điểm tối đa"
    many = parindex.score_many(M, [QUARTER, QUARTER], missing="exclude")
    assert many[1] == card


def test_carry_forward_marks_the_carried_items() -> None:
    card = parindex.score(M, QUARTER, carry=LAST_YEAR)
    assert card.carried == {"XHH": "2024", "SIPAS": "2024"}
    assert card.points == 48.5 + 5.0 + 17.1 + 8.25
    assert card["XHH"].stage is None and card["XHH"].layers == ()
    assert "tạm tính theo kết quả năm 2024" in card["SIPAS"].explain()
    assert "tự đánh giá" not in card["SIPAS"].explain()
    assert "carried from 2024" in card["SIPAS"].explain("en")
    again = parindex.ScoreCard.from_dict(card.to_dict(), M)
    assert again.carried == card.carried
    assert parindex.score_many(M, [QUARTER], carry=[LAST_YEAR])[0] == card


@pytest.mark.parametrize(
    ("options", "statement"),
    [
        ({"missing": "exclude"}, "Chưa có số liệu: bỏ khỏi điểm tối đa: XHH, SIPAS"),
        ({"carry": LAST_YEAR}, "Tạm tính theo kết quả năm 2024: XHH, SIPAS"),
    ],
)
def test_every_format_states_the_policy(
    options: dict[str, object], statement: str, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    rep = build_report(parindex.score(M, QUARTER, **options))  # type: ignore[arg-type]
    assert statement in rep.to_markdown()
    assert statement in rep.to_html()
    path = rep.write(tmp_path / "q3.xlsx")
    ws = openpyxl.load_workbook(path).worksheets[0]
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(statement in c for c in cells)


def test_a_complete_card_says_every_item_has_input() -> None:
    rep = build_report(parindex.score(M, LAST_YEAR))
    assert "Đủ số liệu cho mọi tiêu chí" in rep.to_markdown()


def test_write_refuses_a_suffix_that_names_another_format(tmp_path: Path) -> None:
    rep = build_report(parindex.score(M, QUARTER, missing="exclude"))
    with pytest.raises(ParIndexError, match="suffix"):
        rep.write(tmp_path / "q3.html", "md")
    with pytest.raises(ParIndexError, match="unknown report format"):
        rep.write(tmp_path / "q3.odt")  # .pdf is a format since the Word report
    assert not list(tmp_path.iterdir())
    assert rep.write(tmp_path / "q3.htm").read_text(encoding="utf-8").lstrip().startswith("<")


def _files(tmp_path: Path) -> tuple[str, str]:
    q = tmp_path / "q3.yaml"
    q.write_text(
        "unit: Bình Định\nperiod: 2025-Q3\nstages:\n  self: {TD: 52, KTXH: 5}\n"
        "  appraisal1: {TD: 48.5}\n",
        encoding="utf-8",
    )
    y = tmp_path / "2024.yaml"
    y.write_text(
        "unit: Bình Định\nperiod: '2024'\nstages:\n"
        "  self: {TD: 55, KTXH: 5.5, XHH: 17.1, SIPAS: 82.5}\n",
        encoding="utf-8",
    )
    return str(q), str(y)


def test_the_commands_take_the_policy_and_the_earlier_period(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    q, y = _files(tmp_path)
    out = tmp_path / "q3.html"
    assert main(["report", "vn-moha/province/2022", q, "--missing", "exclude", "-o", str(out)]) == 0
    assert "Chưa có số liệu: bỏ khỏi điểm tối đa: XHH, SIPAS" in out.read_text(encoding="utf-8")
    assert main(["report", "vn-moha/province/2022", q, "--carry-forward", y]) == 0
    assert "Tạm tính theo kết quả năm 2024: XHH, SIPAS" in capsys.readouterr().out
    for cmd in ("gaps", "compare"):
        assert main([cmd, "vn-moha/province/2022", q, "--missing", "exclude"]) == 0
    assert (
        main(["score", "vn-moha/province/2022", q, "--carry-forward", y, "--format", "json"]) == 0
    )
    assert '"carried_from": "2024"' in capsys.readouterr().out


def test_report_refuses_a_contradicting_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    q, _ = _files(tmp_path)
    bad = tmp_path / "q3.md"
    args = ["report", "vn-moha/province/2022", q, "--missing", "zero"]
    assert main([*args, "--format", "html", "-o", str(bad)]) != 0
    assert "does not match the file's suffix .md" in capsys.readouterr().err
    assert main([*args, "-o", str(tmp_path / "q3.odt")]) != 0  # .pdf is a format now
    assert "unknown report file suffix" in capsys.readouterr().err
    assert not bad.exists() and not (tmp_path / "q3.odt").exists()


def test_several_previous_files_refuse_a_unit_given_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    q, y = _files(tmp_path)
    cmd = ["vn-moha/province/2022", q, "--carry-forward", y, "--previous", y, y]
    assert main(["compare", *cmd]) != 0
    assert "--previous: this unit appears twice" in capsys.readouterr().err


def test_self_assessed_total_compares_like_with_like() -> None:
    """The self-assessed total counts the survey results and carried values, so the difference
    with the appraised total is exactly what appraisal cut (the old code scored the survey
    items 0, or refused under the index's 'block' policy)."""
    from parindex.analysis.compare import compare_stages

    year = Assessment(
        "Sở Tư pháp",
        {
            "self": {"TD": 56.0, "KTXH": 6.0},
            "survey": {"XHH": 14.675, "SIPAS": 75.0},
            "appraisal1": {"TD": 48.5},
        },
        period="2024",
    )
    st = compare_stages(parindex.score(M, year))
    assert st.self_points == 56.0 + 6.0 + 14.675 + 7.5
    assert st.self_points - st.points == 7.5
    carried = compare_stages(parindex.score(M, QUARTER, carry=LAST_YEAR))
    assert carried.self_points - carried.points == 52.0 - 48.5
    assert carried.self_card.carried == {"XHH": "2024", "SIPAS": "2024"}
    excluded = compare_stages(parindex.score(M, QUARTER, missing="exclude"))
    assert excluded.self_card.adjusted_max == excluded.card.adjusted_max == 68.0


def test_the_summary_shows_the_quarter_and_the_group_as_officers_write_them() -> None:
    card = parindex.score(M, QUARTER, carry=LAST_YEAR)
    assert card.group is not None and card.group.code == "C"
    rep = build_report(card)
    assert "| Kỳ đánh giá | Quý III/2025 |" in rep.to_markdown()
    assert "| Nhóm | Nhóm C (dưới 80%) |" in rep.to_markdown()
    assert "Quý III/2025" in rep.to_html() and "Nhóm C (dưới 80%)" in rep.to_html()
    en = build_report(card, lang="en")  # English keeps the period and the code as given
    for text in (en.to_markdown(), en.to_html()):
        assert "2025-Q3" in text and "Quý III" not in text
