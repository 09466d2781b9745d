"""The header and closing of an administrative report (Decree 30/2020/NĐ-CP, Appendix I): who
issues it, its number, place and date, subject, to whom it is sent, who signs it and who receives
copies. Read from options or from a small YAML file (``--header header.yaml``)::

    authority: UBND TỈNH MẪU          # the issuing body's superior, over the issuing body
    body: SỞ NỘI VỤ                   # the issuing body
    number: "125"                     # "Số: 125/BC-SNV"; left out: "Số: …/BC-SNV"
    symbol: BC-SNV
    place: Mẫu                        # "Mẫu, ngày 15 tháng 10 năm 2025"
    date: 2025-10-15                  # left out: the day the report is written
    subject: Kết quả Chỉ số cải cách hành chính quý III năm 2025
    recipients: [Ủy ban nhân dân tỉnh]
    signer_title: "KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC"
    signer_name: Nguyễn Văn A
    copies_to: [Như trên, Lưu VT]

Every key is optional; unknown keys are refused.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ..errors import ParIndexError
from ..methodology.yamlio import Reader, load_yaml
from .model import DocumentHeader

__all__ = ["HEADER_KEYS", "DocumentHeader", "header_with", "load_header"]

#: The keys of a header file, in the order they appear on the page.
HEADER_KEYS = (
    "authority",
    "body",
    "number",
    "symbol",
    "place",
    "date",
    "subject",
    "recipients",
    "signer_title",
    "signer_name",
    "copies_to",
)


def header_with(header: DocumentHeader, fields: Mapping[str, Any]) -> DocumentHeader:
    """``header`` with ``fields`` replaced (the same keys and checks as the file)."""
    return _read({**attrs.asdict(header, recurse=False), **fields}, file="<options>")


def load_header(path: str | os.PathLike[str]) -> DocumentHeader:
    """Read a header file (YAML; the keys in :data:`HEADER_KEYS`)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ParIndexError(f"cannot read the header file: {exc.strerror}", file=str(p)) from None
    data = load_yaml(raw, file=str(p))
    return _read(data, file=str(p))


def _text(r: Reader, key: str, value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return str(r.check_type(key, value, str)).strip()


def _texts(r: Reader, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    items = r.check_type(key, value, (list, tuple))
    return tuple(_text(r, key, x) for x in items)


def _date(r: Reader, key: str, value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    s = _text(r, key, value)
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        r.fail_key(key, "expected a date written YYYY-MM-DD", value=s)


def _read(data: Any, *, file: str) -> DocumentHeader:
    r = Reader(data, file=file, what="the report header", error=ParIndexError)
    default = DocumentHeader()
    fields: dict[str, Any] = {}
    for key in HEADER_KEYS:
        if key == "date":
            kind: Any = _date
        elif key in ("recipients", "copies_to"):
            kind = _texts
        else:
            kind = _text
        fields[key] = r.opt(key, kind, getattr(default, key))
    r.done()
    return DocumentHeader(**fields)
