"""Every command reads the same inputs the same way: YAML, JSON, CSV and the filled workbook.

The workbook is the one ``parindex template`` writes, filled cell by cell as an officer would.
``score`` read it before; ``gaps``, ``compare``, ``report`` and ``template --assessment`` failed
on it with "not UTF-8 text". ``validate`` accepts every kind of shipped file.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

import parindex
from parindex.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCHEME = str(ROOT / "docs" / "examples" / "illustrative-department-scheme.yaml")
UNIT = "Sở Ví dụ A (example)"

#: What an officer types into the blank workbook: (stage, code, input name) → value.
TYPED: dict[tuple[str, str, str | None], Any] = {
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


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def _fill(blank: Path, filled: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from parindex.io.workbook import MAIN_SHEET, Layout, layout

    m = parindex.load_file(SCHEME)
    lay = layout(m)
    wb = openpyxl.load_workbook(blank)
    ws = wb[MAIN_SHEET]
    ws["C3"], ws["C4"], ws["C5"] = UNIT, "2025-Q3", "department"
    for (stage, code, name), value in TYPED.items():
        col = openpyxl.utils.get_column_letter(Layout.stage_col(stage, 0))
        ws[f"{col}{lay.row_of(code, name)}"] = value
    wb.save(filled)


def _csv_value(value: Any) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same unit's inputs as a filled workbook, YAML, JSON and CSV."""
    pytest.importorskip("openpyxl")
    d = tmp_path_factory.mktemp("inputs")
    blank = d / "blank.xlsx"
    assert main(["template", SCHEME, "-o", str(blank)]) == 0
    _fill(blank, d / "filled.xlsx")
    (a,) = parindex.read_assessments(d / "filled.xlsx", methodology=parindex.load_file(SCHEME))
    data = a.to_dict()
    (d / "filled.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (d / "filled.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with (d / "filled.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["unit", "period", "unit_type", "stage", "code", "value"])
        for stage, entries in a.stages.items():
            for code, e in entries.items():
                w.writerow([a.unit, a.period, a.unit_type, stage, code, _csv_value(e.value)])
    return {s: d / f"filled.{s}" for s in ("xlsx", "yaml", "json", "csv")}


FORMATS = ("xlsx", "yaml", "json", "csv")


def test_read_assessments_reads_the_workbook(inputs: dict[str, Path]) -> None:
    m = parindex.load_file(SCHEME)
    cards = {
        s: parindex.score(m, a)
        for s in FORMATS
        for a in parindex.read_assessments(inputs[s], methodology=m)
    }
    assert cards["xlsx"].points == pytest.approx(90.458)
    assert all(c == cards["xlsx"] for c in cards.values())


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_command_reads_every_format(
    inputs: dict[str, Path], fmt: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src = str(inputs[fmt])
    rc, out, err = run(capsys, "score", SCHEME, src, "--format", "json")
    assert rc == 0, err
    assert json.loads(out)[0]["points"] == pytest.approx(90.458)
    rc, out, err = run(capsys, "gaps", SCHEME, src, "--format", "json")
    assert rc == 0, err
    assert json.loads(out)["unit"] == UNIT
    rc, out, err = run(capsys, "compare", SCHEME, src, "--lang", "en")
    assert rc == 0, err
    assert out.startswith("Self-assessed: ")
    rc, out, err = run(capsys, "report", SCHEME, src, "--lang", "en")
    assert rc == 0, err
    assert UNIT in out
    rc, out, err = run(capsys, "rank", src, "-m", SCHEME, "--format", "json")
    assert rc == 0, err
    assert json.loads(out)["rows"][0]["unit"] == UNIT
    xlsx = tmp_path / "again.xlsx"
    rc, out, err = run(capsys, "template", SCHEME, "-o", str(xlsx), "--assessment", src)
    assert rc == 0, err
    m = parindex.load_file(SCHEME)
    assert parindex.read_assessments(xlsx, methodology=m) == parindex.read_assessments(
        inputs["xlsx"], methodology=m
    )


def test_the_formats_give_the_same_output(
    inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["gaps", "--format", "json"], ["compare", "--format", "json"], ["report"]):
        outs = {
            fmt: run(capsys, command[0], SCHEME, str(inputs[fmt]), *command[1:])[1]
            for fmt in FORMATS
        }
        assert len(set(outs.values())) == 1, command


def test_a_workbook_resaved_by_libreoffice(
    inputs: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed: the re-saved workbook is not checked")
    subprocess.run(
        [office, "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path), inputs["xlsx"]],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = tmp_path / "filled.xlsx"
    for command in ("gaps", "compare", "report"):
        rc, _, err = run(capsys, command, SCHEME, str(resaved))
        assert rc == 0, err


UNREADABLE = {
    "missing.yaml": None,
    "latin1.csv": b"unit,code,value\nS\xe1,1.1,1\n",
    "broken.xlsx": b"PK\x03\x04 not a zip archive",
    "table.txt": b"unit,code,value\n",
}


@pytest.mark.parametrize("name", list(UNREADABLE))
def test_an_unreadable_file_gives_the_same_message_everywhere(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    content = UNREADABLE[name]
    if content is not None:
        path.write_bytes(content)
    src = str(path)
    commands = [
        ["score", SCHEME, src],
        ["gaps", SCHEME, src],
        ["compare", SCHEME, src],
        ["report", SCHEME, src],
        ["rank", src, "-m", SCHEME],
        ["template", SCHEME, "-o", str(tmp_path / "t.xlsx"), "--assessment", src],
    ]
    messages = set()
    for argv in commands:
        rc, _, err = run(capsys, *argv)
        assert rc == 1, argv
        messages.add(err)
    (message,) = messages
    assert message.startswith(f"parindex: {src}")


SHIPPED = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "methodology").rglob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED)
def test_validate_accepts_every_shipped_file(
    path: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    rc, out, err = run(capsys, "validate", path)
    assert rc == 0, err
    assert out.startswith(f"{path}: hợp lệ (")
    rc, out, err = run(capsys, "validate", path, "--lang", "en")
    assert rc == 0, err
    assert out.startswith(f"{path}: OK (")


def test_validate_names_the_kinds_it_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("parindex: 1\nkind: recipe\n", encoding="utf-8")
    rc, _, err = run(capsys, "validate", str(bad))
    assert rc == 1 and "bad.yaml" in err and "scoring, survey, family, applicability" in err
