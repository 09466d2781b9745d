"""The lost-points report as PDF: the Word report (:mod:`parindex.report.docx`) converted by
LibreOffice headless (``soffice --headless --convert-to pdf``), which must be installed (the
system package ``libreoffice-writer-nogui`` on Debian and Ubuntu). The layout is the Word
report's; the file is written atomically.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from .._write import write_file
from ..errors import MissingExtraError, OutputError
from .docx import write_all_docx, write_docx
from .model import DocumentHeader, Report, SectionedReport, register_format

__all__ = ["PDF_PACKAGE", "find_office", "write_all_pdf", "write_pdf"]

#: The system package that provides ``soffice`` without a desktop (Debian, Ubuntu).
PDF_PACKAGE = "libreoffice-writer-nogui"
#: Seconds LibreOffice may take to convert one report.
TIMEOUT = 180


def find_office() -> str:
    """The path of LibreOffice's ``soffice``; a :class:`~parindex.errors.MissingExtraError`
    naming the package to install when it is not there."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise MissingExtraError.for_program("LibreOffice (soffice)", PDF_PACKAGE, "The PDF report")
    return exe


def write_pdf(
    rep: Report, path: str | os.PathLike[str], header: DocumentHeader | None = None
) -> Path:
    """Write the report as PDF to ``path``: the Word report converted by LibreOffice."""
    return _convert(path, lambda docx_path: write_docx(rep, docx_path, header))


def write_all_pdf(
    rep: SectionedReport, path: str | os.PathLike[str], header: DocumentHeader | None = None
) -> Path:
    """Write the all-units report as PDF: its Word document converted by LibreOffice."""
    return _convert(path, lambda docx_path: write_all_docx(rep, docx_path, header))


def _convert(path: str | os.PathLike[str], make_docx: Callable[[Path], Path]) -> Path:
    exe = find_office()
    with tempfile.TemporaryDirectory(prefix="parindex-pdf-") as tmp:
        work = Path(tmp)
        src = make_docx(work / "report.docx")
        # a profile of its own, so that a running LibreOffice or a parallel conversion never
        # blocks this one
        profile = (work / "profile").as_uri()
        cmd = [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(src),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise OutputError(
                f"LibreOffice did not convert the report within {TIMEOUT} s", file=str(path)
            ) from None
        pdf = work / "report.pdf"
        if done.returncode != 0 or not pdf.is_file():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-300:]
            raise OutputError(
                f"LibreOffice could not convert the report to PDF: {detail or 'no output'}",
                file=str(path),
            )
        return write_file(path, lambda t: shutil.copyfile(pdf, t))


register_format(("pdf",), write=write_pdf, write_all=write_all_pdf)
