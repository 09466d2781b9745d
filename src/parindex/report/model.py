"""The lost-points report's content, shared by the Markdown, HTML and XLSX renderers.

:class:`Report` holds what :func:`parindex.report.build.build_report` computed; the renderers
(``markdown``, ``html``, ``xlsx``) import this module and nothing imports them back: each
registers itself in :data:`FORMATS` when :mod:`parindex.report` is imported, and
:meth:`Report.write` picks one by the file's suffix (the only dispatch by format).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import attrs

from .._text import present
from .._write import write_text as write_file_text
from ..analysis.compare import PeriodComparison, StageComparison
from ..analysis.followup import STATUS_NAMES, FollowUpRow
from ..analysis.gaps import GapReport
from ..analysis.rank import Ranking
from ..card import NodeResult, ScoreCard
from ..errors import ParIndexError
from ..explain import carried_text, missing_text

__all__ = [
    "COLUMNS",
    "FORMATS",
    "WORDS",
    "DocumentHeader",
    "Format",
    "Report",
    "Section",
    "SectionedReport",
    "Table",
    "find_format",
    "register_format",
]

#: The columns of the officers' table (STT; lĩnh vực / tiêu chí / tiêu chí thành phần; ...).
COLUMNS: Mapping[str, tuple[str, ...]] = {
    "vi": (
        "STT",
        "Lĩnh vực / tiêu chí / tiêu chí thành phần",
        "Điểm tối đa",
        "Tự đánh giá",
        "Thẩm định",
        "Điểm đạt",
        "Chỉ số (%)",
        "Nguyên nhân",
        "Đơn vị chịu trách nhiệm",
        "Giải pháp",
    ),
    "en": (
        "No.",
        "Domain / criterion / sub-criterion",
        "Maximum points",
        "Self-assessed",
        "Appraised",
        "Points earned",
        "Index (%)",
        "Cause",
        "Responsible units",
        "Remedy",
    ),
}

#: The report's words, by language.
WORDS: Mapping[str, Mapping[str, str]] = {
    "vi": {
        "title": "Báo cáo tiêu chí mất điểm Chỉ số cải cách hành chính",
        "unit": "Đơn vị",
        "period": "Kỳ đánh giá",
        "methodology": "Bộ chỉ số",
        "points": "Tổng điểm",
        "index": "Chỉ số",
        "group": "Nhóm",
        "place": "Xếp hạng",
        "lost": "Tổng điểm mất",
        "summary": "Tóm tắt",
        "basis": "Số liệu dùng để tính",
        "basis_full": "Đủ số liệu cho mọi tiêu chí",
        "item": "Nội dung",
        "value": "Kết quả",
        "domains": "Kết quả theo lĩnh vực",
        "gaps": "Các tiêu chí mất điểm",
        "by_unit": "Điểm mất theo đơn vị chịu trách nhiệm",
        "stages": "Tự đánh giá và thẩm định",
        "periods": "So sánh với kỳ trước",
        "missing": "Tiêu chí thiếu số liệu hoặc tài liệu kiểm chứng",
        "table": "Bảng điểm chi tiết",
        "lead": "chủ trì",
        "coop": "phối hợp",
        "next": "Mức kế tiếp",
        "full": "Đủ điểm",
        "cascade": "Kết quả của đơn vị trên tiêu chí liên quan",
        "explain": "cần giải trình",
        "none": "Không có",
        "no_input": "Thiếu số liệu",
        "no_evidence": "Chưa có tài liệu kiểm chứng",
        "example": "",
        "rule": "Xếp hạng kiểu thi đấu (1, 2, 2, 4) theo chỉ số đã làm tròn.",
        "chart_domains": "Chỉ số theo lĩnh vực (% điểm tối đa)",
        "chart_pareto": "Điểm mất theo tiêu chí (Pareto)",
        "chart_change": "Thay đổi điểm so với kỳ trước",
        "lost_col": "Điểm mất",
        "change": "Thay đổi",
        "before": "Kỳ trước",
        "after": "Kỳ này",
        "cut": "Bị giảm",
        "unit_col": "Đơn vị",
        "lead_lost": "Điểm mất (chủ trì)",
        "coop_lost": "Điểm mất (phối hợp)",
        "items": "Tiêu chí",
        "follow": "Kết quả khắc phục",
        "task": "Nhiệm vụ",
        "deadline": "Thời hạn",
        "status": "Trạng thái",
        "state": "Tình hình",
        "late": "quá hạn {days} ngày",
        "due": "đến hạn trong quý",
        "lost_prev": "Điểm mất kỳ trước",
        "recovered": "Đã phục hồi điểm",
        "yes": "có",
        "partly": "một phần",
        "no": "chưa",
        "follow_counts": "Đến hạn trong quý: {due}; hoàn thành: {done}; quá hạn: {late}",
        "generated": "Tạo bởi parindex; số liệu chính xác, chỉ làm tròn khi hiển thị (2 chữ số).",
    },
    "en": {
        "title": "Report of the PAR INDEX criteria that lost points",
        "unit": "Unit",
        "period": "Period",
        "methodology": "Methodology",
        "points": "Points",
        "index": "Index",
        "group": "Group",
        "place": "Place",
        "lost": "Points lost",
        "summary": "Summary",
        "item": "Item",
        "value": "Value",
        "domains": "Results by domain",
        "gaps": "Criteria that lost points",
        "by_unit": "Lost points by responsible unit",
        "stages": "Self-assessment and appraisal",
        "periods": "Against the previous period",
        "missing": "Items missing input or evidence",
        "table": "Detailed score table",
        "lead": "lead",
        "coop": "cooperating",
        "next": "Next band",
        "basis": "Inputs behind the figures",
        "basis_full": "Every item has its input",
        "full": "Full score",
        "cascade": "Units' results on related items",
        "explain": "explanation needed",
        "none": "None",
        "no_input": "No input",
        "no_evidence": "No evidence reference",
        "example": "",
        "rule": "Competition ranking (1, 2, 2, 4) on the rounded index.",
        "chart_domains": "Index by domain (% of the maximum)",
        "chart_pareto": "Points lost by criterion (Pareto)",
        "chart_change": "Change in points against the previous period",
        "lost_col": "Points lost",
        "change": "Change",
        "before": "Previous",
        "after": "Current",
        "cut": "Cut",
        "unit_col": "Unit",
        "lead_lost": "Lost (lead)",
        "coop_lost": "Lost (cooperating)",
        "items": "Items",
        "follow": "Remedies followed",
        "task": "Task",
        "deadline": "Deadline",
        "status": "Status",
        "state": "State",
        "late": "{days} days late",
        "due": "due this quarter",
        "lost_prev": "Lost before",
        "recovered": "Points recovered",
        "yes": "yes",
        "partly": "partly",
        "no": "no",
        "follow_counts": "Due this quarter: {due}; done: {done}; late: {late}",
        "generated": "Made by parindex; exact figures, rounded only for display (2 decimals).",
    },
}


class Table(NamedTuple):
    """A table as shown: its header, its rows, and which columns hold figures (right-aligned)."""

    head: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    numeric: frozenset[int]


@attrs.frozen
class Section:
    """A heading (``level`` 1, 2 or 3) followed by a table, a line of text, or nothing."""

    level: int
    title: str
    table: Table | None = None
    text: str = ""


class SectionedReport(Protocol):
    """A report made of :class:`Section` s (the all-units report), as its renderers read it."""

    @property
    def lang(self) -> str: ...
    @property
    def heading(self) -> str: ...
    @property
    def words(self) -> Mapping[str, str]: ...
    @property
    def header(self) -> DocumentHeader | None: ...
    def sections(self) -> list[Section]: ...


@attrs.frozen
class DocumentHeader:
    """The fields around the body of an administrative report; empty fields print as "…"."""

    authority: str = ""
    body: str = "SỞ NỘI VỤ"
    number: str = ""
    symbol: str = "BC-SNV"
    place: str = ""
    date: dt.date | None = None
    subject: str = ""
    recipients: tuple[str, ...] = ()
    signer_title: str = "GIÁM ĐỐC"
    signer_name: str = ""
    copies_to: tuple[str, ...] = ("Như trên", "Lưu: VT")

    def number_line(self) -> str:
        """``Số: 125/BC-SNV`` (``Số: …/BC-SNV`` when the number is given at issue)."""
        return f"Số: {self.number or '…'}/{self.symbol}"

    def date_line(self, today: dt.date | None = None) -> str:
        """``Mẫu, ngày 05 tháng 01 năm 2026``: place and date as written under the motto."""
        d = self.date or today or dt.date.today()
        # days below 10 and the months 1 and 2 take a leading zero (the decree's date rule)
        day = f"{d.day:02d}"
        month = f"{d.month:02d}" if d.month < 3 else str(d.month)
        text = f"ngày {day} tháng {month} năm {d.year}"
        return f"{self.place}, {text}" if self.place else text.capitalize()


@attrs.frozen
class Report:
    """Everything the quarterly lost-points report shows, computed once; renderers only read."""

    card: ScoreCard
    gaps: GapReport
    stages: StageComparison
    self_card: ScoreCard
    lang: str = "vi"
    title: str | None = None
    previous: PeriodComparison | None = None
    ranking: Ranking | None = None
    #: The administrative header and closing of the Word and PDF reports.
    header: DocumentHeader | None = None
    #: The remedies followed to their deadlines ("Kết quả khắc phục"), late ones first.
    follow_up: tuple[FollowUpRow, ...] | None = None

    @property
    def words(self) -> Mapping[str, str]:
        return WORDS[self.lang]

    @property
    def decimals(self) -> int:
        return self.card.methodology.rounding.decimals

    def num(self, x: float | None) -> str:
        """A figure as shown: rounded half up, decimal comma in Vietnamese."""
        return present(x, self.decimals, lang=self.lang)

    @property
    def heading(self) -> str:
        return self.title or self.words["title"]

    @property
    def place(self) -> int | None:
        if self.ranking is None:
            return None
        return self.ranking[self.card.unit].place

    def basis(self) -> list[tuple[str, str]]:
        """The summary's statement of where the figures come from: the missing-input policy
        and the items it touched, the items carried from an earlier period (every format shows
        these rows)."""
        card = self.card
        by_text: dict[str, list[str]] = {}
        for r in card.leaves():
            if r.missing:
                by_text.setdefault(missing_text(r.missing_policy, self.lang), []).append(r.code)
            elif r.carried_from is not None:
                text = carried_text(r.carried_from, self.lang)
                by_text.setdefault(text[:1].upper() + text[1:], []).append(r.code)
        if not by_text:
            return [(self.words["basis"], self.words["basis_full"])]
        return [(self.words["basis"], f"{t}: {', '.join(c)}") for t, c in by_text.items()]

    def responsible(self, code: str) -> str:
        """The responsible units of a node, as shown in the table."""
        rmap = self.gaps.responsibilities
        if rmap is None:
            return ""
        r = rmap.for_code(self.card.methodology, code)
        if r is None:
            return ""
        w = self.words
        parts = []
        if r.lead:
            parts.append(", ".join(rmap.unit_name(u) for u in r.lead) + f" ({w['lead']})")
        if r.cooperating:
            parts.append(", ".join(rmap.unit_name(u) for u in r.cooperating) + f" ({w['coop']})")
        return "; ".join(parts)

    def rows(self) -> list[dict[str, Any]]:
        """The officers' table: one row per node, exact numbers (None where empty)."""
        gap_of = {g.code: g for g in self.gaps}
        out = []
        for r in self.card:
            srow = self.self_card[r.code]
            self_pts = _self_points(r, srow)
            appr = _appraised(r)
            g = gap_of.get(r.code)
            if r.not_applicable:
                cause = r.explain(self.lang)
            elif g is not None:
                cause = g.cause(self.lang)
            else:
                cause = ""
            out.append(
                {
                    "code": r.code,
                    "depth": r.node.depth,
                    "label": r.node.label.text(self.lang),
                    "max": r.adjusted_max,
                    "self": self_pts,
                    "appraised": appr,
                    "points": r.points,
                    "index": r.index,
                    "cause": cause,
                    "responsible": self.responsible(r.code) if (g is not None) else "",
                    "remedy": g.remedy(self.lang) if g is not None else "",
                    "is_leaf": r.is_leaf,
                }
            )
        return out

    def follow_counts(self) -> str:
        """ "Đến hạn trong quý: 1; hoàn thành: 1; quá hạn: 1"."""
        rows = self.follow_up or ()
        return self.words["follow_counts"].format(
            due=sum(r.due_this_quarter for r in rows),
            done=sum(r.done for r in rows),
            late=sum(r.late_days is not None for r in rows),
        )

    def follow_table(self) -> Table | None:
        """The remedies followed, late ones first: task, unit, deadline, status, how late or due,
        points lost now and before, whether the points recovered."""
        if not self.follow_up:
            return None
        cols, w, n = COLUMNS[self.lang], self.words, self.num
        rmap = self.gaps.responsibilities
        rows = []
        for r in self.follow_up:
            it = r.item
            if r.late_days is not None:
                state = w["late"].format(days=r.late_days)
            elif r.due_this_quarter and not r.done:
                state = w["due"]
            else:
                state = "—"
            recovered = {True: w["yes"], None: w["partly"], False: w["no"]}[r.recovered]
            rows.append(
                (
                    it.code,
                    it.task,
                    rmap.unit_name(it.unit) if rmap is not None else it.unit,
                    it.deadline.strftime("%d/%m/%Y"),
                    STATUS_NAMES[it.status][self.lang],
                    state,
                    n(r.lost),
                    n(r.previous_lost),
                    recovered,
                )
            )
        head = (cols[0], w["task"], cols[8], w["deadline"], w["status"], w["state"])
        return Table(
            (*head, w["lost_col"], w["lost_prev"], w["recovered"]), rows, frozenset({6, 7})
        )

    # -- output -------------------------------------------------------------------------------
    def to_markdown(self) -> str:
        return _text(self, "md")

    def to_html(self) -> str:
        return _text(self, "html")

    def to_xlsx(self, path: str | os.PathLike[str]) -> Path:
        return _format("xlsx").write(self, Path(path))

    def write(self, path: str | os.PathLike[str], format: str | None = None) -> Path:
        """Write the report; the format comes from the file's suffix (``.md``, ``.html``,
        ``.xlsx``, ``.docx``, ``.pdf``), or from ``format`` for a file without one. An unknown suffix, or one that
        names another format than ``format``, is refused: no file is ever written in another
        format than its name says."""
        p = Path(path)
        return find_format(p, format).write(self, p)


@attrs.frozen
class Format:
    """One output format: its names (``md``, ``markdown``), its text renderer if it has one, and
    how it is written to a file."""

    names: tuple[str, ...]
    write: Callable[[Report, Path], Path]
    text: Callable[[Report], str] | None = None
    #: how the all-units report (:class:`~parindex.report.allunits.AllUnitsReport`) is written
    write_all: Callable[[Any, Path], Path] | None = None


#: The output formats by name, filled by the renderer modules through :func:`register_format`.
FORMATS: dict[str, Format] = {}


def register_format(
    names: tuple[str, ...],
    *,
    text: Callable[[Report], str] | None = None,
    write: Callable[[Report, Path], Path] | None = None,
    write_all: Callable[[Any, Path], Path] | None = None,
) -> None:
    """Add an output format; a text format is written as UTF-8 unless ``write`` is given."""
    if write is None:
        if text is None:
            raise ValueError("a report format needs text or write")
        render = text

        def write_text(rep: Report, path: Path) -> Path:
            return write_file_text(path, render(rep))

        write = write_text
    fmt = Format(names, write, text, write_all)
    for name in names:
        FORMATS[name] = fmt


def find_format(path: Path, format: str | None = None) -> Format:
    """The format of a report file: from the suffix of ``path``, or ``format`` for a file without
    one. An unknown suffix, or one that names another format than ``format``, is refused: no
    file is ever written in another format than its name says."""
    suffix = path.suffix.lstrip(".").lower()
    if format is None:
        return _format(suffix, path)
    fmt = _format(format.lower(), path)
    if suffix and FORMATS.get(suffix) is not fmt:
        raise ParIndexError(
            f"the file's suffix .{suffix} does not name the {format} format; "
            "name the file after its format, or leave --format out",
            file=str(path),
            value=format,
        )
    return fmt


def _format(name: str, path: Path | None = None) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise ParIndexError(
            "unknown report format; expected "
            + ", ".join(sorted({f.names[0] for f in FORMATS.values()})),
            file=None if path is None else str(path),
            value=name,
        ) from None


def _text(rep: Report, name: str) -> str:
    render = _format(name).text
    assert render is not None
    return render(rep)


def _self_points(r: NodeResult, srow: NodeResult) -> float | None:
    if r.is_leaf:
        if not any(la.stage == "self" for la in r.layers):
            return None
        return srow.points
    return srow.points


def _appraised(r: NodeResult) -> float | None:
    if not r.is_leaf:
        return None
    found = None
    for la in r.layers:
        if la.stage in ("appraisal1", "appraisal2") and not la.not_applicable:
            found = la.points
    return found
