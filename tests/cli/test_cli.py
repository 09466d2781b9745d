"""The command line: each command on real files, exit codes, messages on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parindex.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCHEME = str(ROOT / "docs" / "examples" / "illustrative-department-scheme.yaml")
ASSESS = str(ROOT / "docs" / "examples" / "example-assessments.yaml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def test_methodologies_lists_years_and_completeness(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "methodologies", "--lang", "en")
    assert rc == 0
    assert "vn-moha/province/2022" in out and "2022–2023" in out and "all maxima known" in out
    assert "vn-moha/province/2024" in out and "not encoded" in out


def test_methodologies_shows_every_year_and_what_is_encoded(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rc, out, _ = run(capsys, "methodologies", "--lang", "en")
    years = out.split("Assessment years and the decision that governs each", 1)[1].splitlines()
    rows = {line.split()[0]: line for line in years[2:] if line.strip()}
    assert sorted(rows) == [str(y) for y in range(2012, 2027)]
    assert "1294/QĐ-BNV" in rows["2013"] and "not encoded" in rows["2013"]
    assert "876/QĐ-BNV" in rows["2023"] and "all maxima known" in rows["2023"]
    assert "892/QĐ-BNV" in rows["2024"] and "partial (2/6 maxima known)" in rows["2024"]
    assert "1187/QĐ-BNV" in rows["2025"] and "not encoded" in rows["2025"]
    assert "no decision known here" in rows["2026"]
    rc, out, _ = run(capsys, "methodologies")
    assert rc == 0 and "Năm đánh giá và văn bản áp dụng" in out and "một phần (2/6" in out


def test_show_in_vietnamese_and_english(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "show", "vn-moha/province/2017")
    assert rc == 0 and "Cải cách thủ tục hành chính" in out and "14,5" in out
    rc, out, _ = run(capsys, "show", "vn-moha/province@2023", "--lang", "en")
    assert rc == 0 and "Satisfaction index (SIPAS)" in out and "61.5" in out


def test_validate_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, out, _ = run(
        capsys, "validate", SCHEME, str(ROOT / "methodology/vn-moha/province/2022.yaml")
    )
    assert rc == 0 and out.count("hợp lệ") == 2
    rc, out, _ = run(
        capsys,
        "validate",
        SCHEME,
        str(ROOT / "methodology/vn-moha/province/2022.yaml"),
        "--lang",
        "en",
    )
    assert rc == 0 and out.count("OK") == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        Path(SCHEME).read_text(encoding="utf-8").replace("max: 63", "max: 62"), encoding="utf-8"
    )
    rc, out, err = run(capsys, "validate", str(bad))
    assert rc == 1 and "bad.yaml:" in err and "not to the scale 100" in err


def test_diff_2017_to_2022_shows_the_change_in_structure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rc, out, _ = run(
        capsys, "diff", "vn-moha/province/2017", "vn-moha/province/2022", "--lang", "en"
    )
    assert rc == 0
    assert "Summary: 4 added, 8 removed" in out
    assert "+ SIPAS added" in out and "- 3 removed: Cải cách thủ tục hành chính (14.5)" in out


def test_score_prints_the_card(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "score", SCHEME, ASSESS)
    assert rc == 0
    assert "TỔNG: 90,46/100,00 điểm — chỉ số 90,46% — xếp nhóm Tốt" in out
    assert "TỔNG: 73,72/95,00 điểm — chỉ số 77,60%" in out


def test_score_json_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "score", SCHEME, ASSESS, "--format", "json")
    cards = json.loads(out)
    assert rc == 0 and [c["unit"] for c in cards] == [
        "Sở Ví dụ A (example)",
        "Sở Ví dụ B (example)",
    ]
    assert cards[0]["points"] == pytest.approx(90.458) and cards[0]["group"] == "Tốt"
    rc, out, _ = run(capsys, "score", SCHEME, ASSESS, "--format", "csv", "--upto", "self")
    assert rc == 0 and out.splitlines()[0].startswith("unit,period,code,label")


def test_score_bad_assessment_names_the_unit_and_code(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = tmp_path / "a.csv"
    f.write_text("unit,code,stage,value\nSở X,1.2,self,130\n", encoding="utf-8")
    rc, _, err = run(capsys, "score", SCHEME, str(f))
    assert rc == 1 and "unit 'Sở X'" in err and "node '1.2'" in err and "130" in err


def test_rank_assessments_and_cards(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, out, _ = run(capsys, "rank", ASSESS, "-m", SCHEME, "--lang", "en")
    assert rc == 0
    lines = out.splitlines()
    assert lines[2].split()[0] == "1" and "Sở Ví dụ A" in lines[2]
    assert "Competition ranking" in out
    rc, out, _ = run(capsys, "score", SCHEME, ASSESS, "--format", "json")
    cards = tmp_path / "cards.json"
    cards.write_text(out, encoding="utf-8")
    rc, out, _ = run(capsys, "rank", str(cards), "-m", SCHEME, "--format", "json")
    rows = json.loads(out)["rows"]
    assert rc == 0 and [r["place"] for r in rows] == [1, 2]


def test_validate_prints_a_plain_summary_never_a_repr(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(ROOT / "methodology/vn-moha/province/2022.yaml")
    rc, out, _ = run(capsys, "validate", path)
    assert rc == 0
    assert out.strip() == (
        f"{path}: hợp lệ (bộ chỉ số chấm điểm vn-moha/province/2022 (876/QĐ-BNV); "
        "năm 2022–2023; 4 mục; đủ điểm tối đa)"
    )
    rc, out, _ = run(capsys, "validate", path, "--lang", "en")
    assert out.strip() == (
        f"{path}: OK (scoring methodology vn-moha/province/2022 (876/QĐ-BNV); "
        "years 2022–2023; 4 nodes; complete)"
    )
    family = str(ROOT / "methodology/ha-tinh/family-2019.yaml")
    sipas = str(ROOT / "methodology/vn-moha/sipas/2023.yaml")
    rc, out, _ = run(capsys, "validate", family, sipas, str(ROOT / "methodology/registry.yaml"))
    assert rc == 0 and "<" not in out and out.count("hợp lệ") == 3
    assert "họ bộ chỉ số ha-tinh/2019" in out and "4 bộ chỉ số thành viên" in out
    assert "bộ chỉ số khảo sát vn-moha/sipas/2023 (1001/QĐ-BNV); năm 2023–2026; 46 câu hỏi" in out


def test_rank_table_in_vietnamese_shows_group_labels_and_decimal_commas(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rc, out, _ = run(capsys, "rank", ASSESS, "-m", SCHEME)
    assert rc == 0
    lines = out.splitlines()
    assert "Nhóm" in lines[0]
    assert lines[2].split() == [
        "1",
        "Sở",
        "Ví",
        "dụ",
        "A",
        "(example)",
        "90,46",
        "90,46",
        "Tốt",
        "—",
    ]
    assert "77,60" in out and "73,72" in out and "Trung bình" in out and "90.46" not in out
    rc, out, _ = run(capsys, "rank", ASSESS, "-m", SCHEME, "--lang", "en")
    assert "90.46" in out and "Tốt" in out and "90,46" not in out  # English: codes, points


def test_score_and_show_print_period_and_status_words_in_vietnamese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rc, out, _ = run(capsys, "score", SCHEME, ASSESS, "--depth", "0")
    assert rc == 0 and "Đơn vị: Sở Ví dụ A (example) — Quý III/2025" in out
    assert "2025-Q3" not in out
    rc, out, _ = run(capsys, "show", "vn-moha/province/2024")
    assert "trạng thái: đã xác nhận; mức chi tiết: đến chỉ số thành phần" in out
    assert "Xếp nhóm: Nhóm A" in out and "; suy đoán]" in out and "; inferred]" not in out
    rc, out, _ = run(capsys, "show", "vn-moha/province/2024", "--lang", "en")
    assert "status: confirmed; detail: components" in out and "Groups: A ≥ 90" in out
