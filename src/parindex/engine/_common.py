"""Array aliases and small helpers shared by the modules of the engine."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["F64", "I8", "I64", "Bool", "Faults", "Int", "factorise", "frozen"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Int = npt.NDArray[np.signedinteger[Any]]
I8 = npt.NDArray[np.int8]
Bool = npt.NDArray[np.bool_]


def frozen(a: Any) -> Any:
    """``a``, made read-only."""
    a.flags.writeable = False
    return a


def factorise(values: Sequence[Any]) -> tuple[list[Any], I64]:
    """Distinct values in order of first appearance, and each value's position among them."""
    distinct = list(dict.fromkeys(values))
    where = {v: i for i, v in enumerate(distinct)}
    return distinct, np.fromiter(map(where.__getitem__, values), np.int64, len(values))


class Faults:
    """Where a run of the engine reports the units it cannot score.

    Scoring many units, a fault marks the units in :attr:`bad` and the run goes on. Finding the
    error of one unit (``raising=True``, after its inputs were checked), the first fault raises
    its error at once: the engine walks the tree in the order the error must follow.
    """

    def __init__(self, bad: Bool, *, raising: bool = False, unit: str = "") -> None:
        self.bad = bad
        self.raising = raising
        self.unit = unit  # the unit named in raised errors

    def flag(self, units: Int, error: Callable[[], BaseException] | None = None) -> None:
        """Mark ``units`` (indices) as not scorable; ``error`` makes the error to raise."""
        if not len(units):
            return
        if self.raising and error is not None:
            raise error() from None
        self.bad[units] = True
