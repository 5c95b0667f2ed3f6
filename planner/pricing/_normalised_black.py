"""Jäckel's normalised Black function, accurate to machine precision far out of the money.

With x = ln(F/K) and s = sigma * sqrt(t), an undiscounted Black call is
sqrt(F K) * b(x, s), where

    b(x, s) = exp(x/2) N(x/s + s/2) - exp(-x/2) N(x/s - s/2).

For x <= 0 (out of the money) the two terms nearly cancel when s is small or
|x|/s is large, so the plain formula loses up to all its digits. Following
P. Jäckel, "Let's Be Rational" (Wilmott, 2015; reference code at jaeckel.org),
b is evaluated in four regions: an asymptotic expansion for large -x/s, a
Taylor expansion for small s, the plain formula when the first term dominates,
and otherwise a form with the scaled complementary error function erfcx, which
involves one exponential instead of three.

Functions here take 1-d float64 arrays of equal shape and expect x <= 0.
"""

from __future__ import annotations

from math import comb, pi, prod, sqrt

import numpy as np

EPSILON = float(np.finfo(np.float64).eps)
INV_SQRT_2PI = 1.0 / sqrt(2.0 * pi)
_SQRT_PI_OVER_2 = sqrt(pi / 2.0)
_INV_SQRT_2 = 1.0 / sqrt(2.0)

# h = x/s below this uses the asymptotic expansion (its 17 terms give ~1.6e-16 there).
_ASYMPTOTIC_H = -10.0
# t = s/2 below this uses the small-t expansion (accurate to eps for t < 2 eps^(1/16) ~ 0.21).
_SMALL_T = 2.0 * EPSILON ** (1.0 / 16.0)

# Asymptotic expansion A(h, t) = 2 + sum_k (2k-1)!! P_k(e) q^k, k = 1..17, with
# P_k(e) = (-1)^k 2 sum_j C(2k+1, 2j+1) e^j: Jäckel's nested form, multiplied out.
_ASYMPTOTIC_TERMS = 17
_ASYMPTOTIC_COEFFICIENTS = np.array(
    [
        [(-1) ** k * 2.0 * prod(range(1, 2 * k, 2)) * comb(2 * k + 1, 2 * j + 1) if j <= k else 0.0
         for j in range(_ASYMPTOTIC_TERMS + 1)]
        for k in range(1, _ASYMPTOTIC_TERMS + 1)
    ]
)  # fmt: skip


def normalised_black(x: np.ndarray, s: np.ndarray) -> np.ndarray:
    """b(x, s) for x <= 0 and s >= 0, to ~1e-15 relative accuracy.

    >>> round(float(normalised_black(np.array([0.0]), np.array([0.2]))[0]), 12)  # 2 N(0.1) - 1
    0.079655674554
    """
    from scipy.special import ndtr

    b = np.zeros_like(x, dtype=np.float64)
    half_s_squared = 0.5 * s * s
    with np.errstate(divide="ignore", invalid="ignore"):
        asymptotic = (s > 0) & (x < s * _ASYMPTOTIC_H) & (half_s_squared + x < s * (_SMALL_T + _ASYMPTOTIC_H))
        small_t = (s > 0) & ~asymptotic & (0.5 * s < _SMALL_T)
        plain = (s > 0) & ~asymptotic & ~small_t & (x + half_s_squared > 0.85 * s)
        scaled = (s > 0) & ~(asymptotic | small_t | plain)
    if asymptotic.any():
        xs, ss = x[asymptotic], s[asymptotic]
        b[asymptotic] = _asymptotic_expansion(xs / ss, 0.5 * ss)
    if small_t.any():
        xs, ss = x[small_t], s[small_t]
        b[small_t] = _small_t_expansion(xs / ss, 0.5 * ss)
    if plain.any():
        xs, ss = x[plain], s[plain]
        h, t, b_max = xs / ss, 0.5 * ss, np.exp(0.5 * xs)
        b[plain] = ndtr(h + t) * b_max - ndtr(h - t) / b_max
    if scaled.any():
        xs, ss = x[scaled], s[scaled]
        b[scaled] = _erfcx_form(xs / ss, 0.5 * ss)
    return np.maximum(b, 0.0)


def normalised_vega(x: np.ndarray, s: np.ndarray) -> np.ndarray:
    """db/ds = exp(-(x/s)^2/2 - (s/2)^2/2) / sqrt(2 pi); 0 at s == 0 unless x == 0."""
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        h = np.where(x == 0.0, 0.0, x / s)
        return INV_SQRT_2PI * np.exp(-0.5 * (h * h + 0.25 * s * s))


def _asymptotic_expansion(h: np.ndarray, t: np.ndarray) -> np.ndarray:
    """b for h < -10 and small t: exp(-(h^2+t^2)/2)/sqrt(2 pi) * (t/r) * A(h, t) with r = (h+t)(h-t)."""
    e = (t / h) ** 2
    r = (h + t) * (h - t)
    q = (h / r) ** 2
    # The coefficients of q^1..q^17 (polynomials in e), then the series in q by Horner's rule.
    in_q = _polynomials(e, _ASYMPTOTIC_COEFFICIENTS.T)
    total = in_q[-1]
    for coefficient in in_q[-2::-1]:
        total = total * q + coefficient
    total = 2.0 + q * total
    return INV_SQRT_2PI * np.exp(-0.5 * (h * h + t * t)) * (t / r) * total


def _small_t_expansion(h: np.ndarray, t: np.ndarray) -> np.ndarray:
    """b for t < 0.21 via the Taylor series of Y(h+t) - Y(h-t) in t to 12th order, Y(z) = N(z)/n(z)."""
    from scipy.special import erfcx

    a = 1.0 + h * _SQRT_PI_OVER_2 * erfcx(-_INV_SQRT_2 * h)
    w = t * t
    h2 = h * h
    c6 = (-89055 + 135135 * a + h2 * (-82845 + 270270 * a + h2 * (-20370 + 135135 * a + h2 * (
        -1926 + 25740 * a + h2 * (-75 + 2145 * a + h2 * (-1 + 78 * a + a * h2)))))) / 6227020800.0
    c5 = (-6555 + 10395 * a + h2 * (-4680 + 17325 * a + h2 * (-840 + 6930 * a + h2 * (
        -52 + 990 * a + h2 * (-1 + 55 * a + a * h2))))) / 39916800.0
    c4 = (-561 + 945 * a + h2 * (-285 + 1260 * a + h2 * (-33 + 378 * a + h2 * (-1 + 36 * a + a * h2)))) / 362880.0
    c3 = (-57 + 105 * a + h2 * (-18 + 105 * a + h2 * (-1 + 21 * a + a * h2))) / 5040.0
    c2 = (-7 + 15 * a + h2 * (-1 + 10 * a + a * h2)) / 120.0
    c1 = (-1 + 3 * a + a * h2) / 6.0
    expansion = 2.0 * t * (a + w * (c1 + w * (c2 + w * (c3 + w * (c4 + w * (c5 + w * c6))))))
    return INV_SQRT_2PI * np.exp(-0.5 * (h * h + t * t)) * expansion


def _erfcx_form(h: np.ndarray, t: np.ndarray) -> np.ndarray:
    """b = exp(-(h^2+t^2)/2) / 2 * (erfcx(-(h+t)/sqrt 2) - erfcx(-(h-t)/sqrt 2))."""
    from scipy.special import erfcx

    return 0.5 * np.exp(-0.5 * (h * h + t * t)) * (erfcx(-_INV_SQRT_2 * (h + t)) - erfcx(-_INV_SQRT_2 * (h - t)))


def _polynomials(x: np.ndarray, coefficients: np.ndarray) -> np.ndarray:
    """Row k: sum_j coefficients[j, k] x^j, for every k at once by Horner's rule (no BLAS, no threads)."""
    total = np.repeat(coefficients[-1][:, None], x.size, axis=1)
    for row in coefficients[-2::-1]:
        total *= x
        total += row[:, None]
    return total
