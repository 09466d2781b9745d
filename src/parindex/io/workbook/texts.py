"""The Vietnamese texts of a workbook: each row's level name, scoring guide and input help, and
the help sheet. A leaf's texts come from its rule (:meth:`~parindex.methodology.rules.Rule.guide`,
:meth:`~parindex.methodology.rules.Rule.how_to_enter`)."""

from __future__ import annotations

from ..._text import fmt
from ...methodology.model import Methodology, Node
from ...methodology.rules import PointsRule
from .layout import NA_TEXT

__all__ = ["guide_text", "help_lines", "how_to_enter", "level_name"]

#: an item without a rule is scored directly
_DIRECT = PointsRule()


def level_name(n: Node) -> str:
    """The level of a row in the official wording (Lĩnh vực, Tiêu chí, …)."""
    if n.role == "bonus":
        return "Điểm thưởng"
    if n.role == "penalty":
        return "Điểm trừ"
    if n.code and n.code.replace(".", "").isdigit():
        parts = n.code.count(".") + 1
    else:
        parts = n.depth if n.depth > 1 else 0
    return {0: "Thành phần", 1: "Lĩnh vực", 2: "Tiêu chí", 3: "Tiêu chí thành phần"}.get(
        parts, "Nội dung chi tiết"
    )


def _sum_guide(n: Node) -> str:
    if n.role == "bonus":
        return f"Tổng điểm thưởng, tối đa {fmt(n.max)} điểm"
    if n.role == "penalty":
        return f"Tổng điểm trừ, không thấp hơn {fmt(n.min)} điểm"
    if n.aggregate == "capped":
        return f"Tổng các nội dung bên dưới, tối đa {fmt(n.max)} điểm"
    return "Tổng các nội dung bên dưới"


def guide_text(n: Node) -> str:
    """The scoring guide of a node in Vietnamese, from its rule (and its note and evidence)."""
    parts: list[str] = []
    if n.is_leaf and n.rule is not None:
        parts.append(n.rule.guide(n, NA_TEXT))
    elif not n.is_leaf:
        parts.append(_sum_guide(n))
    if n.note:
        parts.append(n.note)
    if n.evidence:
        parts.append(f"Tài liệu kiểm chứng: {n.evidence}")
    if n.status != "confirmed":
        parts.append(f"[trạng thái số liệu: {n.status}]")
    return ". ".join(parts)


def how_to_enter(n: Node) -> str:
    """What to type in a node's value cell (Vietnamese)."""
    if not n.is_leaf:
        return "Tự động cộng (chỉ được ghi “Không áp dụng”)"
    return (n.rule or _DIRECT).how_to_enter(n)


def help_lines(m: Methodology) -> list[tuple[str, bool]]:
    """The lines of the help sheet, each with whether it is a title."""
    return [
        ("HƯỚNG DẪN SỬ DỤNG PHIẾU CHẤM ĐIỂM", True),
        (f"Bộ chỉ số: {m.title.vi} [{m.id}], {m.legal_basis.decision}.", False),
        ("", False),
        ("1. Ghi tên đơn vị, kỳ đánh giá (và loại đơn vị nếu có) ở đầu trang “Chấm điểm”.", False),
        (
            "2. Mỗi bước có 4 cột: Giá trị, Điểm (tự tính), Tài liệu kiểm chứng, Ghi chú / giải "
            "trình. Đơn vị nhập cột “Tự đánh giá”; kết quả điều tra xã hội học và chỉ số hài lòng "
            "nhập cột “Kết quả điều tra”; Sở Nội vụ (hoặc cơ quan thẩm định) nhập “Thẩm định lần 1”, "
            "“Thẩm định lần 2” chỉ ở những tiêu chí điều chỉnh.",
            False,
        ),
        (
            "3. Điểm của mỗi tiêu chí lấy theo bước muộn nhất có giá trị; các bước trước vẫn được "
            "giữ nguyên để đối chiếu.",
            False,
        ),
        (
            "4. Tiêu chí chọn mức: chọn trong danh sách. Tiêu chí tỷ lệ: nhập số phần trăm (ví dụ "
            "85,5). Tiêu chí có công thức hoặc trừ điểm theo số lần: nhập số liệu ở các dòng "
            "“•” ngay bên dưới.",
            False,
        ),
        (
            f"5. Nội dung không áp dụng với đơn vị: ghi “{NA_TEXT}” ở cột Giá trị (có thể ghi ở "
            "dòng lĩnh vực hoặc tiêu chí để bỏ cả nhóm).",
            False,
        ),
        (
            "6. Tài liệu kiểm chứng: ghi số, ký hiệu văn bản, cách nhau bằng dấu chấm phẩy (;). Nếu "
            "không có tài liệu, giải trình ở cột Ghi chú.",
            False,
        ),
        (
            "7. Không chèn, xóa, di chuyển dòng hoặc cột, không đổi tên trang tính: tệp được đọc "
            "lại theo đúng vị trí; tệp bị thay đổi cấu trúc sẽ bị từ chối kèm tên ô sai.",
            False,
        ),
        (
            "8. Cột “Điểm” và tổng điểm do Excel tạm tính theo quy tắc của từng tiêu chí và giới "
            "hạn điểm của từng nhóm. Excel KHÔNG tính: việc bỏ điểm tối đa (hoặc chia lại điểm) "
            "của nội dung không áp dụng, làm tròn và xếp loại. Kết quả chính thức do parindex "
            "tính: parindex score <bộ chỉ số> <tệp này>.",
            False,
        ),
    ]
