"""Confidence intervals for proportions and for linearised estimates (no SciPy needed).

The Student t and beta quantiles invert the regularised incomplete beta function (continued
fraction of Numerical Recipes §6.4) by Halley steps from its first guess, kept inside a bracket,
vectorised over arrays (each element stops at its own convergence).
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from ..errors import SurveyError

__all__ = [
    "INTERVALS",
    "beta_quantile",
    "effective_n",
    "korn_graubard",
    "logit",
    "normal_quantile",
    "t_quantile",
    "wald",
    "wilson",
]

#: Interval methods for a proportion under a design (see docs/survey.md).
INTERVALS = ("wald", "logit", "beta", "wilson")

Array = npt.NDArray[np.float64]


def normal_quantile(level: float) -> float:
    """The two-sided normal quantile for a confidence level (1.959964 for 0.95)."""
    if not 0 < level < 1:
        raise SurveyError("the confidence level must lie between 0 and 1", value=level)
    return NormalDist().inv_cdf((1 + level) / 2)


def wilson(
    p: Array | float, n: Array | float, level: float = 0.95, df: Array | float = math.inf
) -> tuple[Array, Array]:
    """Wilson score interval for a proportion ``p`` (0–1) of ``n`` answers (simple random sample,
    or the effective sample size under a design), with the t quantile of ``df`` degrees of freedom.

    Where ``n`` is 0 the interval is NaN.
    """
    z = normal_quantile(level) if np.all(np.isinf(df)) else t_quantile(level, df)
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
    df: Array | float = math.inf,
) -> tuple[Array, Array]:
    """Estimate ± q × standard error, clipped to ``bounds``: q the normal quantile, or the Student
    t quantile with ``df`` degrees of freedom."""
    z = normal_quantile(level) if np.all(np.isinf(df)) else t_quantile(level, df)
    e = np.asarray(estimate, dtype=np.float64)
    s = np.asarray(se, dtype=np.float64)
    return np.clip(e - z * s, *bounds), np.clip(e + z * s, *bounds)


_lgamma = np.frompyfunc(math.lgamma, 1, 1)


def _betacf(a: Array, b: Array, x: Array) -> Array:
    """The continued fraction of the incomplete beta function (modified Lentz), elementwise.

    Each element stops at its own convergence: the loop carries only the unconverged ones.
    """
    tiny = 1e-300
    out = np.empty_like(x)
    idx = np.arange(x.size)
    a, b, x = a.ravel(), b.ravel(), x.ravel()
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    d = 1.0 - qab * x / qap
    d = np.where(np.abs(d) < tiny, tiny, d)
    d = 1.0 / d
    h = d.copy()
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / np.where(np.abs(d) < tiny, tiny, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        h = h * d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / np.where(np.abs(d) < tiny, tiny, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        delta = d * c
        h = h * delta
        done = ~(np.abs(delta - 1.0) >= 1e-15)  # NaN counts as done
        if done.any():
            out.flat[idx[done]] = h[done]
            keep = ~done
            if not keep.any():
                return out
            idx, a, b, x, c, d, h = idx[keep], a[keep], b[keep], x[keep], c[keep], d[keep], h[keep]
            qab, qap, qam = qab[keep], qap[keep], qam[keep]
    out.flat[idx] = h
    return out


def _betainc(a: Array, b: Array, x: Array, lbeta: Array) -> Array:
    """The regularised incomplete beta function I_x(a, b); ``lbeta`` = log B(a, b)."""
    x = np.clip(x, 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        front = np.exp(a * np.log(x) + b * np.log1p(-x) - lbeta)
        direct = x < (a + 1.0) / (a + b + 2.0)
        xs = np.where(direct, x, 1.0 - x)
        aa, bb = np.where(direct, a, b), np.where(direct, b, a)
        cf = _betacf(aa, bb, np.where((xs > 0) & (xs < 1), xs, 0.5))
        out = np.where(direct, front * cf / a, 1.0 - front * cf / b)
    return np.where(x <= 0, 0.0, np.where(x >= 1, 1.0, out))


def _beta_start(q: float, a: Array, b: Array) -> Array:
    """A first guess of the q quantile of Beta(a, b) (Numerical Recipes §6.4 ``invbetai``:
    Abramowitz–Stegun 26.5.22 where a, b ≥ 1, the tails of the density elsewhere)."""
    pp = q if q < 0.5 else 1 - q
    t = math.sqrt(-2.0 * math.log(pp))
    z = (2.30753 + t * 0.27061) / (1.0 + t * (0.99229 + t * 0.04481)) - t
    z = -z if q < 0.5 else z
    al = (z * z - 3.0) / 6.0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        h = 2.0 / (1.0 / (2.0 * a - 1.0) + 1.0 / (2.0 * b - 1.0))
        w = z * np.sqrt(al + h) / h - (1.0 / (2.0 * b - 1) - 1.0 / (2.0 * a - 1.0)) * (
            al + 5.0 / 6.0 - 2.0 / (3.0 * h)
        )
        big = a / (a + b * np.exp(2.0 * w))
        lna, lnb = np.log(a / (a + b)), np.log(b / (a + b))
        ta, tb = np.exp(a * lna) / a, np.exp(b * lnb) / b
        tw = ta + tb
        small = np.where(
            q < ta / tw, (a * tw * q) ** (1.0 / a), 1.0 - (b * tw * (1.0 - q)) ** (1.0 / b)
        )
    x = np.where((a >= 1) & (b >= 1), big, small)
    return np.where(np.isfinite(x) & (x > 0) & (x < 1), x, 0.5)


def beta_quantile(q: float, a: Array | float, b: Array | float) -> Array:
    """The q quantile of Beta(a, b), elementwise; NaN where a or b is not positive and finite.

    Halley steps from the first guess of :func:`_beta_start`, kept inside a bracket of the root
    (bisection where a step leaves it or stalls), each element until its own step is below 1e-14
    of it, or until the bracket holds no float between its ends.
    """
    a_a, b_a = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
    shape = a_a.shape
    ok = (np.isfinite(a_a) & np.isfinite(b_a) & (a_a > 0) & (b_a > 0)).ravel()
    out = np.full(ok.shape, np.nan)
    idx = np.flatnonzero(ok)
    a_s, b_s = a_a.ravel()[idx], b_a.ravel()[idx]
    lbeta = np.asarray(_lgamma(a_s) + _lgamma(b_s) - _lgamma(a_s + b_s), dtype=np.float64)
    x = _beta_start(q, a_s, b_s)
    lo, hi = np.zeros_like(x), np.ones_like(x)
    prev = np.full_like(x, np.inf)
    for _ in range(200):
        if idx.size == 0:
            break
        f = _betainc(a_s, b_s, x, lbeta) - q
        lo, hi = np.where(f < 0, x, lo), np.where(f < 0, hi, x)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            dens = np.exp((a_s - 1) * np.log(x) + (b_s - 1) * np.log1p(-x) - lbeta)
            u = f / dens
            bend = np.minimum(1.0, u * ((a_s - 1) / x - (b_s - 1) / (1 - x)))
            step = x - u / (1.0 - 0.5 * bend)
        inside = np.isfinite(step) & (step >= lo) & (step <= hi)
        small = inside & (np.abs(step - x) <= 1e-14 * np.maximum(x, 1e-300))
        converged = (small & (np.abs(f) <= 1e-9)) | (f == 0)
        collapsed = hi <= np.nextafter(lo, 2.0)  # the root lies between two adjacent floats
        done = converged | collapsed
        # bisect where the step leaves the bracket, stalls far from the root (the density is
        # unbounded at 0 or 1) or does not halve the step before (as Numerical Recipes' rtsafe)
        halley = inside & ~small & (np.abs(step - x) <= 0.5 * prev)
        new = np.where(halley, step, (lo + hi) / 2)
        new = np.where(converged, np.where(inside, step, x), np.where(collapsed, lo, new))
        prev, x = np.abs(new - x), new
        if done.any():
            out[idx[done]] = x[done]
            keep = ~done
            idx, a_s, b_s, lbeta = idx[keep], a_s[keep], b_s[keep], lbeta[keep]
            x, lo, hi, prev = x[keep], lo[keep], hi[keep], prev[keep]
    out[idx] = x
    return out.reshape(shape)


def t_quantile(level: float, df: Array | float) -> Array:
    """The two-sided Student t quantile for a confidence level; ``df = inf`` gives the normal one.

    NaN where ``df`` is not positive.
    """
    z = normal_quantile(level)
    d = np.asarray(df, dtype=np.float64)
    finite = np.isfinite(d) & (d > 0)
    ds = np.where(finite, d, 1.0)
    # P(|T| > t) = I_{d / (d + t²)}(d / 2, 1 / 2) = 1 - level
    x = beta_quantile(1 - level, ds / 2, np.full_like(ds, 0.5))
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.sqrt(ds * (1 - x) / x)
    return np.where(finite, t, np.where(np.isinf(d) & (d > 0), z, np.nan))


def logit(
    p: Array | float, se: Array | float, level: float = 0.95, df: Array | float = math.inf
) -> tuple[Array, Array]:
    """The logit interval of a proportion (0–1): a Wald interval of log(p / (1 − p)), its
    standard error se / (p (1 − p)) by the delta method, mapped back (R ``svyciprop`` "logit").

    Undefined (NaN) at p = 0 or 1.
    """
    q = t_quantile(level, df)
    p_a = np.asarray(p, dtype=np.float64)
    s = np.asarray(se, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.log(p_a / (1 - p_a))
        half = q * s / (p_a * (1 - p_a))
        lo, hi = 1 / (1 + np.exp(-(eta - half))), 1 / (1 + np.exp(-(eta + half)))
    inside = (p_a > 0) & (p_a < 1)
    return np.where(inside, lo, np.nan), np.where(inside, hi, np.nan)


def effective_n(p: Array, se: Array) -> Array:
    """The effective sample size p (1 − p) / se² of a proportion under a design."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Array = p * (1 - p) / (se * se)
    return out


def korn_graubard(
    p: Array | float,
    n_eff: Array | float,
    level: float = 0.95,
    df: Array | float = math.inf,
    n: Array | float = math.inf,
) -> tuple[Array, Array]:
    """Korn–Graubard (beta) interval of a proportion (0–1), as R ``svyciprop(method = "beta")``.

    The Clopper–Pearson interval on the effective sample size ``n_eff`` (p (1 − p) / se², see
    :func:`effective_n`) times (t_{n−1} / t_df)², ``n`` the domain's respondents and ``df`` the
    design's degrees of freedom (the factor is 1 with ``df`` and ``n`` infinite).
    """
    p_a = np.asarray(p, dtype=np.float64)
    ne = np.asarray(n_eff, dtype=np.float64)
    n_a = np.asarray(n, dtype=np.float64)
    if not np.all(np.isinf(n_a)):
        with np.errstate(divide="ignore", invalid="ignore"):
            ne = ne * (t_quantile(level, n_a - 1) / t_quantile(level, df)) ** 2
    alpha = 1 - level
    x = ne * p_a
    lo = np.where(p_a > 0, beta_quantile(alpha / 2, x, ne - x + 1), 0.0)
    hi = np.where(p_a < 1, beta_quantile(1 - alpha / 2, x + 1, ne - x), 1.0)
    bad = ~(np.isfinite(ne) & (ne > 0)) | np.isnan(p_a)
    return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)
