"""From survey uncertainty to rank uncertainty.

The survey-scored and SIPAS-scored items of an index come from samples. :func:`uncertainty`
draws their inputs many times around the values on the cards (from a standard error per item and
unit, from the standard errors of :func:`parindex.survey.estimate`, or from replicate values the
caller gives), scores every draw of every unit with the one engine in a single
:func:`~parindex.score_many` call, and summarises: an interval for each total and component, and
for each unit a rank interval, the probability of each place and group, and of moving up or down
against a previous ranking. A draw is clipped to the item's input range (a satisfaction rate stays
within 0–100), so an item at its bound gets a one-sided spread. Draws are seeded: the same call
gives the same bits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .._text import present
from .._types import Lang, check_lang
from ..card import ScoreCard
from ..engine import AssessmentTable, CardSet, score_many
from ..errors import MissingExtraError, ParIndexError
from ..methodology.model import ROOT, Methodology
from .whatif import assessment_of, scoring_options

__all__ = ["SURVEY_METHODS", "Uncertainty", "places", "uncertainty"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

#: The methods of the items whose figures come from samples (a node's ``method``).
SURVEY_METHODS = ("survey", "sipas")


def places(index: npt.ArrayLike) -> I64:
    """Competition places (1, 2, 2, 4) on the exact index along the last axis, high to low.

    ``index`` is shaped ``[..., units]``; a NaN index gets place 0 (unranked) and does not count.
    """
    x = np.asarray(index, dtype=np.float64)
    key = np.where(np.isnan(x), -np.inf, x)
    order = np.argsort(-key, axis=-1, kind="stable")
    s = np.take_along_axis(key, order, axis=-1)
    n = x.shape[-1]
    pos = np.broadcast_to(np.arange(n), s.shape)
    new = np.ones(s.shape, np.bool_)
    new[..., 1:] = s[..., 1:] != s[..., :-1]
    first = np.maximum.accumulate(np.where(new, pos, 0), axis=-1) + 1
    out = np.empty(s.shape, np.int64)
    np.put_along_axis(out, order, first, axis=-1)
    out[np.isnan(x)] = 0
    return out


@attrs.frozen(eq=False)
class Uncertainty:
    """Simulated scores of every unit: ``values[code]`` is shaped ``[draws, units]`` (the index,
    in percent, of the whole index (code ``""``) and of each top-level component), ``place`` the
    competition place of each draw (on the exact index; 0 where unranked); :meth:`groups` gives
    each draw's group code. ``base_*`` are the figures of the cards themselves."""

    methodology: Methodology = attrs.field(repr=False)
    units: tuple[str, ...]
    codes: tuple[str, ...]
    level: float
    draws: int
    seed: int
    varied: tuple[str, ...]
    values: Mapping[str, F64] = attrs.field(repr=False)
    place: I64 = attrs.field(repr=False)
    base_index: F64 = attrs.field(repr=False)
    base_place: I64 = attrs.field(repr=False)
    previous_place: I64 | None = attrs.field(default=None, repr=False)
    _sim: CardSet | None = attrs.field(default=None, repr=False)
    _order: I64 | None = attrs.field(default=None, repr=False)
    _own_groups: tuple[str | None, ...] = attrs.field(default=(), repr=False)

    def groups(self) -> npt.NDArray[Any]:
        """Each draw's group code, ``[draws, units]`` (computed on demand: the group of a
        draw is the group of its index as published, as on a card)."""
        if self._sim is None or self._order is None:
            raise ParIndexError("no simulated card set")
        order = self._order
        out = np.array(self._sim.groups, dtype=object)[np.maximum(order, 0)]
        fixed = order < 0
        if fixed.any():
            own = np.array(self._own_groups, dtype=object)
            out = np.where(fixed, own[None, :], out)
        return out

    def _q(self) -> tuple[float, float]:
        a = (1.0 - self.level) / 2.0
        return a, 1.0 - a

    def interval(self, code: str = ROOT) -> tuple[F64, F64]:
        """The ``level`` interval of the index (percent) of ``code`` (default: the whole index),
        per unit: equal-tailed percentiles of the draws."""
        if code not in self.values:
            raise ParIndexError("no simulated figures for this code", code=code)
        lo, hi = self._q()
        v = self.values[code]
        return np.quantile(v, lo, axis=0), np.quantile(v, hi, axis=0)

    def rank_interval(self) -> tuple[I64, I64]:
        """The ``level`` interval of each unit's place: the lower and upper percentile places."""
        lo, hi = self._q()
        p = self.place.astype(np.float64)
        low = np.quantile(p, lo, axis=0, method="lower").astype(np.int64)
        high = np.quantile(p, hi, axis=0, method="higher").astype(np.int64)
        return low, high

    def place_probability(self) -> F64:
        """``[units, places]``: the share of draws in which unit ``i`` takes place ``k + 1``."""
        n = len(self.units)
        out = np.zeros((n, n))
        for i in range(n):
            c = np.bincount(self.place[:, i], minlength=n + 1)[1 : n + 1]
            out[i] = c / self.draws
        return out

    def group_probability(self) -> dict[str, F64]:
        """For each group code, the share of draws in which each unit falls in that group."""
        g = self.methodology.grouping
        codes = [x.code for x in g.groups] if g is not None else []
        group = self.groups()
        return {c: (group == c).mean(axis=0) for c in codes}

    def move_probability(self) -> tuple[F64, F64, F64]:
        """Shares of draws in which each unit moves up, keeps its place, or moves down against the
        previous ranking (NaN for units without a previous place)."""
        if self.previous_place is None:
            raise ParIndexError("uncertainty(..., previous=) was not given")
        prev = self.previous_place.astype(np.float64)
        prev[prev == 0] = np.nan
        p = self.place.astype(np.float64)
        p[p == 0] = np.nan
        known = ~np.isnan(prev)
        up = np.where(known, (p < prev).mean(axis=0), np.nan)
        same = np.where(known, (p == prev).mean(axis=0), np.nan)
        down = np.where(known, (p > prev).mean(axis=0), np.nan)
        return up, same, down

    def to_dicts(self) -> list[dict[str, Any]]:
        """One row per unit, in the order of the cards' places."""
        lo, hi = self.interval()
        rlo, rhi = self.rank_interval()
        groups = self.group_probability()
        moves = self.move_probability() if self.previous_place is not None else None
        comp = {c: self.interval(c) for c in self.codes if c != ROOT}
        rows: list[dict[str, Any]] = []
        for i in _order(self.base_place):
            row: dict[str, Any] = {
                "unit": self.units[i],
                "place": int(self.base_place[i]) or None,
                "index": float(self.base_index[i]),
                "index_low": float(lo[i]),
                "index_high": float(hi[i]),
                "place_low": int(rlo[i]) or None,
                "place_high": int(rhi[i]) or None,
            }
            for c, (clo, chi) in comp.items():
                row[f"{c}_low"] = float(clo[i])
                row[f"{c}_high"] = float(chi[i])
            for c, pr in groups.items():
                row[f"p_group_{c}"] = float(pr[i])
            if moves is not None:
                row["previous_place"] = int(self.previous_place[i]) or None  # type: ignore[index]
                row["p_up"], row["p_same"], row["p_down"] = (float(x[i]) for x in moves)
            rows.append(row)
        return rows

    def to_frame(self) -> Any:
        """The rows of :meth:`to_dicts` as a pandas DataFrame (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise MissingExtraError.for_extra("pandas", "pandas", "uncertainty frames") from None
        return pd.DataFrame(self.to_dicts())

    def text(self, lang: Lang = "vi") -> str:
        """A plain table: place, unit, index with its interval, place interval, group chances."""
        vi = check_lang(lang) == "vi"
        pct = round(self.level * 100)
        head = (
            ["Hạng", "Đơn vị", "Chỉ số", f"Khoảng {pct}%", f"Hạng ({pct}%)"]
            if vi
            else ["Place", "Unit", "Index", f"{pct}% interval", f"Place ({pct}%)"]
        )
        groups = list(self.group_probability())
        head += [f"P({'nhóm' if vi else 'group'} {g})" for g in groups]
        d = self.methodology.rounding.decimals
        rows = [head]
        for r in self.to_dicts():
            rows.append(
                [
                    str(r["place"] or "—"),
                    r["unit"],
                    present(r["index"], d),
                    f"{present(r['index_low'], d)}–{present(r['index_high'], d)}",
                    f"{r['place_low'] or '—'}–{r['place_high'] or '—'}",
                    *(present(100 * r[f"p_group_{g}"], 0) + "%" for g in groups),
                ]
            )
        widths = [max(len(row[k]) for row in rows) for k in range(len(head))]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        note = (
            f"{self.draws} lần mô phỏng (seed {self.seed}); biến thiên: {', '.join(self.varied)}."
            if vi
            else f"{self.draws} draws (seed {self.seed}); varied: {', '.join(self.varied)}."
        )
        return "\n".join([*lines, "", note])

    def __str__(self) -> str:
        return self.text()


def _order(place: I64) -> list[int]:
    return sorted(range(len(place)), key=lambda i: (place[i] == 0, place[i], i))


Spread = float | Mapping[str, float]


def uncertainty(
    cards: CardSet | Iterable[ScoreCard],
    *,
    se: Mapping[str, Spread] | None = None,
    estimates: Any = None,
    feeds: Mapping[str, str] | None = None,
    replicates: Mapping[str, npt.ArrayLike] | None = None,
    draws: int = 1000,
    level: float = 0.9,
    seed: int = 20240101,
    previous: CardSet | Iterable[ScoreCard] | None = None,
) -> Uncertainty:
    """Propagate the sampling uncertainty of survey-scored items into totals and places.

    The spread of each varied item's input (on the scale the item is entered in: a rate in
    percent for SIPAS, points for a survey-scored criterion) comes from one of:

    - ``se={code: se}`` or ``{code: {unit: se}}``: a standard error per item (and unit), e.g. per
      published component; draws are normal around the card's input;
    - ``estimates=`` (the result of :func:`parindex.survey.estimate` by unit) with
      ``feeds={code: survey code}`` (``"overall"`` for the overall index): the design-based
      standard error (Taylor, srs or bootstrap) of the estimate that feeds each item, in percent;
    - ``replicates={code: array [R, units]}``: replicate values of the item's input (e.g.
      bootstrap replicates); draw ``d`` takes replicate ``d``, and ``draws`` becomes ``R``.

    ``previous`` (an earlier period's cards) adds the chances of moving up or down. All draws of
    all units are scored by one :func:`~parindex.score_many` call.
    """
    cards = list(cards)
    if not cards:
        raise ParIndexError("uncertainty needs at least one card")
    if not 0.0 < level < 1.0:
        raise ParIndexError("level must be between 0 and 1", value=level)
    m = cards[0].methodology
    if any(c.methodology is not m for c in cards):
        raise ParIndexError("the cards must be scored under one methodology object")
    units = tuple(c.unit for c in cards)
    if len(set(units)) != len(units):
        raise ParIndexError("the same unit appears twice among the cards")
    n = len(cards)
    spread = _spreads(m, units, se, estimates, feeds)
    reps = _replicates(m, n, replicates)
    if reps:
        draws = next(iter(reps.values())).shape[0]
    if draws < 2:
        raise ParIndexError("uncertainty needs at least two draws", value=draws)
    varied = tuple(sorted(set(spread) | set(reps)))
    if not varied:
        raise ParIndexError(
            "nothing to vary: give se=, estimates= with feeds=, or replicates= for the items "
            f"scored by {' or '.join(SURVEY_METHODS)}",
        )
    # the inputs of each unit as columns, once
    options = [scoring_options(c) for c in cards]
    policies = {o["missing"] for o in options}
    if len(policies) > 1 or any("carry" in o for o in options):
        raise ParIndexError(
            "uncertainty takes cards scored with one missing-input policy and without carried "
            "values; score the carried values as inputs first"
        )
    base_unit: list[int] = []
    base_code: list[str] = []
    base_stage: list[str] = []
    base_value: list[Any] = []
    target: dict[tuple[int, str], int] = {}
    for i, c in enumerate(cards):
        a = assessment_of(c)
        for stage, entries in a.stages.items():
            for code, e in entries.items():
                if code in varied and stage == c[code].stage and not e.not_applicable:
                    target[(i, code)] = len(base_value)
                base_unit.append(i)
                base_code.append(code)
                base_stage.append(stage)
                base_value.append("NA" if e.not_applicable else e.value)
    rows = len(base_value)
    rng = np.random.default_rng(seed)
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in base_value)
    value: Any
    if numeric:
        value = np.tile(np.array(base_value, np.float64), draws)
    else:
        value = base_value * draws
    for code in varied:
        node = m[code]
        if node.rule is None:
            raise ParIndexError("only leaf items can be varied", code=code)
        low, high, _ = node.rule.input_range(node)
        for i in range(n):
            r = target.get((i, code))
            if r is None:
                continue  # no input, or not applicable: nothing to vary
            centre = float(base_value[r])
            if code in reps:
                x = reps[code][:, i]
            else:
                s = spread[code][i]
                if not np.isfinite(s) or s <= 0:
                    continue
                x = centre + s * rng.standard_normal(draws)
            x = np.clip(x, low, high)
            if numeric:
                value[r::rows] = x
            else:
                for d in range(draws):
                    value[d * rows + r] = float(x[d])
    unit_col = np.char.add(
        np.repeat(np.arange(draws).astype(str), rows),
        np.tile(np.char.add("\x1f", np.array(base_unit, np.int64).astype(str)), draws),
    )
    table = AssessmentTable.from_columns(
        unit=unit_col.tolist(),
        code=base_code * draws,
        value=value,
        stage=base_stage[0] if len(set(base_stage)) == 1 else base_stage * draws,
    )
    sim = score_many(m, table, upto=cards[0].upto, missing=policies.pop())
    # the table's units come in order of first appearance: draw by draw, the cards with rows
    with_rows = np.zeros(n, np.bool_)
    with_rows[np.array(base_unit, np.int64)] = True
    k = int(with_rows.sum())
    rank_in_draw = np.where(with_rows, np.cumsum(with_rows) - 1, -1)
    order = np.where(with_rows[None, :], np.arange(draws)[:, None] * k + rank_in_draw[None, :], -1)
    assert len(sim) == draws * k
    # a unit without any input has no rows: every draw is its card's figure
    fixed = order < 0
    codes = (ROOT, *(x.code for x in m.top))
    values: dict[str, F64] = {}
    for code in codes:
        col = sim.node_index(code)[np.maximum(order, 0)]
        if fixed.any():
            own = np.array([_index(c, code) for c in cards])
            col = np.where(fixed, own[None, :], col)
        values[code] = col
    base_index = np.array([np.nan if c.index is None else c.index for c in cards])
    prev = None
    if previous is not None:
        earlier = {c.unit: c.index for c in previous}
        pidx = np.array([earlier.get(u) for u in units], dtype=np.float64)
        prev = places(pidx)
    return Uncertainty(
        m,
        units,
        codes,
        level,
        draws,
        seed,
        varied,
        values,
        places(values[ROOT]),
        base_index,
        places(base_index),
        prev,
        sim,
        order,
        tuple(c.group.code if c.group else None for c in cards),
    )


def _index(card: ScoreCard, code: str) -> float:
    x = card.index if code == ROOT else card[code].index
    return np.nan if x is None else float(x)


def _spreads(
    m: Methodology,
    units: tuple[str, ...],
    se: Mapping[str, Spread] | None,
    estimates: Any,
    feeds: Mapping[str, str] | None,
) -> dict[str, F64]:
    out: dict[str, F64] = {}
    for code, s in (se or {}).items():
        if code not in m:
            raise ParIndexError(f"{m.id} has no node with this code", code=str(code))
        if isinstance(s, Mapping):
            out[code] = np.array([float(s.get(u, np.nan)) for u in units])
        else:
            out[code] = np.full(len(units), float(s))
    if estimates is not None:
        if not feeds:
            raise ParIndexError("estimates= needs feeds={item code: survey code}")
        for code, feed in feeds.items():
            if code not in m:
                raise ParIndexError(f"{m.id} has no node with this code", code=str(code))
            col = []
            for u in units:
                g = estimates[u]
                e = g.overall if feed == "overall" else g[feed]
                col.append(e.se)
            out[code] = np.array(col, dtype=np.float64)
    return out


def _replicates(
    m: Methodology, n: int, replicates: Mapping[str, npt.ArrayLike] | None
) -> dict[str, F64]:
    out: dict[str, F64] = {}
    for code, r in (replicates or {}).items():
        if code not in m:
            raise ParIndexError(f"{m.id} has no node with this code", code=str(code))
        a = np.asarray(r, dtype=np.float64)
        if a.ndim != 2 or a.shape[1] != n:
            raise ParIndexError(
                "replicates are shaped [replicates, units], units in the order of the cards",
                code=code,
                value=a.shape,
            )
        out[code] = a
    shapes = {a.shape[0] for a in out.values()}
    if len(shapes) > 1:
        raise ParIndexError("every item needs the same number of replicates", value=sorted(shapes))
    return out
