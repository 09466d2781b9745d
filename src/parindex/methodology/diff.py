"""What changed between two methodology versions: nodes added, removed, renamed, re-weighted."""

from __future__ import annotations

from typing import Any

import attrs

from .._text import fmt
from .model import Methodology

__all__ = ["Change", "MethodologyDiff", "diff"]


@attrs.frozen
class Change:
    """One difference. ``kind``: added, removed, renamed, reweighted, moved, rule, method."""

    kind: str
    code: str
    before: Any = None
    after: Any = None

    def describe(self, lang: str = "vi") -> str:
        vi = lang == "vi"
        c = self.code
        if self.kind == "added":
            return f"+ {c} thêm mới: {self.after}" if vi else f"+ {c} added: {self.after}"
        if self.kind == "removed":
            return f"- {c} bỏ: {self.before}" if vi else f"- {c} removed: {self.before}"
        if self.kind == "renamed":
            return (
                f"~ {c} đổi tên: {self.before!r} → {self.after!r}"
                if vi
                else f"~ {c} renamed: {self.before!r} → {self.after!r}"
            )
        if self.kind == "reweighted":
            b = fmt(self.before, lang)
            a = fmt(self.after, lang)
            return f"~ {c} điểm tối đa: {b} → {a}" if vi else f"~ {c} maximum: {b} → {a}"
        if self.kind == "moved":
            return (
                f"~ {c} chuyển từ {self.before or 'gốc'} sang {self.after or 'gốc'}"
                if vi
                else f"~ {c} moved from {self.before or 'top'} to {self.after or 'top'}"
            )
        if self.kind == "method":
            return (
                f"~ {c} phương pháp: {self.before} → {self.after}"
                if vi
                else f"~ {c} method: {self.before} → {self.after}"
            )
        return (
            f"~ {c} quy tắc chấm: {self.before} → {self.after}"
            if vi
            else f"~ {c} scoring rule: {self.before} → {self.after}"
        )


@attrs.frozen
class MethodologyDiff:
    before: str
    after: str
    changes: tuple[Change, ...]
    settings: tuple[tuple[str, Any, Any], ...]

    def of_kind(self, kind: str) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == kind)

    def __bool__(self) -> bool:
        return bool(self.changes or self.settings)

    def text(self, lang: str = "vi") -> str:
        vi = lang == "vi"
        lines = [f"{self.before} → {self.after}"]
        for name, b, a in self.settings:
            lines.append(f"* {name}: {b} → {a}")
        counts = {
            k: len(self.of_kind(k))
            for k in ("added", "removed", "renamed", "reweighted", "moved", "method", "rule")
        }
        words = {
            "added": "thêm",
            "removed": "bỏ",
            "renamed": "đổi tên",
            "reweighted": "đổi điểm tối đa",
            "moved": "đổi vị trí",
            "method": "đổi phương pháp",
            "rule": "đổi quy tắc chấm",
        }
        summary = ", ".join(f"{n} {words[k] if vi else k}" for k, n in counts.items() if n)
        lines.append(
            ("Tóm tắt: " if vi else "Summary: ")
            + (summary or ("không thay đổi" if vi else "no change"))
        )
        lines.extend(c.describe(lang) for c in self.changes)
        return "\n".join(lines)


def _groups(m: Methodology) -> str:
    if m.grouping is None:
        return "—"
    return ", ".join(f"{g.code} ≥ {fmt(g.min, 'en')}" for g in m.grouping.groups)


def diff(a: Methodology, b: Methodology) -> MethodologyDiff:
    """Compare two methodologies node by node (nodes are matched by their published code)."""
    changes: list[Change] = []
    codes_a = [n.code for n in a.walk()]
    codes_b = [n.code for n in b.walk()]
    set_a, set_b = set(codes_a), set(codes_b)
    for code in codes_a:
        if code not in set_b:
            n = a[code]
            changes.append(Change("removed", code, f"{n.label.vi} ({fmt(n.max, 'en')})"))
    for code in codes_b:
        if code not in set_a:
            n = b[code]
            changes.append(Change("added", code, None, f"{n.label.vi} ({fmt(n.max, 'en')})"))
    for code in codes_b:
        if code not in set_a:
            continue
        x, y = a[code], b[code]
        if x.label.vi != y.label.vi:
            changes.append(Change("renamed", code, x.label.vi, y.label.vi))
        if x.max != y.max:
            changes.append(Change("reweighted", code, x.max, y.max))
        if (x.parent or "") != (y.parent or ""):
            changes.append(Change("moved", code, x.parent, y.parent))
        if x.method != y.method:
            changes.append(Change("method", code, x.method, y.method))
        rx = x.rule.to_dict() if x.rule is not None else None
        ry = y.rule.to_dict() if y.rule is not None else None
        if rx != ry:
            changes.append(
                Change(
                    "rule", code, rx["kind"] if rx else "children", ry["kind"] if ry else "children"
                )
            )
    settings = []
    for name, va, vb in (
        ("scale", a.scale, b.scale),
        ("grouping", _groups(a), _groups(b)),
        ("not_applicable", a.not_applicable, b.not_applicable),
        ("decision", a.legal_basis.decision, b.legal_basis.decision),
        ("years", list(a.years), list(b.years)),
        ("detail", a.detail, b.detail),
    ):
        if va != vb:
            settings.append((name, va, vb))
    return MethodologyDiff(a.id, b.id, tuple(changes), tuple(settings))
