"""Every reader opens a user's file the same way (parindex._files): regular files only, a size
cap, UTF-8 or UTF-16 text, strict CSV, and the library's own error naming the file otherwise.
Each of these ended in a raw traceback, a hang or silently changed data in 0.1."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from parindex import read_assessments
from parindex.analysis.crosswalk import load_crosswalk
from parindex.analysis.responsibility import load_responsibilities
from parindex.cli import main
from parindex.errors import (
    AssessmentError,
    CrosswalkError,
    ParIndexError,
    ResponsibilityError,
    UnitError,
)
from parindex.units import load_unit_list

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
SCHEME = str(EXAMPLES / "illustrative-department-scheme.yaml")
ASSESS = str(EXAMPLES / "example-assessments.yaml")


def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "in.csv"
    os.mkfifo(fifo)
    result: list[BaseException] = []

    def read() -> None:
        try:
            read_assessments(fifo)
        except BaseException as exc:
            result.append(exc)

    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(5)
    if t.is_alive():  # unblock the reader before failing
        with open(fifo, "w"):
            pass
        pytest.fail("reading a named pipe blocked")
    assert isinstance(result[0], AssessmentError) and "not a regular file" in str(result[0])


def test_dev_zero_and_folders_are_refused(tmp_path: Path) -> None:
    if Path("/dev/zero").exists():
        zero = tmp_path / "zero.yaml"
        zero.symlink_to("/dev/zero")
        with pytest.raises(UnitError, match="not a regular file"):
            load_unit_list(zero)
    folder = tmp_path / "units.yaml"
    folder.mkdir()
    with pytest.raises(UnitError, match="folder"):
        load_unit_list(folder)


def test_the_size_cap_is_documented_and_overridable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "a.csv"
    f.write_text("unit,code,value\n" + "A,1.1,1\n" * 10, encoding="utf-8")
    with pytest.raises(AssessmentError, match="larger than the limit of 20 bytes"):
        read_assessments(f, max_bytes=20)
    monkeypatch.setenv("PARINDEX_MAX_INPUT_BYTES", "20")
    with pytest.raises(AssessmentError, match="PARINDEX_MAX_INPUT_BYTES"):
        read_assessments(f)


@pytest.mark.parametrize(
    ("name", "loader", "error"),
    [
        ("units.yaml", lambda p: load_unit_list(p), UnitError),
        ("units.csv", lambda p: load_unit_list(p), UnitError),
        ("resp.yaml", lambda p: load_responsibilities(p), ResponsibilityError),
        ("resp.csv", lambda p: load_responsibilities(p), ResponsibilityError),
        ("walk.yaml", lambda p: load_crosswalk(p), CrosswalkError),
    ],
)
def test_invalid_utf8_is_the_library_error(tmp_path: Path, name: str, loader, error) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / name
    f.write_bytes(b"province: H\xe0 N\xf4i\n")
    with pytest.raises(error, match="not UTF-8 text") as e:
        loader(f)
    assert e.value.file == str(f) and "CSV UTF-8" in str(e.value)


def test_unit_lists_refuse_duplicate_keys(tmp_path: Path) -> None:
    f = tmp_path / "units.yaml"
    f.write_text(
        "province: '01'\nprovince: '02'\nvalid_from: 2025-07-01\nunits: []\n", encoding="utf-8"
    )
    with pytest.raises(UnitError, match="duplicate key") as e:
        load_unit_list(f)
    assert e.value.line == 2


def test_a_csv_field_over_the_limit_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text('unit,code,value,note\nA,1.1,1,"' + "x" * 140_000 + '"\n', encoding="utf-8")
    with pytest.raises(AssessmentError, match="longer than 131072") as e:
        read_assessments(f)
    assert e.value.row == 2


def test_semicolon_csv_reads_vietnamese_numbers(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("unit;code;value\nA;1.1;1.000\nA;1.2;45,5\n", encoding="utf-8")
    (a,) = read_assessments(f)
    assert a.stages["self"]["1.1"].value == 1000
    assert a.stages["self"]["1.2"].value == 45.5


def test_a_decimal_comma_splitting_a_cell_is_named(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("unit,code,value\nA,1.1,45,5\n", encoding="utf-8")
    with pytest.raises(AssessmentError, match="decimal comma") as e:
        read_assessments(f)
    assert e.value.row == 2


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_utf16_and_bom_csv_are_read(tmp_path: Path, encoding: str) -> None:
    f = tmp_path / "a.csv"
    f.write_bytes("unit\tcode\tvalue\nSở Tư pháp\t1.1\t90\n".encode(encoding))
    (a,) = read_assessments(f)
    assert a.unit == "Sở Tư pháp" and a.stages["self"]["1.1"].value == 90


def test_windows_1258_is_refused_naming_the_encoding(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    # "Sở Tư pháp" as Vietnamese Windows writes it: o-horn + combining hook, u-horn, a-acute
    f.write_bytes(b"unit;code;value\nS\xf5\xd2 T\xfd ph\xe1p;1.1;90\n")
    with pytest.raises(AssessmentError, match="Windows-1258") as e:
        read_assessments(f)
    assert "CSV UTF-8" in str(e.value)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_rank_refuses_broken_card_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "cards.json"
    f.write_text('[{"nodes": ', encoding="utf-8")
    rc, _, err = run(capsys, "rank", str(f), "-m", SCHEME)
    assert rc == 1 and err.startswith(f"parindex: {f}") and "invalid JSON" in err


def forged(tmp_path: Path, capsys: pytest.CaptureFixture[str], edit) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    rc, out, _ = run(capsys, "score", SCHEME, ASSESS, "--format", "json")
    assert rc == 0
    cards = json.loads(out)
    edit(cards)
    f = tmp_path / "cards.json"
    f.write_text(json.dumps(cards), encoding="utf-8")
    rc, _, err = run(capsys, "rank", str(f), "-m", SCHEME)
    return rc, err


def test_rank_reads_honest_cards(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, err = forged(tmp_path, capsys, lambda cards: None)
    assert rc == 0, err


def test_rank_refuses_points_beyond_the_maximum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def edit(cards):  # type: ignore[no-untyped-def]
        cards[1]["nodes"][0]["points"] = 1e9

    rc, err = forged(tmp_path, capsys, edit)
    assert rc == 1 and "outside the node's bounds" in err and "row 2" in err


def test_rank_refuses_totals_that_do_not_add_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def edit(cards):  # type: ignore[no-untyped-def]
        leaf = next(n for n in cards[0]["nodes"] if n["code"] == "1.1")
        leaf["points"] = 0.0 if leaf["points"] else 1.0

    rc, err = forged(tmp_path, capsys, edit)
    assert rc == 1 and "add up" in err


def test_rank_refuses_a_changed_maximum(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def edit(cards):  # type: ignore[no-untyped-def]
        cards[0]["nodes"][0]["max"] = 1000
        cards[0]["nodes"][0]["adjusted_max"] = 1000

    rc, err = forged(tmp_path, capsys, edit)
    assert rc == 1 and "maximum" in err


def test_cards_are_checked_in_the_api(tmp_path: Path) -> None:
    import parindex

    m = parindex.load_file(SCHEME)
    card = parindex.score(m, read_assessments(ASSESS)[0])
    data = card.to_dict()
    assert parindex.ScoreCard.from_dict(data, m) == card
    data["nodes"][0]["points"] = "1e9"
    with pytest.raises(ParIndexError, match="must be a number"):
        parindex.ScoreCard.from_dict(data, m)
