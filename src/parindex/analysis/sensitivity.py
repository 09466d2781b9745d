"""Sensitivity of places to the methodology (after COINr's ``get_sensitivity``).

:func:`sensitivity` draws many variants of the methodology's choices and reports each unit's
place under them and which choice moves places most:

- **weights**: each domain's (top-level regular node's) maximum is multiplied by a factor drawn uniformly
  in ``[1 - spread, 1 + spread]``, and the maxima are renormalised to the scale. A domain's points
  and adjusted maximum are rescaled with its maximum (the domain keeps its index), and the index
  is the total points over the total adjusted maximum, as the engine computes it; bonus and
  penalty domains keep their points;
- **not-applicable policy**: each variant takes one of ``policies`` (``drop``, ``share``,
  ``earned``); the units are scored by the one engine (:func:`~parindex.score_many`) once per
  policy, on a copy of the methodology made by :func:`~parindex.analysis.whatif.modify`.

Alternative aggregation (a geometric mean of the domains, say) is not offered: the engine has one
aggregation, the arithmetic sum the decisions prescribe, and an index computed otherwise would
not be the index of any methodology parindex can read.

The weight variants are applied to the domains' totals of those few engine runs with one matrix
product per policy, so ten thousand variants cost little more than one (see
``benchmarks/bench_sensitivity.py``). Before that, the rescaling with every factor at 1 is checked
against the engine's own index, unit by unit: a methodology whose index is not the sum of its
domains (a cap, a bonus or a penalty at the top) is refused. Variants are seeded.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .._types import Lang, NAPolicy, check_lang
from ..card import ScoreCard
from ..engine import CardSet, score_many
from ..errors import ParIndexError
from ..methodology.model import NA_POLICIES, Methodology
from .uncertainty import places
from .whatif import assessment_of, modify, scoring_options

__all__ = ["Sensitivity", "Totals", "reweight", "sensitivity"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


def reweight(
    points: F64,
    adjusted: F64,
    factors: F64,
    *,
    extra: F64 | None = None,
    shared: npt.NDArray[np.bool_] | None = None,
    scale: float = 100.0,
    low: float = 0.0,
) -> F64:
    """The index (percent) of every unit under every weight variant.

    ``points`` and ``adjusted`` are the weighted domains' points and adjusted maxima,
    ``[domains, units]``; ``factors`` the rescaling of each domain's maximum,
    ``[variants, domains]``; ``extra`` the points of bonus and penalty domains per unit (added,
    not weighted); ``shared`` marks the units whose top level shares the points of domains that do
    not apply (policy ``share``: the weighted total is scaled up to ``scale``). The total is
    clamped to ``[low, adjusted total]`` as the engine clamps a node. Returns
    ``[variants, units]`` (NaN where a figure is unknown or the adjusted total is 0).
    """
    with np.errstate(all="ignore"):
        num = factors @ points
        den = factors @ adjusted
        if shared is not None and shared.any():
            num = np.where(shared, num * (scale / den), num)
            den = np.where(shared, scale, den)
        if extra is not None:
            num = num + extra
        num = np.where(num > den, den, np.where(num < low, low, num))
        out: F64 = np.where(den > 0, num / den * 100.0, np.nan)
    return out


@attrs.frozen(eq=False)
class Totals:
    """What :func:`reweight` needs of one engine run: the weighted domains' points and adjusted
    maxima ``[domains, units]``, the bonus and penalty points and where the top level shares."""

    points: F64
    adjusted: F64
    extra: F64
    shared: npt.NDArray[np.bool_]

    def index(self, factors: F64, m: Methodology) -> F64:
        scale = m.root.max if m.root.max is not None else math.nan
        return reweight(
            self.points,
            self.adjusted,
            factors,
            extra=self.extra,
            shared=self.shared,
            scale=scale,
            low=m.root.min,
        )


@attrs.frozen(eq=False)
class Sensitivity:
    """Places of every unit under ``variants`` draws of the methodology's choices.

    ``place`` is ``[variants, units]`` (competition places on the exact index, 0 where unranked),
    ``weights`` the domains' maxima of each variant ``[variants, domains]``, ``policy`` the
    not-applicable policy of each variant (an index into ``policies``).
    """

    methodology: Methodology = attrs.field(repr=False)
    units: tuple[str, ...]
    domains: tuple[str, ...]
    policies: tuple[str, ...]
    spread: float
    variants: int
    seed: int
    index: F64 = attrs.field(repr=False)
    place: I64 = attrs.field(repr=False)
    weights: F64 = attrs.field(repr=False)
    policy: I64 = attrs.field(repr=False)
    base_place: I64 = attrs.field(repr=False)

    def rank_interval(self, level: float = 0.9) -> tuple[I64, I64]:
        """Equal-tailed ``level`` interval of each unit's place over the variants."""
        a = (1.0 - level) / 2.0
        p = self.place.astype(np.float64)
        lo = np.quantile(p, a, axis=0, method="lower").astype(np.int64)
        hi = np.quantile(p, 1.0 - a, axis=0, method="higher").astype(np.int64)
        return lo, hi

    def median_place(self) -> F64:
        out: F64 = np.median(self.place, axis=0)
        return out

    def place_probability(self) -> F64:
        """``[units, places]``: the share of variants in which unit ``i`` takes place ``k + 1``."""
        n = len(self.units)
        return np.stack(
            [np.bincount(self.place[:, i], minlength=n + 1)[1:] / self.variants for i in range(n)]
        )

    def shift(self) -> F64:
        """Mean absolute change of place against the methodology as written, per variant."""
        ranked = self.base_place > 0
        out: F64 = np.abs(self.place[:, ranked] - self.base_place[ranked]).mean(axis=1)
        return out

    def influence(self) -> dict[str, float]:
        """Which choice moves places most: for each domain's weight and for the not-applicable
        policy, the first-order sensitivity index of the mean absolute place shift (the share of
        its variance explained by that choice alone: ``Var(E[shift | choice]) / Var(shift)``,
        estimated over 20 equal-count bins of a weight, or the levels of the policy)."""
        y = self.shift()
        total = float(y.var())
        out: dict[str, float] = {}
        if total == 0:
            return {**{d: 0.0 for d in self.domains}, "not_applicable": 0.0}
        for k, d in enumerate(self.domains):
            order = np.argsort(self.weights[:, k], kind="stable")
            bins = np.array_split(y[order], 20)
            means = np.array([b.mean() for b in bins if len(b)])
            sizes = np.array([len(b) for b in bins if len(b)])
            out[d] = float(np.average((means - y.mean()) ** 2, weights=sizes) / total)
        if len(self.policies) > 1:
            levels = [y[self.policy == k] for k in range(len(self.policies))]
            means = np.array([v.mean() for v in levels if len(v)])
            sizes = np.array([len(v) for v in levels if len(v)])
            out["not_applicable"] = float(
                np.average((means - y.mean()) ** 2, weights=sizes) / total
            )
        else:
            out["not_applicable"] = 0.0
        return out

    def to_dicts(self, level: float = 0.9) -> list[dict[str, Any]]:
        """One row per unit, in the order of the places under the methodology as written."""
        lo, hi = self.rank_interval(level)
        med = self.median_place()
        order = sorted(
            range(len(self.units)),
            key=lambda i: (self.base_place[i] == 0, self.base_place[i], i),
        )
        return [
            {
                "unit": self.units[i],
                "place": int(self.base_place[i]) or None,
                "median_place": float(med[i]),
                "place_low": int(lo[i]) or None,
                "place_high": int(hi[i]) or None,
            }
            for i in order
        ]

    def text(self, lang: Lang = "vi", level: float = 0.9) -> str:
        vi = check_lang(lang) == "vi"
        pct = round(level * 100)
        rows = [
            ["Hạng", "Đơn vị", "Trung vị", f"Hạng ({pct}%)"]
            if vi
            else ["Place", "Unit", "Median", f"Place ({pct}%)"]
        ]
        for r in self.to_dicts(level):
            rows.append(
                [
                    str(r["place"] or "—"),
                    r["unit"],
                    f"{r['median_place']:g}",
                    f"{r['place_low'] or '—'}–{r['place_high'] or '—'}",
                ]
            )
        widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        infl = sorted(self.influence().items(), key=lambda kv: -kv[1])
        head = "Ảnh hưởng (chỉ số bậc nhất)" if vi else "Influence (first-order index)"
        lines += ["", head + ": " + ", ".join(f"{k} {v:.2f}" for k, v in infl)]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


def sensitivity(
    cards: CardSet | Iterable[ScoreCard],
    *,
    variants: int = 1000,
    spread: float = 0.25,
    policies: Sequence[NAPolicy] | None = None,
    seed: int = 20240101,
) -> Sensitivity:
    """Places of the cards' units under ``variants`` random variants of the methodology.

    ``spread``: each domain's maximum varies within ``±spread`` of its value (0.25: ±25 %),
    renormalised to the scale. ``policies``: the not-applicable policies to draw from (default:
    the methodology's own only). The units are scored once per policy by the one engine.
    """
    cards = list(cards)
    if not cards:
        raise ParIndexError("sensitivity needs at least one card")
    if not 0.0 <= spread < 1.0:
        raise ParIndexError("spread must be at least 0 and below 1", value=spread)
    if variants < 1:
        raise ParIndexError("variants must be at least 1", value=variants)
    m = cards[0].methodology
    if any(c.methodology is not m for c in cards):
        raise ParIndexError("the cards must be scored under one methodology object")
    pols = tuple(policies) if policies else (m.na_policy,)
    for p in pols:
        if p not in NA_POLICIES:
            raise ParIndexError(f"policies are among {', '.join(NA_POLICIES)}", value=p)
    weighted = [n for n in m.top if n.role == "regular"]
    others = [n.code for n in m.top if n.role != "regular"]
    domains = tuple(n.code for n in weighted)
    maxima = np.array([np.nan if n.max is None else n.max for n in weighted], np.float64)
    if np.isnan(maxima).any():
        raise ParIndexError("the weights of domains whose maximum is not known cannot be varied")
    options = scoring_options(cards[0])
    if "carry" in options or any(scoring_options(c) != options for c in cards[1:]):
        raise ParIndexError(
            "sensitivity takes cards scored with one missing-input policy and without carried values"
        )
    assessments = [assessment_of(c) for c in cards]
    totals: list[Totals] = []
    for p in pols:
        mp = m if p == m.na_policy else modify(m, not_applicable=p)
        cs = score_many(mp, assessments, upto=cards[0].upto, missing=options["missing"])
        pts = np.stack([cs.node_points(d) for d in domains])
        adj = np.stack([cs.node_adjusted_max(d) for d in domains])
        extra = np.zeros(len(cs))
        for d in others:
            extra = extra + cs.node_points(d)
        shared = ~np.isnan(cs.shared_matrix[:, cs.plan.position[m.root.code]])
        run = Totals(pts, adj, extra, shared)
        again = run.index(np.ones((1, len(domains))), m)[0]
        same = np.isclose(again, cs.index, rtol=0, atol=1e-9) | (
            np.isnan(again) & np.isnan(cs.index)
        )
        if not same.all():
            i = int(np.argmax(~same))
            raise ParIndexError(
                "the index is not the sum of its domains here (a cap, a bonus or a penalty at "
                "the top): its weights cannot be varied by rescaling the domains",
                unit=cs.units[i],
            )
        totals.append(run)
    rng = np.random.default_rng(seed)
    f = rng.uniform(1.0 - spread, 1.0 + spread, (variants, len(domains)))
    weights = maxima * f
    weights *= maxima.sum() / weights.sum(axis=1, keepdims=True)
    factors = weights / np.where(maxima == 0, 1.0, maxima)
    policy = rng.integers(0, len(pols), variants)
    index = np.empty((variants, len(cards)))
    for k, run in enumerate(totals):
        rows = policy == k
        index[rows] = run.index(factors[rows], m)
    base = np.array([np.nan if c.index is None else c.index for c in cards])
    return Sensitivity(
        m,
        tuple(c.unit for c in cards),
        domains,
        pols,
        spread,
        variants,
        seed,
        index,
        places(index),
        weights,
        policy,
        places(base),
    )
