"""The one way parindex writes a file: atomically, never through a link, with the library's own
error for every problem with the output path (the lowest layer: only :mod:`parindex.errors`).

Every writer (reports, workbooks, drafts, pages) calls :func:`write_file` (or :func:`write_text`).
The content goes to a temporary file in the target's folder, which is then renamed over the
target: a write that fails leaves the previous file as it was, and a reader never sees half a
file.

Overwrite policy: the file the caller names is replaced (naming it is the consent; parindex never
writes any other file). A symbolic link, a folder or anything that is not a regular file is
refused rather than followed or replaced; a missing or read-only folder, a name that is too long
or a full disk is an :class:`~parindex.errors.OutputError` naming the path and what to do.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from .errors import OutputError

__all__ = ["write_file", "write_text"]

_WHAT_TO_DO = {
    errno.ENOENT: "the folder does not exist; create it first or choose another path",
    errno.ENOTDIR: "a part of the path is not a folder; choose another path",
    errno.EISDIR: "the path is a folder; give a file name",
    errno.EACCES: "permission denied; choose a folder you can write to",
    errno.EPERM: "permission denied; choose a folder you can write to",
    errno.EROFS: "the folder is read-only; choose a folder you can write to",
    errno.ENAMETOOLONG: "the file name is too long; choose a shorter one",
    errno.ENOSPC: "the disk is full; free some space or choose another disk",
    getattr(
        errno, "EDQUOT", -1
    ): "the disk quota is exceeded; free some space or choose another disk",
}


def _fail(path: Path, exc: OSError) -> OutputError:
    what = _WHAT_TO_DO.get(exc.errno or 0) or f"cannot write the file ({exc.strerror or exc})"
    return OutputError(f"cannot write the output: {what}", file=str(path))


def _check_target(p: Path) -> None:
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        if not p.parent.is_dir():
            raise OutputError(
                "cannot write the output: the folder does not exist; create it first or "
                "choose another path",
                file=str(p),
            ) from None
        return
    except OSError as exc:
        raise _fail(p, exc) from None
    if stat.S_ISLNK(st.st_mode):
        raise OutputError(
            "the output path is a symbolic link; parindex does not write through links: give "
            "the path of the file itself, or remove the link",
            file=str(p),
        )
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(
            "cannot write the output: the path is a folder; give a file name", file=str(p)
        )
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(
            "the output path is not a regular file (a pipe, a device or a socket); give the "
            "path of a file",
            file=str(p),
        )


def write_file(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Write a file atomically: ``write(tmp)`` fills a temporary file in the target's folder,
    which then replaces ``path``. Returns ``path``; an :class:`~parindex.errors.OutputError`
    names the path and what to do when it cannot be written (the previous file stays intact)."""
    p = Path(path)
    _check_target(p)
    tmp = p.with_name(f".{p.name[:100]}.{secrets.token_hex(6)}.tmp")
    try:
        # created with the usual permissions (0666 less the umask), never over an existing file
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:
        raise _fail(p, exc) from None
    try:
        if p.exists():
            os.chmod(tmp, stat.S_IMODE(os.stat(p).st_mode))
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _fail(p, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return p


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically (:func:`write_file`)."""
    return write_file(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
