"""``points``: points given directly (as appraised), within the node's bounds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

import attrs
import numpy as np

from ..._text import fmt
from .. import yamlio
from ._base import (
    INF,
    ArrayOutcome,
    LeafRows,
    Rule,
    Target,
    ValueReader,
    bad,
    check_numbers,
    plain,
)

if TYPE_CHECKING:
    from ..model import Node

__all__ = ["PointsRule"]


@attrs.frozen
class PointsRule(Rule):
    """Points given directly (as appraised), within the node's bounds."""

    kind: ClassVar[str] = "points"
    shown_in_outline: ClassVar[bool] = False

    @classmethod
    def parse(cls, sub: yamlio.Reader, read_label: ValueReader) -> Self:
        return cls()

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        return (node_min, INF if node_max is None else node_max)

    def input_range(self, node: Node, name: str | None = None) -> tuple[float, float, bool]:
        # The points a node may be given. They are checked on the value that decides the
        # points (evaluate), not on every stage's value (check), as the scalar engine always did.
        return (node.min, INF if node.max is None else node.max, False)

    def check_array(self, rows: LeafRows, node: Node) -> Any:
        return check_numbers(self, rows, None)

    def evaluate_array(self, values: Any, node_min: float, node_max: float | None) -> ArrayOutcome:
        x = np.asarray(values, np.float64)
        hi = INF if node_max is None else node_max
        return plain(x, (x < node_min) | (x > hi))

    def refusal(
        self, value: Any, out: ArrayOutcome, node_min: float, node_max: float | None
    ) -> Exception:
        hi = "?" if node_max is None else fmt(node_max, "en")
        return bad(
            f"points must lie between {fmt(node_min, 'en')} and {hi}",
            value,
            "out-of-range",
            what="points",
            low=fmt(node_min, "en"),
            high=hi,
        )

    def targets(self, node: Node, value: Any, current: float) -> list[Target]:
        if node.max is None:
            return []
        return [("full", node.max, ">=", node.max)]

    def to_dict(self, *, band_text: Any = str) -> dict[str, Any]:
        return {"kind": self.kind}
