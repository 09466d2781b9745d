"""Survey estimates into PAR INDEX points, and the values the scoring engine's survey stage takes.

* :func:`sipas_points`: the SIPAS percent to its component of the provincial PAR INDEX
  (10 of 100 points under 1149/QĐ-BNV and 876/QĐ-BNV: points = percent × 10 / 100).
* :func:`mean_to_points`: a survey group's mean answer onto the maximum of a survey-scored item
  (``anchor="min"``: the lowest answer gives 0 points; ``anchor="zero"``: points = maximum × mean /
  top of the scale), as the engine's ``survey_mean`` rule does.
* :func:`rate_to_points`: a satisfaction rate times a criterion's maximum (provincial schemes), as
  the engine's ``satisfaction`` rule does.
* :func:`survey_stage_values`: ``{node code: value}`` for the engine's assessment readers: for a
  ``satisfaction`` rule a percent in 0–100, for a ``survey_mean`` rule the mean answer on the rule's
  scale, for a ``points`` rule the points.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from ..errors import SurveyError
from .estimate import Estimates

__all__ = ["mean_to_points", "rate_to_points", "sipas_points", "survey_stage_values"]


def _finite(x: float, what: str) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise SurveyError(f"{what} must be a number", value=x) from None
    if not math.isfinite(v):
        raise SurveyError(f"{what} must be a finite number", value=x)
    return v


def sipas_points(percent: float, weight: float = 10.0) -> float:
    """SIPAS percent (0–100) to PAR INDEX points: ``percent × weight / 100``.

    >>> sipas_points(83.25)
    8.325
    """
    p = _finite(percent, "a SIPAS percent")
    w = _finite(weight, "the SIPAS weight")
    if not 0 <= p <= 100:
        raise SurveyError("a SIPAS percent lies between 0 and 100", value=percent)
    if w < 0:
        raise SurveyError("the SIPAS weight must not be negative", value=weight)
    return p * w / 100.0


def mean_to_points(
    mean: float,
    *,
    maximum: float,
    scale: tuple[float, float] = (1.0, 5.0),
    anchor: Literal["min", "zero"] = "min",
) -> float:
    """A mean answer on ``scale`` mapped linearly onto ``maximum`` points.

    >>> mean_to_points(4.0, maximum=2.0)          # (4 - 1) / (5 - 1) × 2
    1.5
    >>> mean_to_points(4.0, maximum=2.0, anchor="zero")   # 4 / 5 × 2
    1.6
    """
    m = _finite(mean, "a mean answer")
    mx = _finite(maximum, "the maximum")
    lo, hi = (_finite(scale[0], "the scale's low end"), _finite(scale[1], "the scale's top"))
    if not lo < hi:
        raise SurveyError("the scale's low end must be below its top", value=scale)
    if not lo <= m <= hi:
        raise SurveyError(f"a mean answer must lie on the scale {lo:g}–{hi:g}", value=mean)
    if mx < 0:
        raise SurveyError("the maximum must not be negative", value=maximum)
    if anchor == "min":
        return mx * (m - lo) / (hi - lo)
    if anchor == "zero":
        return mx * m / hi
    raise SurveyError("anchor must be 'min' or 'zero'", value=anchor)


def rate_to_points(
    rate: float, maximum: float, *, unit: Literal["percent", "fraction"] = "percent"
) -> float:
    """A satisfaction rate times a criterion's maximum: ``rate / 100 × maximum`` for a percent.

    >>> rate_to_points(75.0, 12.0)
    9.0
    """
    r = _finite(rate, "a satisfaction rate")
    mx = _finite(maximum, "the maximum")
    top = 100.0 if unit == "percent" else 1.0
    if unit not in ("percent", "fraction"):
        raise SurveyError("unit must be 'percent' or 'fraction'", value=unit)
    if not 0 <= r <= top:
        raise SurveyError(f"a satisfaction rate lies between 0 and {top:g}", value=rate)
    if mx < 0:
        raise SurveyError("the maximum must not be negative", value=maximum)
    return r / top * mx


def survey_stage_values(
    estimates: Estimates,
    targets: Mapping[str, tuple[str, str]],
    *,
    group: tuple[str, ...] | str,
) -> dict[str, float]:
    """Values for the scoring engine's survey stage, one per PAR node.

    ``targets`` maps a PAR node code to ``(what, survey code)`` where ``what`` is ``"percent"``
    (the node's ``satisfaction`` rule takes the index in percent), or ``"mean"`` (a
    ``survey_mean`` rule takes the item's mean answer); the survey code is ``"overall"``, an
    aggregate or an item. Values keep full precision.
    """
    key = (group,) if isinstance(group, str) else tuple(group)
    g = estimates.group(*key)
    out: dict[str, float] = {}
    for node, (what, code) in targets.items():
        if code == "overall":
            est = g.overall
        elif code in g.nodes:
            est = g.nodes[code]
        else:
            raise SurveyError(
                f"PAR node {node!r}: no survey estimate with the code {code!r}",
                code=node,
                value=code,
            )
        if what == "percent":
            value = est.value
        elif what == "mean":
            if est.mean is None:
                raise SurveyError(
                    f"PAR node {node!r}: a mean answer exists only for an item",
                    code=node,
                    value=code,
                )
            value = est.mean
        else:
            raise SurveyError("what must be 'percent' or 'mean'", code=node, value=what)
        if not math.isfinite(value):
            raise SurveyError(
                f"PAR node {node!r}: the survey gives no valid answer for {code!r}",
                code=node,
                unit="/".join(key),
                value=code,
            )
        out[node] = value
    return out
