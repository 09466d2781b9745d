"""Inline SVG charts for the HTML report (no scripts, no external resources).

The same three ideas as the matplotlib charts of :mod:`parindex.render.charts`, drawn as SVG
strings: the report passes its gaps (lost points from :func:`parindex.analysis.gaps.gaps`) and
the change series of :func:`parindex.render.rows.change_rows`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .._safe import html_text
from .rows import ChangeRows

__all__ = ["bar_chart", "change_chart", "pareto_chart"]

_FONT = "font-family:sans-serif;font-size:12px"


def _e(s: str) -> str:
    return html_text(s)


def bar_chart(
    items: Sequence[tuple[str, str, float | None]], num: Callable[[float | None], str], title: str
) -> str:
    """Horizontal bars: each domain's index (0–100 %) against the full bar (its maximum)."""
    row_h, left, width = 26, 260, 360
    h = 30 + row_h * len(items) + 10
    parts = [
        f'<svg role="img" width="{left + width + 80}" '
        f'height="{h}" viewBox="0 0 {left + width + 80} {h}" style="{_FONT}">',
        f"<title>{_e(title)}</title>",
        f'<text x="4" y="16" font-weight="bold">{_e(title)}</text>',
    ]
    for i, (code, label, idx) in enumerate(items):
        y = 30 + i * row_h
        name = f"{code} {label}"
        if len(name) > 40:
            name = name[:39] + "…"
        v = 0.0 if idx is None else max(0.0, min(100.0, idx))
        parts.append(f'<text x="4" y="{y + 15}">{_e(name)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{width}" height="16" fill="#e6e6e6"/>')
        color = "#2b8a3e" if v >= 90 else "#e8a317" if v >= 80 else "#c92a2a"
        parts.append(
            f'<rect class="bar" data-code="{_e(code)}" x="{left}" y="{y + 3}" '
            f'width="{width * v / 100:.2f}" height="16" fill="{color}"/>'
        )
        parts.append(f'<text x="{left + width + 6}" y="{y + 15}">{_e(num(idx))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def pareto_chart(
    items: Sequence[tuple[str, float]], num: Callable[[float | None], str], title: str
) -> str:
    """Bars of points lost, largest first, with the cumulative share as a line (Pareto)."""
    n = max(1, len(items))
    left, top, ph, pw = 50, 30, 200, max(300, 40 * n)
    width, height = left + pw + 50, top + ph + 60
    total = sum(v for _, v in items) or 1.0
    top_v = max((v for _, v in items), default=1.0) or 1.0
    bw = pw / n
    parts = [
        f'<svg role="img" width="{width:.0f}" '
        f'height="{height}" viewBox="0 0 {width:.0f} {height}" style="{_FONT}">',
        f"<title>{_e(title)}</title>",
        f'<text x="4" y="16" font-weight="bold">{_e(title)}</text>',
        f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#333"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#333"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{_e(num(top_v))}</text>',
        f'<text x="{left + pw + 4}" y="{top + 4}">100%</text>',
    ]
    cum = 0.0
    points = []
    for i, (code, v) in enumerate(items):
        x = left + i * bw
        bh = ph * v / top_v
        parts.append(
            f'<rect class="bar" data-code="{_e(code)}" x="{x + 4:.2f}" y="{top + ph - bh:.2f}" '
            f'width="{bw - 8:.2f}" height="{bh:.2f}" fill="#c92a2a"/>'
        )
        parts.append(
            f'<text x="{x + bw / 2:.2f}" y="{top + ph - bh - 3:.2f}" text-anchor="middle">'
            f"{_e(num(v))}</text>"
        )
        parts.append(
            f'<text x="{x + bw / 2:.2f}" y="{top + ph + 16}" text-anchor="middle">{_e(code)}</text>'
        )
        cum += v
        points.append((x + bw / 2, top + ph - ph * cum / total))
    if points:
        path = " ".join(f"{x:.2f},{y:.2f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1c7ed6" stroke-width="2"/>')
        for x, y in points:
            parts.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="3" fill="#1c7ed6"/>')
    parts.append("</svg>")
    return "".join(parts)


def change_chart(rows: ChangeRows, num: Callable[[float | None], str], title: str) -> str:
    """Diverging bars: each series' change from its first period to its last (for the report:
    the points of each domain against the previous period)."""
    items = [(s.label, s.change) for s in rows.series]
    row_h, left, half = 24, 60, 180
    h = 30 + row_h * len(items) + 10
    top_v = max((abs(v) for _, v in items if v is not None), default=1.0) or 1.0
    mid = left + half
    parts = [
        f'<svg role="img" width="{left + 2 * half + 80}" '
        f'height="{h}" viewBox="0 0 {left + 2 * half + 80} {h}" style="{_FONT}">',
        f"<title>{_e(title)}</title>",
        f'<text x="4" y="16" font-weight="bold">{_e(title)}</text>',
        f'<line x1="{mid}" y1="26" x2="{mid}" y2="{h - 6}" stroke="#333"/>',
    ]
    for i, (code, v) in enumerate(items):
        y = 30 + i * row_h
        parts.append(f'<text x="4" y="{y + 14}">{_e(code)}</text>')
        if v is None:
            continue
        bw = half * abs(v) / top_v
        x = mid if v >= 0 else mid - bw
        color = "#2b8a3e" if v >= 0 else "#c92a2a"
        parts.append(
            f'<rect class="bar" data-code="{_e(code)}" x="{x:.2f}" y="{y + 3}" '
            f'width="{bw:.2f}" height="14" fill="{color}"/>'
        )
        sign = "+" if v > 0 else ""
        parts.append(f'<text x="{left + 2 * half + 6}" y="{y + 14}">{sign}{_e(num(v))}</text>')
    parts.append("</svg>")
    return "".join(parts)
