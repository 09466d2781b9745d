"""Remedies followed to their deadlines: per criterion, the task, the responsible unit, a deadline
and a status (chưa thực hiện / đang thực hiện / hoàn thành), and what became of each on a given
date: due this quarter, done, late (by how many days) and whether the criterion's points
recovered.

The tasks come from a responsibility map (keys ``task``, ``deadline``, ``status`` on an item; the
responsible unit is its lead) or from a follow-up file::

    parindex_followup: 1
    methodology: example/province/2025
    items:
      - {code: "2.1", task: "Ban hành kế hoạch rà soát", unit: so-tu-phap,
         deadline: 2025-09-30, status: đang thực hiện}
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import attrs

from .._text import nfc_strip
from ..card import ScoreCard
from ..errors import MethodologyError, ResponsibilityError
from ..methodology.yamlio import load_yaml

__all__ = [
    "STATUS_NAMES",
    "FollowUp",
    "FollowUpRow",
    "Status",
    "follow_up",
    "load_follow_ups",
    "parse_deadline",
    "parse_status",
    "quarter_of",
]

Status = Literal["todo", "doing", "done"]

#: The status names, by language; files may use either language.
STATUS_NAMES: dict[Status, dict[str, str]] = {
    "todo": {"vi": "chưa thực hiện", "en": "not started"},
    "doing": {"vi": "đang thực hiện", "en": "in progress"},
    "done": {"vi": "hoàn thành", "en": "done"},
}


def parse_status(text: Any, **where: Any) -> Status:
    """``"hoàn thành"``, ``"done"`` … → ``"done"``; anything else is refused (``where``: the
    file, line, row and code for the error)."""
    key = " ".join(nfc_strip(str(text)).lower().split())
    for status, names in STATUS_NAMES.items():
        if key == status or key in names.values():
            return status
    allowed = ", ".join(n["vi"] for n in STATUS_NAMES.values())
    raise ResponsibilityError(f"unknown status; expected {allowed}", value=text, **where)


def parse_deadline(value: Any, **where: Any) -> dt.date:
    """A deadline written ``YYYY-MM-DD`` (a YAML date or a text)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ResponsibilityError(
            "expected a deadline written YYYY-MM-DD", value=value, **where
        ) from None


def quarter_of(d: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the quarter that holds ``d``."""
    first_month = 3 * ((d.month - 1) // 3) + 1
    start = dt.date(d.year, first_month, 1)
    nxt = dt.date(d.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1)
    return start, nxt - dt.timedelta(days=1)


@attrs.frozen
class FollowUp:
    """One remedy to follow: the task on criterion ``code``, its responsible unit, deadline and
    status."""

    code: str
    task: str
    unit: str
    deadline: dt.date
    status: Status = "todo"
    line: int | None = None
    row: int | None = None


@attrs.frozen
class FollowUpRow:
    """What became of a task on the report's date. ``late_days`` is set for a task not done past
    its deadline; ``recovered`` is True when the criterion lost no points now, False when it
    still loses as many as before (or, without an earlier period, still loses some), and None
    when it lost fewer points than before but not none ("partly")."""

    item: FollowUp
    due_this_quarter: bool
    late_days: int | None
    lost: float | None
    previous_lost: float | None
    recovered: bool | None

    @property
    def done(self) -> bool:
        return self.item.status == "done"


def _lost(card: ScoreCard | None, code: str) -> float | None:
    if card is None or code not in card.methodology:
        return None
    return card[code].lost


def follow_up(
    items: Iterable[FollowUp],
    card: ScoreCard,
    *,
    date: dt.date,
    previous: ScoreCard | None = None,
) -> tuple[FollowUpRow, ...]:
    """Each task on ``date``: late ones first (the most days late first), then the rest by
    deadline."""
    start, end = quarter_of(date)
    rows = []
    for it in items:
        late = (date - it.deadline).days if it.status != "done" and it.deadline < date else None
        lost, before = _lost(card, it.code), _lost(previous, it.code)
        recovered: bool | None
        if lost is None:
            recovered = False
        elif lost <= 1e-9:
            recovered = True
        elif before is not None and lost < before - 1e-9:
            recovered = None
        else:
            recovered = False
        rows.append(
            FollowUpRow(it, start <= it.deadline <= end, late or None, lost, before, recovered)
        )
    rows.sort(
        key=lambda r: (r.late_days is None, -(r.late_days or 0), r.item.deadline, r.item.code)
    )
    return tuple(rows)


_KEYS = {"code", "task", "unit", "deadline", "status", "note"}


def load_follow_ups(
    source: str | os.PathLike[str], *, methodology: str | None = None
) -> tuple[FollowUp, ...]:
    """Read a follow-up file (YAML, ``parindex_followup: 1``); with ``methodology`` (an id),
    refuse a file written for another one."""
    p = Path(source)
    file = str(p)
    try:
        data = load_yaml(p.read_bytes(), file=file)
    except OSError as exc:
        raise ResponsibilityError(f"cannot read the file: {exc.strerror}", file=file) from None
    except MethodologyError as exc:
        raise ResponsibilityError(
            exc.message, file=file, line=exc.line, column=exc.column
        ) from None
    if not isinstance(data, Mapping) or data.get("parindex_followup") != 1:
        raise ResponsibilityError("the file must start with 'parindex_followup: 1'", file=file)
    extra = sorted(set(data) - {"parindex_followup", "methodology", "province", "items", "note"})
    if extra:
        raise ResponsibilityError("unknown key", file=file, value=extra[0])
    meth = data.get("methodology")
    if methodology is not None and meth is not None and meth != methodology:
        raise ResponsibilityError(
            f"the follow-up file is written for {meth}, not {methodology}", file=file, value=meth
        )
    seq = data.get("items")
    if not isinstance(seq, list):
        raise ResponsibilityError("'items' must be a list", file=file)
    marks = getattr(seq, "item_marks", [None] * len(seq))
    out = []
    for item, mark in zip(seq, marks, strict=True):
        line = mark[0] if mark else None
        if not isinstance(item, Mapping):
            raise ResponsibilityError("an item is a mapping", file=file, line=line)
        unknown = sorted(set(item) - _KEYS)
        if unknown:
            raise ResponsibilityError(
                f"unknown key in an item; allowed: {', '.join(sorted(_KEYS))}",
                file=file,
                line=line,
                value=unknown[0],
            )
        missing = [k for k in ("code", "task", "unit", "deadline") if not item.get(k)]
        if missing:
            raise ResponsibilityError(
                f"an item needs {', '.join(missing)}", file=file, line=line, value=dict(item)
            )
        code = nfc_strip(str(item["code"]))
        where: dict[str, Any] = {"file": file, "line": line, "code": code}
        out.append(
            FollowUp(
                code,
                nfc_strip(str(item["task"])),
                nfc_strip(str(item["unit"])),
                parse_deadline(item["deadline"], **where),
                parse_status(item.get("status", "todo"), **where),
                line,
            )
        )
    return tuple(out)
