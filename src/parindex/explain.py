"""Why a node of a score card has its points, in a sentence (Vietnamese, or English).

The parts every node shares are here: not applicable, no input, the sum of a domain (with shared
points, capping and an adjusted maximum) and the stage the value came from. What a leaf's rule
made of its value is the rule's own part (:meth:`~parindex.methodology.rules.Rule.explain`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._text import fmt
from .assessment import STAGE_LABELS
from .methodology.rules import PointsRule, points_text

if TYPE_CHECKING:
    from .card import NodeResult

__all__ = ["carried_text", "explain", "missing_text"]

_W = {
    "vi": {
        "from": "theo",
        "na_drop": "Không áp dụng: bỏ khỏi điểm tối đa",
        "na_share": "Không áp dụng: điểm được chia cho các tiêu chí cùng cấp",
        "na_earned": "Không áp dụng: tính đủ điểm",
        "missing": "Chưa có số liệu: tính 0 điểm",
        "missing_exclude": "Chưa có số liệu: bỏ khỏi điểm tối đa",
        "carried": "tạm tính theo kết quả {period}",
        "earlier": "kỳ trước",
        "year": "năm {period}",
        "sum": "Tổng điểm các tiêu chí thành phần",
    },
    "en": {
        "from": "from",
        "na_drop": "Not applicable: removed from the maximum",
        "na_share": "Not applicable: its points are shared among the applicable siblings",
        "na_earned": "Not applicable: counted as earned",
        "missing": "No input: scored 0",
        "missing_exclude": "No input yet: removed from the maximum",
        "carried": "provisional, carried from {period}",
        "earlier": "the previous period",
        "year": "{period}",
        "sum": "Sum of the sub-items",
    },
}

#: a leaf without a rule reads as points given directly
_DIRECT = PointsRule()


def _sum(r: NodeResult, lang: str) -> str:
    vi = lang == "vi"
    node = r.node
    parts = [f"{_W[lang]['sum']}: {points_text(r.points, node.max, lang)}"]
    if r.shared is not None:
        parts.append(
            (
                "điểm các tiêu chí không áp dụng được chia đều theo tỷ lệ (hệ số "
                if vi
                else "points of items that do not apply shared in proportion (factor "
            )
            + fmt(r.shared, lang)
            + ")"
        )
    if r.clamped is not None and r.raw is not None:
        parts.append(
            f"tổng {fmt(r.raw, lang)} được giới hạn"
            if vi
            else f"the sum {fmt(r.raw, lang)} was capped"
        )
    if r.adjusted_max is not None and node.max is not None and r.adjusted_max != node.max:
        parts.append(
            f"điểm tối đa sau khi bỏ tiêu chí không áp dụng: {fmt(r.adjusted_max, lang)}"
            if vi
            else f"maximum after dropping items that do not apply: {fmt(r.adjusted_max, lang)}"
        )
    return "; ".join(parts)


def missing_text(policy: str | None, lang: str = "vi") -> str:
    """What the missing policy did to an item without input: "Chưa có số liệu: bỏ khỏi điểm tối
    đa" (``exclude``) or "Chưa có số liệu: tính 0 điểm" (``zero``)."""
    w = _W[lang if lang in _W else "en"]
    return w["missing_exclude" if policy == "exclude" else "missing"]


def carried_text(period: str, lang: str = "vi") -> str:
    """How a carried value reads: "tạm tính theo kết quả năm 2024" (a year), "... kỳ trước"
    (no period known), or with the period as given."""
    w = _W[lang if lang in _W else "en"]
    if not period:
        shown = w["earlier"]
    elif period.isdigit():
        shown = w["year"].format(period=period)
    else:
        shown = period
    return w["carried"].format(period=shown)


def explain(r: NodeResult, lang: str = "vi") -> str:
    """A sentence a Home Affairs officer can read: why this node has these points."""
    if lang not in _W:
        lang = "en"
    w = _W[lang]
    if r.not_applicable:
        return w["na_" + (r.na_policy or "drop")]
    if r.missing:
        return missing_text(r.missing_policy, lang)
    if not r.node.is_leaf:
        return _sum(r, lang)
    rule = r.node.rule or _DIRECT
    text = rule.explain(r, lang) + rule.clamp_note(r, lang)
    if r.carried_from is not None:
        text += f" [{carried_text(r.carried_from, lang)}]"
    elif r.stage is not None:
        st = STAGE_LABELS.get(r.stage, (r.stage, r.stage))
        text += f" [{w['from']} {st[0].lower() if lang == 'vi' else st[1].lower()}]"
    return text
