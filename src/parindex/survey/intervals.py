"""Confidence intervals for proportions and for linearised estimates (no SciPy needed)."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from ..errors import SurveyError

__all__ = ["normal_quantile", "wald", "wilson"]

Array = npt.NDArray[np.float64]


def normal_quantile(level: float) -> float:
    """The two-sided normal quantile for a confidence level (1.959964 for 0.95)."""
    if not 0 < level < 1:
        raise SurveyError("the confidence level must lie between 0 and 1", value=level)
    return NormalDist().inv_cdf((1 + level) / 2)


def wilson(p: Array | float, n: Array | float, level: float = 0.95) -> tuple[Array, Array]:
    """Wilson score interval for a proportion ``p`` (0–1) of ``n`` answers (simple random sample).

    Where ``n`` is 0 the interval is NaN.
    """
    z = normal_quantile(level)
    p_a = np.asarray(p, dtype=np.float64)
    n_a = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = 1 + z * z / n_a
        centre = (p_a + z * z / (2 * n_a)) / denom
        half = z / denom * np.sqrt(p_a * (1 - p_a) / n_a + z * z / (4 * n_a * n_a))
    low = np.where(n_a > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
    high = np.where(n_a > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    return low, high


def wald(
    estimate: Array | float,
    se: Array | float,
    level: float = 0.95,
    bounds: tuple[float, float] = (-math.inf, math.inf),
) -> tuple[Array, Array]:
    """Estimate ± z × standard error, clipped to ``bounds``."""
    z = normal_quantile(level)
    e = np.asarray(estimate, dtype=np.float64)
    s = np.asarray(se, dtype=np.float64)
    return np.clip(e - z * s, *bounds), np.clip(e + z * s, *bounds)
