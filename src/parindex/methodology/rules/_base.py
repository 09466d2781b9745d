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
* ``input_range(node)``, ``output_range(node_min, node_max)``, ``needs_max()``, ``to_dict()``;
* how it reads to people and in Excel: ``explain(result, lang)`` (its part of a node's sentence on
  a score card), ``guide(node)`` and ``how_to_enter(node)`` (the workbook's scoring guide and input
  help, in Vietnamese), ``excel(node, cell, refs)`` (the points as an Excel formula), and the
  inputs it is given in: ``input_names()``, ``input_label``/``input_hint(name)``, ``choices()``,
  ``value_names()``, ``input_suffix``;
* ``targets(node, value, current)``: the inputs that reach the next band and the full score.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Final, Protocol, Self

import attrs
import numpy as np
import numpy.typing as npt

from ..._text import fmt, fold_case
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
    "TOL",
    "ArrayOutcome",
    "Choice",
    "ExcelRefs",
    "Explained",
    "LeafRows",
    "Outcome",
    "Rule",
    "Target",
    "as_number",
    "label_text",
    "need_max",
    "points_text",
    "unit_text",
]

INF = math.inf
#: Points closer than this are the same (a target must gain more than this).
TOL: Final = 1e-9

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


class Explained(Protocol):
    """What :meth:`Rule.explain` reads of a node's result (a card's ``NodeResult``)."""

    @property
    def node(self) -> Node: ...
    @property
    def value(self) -> Any: ...
    @property
    def points(self) -> float | None: ...
    @property
    def raw(self) -> float | None: ...
    @property
    def band(self) -> int | None: ...
    @property
    def clamped(self) -> str | None: ...
    @property
    def fallback(self) -> bool: ...


@attrs.frozen
class ExcelRefs:
    """The cells an Excel formula of a rule reads besides the value cell: the cell of each
    named input, and for a choice the ranges of the texts shown and of their points."""

    inputs: Mapping[str, str] = attrs.field(factory=dict)
    options: str = ""
    points: str = ""


@attrs.frozen
class Choice:
    """One value an officer picks from a list: the text shown, its code and its points."""

    text: str
    code: str
    points: float

    def matches(self, text: str) -> bool:
        """Whether ``text`` (a cell, a typed answer) is this choice, ignoring case."""
        return fold_case(text) == fold_case(self.text)


#: A target of :meth:`Rule.targets`: ``(kind, value, bound, threshold)``; ``kind`` is
#: ``"next"`` or ``"full"``, ``bound`` one of ``>= > <= < =`` (see ``analysis.gaps.Step``).
Target = tuple[str, Any, str, Any]


# -- words --------------------------------------------------------------------------------------

_POINT_WORDS: Final = {
    "vi": ("/", " điểm", "chưa rõ điểm tối đa"),
    "en": (" of ", " points", "maximum not known"),
}


def points_text(points: float | None, node_max: float | None, lang: str) -> str:
    """``"1,5/2 điểm"``, ``"1.5 of 2 points"``; the maximum may be unknown."""
    of, pt, unknown = _POINT_WORDS[lang]
    if node_max is None:
        return f"{fmt(points, lang)}{pt} ({unknown})"
    return f"{fmt(points, lang)}{of}{fmt(node_max, lang)}{pt}"


def label_text(obj: Any, lang: str) -> str:
    """`` «label»`` of a level, item or input, or nothing when it has no label."""
    lab = getattr(obj, "label", None)
    return "" if lab is None else f" «{lab.text(lang)}»"


def unit_text(unit: str, lang: str) -> str:
    """A unit after a number: ``"85%"`` in Vietnamese, ``"85 %"`` in English."""
    return unit if lang == "vi" else (" " + unit if unit else "")


def _points_of(result: Explained, lang: str) -> str:
    return points_text(result.points, result.node.max, lang)


# -- numbers ------------------------------------------------------------------------------------


def bad(message: str, value: Any, error_code: str | None = None, **params: Any) -> AssessmentError:
    """The error of an input value a rule refuses (``error_code`` and its template's fields)."""
    return AssessmentError(message, value=value, error_code=error_code, params=params)


def as_number(value: Any, what: str = "a number") -> float:
    """Read an input value as a finite number (``"12,5 %"`` → 12.5) or raise AssessmentError."""
    if isinstance(value, bool) or value is None:
        raise bad(f"expected {what}", value, "wrong-type", what=what)
    if isinstance(value, int | float):
        try:
            x = float(value)
        except OverflowError:
            raise bad(
                f"expected {what}, not a figure this large",
                value,
                "out-of-range",
                what=what,
                low="-1.8e308",
                high="1.8e308",
            ) from None
    elif isinstance(value, str):
        t = value.strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
        if t.count(",") == 1 and "." not in t:
            t = t.replace(",", ".")
        try:
            x = float(t)
        except ValueError:
            raise bad(f"expected {what}", value, "wrong-type", what=what) from None
    else:
        try:
            x = float(value)
        except (TypeError, ValueError, OverflowError):
            raise bad(f"expected {what}", value, "wrong-type", what=what) from None
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
    #: whether an outline of the tree names this kind beside the node (the default kind,
    #: points given directly, goes without saying)
    shown_in_outline: ClassVar[bool] = True
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

    # -- how the rule reads ----------------------------------------------------------------

    def explain(self, result: Explained, lang: str) -> str:
        """The rule's part of the sentence that explains a leaf's points (``lang`` vi or en)."""
        return ("Điểm chấm: " if lang == "vi" else "points given: ") + _points_of(result, lang)

    def clamp_note(self, result: Explained, lang: str) -> str:
        """What follows :meth:`explain` when the points were limited to the item's bounds."""
        if result.clamped is None:
            return ""
        raw = fmt(result.raw, lang)
        return (
            f" (kết quả {raw} được giới hạn trong khung điểm)"
            if lang == "vi"
            else f" (the result {raw} was limited to the item's bounds)"
        )

    def guide(self, node: Node, reserved: str = "") -> str:
        """The workbook's scoring guide of a leaf scored by this rule (Vietnamese); the choices
        shown avoid the text ``reserved`` (see :meth:`choices`)."""
        top = "?" if node.max is None else fmt(node.max)
        return f"Chấm điểm trực tiếp, từ {fmt(node.min)} đến {top} điểm"

    def how_to_enter(self, node: Node) -> str:
        """The workbook's help on what to type for a leaf scored by this rule (Vietnamese)."""
        hi = "?" if node.max is None else fmt(node.max)
        return f"Nhập số điểm ({fmt(node.min)}–{hi})"

    def excel(self, node: Node, cell: str, refs: ExcelRefs) -> str:
        """An Excel expression giving the points of the value in ``cell`` (or of the inputs
        in ``refs.inputs``)."""
        return cell

    def input_names(self) -> tuple[str, ...]:
        """The names of the inputs, when the rule takes several named numbers (else empty)."""
        return ()

    def input_label(self, name: str) -> str:
        """The workbook's label of the named input ``name`` (Vietnamese)."""
        return name

    def input_hint(self, name: str) -> str:
        """The workbook's help on what to type for the named input ``name`` (Vietnamese)."""
        return ""

    #: whether every named input must be given (a formula) or any of them (counts)
    needs_every_input: ClassVar[bool] = False

    def as_entered(self, value: Any) -> Any:
        """``value`` checked, as an officer enters it (counts: only those given)."""
        return self.check(value)

    def choices(self, reserved: str = "") -> tuple[Choice, ...]:
        """The values picked from a list, as shown to an officer; empty when the value is
        typed. No text shown is ``reserved`` (ignoring case) and no two are the same."""
        return ()

    def value_names(self) -> tuple[tuple[str, str, str], ...]:
        """``(code, Vietnamese, English)`` names of the levels, items or inputs."""
        return ()

    @property
    def input_suffix(self) -> str:
        """The unit written after an input value (``"%"``), or nothing."""
        return ""

    # -- what it takes ----------------------------------------------------------------------

    def targets(self, node: Node, value: Any, current: float) -> list[Target]:
        """The inputs that reach the next band (or level) and the full score from ``value``,
        which earns ``current`` points; empty when no input earns more."""
        return []


def plain(points: F64, bad_: Bool | None = None) -> ArrayOutcome:
    """An outcome whose points are also the raw figure."""
    return ArrayOutcome(points, points, np.zeros(len(points), np.bool_) if bad_ is None else bad_)
