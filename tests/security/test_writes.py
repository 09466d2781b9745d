"""Every file parindex writes is written atomically: a failing write leaves the previous file
intact, links are not followed, and output-path problems are the library's own error."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import parindex
from parindex._write import write_file, write_text
from parindex.cli import main
from parindex.errors import OutputError
from parindex.report.core import Report

SCHEME = str(
    Path(__file__).resolve().parents[2] / "docs/examples/example-province-scheme-2025.yaml"
)


def test_a_failing_write_leaves_the_previous_file(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    out.write_text("previous", encoding="utf-8")

    def half(tmp: Path) -> None:
        tmp.write_text("half a rep", encoding="utf-8")
        raise RuntimeError("the renderer failed")

    with pytest.raises(RuntimeError):
        write_file(out, half)
    assert out.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]  # no temporary left
    write_text(out, "new")
    assert out.read_text(encoding="utf-8") == "new"


def test_a_failing_xlsx_report_leaves_the_previous_file(
    hostile_report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "report.xlsx"
    hostile_report.to_xlsx(out)
    before = out.read_bytes()

    def broken(self: object, filename: str) -> None:
        Path(filename).write_bytes(b"PK\x03\x04 truncated")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    with pytest.raises(OutputError, match="disk is full") as err:
        hostile_report.write(out)
    assert err.value.file == str(out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]


def test_links_are_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "important.txt"
    target.write_text("keep", encoding="utf-8")
    link = tmp_path / "report.md"
    link.symlink_to(target)
    with pytest.raises(OutputError, match="symbolic link"):
        write_text(link, "overwritten")
    assert target.read_text(encoding="utf-8") == "keep" and link.is_symlink()


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("folder", "is a folder"),
        ("missing/report.md", "folder does not exist"),
        ("x" * 300 + ".md", "too long"),
    ],
)
def test_output_path_problems_name_the_path(tmp_path: Path, where: str, message: str) -> None:
    (tmp_path / "folder").mkdir()
    path = tmp_path / where
    with pytest.raises(OutputError, match=message) as err:
        write_text(path, "x")
    assert err.value.file == str(path)


def test_a_read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:  # root writes anyway: make the system refuse as it would a user

        def refuse(*args: object, **kwargs: object) -> int:
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(os, "open", refuse)
    else:
        folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="permission denied"):
            write_text(folder / "report.md", "x")
    finally:
        folder.chmod(0o700)


def test_permissions_of_a_replaced_file_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    out.write_text("a", encoding="utf-8")
    out.chmod(0o640)
    write_text(out, "b")
    assert (out.stat().st_mode & 0o777) == 0o640


def test_cli_output_problems_are_messages_not_tracebacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("openpyxl")
    (tmp_path / "folder").mkdir()
    for out in (tmp_path / "folder", tmp_path / "missing" / "t.xlsx"):
        assert main(["template", SCHEME, "-o", str(out)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("parindex: ") and str(out) in err and "Traceback" not in err
    assess = Path(SCHEME).with_name("example-province-assessments-2025-q3.yaml")
    out = tmp_path / "folder"
    args = ["report", SCHEME, str(assess), "--unit", "Tỉnh Ví dụ (example)", "-o", str(out)]
    assert main([*args, "--format", "md"]) == 1
    assert "is a folder" in capsys.readouterr().err


def test_the_public_error_is_exported() -> None:
    assert parindex.OutputError is OutputError and issubclass(OutputError, parindex.ParIndexError)
