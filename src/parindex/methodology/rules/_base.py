"""What every rule kind shares: the :class:`Rule` protocol, outcomes, number helpers.

A rule kind implements, on its class:

* ``parse(sub, read_label)`` (classmethod): read its parameters from the ``rule:`` mapping of a
  methodology file (``kind`` is already read; the loader calls ``sub.done()`` afterwards);
* ``check(value)``: normalise one input value or raise :class:`~parindex.errors.AssessmentError`;
* ``check_array(rows, node)``: the same for all the rows of one leaf at once (see :class:`LeafRows`);
* ``as_array(checked)`` and ``select(values, pos)``: a checked value as the array form of one
  unit, and the units at ``pos`` of an array form;
* ``evaluate_array(values, node_min, node_max)``: the points of many units, as an
  :class:`ArrayOutcome`. This is *the* arithmetic of the kind: the scalar ``evaluate`` runs it on
  an array of one unit, so one unit and ten thousand give the same bits by construction;
* ``input_range(node)``, ``output_range(node_min, node_max)``, ``needs_max()``, ``to_dict()``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Final, Protocol, Self

import attrs
import numpy as np
import numpy.typing as npt

from ...errors import AssessmentError, UnknownValueError
from .. import yamlio

if TYPE_CHECKING:
    from ..model import Node

__all__ = [
    "CLAMP_CODES",
    "CLAMP_FLOOR",
    "CLAMP_MAX",
    "CLAMP_MIN",
    "INF",
    "ArrayOutcome",
    "LeafRows",
    "Outcome",
    "Rule",
    "as_number",
    "fmt",
    "need_max",
    "num_text",
]

INF = math.inf

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]
Bool = npt.NDArray[np.bool_]

#: Clamping codes of array outcomes; 0 means no bound was applied.
CLAMP_CODES: Final[tuple[str | None, ...]] = (None, "floor", "min", "max")
CLAMP_FLOOR: Final = 1
CLAMP_MIN: Final = 2
CLAMP_MAX: Final = 3

#: a value reader of :class:`~parindex.methodology.yamlio.Reader` (``opt``/``req``)
ValueReader = Callable[[yamlio.Reader, str, Any], Any]


@attrs.frozen
class Outcome:
    """What a rule made of a value: points (after any clamping) and how it got there."""

    points: float
    raw: float
    clamped: str | None = None  # "floor" / "min" / "max" when a bound was applied
    band: int | None = None  # index of the band or level used
    fallback: bool = False  # the rule's declared fallback was used (e.g. zero division)


@attrs.frozen(eq=False)
class ArrayOutcome:
    """What a rule made of many units' values, one entry per unit.

    ``bad`` marks the units the rule refuses (their other entries are meaningless);
    ``clamped`` holds :data:`CLAMP_CODES` positions. A field that is ``None`` does not apply to
    the kind (no clamping, no bands, no fallback).
    """

    points: F64
    raw: F64
    bad: Bool
    clamped: I8 | None = None
    band: I64 | None = None
    fallback: Bool | None = None

    def outcome(self, i: int) -> Outcome:
        """The outcome of unit ``i`` as a scalar :class:`Outcome`."""
        return Outcome(
            float(self.points[i]),
            float(self.raw[i]),
            None if self.clamped is None else CLAMP_CODES[int(self.clamped[i])],
            None if self.band is None else int(self.band[i]),
            False if self.fallback is None else bool(self.fallback[i]),
        )


class LeafRows(Protocol):
    """The rows given for one leaf in a columnar table, as the vector engine hands them to
    :meth:`Rule.check_array`. Row positions run from 0 to ``len(rows) - 1``."""

    @property
    def live(self) -> Bool:
        """The rows that are not marked not applicable."""

    def __len__(self) -> int: ...

    def numbers(self) -> tuple[F64, Bool]:
        """A fresh copy of each row's number (0 where there is none), and where it is a plain
        ``int`` or ``float``."""

    def texts(self, idx: I64) -> tuple[I64, Sequence[str]]:
        """For rows ``idx``: the number of each row's text (-1: not a text), and the texts."""

    def mappings(self, idx: I64) -> I64:
        """For rows ``idx``: the number of each row's mapping (-1: not a mapping)."""

    def mapping_length(self, mid: I64) -> I64:
        """The number of items of mappings ``mid`` (0 where ``mid`` is -1)."""

    def lookup(self, mid: I64, key: str) -> tuple[Bool, F64, Bool]:
        """For mappings ``mid``: is ``key`` there, its number, is it a plain number."""

    def value(self, i: int) -> Any:
        """The value of row ``i`` as given."""

    def refuse(self, wrong: Bool) -> None:
        """Refuse the units of the rows marked in ``wrong``."""

    def check_one(self, i: int, check: Callable[[Any], Any]) -> Any:
        """``check`` the value of row ``i``; ``None`` (and the unit refused) if it fails."""


# -- numbers ------------------------------------------------------------------------------------


def num_text(x: float) -> str:
    """The shortest text that reads back as ``x`` (``66.0`` → ``66``), without an exponent."""
    if x == 0:
        return "0"
    return str(np.format_float_positional(x, unique=True, trim="-"))


def fmt(x: float | None, lang: str = "vi") -> str:
    """Format a number for an officer: up to 4 decimals, trailing zeros dropped, vi decimal comma."""
    if x is None:
        return "?"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return s.replace(".", ",") if lang == "vi" else s


def bad(message: str, value: Any) -> AssessmentError:
    return AssessmentError(message, value=value)


def as_number(value: Any, what: str = "a number") -> float:
    """Read an input value as a finite number (``"12,5 %"`` → 12.5) or raise AssessmentError."""
    if isinstance(value, bool) or value is None:
        raise bad(f"expected {what}", value)
    if isinstance(value, int | float):
        x = float(value)
    elif isinstance(value, str):
        t = value.strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
        if t.count(",") == 1 and "." not in t:
            t = t.replace(",", ".")
        try:
            x = float(t)
        except ValueError:
            raise bad(f"expected {what}", value) from None
    else:
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise bad(f"expected {what}", value) from None
    if not math.isfinite(x):
        raise bad(f"expected {what}, not a non-finite figure", value)
    return x


def need_max(node_max: float | None, kind: str) -> float:
    if node_max is None:
        raise UnknownValueError(
            f"cannot score a '{kind}' rule: the maximum points of this item are not known "
            "from the public record; supply the official annex table"
        )
    return node_max


def check_numbers(rule: Rule, rows: LeafRows, bounds: tuple[float, float, bool] | None) -> F64:
    """The numeric rows of one leaf, checked like ``rule.check`` (and ``bounds``, if given)."""
    x, isnum = rows.numbers()
    live = rows.live
    fast = isnum & np.isfinite(x) & live
    for i in np.flatnonzero(live & ~fast).tolist():
        v = rows.check_one(i, rule.check)
        x[i] = 0.0 if v is None else float(v)
    if bounds is not None:
        lo, hi, integer = bounds
        wrong = fast & ((x < lo) | (x > hi))
        if integer:
            wrong |= fast & (x != np.trunc(x))
        rows.refuse(wrong)
    return x


def one(x: float) -> F64:
    """A number as an array of one unit."""
    return np.array([x], np.float64)


# -- the base class -----------------------------------------------------------------------------


@attrs.frozen
class Rule:
    """Base of all rule kinds (see the module docstring for the protocol)."""

    kind: ClassVar[str] = ""
    #: added to the loader's message when the rule's points can leave the node's bounds
    out_of_bounds_hint: ClassVar[str] = ""

    @classmethod
    def parse(cls, sub: yamlio.Reader, read_label: ValueReader) -> Self:
        """Read the rule from its mapping in a methodology file (``kind`` already read)."""
        raise NotImplementedError

    def output_range(self, node_min: float, node_max: float | None) -> tuple[float, float]:
        raise NotImplementedError

    def input_range(self, node: Node, name: str | None = None) -> tuple[float, float, bool]:
        """The values an input may take: ``(low, high, whole numbers only)``.

        ``name`` picks one of several named inputs (formula inputs, deduction counts).
        """
        return (-INF, INF, False)

    def needs_max(self) -> bool:
        """Whether the points cannot be computed without the node's maximum."""
        return False

    def check(self, value: Any) -> Any:
        """Normalise and check an input value; raise AssessmentError if it is wrong."""
        return as_number(value)

    def check_array(self, rows: LeafRows, node: Node) -> Any:
        """Check all the rows of one leaf like :meth:`check`; return their checked values in the
        array form :meth:`evaluate_array` takes (refused rows hold a placeholder)."""
        return check_numbers(self, rows, self.input_range(node))

    def as_array(self, checked: Any) -> Any:
        """A value :meth:`check` gave, in the array form of one unit."""
        return one(float(checked))

    def select(self, values: Any, pos: I64) -> Any:
        """The units at ``pos`` of values in array form."""
        return values[pos]

    def evaluate_array(self, values: Any, node_min: float, node_max: float | None) -> ArrayOutcome:
        raise NotImplementedError

    def refusal(
        self, value: Any, out: ArrayOutcome, node_min: float, node_max: float | None
    ) -> Exception:
        """The error for one unit that :meth:`evaluate_array` refused."""
        return bad("the rule cannot score this value", value)

    def evaluate(self, value: Any, node_min: float, node_max: float | None) -> Outcome:
        """The points of one checked value: :meth:`evaluate_array` on an array of one unit."""
        out = self.evaluate_array(self.as_array(value), node_min, node_max)
        if out.bad[0]:
            raise self.refusal(value, out, node_min, node_max)
        return out.outcome(0)

    def to_dict(self, *, band_text: Callable[[Any], str] = str) -> dict[str, Any]:
        """The rule as written in a methodology file; ``band_text`` writes a band."""
        raise NotImplementedError


def plain(points: F64, bad_: Bool | None = None) -> ArrayOutcome:
    """An outcome whose points are also the raw figure."""
    return ArrayOutcome(points, points, np.zeros(len(points), np.bool_) if bad_ is None else bad_)
