"""Survey methodology files (``kind: survey``): scales, the questionnaire tree and the formulas.

The model and parser sit in the methodology package beside the scoring loader, so that the
registry of shipped files reads both kinds without importing the survey package (which estimates
from responses). ``parindex.survey.methodology`` re-exports them.

A survey methodology says which answer codes an item takes (its *scale*: valid levels, the levels
counted as satisfied, the codes for "no opinion", "not applicable" and blank), how the items are
grouped (parts, policy groups, factors, contents, items) and how the groups are aggregated
(plain means of their children, or flat means of their items). Every structure and formula carries
its status (confirmed, derived, inferred, unknown) and its source, as the public record gives it.

The format is documented in ``docs/survey.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from ..errors import MethodologyError
from . import yamlio
from .model import Label, LegalBasis
from .yamlio import choice, nfc, read_label, read_status

__all__ = [
    "AGGREGATIONS",
    "Scale",
    "SurveyMethodology",
    "SurveyNode",
    "parse_survey_methodology",
]

FORMAT_VERSION = 1
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
#: How a node with children is aggregated: the plain mean of its children's indices, or the
#: plain mean of all the items below it (flat).
AGGREGATIONS = ("children", "items")
#: Answer codes are stored as int8; -1 is reserved for an empty cell.
MIN_CODE = 0
MAX_CODE = 126
NODE_KINDS = (
    "part",
    "aspect",
    "policy_group",
    "factor",
    "field",
    "content",
    "criterion",
    "item",
    "group",
)


@attrs.frozen
class Scale:
    """The answer codes of an item.

    ``levels`` are the valid answers in order (lowest first); ``satisfied`` the levels counted as
    satisfied; ``no_opinion``, ``not_applicable`` and ``blank`` the codes that leave the
    denominator. An empty cell is always blank.
    """

    code: str
    label: Label
    levels: tuple[int, ...]
    satisfied: tuple[int, ...]
    no_opinion: tuple[int, ...] = ()
    not_applicable: tuple[int, ...] = ()
    blank: tuple[int, ...] = ()
    level_labels: tuple[Label, ...] = ()
    status: str = "confirmed"
    source: str | None = None
    note: str | None = None

    @property
    def low(self) -> int:
        return min(self.levels)

    @property
    def high(self) -> int:
        return max(self.levels)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label.to_dict(),
            "levels": list(self.levels),
            "satisfied": list(self.satisfied),
            "no_opinion": list(self.no_opinion),
            "not_applicable": list(self.not_applicable),
            "blank": list(self.blank),
            "status": self.status,
        }


@attrs.frozen
class SurveyNode:
    """A node of the questionnaire tree; a node without children is an item (a question)."""

    code: str
    label: Label
    kind: str
    status: str
    parent: str | None
    children: tuple[str, ...] = ()
    scale: str | None = None
    aggregate: str = "children"
    source: str | None = None
    note: str | None = None
    line: int | None = None

    @property
    def is_item(self) -> bool:
        return not self.children


@attrs.frozen
class SurveyMethodology:
    """An immutable, validated survey methodology (SIPAS or a province's own survey)."""

    id: str
    issuer: str
    scheme: str
    version: str
    years: tuple[int, ...]
    title: Label
    legal_basis: LegalBasis
    status: str
    scales: Mapping[str, Scale] = attrs.field(repr=False)
    nodes: Mapping[str, SurveyNode] = attrs.field(repr=False)
    top: tuple[str, ...] = ()
    overall_label: Label = attrs.field(factory=lambda: Label("Chỉ số chung", "Overall index"))
    overall_status: str = "inferred"
    overall_source: str | None = None
    overall_aggregate: str = "children"
    overall_note: str | None = None
    overall_parts: tuple[str, ...] = ()
    source: str | None = None
    notes: tuple[str, ...] = ()
    min_answers: int = 30
    file: str | None = None
    complete: bool = False

    def __getitem__(self, code: str) -> SurveyNode:
        try:
            return self.nodes[code]
        except KeyError:
            raise MethodologyError(
                f"survey methodology {self.id} has no node with this code", code=code
            ) from None

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self.nodes

    def walk(self, start: str | None = None) -> Iterator[SurveyNode]:
        """Every node (below ``start``) in file order."""
        stack = list(reversed(self.top if start is None else self.nodes[start].children))
        while stack:
            node = self.nodes[stack.pop()]
            yield node
            stack.extend(reversed(node.children))

    @property
    def items(self) -> tuple[str, ...]:
        """The item codes in file order: the columns a responses file carries."""
        return tuple(n.code for n in self.walk() if n.is_item)

    @property
    def aggregates(self) -> tuple[str, ...]:
        """The codes of the nodes with children, in file order."""
        return tuple(n.code for n in self.walk() if not n.is_item)

    def items_below(self, code: str) -> tuple[str, ...]:
        node = self[code]
        if node.is_item:
            return (code,)
        return tuple(n.code for n in self.walk(code) if n.is_item)

    def scale_of(self, item: str) -> Scale:
        node = self[item]
        assert node.scale is not None
        return self.scales[node.scale]

    def __repr__(self) -> str:
        return (
            f"<SurveyMethodology {self.id} ({self.legal_basis.decision}) "
            f"{len(self.items)} items, {len(self.aggregates)} aggregates>"
        )


# -- reading -----------------------------------------------------------------------------------


def _code(r: yamlio.Reader, key: str, value: Any) -> str:
    s = nfc(yamlio.text(r, key, value).strip())
    if not CODE_RE.match(s):
        r.fail_key(key, "a code has letters, digits, '.', '_' or '-' (at most 40)", value=s)
    return s


def _codes(r: yamlio.Reader, key: str, value: Any) -> tuple[int, ...]:
    seq = r.check_type(key, value, list)
    out: list[int] = []
    for v in seq:
        if isinstance(v, bool) or not isinstance(v, int) or not MIN_CODE <= v <= MAX_CODE:
            r.fail_key(
                key, f"answer codes are whole numbers from {MIN_CODE} to {MAX_CODE}", value=v
            )
        out.append(int(v))
    if len(set(out)) != len(out):
        r.fail_key(key, "an answer code is listed twice", value=out)
    return tuple(out)


def _read_scale(code: str, value: Any, file: str, mark: Any) -> Scale:
    s = yamlio.Reader(value, file=file, what=f"scale {code}", mark=mark)
    label = s.req("label", read_label)
    levels = s.req("levels", _codes)
    if len(levels) < 2:
        s.fail_key("levels", "a scale needs at least two levels", value=list(levels))
    satisfied = s.opt("satisfied", _codes, ())
    no_opinion = s.opt("no_opinion", _codes, ())
    na = s.opt("not_applicable", _codes, ())
    blank = s.opt("blank", _codes, ())
    labels_raw = s.opt("level_labels", list, [])
    status = s.req("status", read_status)
    source = s.opt("source", yamlio.text)
    note = s.opt("note", yamlio.text)
    for lv in satisfied:
        if lv not in levels:
            s.fail_key("satisfied", "a satisfied level must be one of the levels", value=lv)
    special = [*no_opinion, *na, *blank]
    if len(set(special)) != len(special) or set(special) & set(levels):
        s.fail(
            f"scale {code}: the codes of levels, no opinion, not applicable and blank must not "
            "overlap"
        )
    level_labels: list[Label] = []
    if labels_raw:
        if len(labels_raw) != len(levels):
            s.fail_key("level_labels", f"give one label per level ({len(levels)})")
        for i, item in enumerate(labels_raw):
            holder = yamlio.Reader(
                {"label": item}, file=file, what=f"scale {code}: level_labels[{i + 1}]", mark=mark
            )
            level_labels.append(read_label(holder, "label", item))
    s.done()
    return Scale(
        code=code,
        label=label,
        levels=levels,
        satisfied=satisfied,
        no_opinion=no_opinion,
        not_applicable=na,
        blank=blank,
        level_labels=tuple(level_labels),
        status=status,
        source=source,
        note=note,
    )


class _TreeBuilder:
    def __init__(self, file: str, scales: Mapping[str, Scale]) -> None:
        self.file = file
        self.scales = scales
        self.nodes: dict[str, SurveyNode] = {}

    def read(
        self,
        seq: Any,
        parent: str | None,
        inherited: dict[str, Any],
        where: yamlio.Reader,
        depth: int = 0,
    ) -> tuple[str, ...]:
        if not isinstance(seq, list) or not seq:
            where.fail("children must be a non-empty list of nodes")
        if depth > 8:
            where.fail("the questionnaire tree is nested more than 8 levels deep")
        codes: list[str] = []
        for item, mark in zip(seq, yamlio.item_marks(seq), strict=True):
            n = yamlio.Reader(item, file=self.file, what="node", mark=mark)
            code = n.req("code", _code)
            n.code = code
            if code in self.nodes or code == parent:
                n.fail("this code is used twice in the file", value=code)
            label = n.req("label", read_label)
            kind = n.opt("kind", choice(NODE_KINDS), None)
            status = n.opt("status", read_status, inherited["status"])
            source = n.opt("source", yamlio.text, inherited.get("source"))
            note = n.opt("note", yamlio.text)
            scale = n.opt("scale", yamlio.text, inherited["scale"])
            aggregate = n.opt("aggregate", choice(AGGREGATIONS), inherited["aggregate"])
            kids_raw = n.opt("children", list, None)
            n.done()
            # reserve the code before reading the children so that duplicates are caught
            self.nodes[code] = SurveyNode(code, label, "item", status, parent)
            children: tuple[str, ...] = ()
            if kids_raw is not None:
                sub = {"status": status, "scale": scale, "aggregate": aggregate, "source": source}
                children = self.read(kids_raw, code, sub, n, depth + 1)
            else:
                if scale is None:
                    n.fail("an item needs a 'scale' (its own or one inherited from above)")
                if scale not in self.scales:
                    n.fail(
                        f"unknown scale; the file defines: {', '.join(sorted(self.scales))}",
                        value=scale,
                    )
            self.nodes[code] = SurveyNode(
                code=code,
                label=label,
                kind=kind or ("item" if not children else "group"),
                status=status,
                parent=parent,
                children=children,
                scale=scale if not children else None,
                aggregate=aggregate,
                source=source,
                note=note,
                line=mark[0] or None,
            )
            codes.append(code)
        return tuple(codes)


def parse_survey_methodology(data: Any, *, file: str) -> SurveyMethodology:
    """Build a validated :class:`SurveyMethodology` from data read by ``yamlio.load_yaml``."""
    r = yamlio.Reader(data, file=file, what="survey methodology")
    head = yamlio.read_header(r, "survey")
    status, source = head.status, head.source
    min_answers = r.opt("min_answers", int, 30)
    if min_answers < 1:
        r.fail_key("min_answers", "expected a whole number of at least 1", value=min_answers)
    complete = r.opt("complete", bool, False)

    scales_raw = r.req("scales", yamlio.mapping_items)
    if not scales_raw:
        r.fail_key("scales", "define at least one scale")
    scales: dict[str, Scale] = {}
    sr = yamlio.Reader(scales_raw, file=file, what="scales", mark=r.value_mark("scales"))
    for key in scales_raw:
        if not CODE_RE.match(key):
            sr.fail_key(key, "a scale code has letters, digits, '.', '_' or '-'", value=key)
        scales[key] = _read_scale(key, sr.raw(key), file, sr.value_mark(key))
    sr.done()

    ov = yamlio.Reader(
        r.req("overall", dict), file=file, what="overall", mark=r.value_mark("overall")
    )
    overall_label = ov.opt("label", read_label, Label("Chỉ số chung", "Overall index"))
    overall_status = ov.req("status", read_status)
    overall_source = ov.opt("source", yamlio.text)
    overall_agg = ov.opt("aggregate", choice(AGGREGATIONS), "children")
    overall_note = ov.opt("note", yamlio.text)
    parts_raw = ov.opt("parts", list, None)
    ov.done()

    tree_raw = r.req("structure", list)
    builder = _TreeBuilder(file, scales)
    top = builder.read(
        tree_raw,
        None,
        {"status": status, "scale": None, "aggregate": "children", "source": source},
        r,
    )
    r.done()
    parts = top
    if parts_raw is not None:
        parts = tuple(str(x) for x in parts_raw)
        for x in parts:
            if x not in top:
                ov.fail_key("parts", "the overall index is made of top-level nodes", value=x)
        if not parts or len(set(parts)) != len(parts):
            ov.fail_key("parts", "list each top-level node once", value=list(parts))
    return SurveyMethodology(
        id=head.id,
        issuer=head.issuer,
        scheme=str(head.scheme),
        version=head.version,
        years=head.years,
        title=head.title,
        legal_basis=head.legal_basis,
        status=status,
        scales=MappingProxyType(scales),
        nodes=MappingProxyType(builder.nodes),
        top=top,
        overall_label=overall_label,
        overall_status=overall_status,
        overall_source=overall_source,
        overall_aggregate=overall_agg,
        overall_note=overall_note,
        overall_parts=parts,
        source=source,
        notes=tuple(n.strip() for n in head.notes),
        min_answers=min_answers,
        file=file,
        complete=complete,
    )
