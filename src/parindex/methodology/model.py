"""The methodology model: an immutable, validated scoring tree with its legal basis.

A :class:`Methodology` is built only by the loader (:mod:`parindex.methodology.loader`), which
checks everything; the classes here hold the result and answer questions about it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Literal

import attrs

from .. import _hooks
from .._types import (
    AGGREGATES,
    MISSING_POLICIES,
    NA_POLICIES,
    ROLES,
    STATUSES,
    Aggregate,
    Amendment,
    Label,
    LegalBasis,
    MissingPolicy,
    NAPolicy,
    Role,
)
from .._types import Status as Status  # the one definition, shared with parindex.units
from ..errors import MethodologyError
from .rules import Rule

__all__ = [
    "AGGREGATES",
    "METHODS",
    "MISSING_POLICIES",
    "NA_POLICIES",
    "ROLES",
    "ROOT",
    "STATUSES",
    "Amendment",
    "Group",
    "Grouping",
    "Label",
    "LegalBasis",
    "Methodology",
    "Node",
    "Rounding",
]

#: The code of the implicit root node (the whole index). Codes in files are never empty.
ROOT = ""

#: How a node's points are obtained (the components MOHA publishes).
METHODS = ("appraisal", "survey", "sipas", "statistics", "mixed")
METHOD_LABELS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "appraisal": ("Thẩm định (tài liệu kiểm chứng)", "Appraised (documentary evidence)"),
        "survey": ("Điều tra xã hội học", "Sociological survey"),
        "sipas": ("Chỉ số hài lòng (SIPAS)", "Satisfaction index (SIPAS)"),
        "statistics": ("Chỉ tiêu thống kê KT-XH", "Socio-economic statistics"),
        "mixed": ("Kết hợp (chưa rõ tỷ lệ)", "Mixed (split not known)"),
    }
)

#: How deep a file encodes the official tree.
DETAILS = ("full", "criteria", "domains", "components")

# NA_POLICIES, MISSING_POLICIES, ROLES and AGGREGATES (with their Literal types) are defined
# once in parindex._types and re-exported here.


@attrs.frozen
class Group:
    """A result group (xếp loại/nhóm): units whose index is at least ``min`` fall in it."""

    code: str
    min: float
    label: Label | None = None


@attrs.frozen
class Grouping:
    """Grouping thresholds for a methodology version, highest group first."""

    groups: tuple[Group, ...]
    status: Status = "confirmed"
    source: str | None = None
    note: str | None = None

    def group_for(self, index: float) -> Group:
        for g in self.groups:
            if index >= g.min:
                return g
        return self.groups[-1]


@attrs.frozen
class Rounding:
    """Presentation rounding. Scores are exact underneath; only presentation rounds."""

    decimals: int = 2
    mode: Literal["half_up"] = "half_up"


@attrs.frozen
class Node:
    """One node of the tree: a domain (lĩnh vực), criterion (tiêu chí) or sub-criterion."""

    code: str
    label: Label
    max: float | None
    min: float = 0.0
    method: str | None = None
    status: Status = "confirmed"
    source: str | None = None
    note: str | None = None
    evidence: str | None = None  # the documents that prove it (tài liệu kiểm chứng), in Vietnamese
    role: Role = "regular"
    aggregate: Aggregate = "sum"
    rule: Rule | None = None
    parent: str | None = None
    children: tuple[str, ...] = ()
    depth: int = 0
    counts: Mapping[str, int] | None = None
    applies_to: tuple[str, ...] | None = None
    line: int | None = None

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def max_known(self) -> bool:
        return self.max is not None

    def __repr__(self) -> str:
        mx = "?" if self.max is None else f"{self.max:g}"
        kind = self.rule.kind if self.rule is not None else f"{len(self.children)} children"
        return f"<Node {self.code or 'ROOT'} {self.label.vi!r} max={mx} {kind}>"


@attrs.frozen
class Methodology:
    """An immutable, validated methodology version.

    ``m["3.1.2"]`` returns a node; :meth:`walk`, :meth:`leaves` and :meth:`by_method` list them.
    """

    id: str
    issuer: str
    scheme: str
    version: str
    years: tuple[int, ...]
    title: Label
    legal_basis: LegalBasis
    amendments: tuple[LegalBasis, ...]
    scale: float
    grouping: Grouping | None
    not_applicable: NAPolicy
    missing: MissingPolicy
    rounding: Rounding
    nodes: Mapping[str, Node] = attrs.field(repr=False)
    status: Status = "confirmed"
    source: str | None = None
    notes: tuple[str, ...] = ()
    file: str | None = None
    unit_types: tuple[str, ...] = ()
    detail: str = "full"

    # -- lookup -------------------------------------------------------------------------------
    def __getitem__(self, code: str) -> Node:
        try:
            return self.nodes[str(code)]
        except KeyError:
            raise MethodologyError(
                f"methodology {self.id} has no node with this code", code=str(code)
            ) from None

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code != ROOT and code in self.nodes

    def __iter__(self) -> Iterator[Node]:
        return self.walk()

    def __len__(self) -> int:
        return len(self.nodes) - 1

    @property
    def na_policy(self) -> NAPolicy:
        """The not-applicable policy (the ``not_applicable`` field under its one name)."""
        return self.not_applicable

    @property
    def missing_policy(self) -> MissingPolicy:
        """The missing-input policy (the ``missing`` field under its one name)."""
        return self.missing

    @property
    def root(self) -> Node:
        return self.nodes[ROOT]

    @property
    def top(self) -> tuple[Node, ...]:
        """The top-level nodes (domains or published components)."""
        return tuple(self.nodes[c] for c in self.root.children)

    def walk(self, code: str = ROOT) -> Iterator[Node]:
        """Every node below ``code`` in file order (pre-order), the root itself excluded."""
        stack = list(reversed(self.nodes[code].children))
        while stack:
            node = self.nodes[stack.pop()]
            yield node
            stack.extend(reversed(node.children))

    def leaves(self, code: str = ROOT) -> tuple[Node, ...]:
        return tuple(n for n in self.walk(code) if n.is_leaf)

    def by_method(self, method: str) -> tuple[Node, ...]:
        """The leaves scored by a method (appraisal, survey, sipas, statistics)."""
        if method not in METHODS:
            raise MethodologyError(
                f"unknown method; expected one of {', '.join(METHODS)}", value=method
            )
        return tuple(n for n in self.leaves() if n.method == method)

    def ancestors(self, code: str) -> tuple[Node, ...]:
        """The node's ancestors from its parent up to (excluding) the root."""
        out: list[Node] = []
        parent = self[code].parent
        while parent is not None and parent != ROOT:
            node = self.nodes[parent]
            out.append(node)
            parent = node.parent
        return tuple(out)

    def domain_of(self, code: str) -> Node:
        """The top-level node that contains ``code``."""
        chain = (self[code], *self.ancestors(code))
        return chain[-1]

    @property
    def complete(self) -> bool:
        """True when every maximum is known and every leaf has a scoring rule."""
        return all(n.max is not None for n in self.walk()) and all(
            n.rule is not None for n in self.leaves()
        )

    @property
    def unknown(self) -> tuple[Node, ...]:
        """Nodes whose maximum the public record does not give."""
        return tuple(n for n in self.walk() if n.max is None)

    def covers(self, year: int) -> bool:
        return year in self.years

    def _repr_html_(self) -> str:
        return _hooks.html(self)  # parindex.render.notebook.methodology_html

    def __repr__(self) -> str:
        leaves = len(self.leaves())
        state = "complete" if self.complete else "partial"
        return (
            f"<Methodology {self.id} ({self.legal_basis.decision}) years "
            f"{self.years[0]}–{self.years[-1]}: {len(self)} nodes, {leaves} leaves, "
            f"scale {self.scale:g}, {state}>"
        )
