"""A methodology compiled into arrays: :class:`Plan` and :func:`compile_plan`."""

from __future__ import annotations

import math
import warnings
from collections import OrderedDict
from collections.abc import Mapping
from types import MappingProxyType

import attrs
import numpy as np

from ..methodology.model import Methodology, Node
from ..methodology.rules import RULE_KINDS, Rule
from ._common import F64, I64, Bool, frozen

__all__ = ["Plan", "compile_plan", "leaf_rule", "plan_of"]


def leaf_rule(node: Node) -> Rule:
    """The rule of a leaf (the loader gives every leaf one)."""
    assert node.rule is not None
    return node.rule


@attrs.frozen(eq=False, repr=False)
class Plan:
    """A methodology compiled into arrays. Build it with :func:`compile_plan`; it never changes.

    Node ``j`` is ``codes[j]`` (``list(m.nodes)`` order, the root ``""`` first) and
    ``position[code] == j``. Array fields have one entry per node; ``leaves`` lists the leaf node
    indices in tree order and ``leaf_pos`` maps a node index to its position among the leaves
    (-1 for internal nodes).
    """

    methodology: Methodology
    codes: tuple[str, ...]
    position: Mapping[str, int]
    parent: I64
    children: tuple[tuple[int, ...], ...]
    regular: tuple[tuple[int, ...], ...]
    extras: tuple[tuple[int, ...], ...]
    is_leaf: Bool
    leaves: I64
    leaf_pos: I64
    max: F64  # NaN where the maximum is not known
    min: F64
    roles: tuple[str, ...]
    aggregates: tuple[str, ...]
    #: rule kind -> node indices of the leaves scored by that kind, in tree order
    kinds: Mapping[str, tuple[int, ...]]
    #: per node: the valid input range and whether a whole number is needed (numeric rules)
    input_min: F64
    input_max: F64
    input_integer: Bool

    @property
    def index(self) -> Mapping[str, int]:
        """Deprecated name of :attr:`position` (code → node number)."""
        warnings.warn(
            "Plan.index is deprecated; use Plan.position", DeprecationWarning, stacklevel=2
        )
        return self.position

    @property
    def n_nodes(self) -> int:
        return len(self.codes)

    def node(self, j: int) -> Node:
        """The node numbered ``j``."""
        return self.methodology.nodes[self.codes[j]]

    def __repr__(self) -> str:
        return (
            f"<Plan {self.methodology.id}: {self.n_nodes} nodes, {len(self.leaves)} leaves, "
            + ", ".join(f"{k} {len(v)}" for k, v in self.kinds.items() if v)
            + ">"
        )


def compile_plan(methodology: Methodology) -> Plan:
    """Compile a methodology's tree into the arrays :func:`score_many` works on."""
    m = methodology
    codes = tuple(m.nodes)
    index = {c: i for i, c in enumerate(codes)}
    nodes = [m.nodes[c] for c in codes]
    n = len(codes)
    parent = np.array([-1 if nd.parent is None else index[nd.parent] for nd in nodes], np.int64)
    children = tuple(tuple(index[c] for c in nd.children) for nd in nodes)
    regular = tuple(tuple(k for k in ch if nodes[k].role == "regular") for ch in children)
    extras = tuple(tuple(k for k in ch if nodes[k].role != "regular") for ch in children)
    is_leaf = np.array([nd.is_leaf for nd in nodes], np.bool_)
    is_leaf[0] = False if nodes[0].children else is_leaf[0]
    leaves = np.array([j for j in range(1, n) if is_leaf[j]], np.int64)
    leaf_pos = np.full(n, -1, np.int64)
    leaf_pos[leaves] = np.arange(len(leaves))
    mx = np.array([math.nan if nd.max is None else nd.max for nd in nodes], np.float64)
    kinds: dict[str, list[int]] = {k: [] for k in RULE_KINDS}
    for j in leaves.tolist():
        kinds[leaf_rule(nodes[j]).kind].append(j)
    ranges = [
        (-math.inf, math.inf, False) if nd.rule is None else nd.rule.input_range(nd) for nd in nodes
    ]
    return Plan(
        methodology=m,
        codes=codes,
        position=MappingProxyType(index),
        parent=frozen(parent),
        children=children,
        regular=regular,
        extras=extras,
        is_leaf=frozen(is_leaf),
        leaves=frozen(leaves),
        leaf_pos=frozen(leaf_pos),
        max=frozen(mx),
        min=frozen(np.array([nd.min for nd in nodes], np.float64)),
        roles=tuple(nd.role for nd in nodes),
        aggregates=tuple(nd.aggregate for nd in nodes),
        kinds=MappingProxyType({k: tuple(v) for k, v in kinds.items()}),
        input_min=frozen(np.array([r[0] for r in ranges], np.float64)),
        input_max=frozen(np.array([r[1] for r in ranges], np.float64)),
        input_integer=frozen(np.array([r[2] for r in ranges], np.bool_)),
    )


#: plans of the methodologies scored last (a plan holds its methodology, so an id is not reused
#: while it is here)
_RECENT: OrderedDict[int, Plan] = OrderedDict()
_RECENT_SIZE = 8


def plan_of(methodology: Methodology) -> Plan:
    """The plan of a methodology, compiled once for the few methodologies scored last."""
    key = id(methodology)
    plan = _RECENT.get(key)
    if plan is not None and plan.methodology is methodology:
        _RECENT.move_to_end(key)
        return plan
    plan = compile_plan(methodology)
    _RECENT[key] = plan
    while len(_RECENT) > _RECENT_SIZE:
        _RECENT.popitem(last=False)
    return plan
