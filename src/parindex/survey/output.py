"""Presentation of estimates: a text table (Vietnamese by default), JSON and CSV.

Numbers keep full precision in JSON; the table and CSV round half up to two decimals, as published
(:func:`parindex.present`): the table with a decimal comma in Vietnamese, the CSV with a point.
"""

from __future__ import annotations

import csv
import io
import json
import warnings

from .._safe import csv_cell
from .._text import present
from .estimate import Estimate, Estimates
from .methodology import SurveyMethodology

__all__ = ["round_half_up", "to_csv", "to_json", "to_table"]

_HEAD = {
    "vi": ("Nhóm", "Mã", "Chỉ số (%)", "Khoảng tin cậy", "Số trả lời hợp lệ", "Ghi chú"),
    "en": ("Group", "Code", "Index (%)", "Interval", "Valid answers", "Note"),
}
_SMALL = {"vi": "ít trả lời", "en": "few answers"}
_OVERALL = {"vi": "Chỉ số chung", "en": "Overall"}


def round_half_up(x: float | None, decimals: int = 2) -> str:
    """Deprecated: use :func:`parindex.present` (``present(x, decimals, lang="en")``)."""
    warnings.warn(
        "parindex.survey.output.round_half_up is deprecated; use parindex.present",
        DeprecationWarning,
        stacklevel=2,
    )
    return present(x, decimals)


def to_json(estimates: Estimates, *, indent: int | None = 2) -> str:
    return json.dumps(estimates.to_dict(), ensure_ascii=False, indent=indent)


def _rows(estimates: Estimates, items: bool) -> list[tuple[str, str, Estimate]]:
    out: list[tuple[str, str, Estimate]] = []
    for g in estimates.groups:
        key = "/".join(g.key) or "*"
        out.append((key, "overall", g.overall))
        for code, e in g.nodes.items():
            if e.kind == "aggregate" or items:
                out.append((key, code, e))
    return out


def to_csv(estimates: Estimates, *, items: bool = True) -> str:
    """CSV text of the estimates; group and code cells that could be read as a formula are
    neutralised (:func:`parindex._safe.csv_cell`)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        ["group", "code", "kind", "value", "se", "low", "high", "n", "small", "status", "mean"]
    )
    for key, code, e in _rows(estimates, items):
        w.writerow(
            [
                csv_cell(key),
                csv_cell(code),
                e.kind,
                present(e.value),
                present(e.se, 4),
                present(e.low),
                present(e.high),
                e.n,
                "yes" if e.small else "",
                e.status,
                "" if e.mean is None else present(e.mean, 4),
            ]
        )
    return buf.getvalue()


def to_table(
    estimates: Estimates,
    methodology: SurveyMethodology | None = None,
    *,
    lang: str = "vi",
    items: bool = False,
) -> str:
    """A plain-text table: one line per group and index, with its interval."""
    lang = lang if lang in _HEAD else "vi"
    lines = [tuple(_HEAD[lang])]
    for key, code, e in _rows(estimates, items):
        name = _OVERALL[lang] if code == "overall" else code
        if methodology is not None and code != "overall" and code in methodology:
            name = f"{code} {methodology[code].label.text(lang)}"
        lines.append(
            (
                key,
                name[:60],
                present(e.value, lang=lang),
                f"{present(e.low, lang=lang)}–{present(e.high, lang=lang)}",
                str(e.n),
                _SMALL[lang] if e.small else "",
            )
        )
    widths = [max(len(row[i]) for row in lines) for i in range(len(lines[0]))]
    text = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in lines
    ]
    text.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(text) + "\n"
