"""Score cards: the result of scoring one unit, node by node, with the reasons.

Values are exact (unrounded floats); :func:`present` rounds half up for display, each figure on
its own, as MOHA publishes them.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from . import __version__, _hooks
from ._compat import renamed
from ._text import present, publish_round
from ._types import Lang, check_lang
from .errors import ParIndexError
from .explain import explain
from .methodology.fingerprint import fingerprint
from .methodology.model import ROOT, Group, Methodology, Node

__all__ = ["CARD_FORMAT_VERSION", "Layer", "NodeResult", "ScoreCard", "present"]

#: The version of the card's dictionary (``ScoreCard.to_dict()``) and of its JSON Schema.
CARD_FORMAT_VERSION = "1"


def present_vi(x: float | None, decimals: int = 2) -> str:
    """Deprecated: use ``present(x, decimals, lang="vi")``."""
    warnings.warn(
        'present_vi is deprecated; use present(x, decimals, lang="vi")',
        DeprecationWarning,
        stacklevel=2,
    )
    return present(x, decimals, lang="vi")


@attrs.frozen
class Layer:
    """One stage's input for a leaf, and the points that input alone would earn."""

    stage: str
    value: Any
    not_applicable: bool
    points: float | None
    note: str | None = None
    evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"stage": self.stage}
        if self.not_applicable:
            out["not_applicable"] = True
        else:
            out["value"] = dict(self.value) if isinstance(self.value, Mapping) else self.value
        out["points"] = self.points
        if self.note:
            out["note"] = self.note
        if self.evidence:
            out["evidence"] = list(self.evidence)
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Layer:
        return cls(
            d["stage"],
            d.get("value"),
            bool(d.get("not_applicable", False)),
            d.get("points"),
            d.get("note"),
            tuple(d.get("evidence", ())),
        )


@attrs.frozen
class NodeResult:
    """The result for one node: points, maxima, index, lost points, where the value came from."""

    node: Node = attrs.field(repr=False, eq=False)
    points: float | None
    max: float | None
    adjusted_max: float | None
    not_applicable: bool = False
    missing: bool = False
    stage: str | None = None
    value: Any = None
    raw: float | None = None
    clamped: str | None = None
    fallback: bool = False
    band: int | None = None
    shared: float | None = None  # factor applied when NA siblings' points were shared
    na_policy: str | None = None  # drop / share / earned, when the node does not apply
    layers: tuple[Layer, ...] = ()
    note: str | None = None
    evidence: tuple[str, ...] = ()
    #: zero / exclude, when the node had no input (``missing``)
    missing_policy: str | None = None
    #: the period whose value was carried forward to this leaf (``score(..., carry=)``)
    carried_from: str | None = None
    #: why items below were left out of the maximum: ``"not_applicable"`` and/or ``"missing"``
    #: (no input under the missing policy ``exclude``); empty for a leaf
    left_out: tuple[str, ...] = ()
    code: str = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "code", self.node.code)

    @property
    def label(self) -> Any:
        return self.node.label

    @property
    def method(self) -> str | None:
        return self.node.method

    @property
    def is_leaf(self) -> bool:
        return self.node.is_leaf

    @property
    def index(self) -> float | None:
        """Points over the adjusted maximum, in percent (None when unknown or not applicable)."""
        if self.points is None or self.adjusted_max is None or self.adjusted_max <= 0:
            return None
        return self.points / self.adjusted_max * 100.0

    @property
    def lost(self) -> float | None:
        """Points lost: adjusted maximum less points (None when unknown)."""
        if self.points is None or self.adjusted_max is None:
            return None
        return self.adjusted_max - self.points

    def explain(self, lang: str = "vi") -> str:
        """Why the node has its points, in Vietnamese (``"vi"``) or English (``"en"``)."""
        return explain(self, check_lang(lang))

    @property
    def explanation(self) -> str:
        """The Vietnamese text of :meth:`explain` (``explain("vi")``), the official language."""
        return explain(self, "vi")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "label": self.node.label.to_dict(),
            "points": self.points,
            "max": self.max,
            "adjusted_max": self.adjusted_max,
            "index": self.index,
            "lost": self.lost,
        }
        if self.node.method is not None:
            out["method"] = self.node.method
        for key in ("not_applicable", "missing", "fallback"):
            if getattr(self, key):
                out[key] = True
        for key in (
            "stage",
            "raw",
            "clamped",
            "band",
            "shared",
            "na_policy",
            "note",
            "missing_policy",
            "carried_from",
        ):
            v = getattr(self, key)
            if v is not None:
                out[key] = v
        if self.value is not None:
            out["value"] = dict(self.value) if isinstance(self.value, Mapping) else self.value
        if self.evidence:
            out["evidence"] = list(self.evidence)
        if self.left_out:
            out["left_out"] = list(self.left_out)
        if self.layers:
            out["layers"] = [la.to_dict() for la in self.layers]
        out["explanation"] = {"vi": explain(self, "vi"), "en": explain(self, "en")}
        return out

    def __repr__(self) -> str:
        mx = present(self.adjusted_max)
        return f"<NodeResult {self.code or 'TOTAL'}: {present(self.points)}/{mx}>"


#: Tolerance of the bounds and sums checked on a card read from a file.
_EPS = 1e-6


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def check_card_data(data: Mapping[str, Any], methodology: Methodology) -> None:
    """Refuse card data (``to_dict`` output read from a file) that its methodology could not
    have produced: an unknown node, a maximum other than the methodology's, points that are not
    a number or lie outside the node's bounds, or a total that is not the sum of its items."""
    nodes = data.get("nodes")
    unit = data.get("unit") if isinstance(data.get("unit"), str) else None
    if not isinstance(nodes, list) or not all(isinstance(d, Mapping) for d in nodes):
        raise ParIndexError(
            "a card needs 'nodes': a list of node results",
            unit=unit,
            error_code="invalid-card",
            pointer="/nodes",
        )
    by_code: dict[str, Mapping[str, Any]] = {}
    for i, d in enumerate(nodes):
        code = d.get("code")
        if not isinstance(code, str) or code not in methodology.nodes:
            raise ParIndexError(
                f"the card names a node {methodology.id} does not have",
                unit=unit,
                value=code,
                error_code="unknown-code" if isinstance(code, str) else "invalid-card",
                pointer=f"/nodes/{i}/code",
            )
        node = methodology.nodes[code]
        mx, adj, pts = d.get("max"), d.get("adjusted_max"), d.get("points")
        if mx != node.max:
            raise ParIndexError(
                f"the card gives the maximum {mx!r}; {methodology.id} says {node.max!r}",
                unit=unit,
                code=code,
                value=mx,
                error_code="invalid-card",
            )
        for name, v in (("points", pts), ("adjusted_max", adj)):
            if v is not None and not _number(v):
                raise ParIndexError(
                    f"'{name}' must be a number",
                    unit=unit,
                    code=code,
                    value=v,
                    error_code="invalid-card",
                )
        top = adj if adj is not None else mx
        if adj is not None and mx is not None and adj > mx + _EPS:
            raise ParIndexError(
                "the adjusted maximum exceeds the maximum",
                unit=unit,
                code=code,
                value=adj,
                error_code="invalid-card",
            )
        low = node.min if node.children else min(node.min, -(mx or 0.0))
        if pts is not None and ((top is not None and pts > top + _EPS) or pts < low - _EPS):
            raise ParIndexError(
                "the points lie outside the node's bounds",
                unit=unit,
                code=code,
                value=pts,
                error_code="invalid-card",
            )
        by_code[code] = d
    for code, d in by_code.items():
        node = methodology.nodes[code]
        kids = [by_code[c] for c in node.children if c in by_code]
        if (
            not kids
            or len(kids) != len(node.children)
            or any(k.get("points") is None for k in kids)
        ):
            continue
        if d.get("points") is None or d.get("shared") is not None or d.get("not_applicable"):
            continue
        total = math.fsum(float(k.get("points") or 0.0) for k in kids)
        got: Any = d.get("raw") if d.get("clamped") else d["points"]
        if _number(got) and abs(total - float(got)) > _EPS * max(1.0, abs(total)):
            raise ParIndexError(
                f"the points of the items below add up to {total:g}, not to the total given",
                unit=unit,
                code=code,
                value=got,
                error_code="invalid-card",
            )


@attrs.define(eq=False, frozen=True)
class ScoreCard:
    """The score of one unit under one methodology.

    ``card.points``, ``card.max`` (the nominal maximum), ``card.adjusted_max`` (the maximum
    after items that do not apply; ``card.max_points`` is the same figure, kept as a documented
    alias), ``card.index`` (percent), ``card.group`` (a :class:`~parindex.methodology.model.Group`;
    ``card.group_code`` its code), ``card["3.1"]`` (a :class:`NodeResult`), ``card.to_dict()``.
    """

    methodology: Methodology = attrs.field(repr=False)
    unit: str
    results: tuple[NodeResult, ...] = attrs.field(repr=False)
    period: str | None = None
    unit_type: str | None = None
    upto: str | None = None
    _pos: Mapping[str, int] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_pos", {r.code: i for i, r in enumerate(self.results)})

    # -- totals -------------------------------------------------------------------------------
    @property
    def total(self) -> NodeResult:
        return self.results[0]

    @property
    def points(self) -> float | None:
        return self.total.points

    @property
    def max(self) -> float:
        """The nominal maximum of the whole index (the methodology's scale)."""
        return self.methodology.scale

    @property
    def adjusted_max(self) -> float | None:
        """The maximum after dropping items that do not apply (:attr:`max` when none)."""
        return self.total.adjusted_max

    @property
    def max_points(self) -> float | None:
        """The same as :attr:`adjusted_max`: an alias kept (without a warning) because the
        public API has always promised ``card.max_points``."""
        return self.total.adjusted_max

    @property
    def scale(self) -> float:
        """Deprecated: use :attr:`max` (the nominal maximum)."""
        renamed("ScoreCard.scale", "ScoreCard.max")
        return self.methodology.scale

    @property
    def index(self) -> float | None:
        return self.total.index

    @property
    def lost(self) -> float | None:
        return self.total.lost

    @property
    def group(self) -> Group | None:
        """The result group for the year (A, B, C...), on the index as published (rounded)."""
        g = self.methodology.grouping
        idx = self.index
        if g is None or idx is None:
            return None
        return g.group_for(publish_round(idx, self.methodology.rounding.decimals))

    @property
    def group_code(self) -> str | None:
        """The code of :attr:`group` (``None`` without a group), as flat rows and frames hold it."""
        g = self.group
        return g.code if g else None

    def __getitem__(self, code: str) -> NodeResult:
        try:
            return self.results[self._pos[str(code)]]
        except KeyError:
            raise ParIndexError(
                f"the card of {self.unit!r} has no node with this code ({self.methodology.id})",
                code=str(code),
            ) from None

    def __contains__(self, code: object) -> bool:
        return code in self._pos and code != ROOT

    def __iter__(self) -> Iterator[NodeResult]:
        return iter(self.results[1:])

    def __len__(self) -> int:
        return len(self.results) - 1

    def leaves(self) -> tuple[NodeResult, ...]:
        return tuple(r for r in self.results[1:] if r.node.is_leaf)

    @property
    def domains(self) -> tuple[NodeResult, ...]:
        """Results of the top-level nodes (domains or components)."""
        return tuple(self[c] for c in self.methodology.root.children)

    @property
    def missing(self) -> tuple[str, ...]:
        """Leaves that had no input (scored by the missing-input policy)."""
        return tuple(r.code for r in self.results if r.missing and r.node.is_leaf)

    @property
    def excluded(self) -> tuple[str, ...]:
        """Leaves left out of the maximum for want of input (missing policy ``exclude``)."""
        return tuple(r.code for r in self.leaves() if r.missing_policy == "exclude")

    @property
    def carried(self) -> dict[str, str]:
        """Leaves whose value was carried forward from an earlier period: code → period."""
        return {r.code: r.carried_from for r in self.leaves() if r.carried_from is not None}

    @property
    def not_applicable(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.results[1:] if r.not_applicable)

    @property
    def clamped(self) -> tuple[str, ...]:
        """Nodes where a bound was applied (a floor, a cap, a bonus cap)."""
        return tuple(r.code for r in self.results if r.clamped is not None)

    def by_method(self) -> dict[str, tuple[float, float | None]]:
        """(points, adjusted maximum) of leaves grouped by method (appraisal, survey, ...).

        Leaf points are taken after any sharing of not-applicable points, before caps applied on
        internal nodes (the card's ``clamped`` lists those).
        """
        out: dict[str, tuple[float, float | None]] = {}
        factors = self.share_factors()
        for r in self.leaves():
            m = r.node.method or "mixed"
            f = factors.get(r.code, 1.0)
            pts, mx = out.get(m, (0.0, 0.0))
            p = (r.points or 0.0) * f
            am = None if (mx is None or r.adjusted_max is None) else mx + r.adjusted_max * f
            out[m] = (pts + p, am)
        return out

    def share_factors(self) -> dict[str, float]:
        """The factor by which each node's points are multiplied on the way up to the total.

        Under ``not_applicable: share`` a node that shares the points of a sibling that does not
        apply has ``shared`` set; every node below it counts that many times more. Nodes missing
        from the mapping have the factor 1. The lost points of :func:`parindex.analysis.gaps.gaps`
        and :meth:`by_method` use it.
        """
        out: dict[str, float] = {}
        for r in self.results:
            if r.shared is None:
                continue
            for n in self.methodology.walk(r.code):
                out[n.code] = out.get(n.code, 1.0) * r.shared
        return out

    def rounded(self, x: float | None) -> str:
        return present(x, self.methodology.rounding.decimals)

    # -- serialisation --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        g = self.group
        return {
            "format_version": CARD_FORMAT_VERSION,
            "library_version": __version__,
            "methodology": self.methodology.id,
            "methodology_fingerprint": fingerprint(self.methodology),
            "unit": self.unit,
            "period": self.period,
            "unit_type": self.unit_type,
            "upto": self.upto,
            "points": self.points,
            "max_points": self.max_points,
            "scale": self.max,
            "index": self.index,
            "group": g.code if g else None,  # the code, as before; also under "group_code"
            "group_code": g.code if g else None,
            "missing": list(self.missing),
            "not_applicable": list(self.not_applicable),
            "clamped": list(self.clamped),
            "nodes": [r.to_dict() for r in self.results],
        }

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], methodology: Methodology | None = None
    ) -> ScoreCard:
        """Rebuild a card from :meth:`to_dict` output, with the methodology it was scored with.

        A card does not load files: for a shipped methodology pass
        ``parindex.load(data["methodology"])``. Leaving ``methodology`` out is deprecated (it is
        still loaded by id, with a :class:`DeprecationWarning`).
        """
        if not isinstance(data, Mapping) or not isinstance(data.get("nodes"), list):
            raise ParIndexError(
                "a card is a mapping with a list of 'nodes'",
                error_code="invalid-card",
                pointer="/nodes",
            )
        try:
            return cls._from_dict(data, methodology)
        except ParIndexError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # a field missing or of the wrong kind: the card does not follow the card schema
            raise ParIndexError(
                f"not a card of the card schema ({type(exc).__name__}: {exc})",
                error_code="invalid-card",
            ) from None

    @classmethod
    def _from_dict(cls, data: Mapping[str, Any], methodology: Methodology | None) -> ScoreCard:
        if methodology is None:
            warnings.warn(
                "ScoreCard.from_dict without the methodology is deprecated; "
                "pass parindex.load(data['methodology'])",
                DeprecationWarning,
                stacklevel=3,
            )
            methodology = _hooks.load_methodology(data["methodology"])
        if methodology.id != data["methodology"]:
            raise ParIndexError(
                f"the card was made with {data['methodology']}, not {methodology.id}",
                value=data["methodology"],
            )
        check_card_data(data, methodology)
        results = []
        for i, d in enumerate(data["nodes"]):
            if d["code"] not in methodology.nodes:
                raise ParIndexError(
                    f"no node {d['code']!r} in {methodology.id}",
                    error_code="unknown-code",
                    params={"methodology": methodology.id},
                    value=d["code"],
                    pointer=f"/nodes/{i}/code",
                )
            node = methodology.nodes[d["code"]]
            results.append(
                NodeResult(
                    node=node,
                    points=d["points"],
                    max=d["max"],
                    adjusted_max=d["adjusted_max"],
                    not_applicable=d.get("not_applicable", False),
                    missing=d.get("missing", False),
                    stage=d.get("stage"),
                    value=d.get("value"),
                    raw=d.get("raw"),
                    clamped=d.get("clamped"),
                    fallback=d.get("fallback", False),
                    band=d.get("band"),
                    shared=d.get("shared"),
                    na_policy=d.get("na_policy"),
                    layers=tuple(Layer.from_dict(x) for x in d.get("layers", ())),
                    note=d.get("note"),
                    evidence=tuple(d.get("evidence", ())),
                    missing_policy=d.get("missing_policy"),
                    carried_from=d.get("carried_from"),
                    left_out=tuple(d.get("left_out", ())),
                )
            )
        return cls(
            methodology,
            data["unit"],
            tuple(results),
            data.get("period"),
            data.get("unit_type"),
            data.get("upto"),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ScoreCard):
            return NotImplemented
        return (
            self.methodology.id == other.methodology.id
            and self.unit == other.unit
            and self.period == other.period
            and self.unit_type == other.unit_type
            and self.upto == other.upto
            and self.results == other.results
        )

    def __hash__(self) -> int:
        return hash((self.methodology.id, self.unit, self.period))

    def __repr__(self) -> str:
        g = self.group
        return (
            f"<ScoreCard {self.unit or '(unit)'} {self.methodology.id}: "
            f"{present(self.points)}/{present(self.max_points)} = {present(self.index)}%"
            + (f", group {g.code}" if g else "")
            + (f", {len(self.missing)} missing" if self.missing else "")
            + ">"
        )

    # -- presentation: through parindex._hooks (render and io sit above the card) ----------------
    def table(self, lang: Lang = "vi", *, depth: int | None = None) -> str:
        """A plain-text table of the card (Vietnamese by default; :func:`parindex.render.text.card_table`)."""
        return _hooks.table(self, lang=check_lang(lang), depth=depth)

    def to_frame(self, lang: Lang = "vi", *, total: bool = True) -> Any:
        """One row per node as a pandas DataFrame (extra ``pandas``; :func:`parindex.io.card_to_frame`)."""
        return _hooks.frame(self, lang=check_lang(lang), total=total)

    def _repr_html_(self) -> str:
        return _hooks.html(self)
