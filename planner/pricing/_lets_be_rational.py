"""Normalised implied volatility by Jäckel's "Let's Be Rational", vectorised.

Solves b(x, s) = beta for s = sigma sqrt(t), with x = ln(F/K) <= 0 (the
out-of-the-money side; in-the-money options are mapped there by subtracting
their intrinsic value) and 0 < beta < exp(x/2).

The price curve s -> b(x, s) is split into four segments around its inflection
point s_c = sqrt(2|x|). In each segment a rational cubic interpolation of the
inverse (or of a transform of it) gives a guess within ~1e-6 or better, and
third-order Householder steps on an objective chosen to be nearly linear in
that segment finish the job, usually in two steps. Every element keeps a
bracket [s_left, s_right]; a step that leaves it is replaced by bisection, so
the iteration converges for any input, however extreme.

Reference: P. Jäckel, "Let's Be Rational", Wilmott (2015) 40-53, and the
reference implementation at jaeckel.org (MIT-style licence), from which the
segment maps and interpolation constants below are taken.
"""

from __future__ import annotations

from math import pi, sqrt

import numpy as np

from planner.pricing._normalised_black import EPSILON, INV_SQRT_2PI, normalised_black, normalised_vega

_DBL_MIN = float(np.finfo(np.float64).tiny)
_DBL_MAX = float(np.finfo(np.float64).max)
_SQRT_DBL_MAX = sqrt(_DBL_MAX)
_SQRT_THREE = sqrt(3.0)
_SQRT_ONE_OVER_THREE = sqrt(1.0 / 3.0)
_TWO_PI_OVER_SQRT_27 = 2.0 * pi / sqrt(27.0)
_PI_OVER_SIX = pi / 6.0
_SQRT_PI_OVER_2 = sqrt(pi / 2.0)
_MIN_CONTROL = -(1.0 - sqrt(EPSILON))
_MAX_CONTROL = 2.0 / (EPSILON * EPSILON)

# Householder(3) converges with order four: after a step of relative size d the error left is of
# order d^4, so a step below 1e-6 ends the iteration without paying for one more evaluation.
_STEP_TOLERANCE = 1e-6
_MAX_ITERATIONS = 64

_LOWEST, _MIDDLE, _HIGHEST = "lowest", "middle", "highest"


def normalised_implied_vol(beta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """s >= 0 with b(x, s) = beta, for 1-d arrays with x <= 0 and 0 < beta < exp(x/2)."""
    with np.errstate(all="ignore"):
        s = np.empty_like(beta)
        b_max = np.exp(0.5 * x)
        s_c = np.sqrt(-2.0 * x)
        b_c = normalised_black(x, s_c)
        v_c = normalised_vega(x, s_c)
        lower = beta < b_c
        for rows, segment in ((np.flatnonzero(lower), _lower_half), (np.flatnonzero(~lower), _upper_half)):
            if rows.size:
                s[rows] = segment(beta[rows], x[rows], s_c[rows], b_c[rows], v_c[rows], b_max[rows])
    return s


def _lower_half(beta, x, s_c, b_c, v_c, b_max) -> np.ndarray:
    s = np.empty_like(beta)
    s_l = s_c - b_c / v_c
    b_l = normalised_black(x, s_l)
    lowest = np.flatnonzero(beta < b_l)
    if lowest.size:
        be, xe, sl, bl = beta[lowest], x[lowest], s_l[lowest], b_l[lowest]
        f_l, fp_l, fpp_l = _f_lower_map(xe, sl)
        r_ll = _convex_control_right(0.0, bl, 0.0, f_l, 1.0, fp_l, fpp_l, prefer_shape=True)
        f = _rational_cubic(be, 0.0, bl, 0.0, f_l, 1.0, fp_l, r_ll)
        # Round-off for extreme |x|: fall back to the quadratic through f(0) = 0, f'(0) = 1 and f(b_l).
        fraction = be / bl
        f = np.where(f > 0, f, (f_l * fraction + bl * (1.0 - fraction)) * fraction)
        guess = _inverse_f_lower_map(xe, f)
        s[lowest] = _householder(_LOWEST, be, xe, guess, np.full_like(be, _DBL_MIN), sl, b_max[lowest])
    middle = np.flatnonzero(beta >= b_l)
    if middle.size:
        be, xe, sl, bl = beta[middle], x[middle], s_l[middle], b_l[middle]
        sc, bc, vc = s_c[middle], b_c[middle], v_c[middle]
        v_l = normalised_vega(xe, sl)
        r_lm = _convex_control_right(bl, bc, sl, sc, 1.0 / v_l, 1.0 / vc, 0.0, prefer_shape=False)
        guess = _rational_cubic(be, bl, bc, sl, sc, 1.0 / v_l, 1.0 / vc, r_lm)
        s[middle] = _householder(_MIDDLE, be, xe, guess, sl, sc, b_max[middle])
    return s


def _upper_half(beta, x, s_c, b_c, v_c, b_max) -> np.ndarray:
    s = np.empty_like(beta)
    s_h = np.where(v_c > _DBL_MIN, s_c + (b_max - b_c) / v_c, s_c)
    b_h = normalised_black(x, s_h)
    middle = np.flatnonzero(beta <= b_h)
    if middle.size:
        be, xe, sh, bh = beta[middle], x[middle], s_h[middle], b_h[middle]
        sc, bc, vc = s_c[middle], b_c[middle], v_c[middle]
        v_h = normalised_vega(xe, sh)
        r_hm = _convex_control_left(bc, bh, sc, sh, 1.0 / vc, 1.0 / v_h, 0.0, prefer_shape=False)
        guess = _rational_cubic(be, bc, bh, sc, sh, 1.0 / vc, 1.0 / v_h, r_hm)
        s[middle] = _householder(_MIDDLE, be, xe, guess, sc, sh, b_max[middle])
    highest = np.flatnonzero(beta > b_h)
    if highest.size:
        be, xe, sh, bh, bm = beta[highest], x[highest], s_h[highest], b_h[highest], b_max[highest]
        f_h, fp_h, fpp_h = _f_upper_map(xe, sh)
        r_hh = _convex_control_left(bh, bm, f_h, 0.0, fp_h, -0.5, fpp_h, prefer_shape=True)
        f = _rational_cubic(be, bh, bm, f_h, 0.0, fp_h, -0.5, r_hh)
        f = np.where((fpp_h > -_SQRT_DBL_MAX) & (fpp_h < _SQRT_DBL_MAX), f, -_DBL_MAX)
        # Fall back to the quadratic through f(b_h), f(b_max) = 0 and f'(b_max) = -1/2.
        h = bm - bh
        fraction = (be - bh) / h
        f = np.where(f > 0, f, (f_h * (1.0 - fraction) + 0.5 * h * fraction) * (1.0 - fraction))
        guess = _inverse_f_upper_map(f)
        s_right = np.full_like(be, _DBL_MAX)
        # Near b_max the log-distance objective is nearly linear; below half of it plain b - beta is better.
        top = be > 0.5 * bm
        for rows, objective in ((np.flatnonzero(top), _HIGHEST), (np.flatnonzero(~top), _MIDDLE)):
            if rows.size:
                s[highest[rows]] = _householder(
                    objective, be[rows], xe[rows], guess[rows], sh[rows], s_right[rows], bm[rows]
                )
    return s


def _householder(objective, beta, x, s, s_left, s_right, b_max) -> np.ndarray:
    """Third-order Householder iteration on ``objective`` with a bisection safeguard, vectorised.

    Objectives (after Jäckel): lowest segment g = 1/ln b(s) - 1/ln beta; middle
    segments g = b(s) - beta; highest segment g = ln((b_max - beta)/(b_max - b(s))).
    """
    s, s_left, s_right = s.copy(), np.array(s_left, dtype=np.float64), np.array(s_right, dtype=np.float64)
    active = np.arange(s.size)
    for iteration in range(_MAX_ITERATIONS):
        sa, lo, hi = s[active], s_left[active], s_right[active]
        xa, ba = x[active], beta[active]
        # The first guess may sit on a bracket edge by round-off; it is only replaced if unusable.
        outside = ~(sa > 0) | ~np.isfinite(sa) if iteration == 0 else ~((sa > lo) & (sa < hi))
        sa = np.where(outside, _midpoint(lo, hi), sa)
        b = normalised_black(xa, sa)
        bp = normalised_vega(xa, sa)
        hi = np.where((b > ba) & (sa < hi), sa, hi)
        lo = np.where((b < ba) & (sa > lo), sa, lo)
        h = xa / sa
        b_halley = h * h / sa - 0.25 * sa
        b_hh3 = b_halley * b_halley - 3.0 * (h / sa) ** 2 - 0.25
        if objective == _LOWEST:
            ln_b, ln_beta = np.log(b), np.log(ba)
            bpob = bp / b
            newton = (ln_beta - ln_b) * ln_b / ln_beta / bpob
            halley = b_halley - bpob * (1.0 + 2.0 / ln_b)
            hh3 = b_hh3 + 2.0 * bpob**2 * (1.0 + 3.0 / ln_b * (1.0 + 1.0 / ln_b)) - 3.0 * b_halley * bpob * (
                1.0 + 2.0 / ln_b
            )
            usable = (b > 0) & (bp > 0)
        elif objective == _HIGHEST:
            distance = b_max[active] - b
            gp = bp / distance
            newton = -np.log((b_max[active] - ba) / distance) / gp
            halley = b_halley + gp
            hh3 = b_hh3 + gp * (2.0 * gp + 3.0 * b_halley)
            usable = (distance > 0) & (bp > _DBL_MIN)
        else:
            newton = (ba - b) / bp
            halley = b_halley
            hh3 = b_hh3
            usable = bp > 0
        ds = newton * (1.0 + 0.5 * halley * newton) / (1.0 + newton * (halley + hh3 * newton / 6.0))
        usable &= np.isfinite(ds)
        ds = np.where(usable, ds, _midpoint(lo, hi) - sa)
        ds = np.maximum(-0.5 * sa, ds)
        s[active], s_left[active], s_right[active] = sa + ds, lo, hi
        done = (usable & (np.abs(ds) <= _STEP_TOLERANCE * sa)) | (b == ba) | (hi - lo <= 4.0 * EPSILON * sa)
        active = active[~done]
        if not active.size:
            break
    return s


def _midpoint(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Bisect arithmetically, or geometrically while the bracket spans orders of magnitude."""
    return np.where(hi > 4.0 * lo, np.sqrt(lo) * np.sqrt(hi), 0.5 * (lo + hi))


def _f_lower_map(x, s):
    """Jäckel's map f(b) for the lowest segment and its first two derivatives with respect to b, at s."""
    from scipy.special import ndtr

    ax = -x
    z = _SQRT_ONE_OVER_THREE * ax / s
    y = z * z
    s2 = s * s
    cdf = ndtr(-z)
    pdf = INV_SQRT_2PI * np.exp(-0.5 * y)
    fpp = (
        _PI_OVER_SIX * y / (s2 * s) * cdf
        * (8.0 * _SQRT_THREE * s * ax + (3.0 * s2 * (s2 - 8.0) - 8.0 * x * x) * cdf / pdf)
        * np.exp(2.0 * y + 0.25 * s2)
    )  # fmt: skip
    fp = 2.0 * pi * y * cdf * cdf * np.exp(y + 0.125 * s2)
    f = _TWO_PI_OVER_SQRT_27 * ax * cdf**3
    return f, fp, fpp


def _inverse_f_lower_map(x, f):
    from scipy.special import ndtri

    return np.abs(x / (_SQRT_THREE * ndtri(np.cbrt(f / (_TWO_PI_OVER_SQRT_27 * np.abs(x))))))


def _f_upper_map(x, s):
    """Jäckel's map f(b) = N(-s/2) for the highest segment and its first two derivatives, at s."""
    from scipy.special import ndtr

    w = (x / s) ** 2
    f = ndtr(-0.5 * s)
    fp = -0.5 * np.exp(0.5 * w)
    fpp = _SQRT_PI_OVER_2 * np.exp(w + 0.125 * s * s) * w / s
    return f, fp, fpp


def _inverse_f_upper_map(f):
    from scipy.special import ndtri

    return -2.0 * ndtri(f)


def _rational_cubic(x, x_l, x_r, y_l, y_r, d_l, d_r, r):
    """Delbourgo-Gregory rational cubic through (x_l, y_l, d_l) and (x_r, y_r, d_r) with control r, at x."""
    h = x_r - x_l
    t = (x - x_l) / h
    omt = 1.0 - t
    t2, omt2 = t * t, omt * omt
    cubic = (y_r * t2 * t + (r * y_r - h * d_r) * t2 * omt + (r * y_l + h * d_l) * t * omt2 + y_l * omt2 * omt) / (
        1.0 + (r - 3.0) * t * omt
    )
    value = np.where(r >= _MAX_CONTROL, y_r * t + y_l * omt, cubic)
    return np.where(np.abs(h) > 0, value, 0.5 * (y_l + y_r))


def _control_for_second_derivative(numerator, denominator):
    ratio = numerator / denominator
    at_limit = np.where(numerator > 0, _MAX_CONTROL, _MIN_CONTROL)
    value = np.where(np.abs(denominator) < _DBL_MIN, at_limit, ratio)
    return np.where(np.abs(numerator) < _DBL_MIN, 0.0, value)


def _minimum_control(d_l, d_r, slope, prefer_shape: bool):
    """Smallest control parameter that keeps the interpolant monotonic and convex/concave where the data are."""
    monotonic = (d_l * slope >= 0) & (d_r * slope >= 0)
    convex = (d_l <= slope) & (slope <= d_r)
    concave = (d_l >= slope) & (slope >= d_r)
    fallback = _MAX_CONTROL if prefer_shape else -_DBL_MAX
    r1 = np.where(monotonic, np.where(np.abs(slope) >= _DBL_MIN, (d_r + d_l) / slope, fallback), -_DBL_MAX)
    degenerate = (np.abs(slope - d_l) < _DBL_MIN) | (np.abs(d_r - slope) < _DBL_MIN)
    spread = d_r - d_l
    shaped = np.maximum(np.abs(spread / (d_r - slope)), np.abs(spread / (slope - d_l)))
    r2 = np.where(
        convex | concave,
        np.where(degenerate, fallback, shaped),
        np.where(monotonic & prefer_shape, _MAX_CONTROL, -_DBL_MAX),
    )
    r = np.maximum(_MIN_CONTROL, np.maximum(r1, r2))
    return np.where(monotonic | convex | concave, r, _MIN_CONTROL)


def _convex_control_right(x_l, x_r, y_l, y_r, d_l, d_r, second_r, prefer_shape: bool):
    h = x_r - x_l
    r = _control_for_second_derivative(0.5 * h * second_r + (d_r - d_l), d_r - (y_r - y_l) / h)
    return np.maximum(r, _minimum_control(d_l, d_r, (y_r - y_l) / h, prefer_shape))


def _convex_control_left(x_l, x_r, y_l, y_r, d_l, d_r, second_l, prefer_shape: bool):
    h = x_r - x_l
    r = _control_for_second_derivative(0.5 * h * second_l + (d_r - d_l), (y_r - y_l) / h - d_l)
    return np.maximum(r, _minimum_control(d_l, d_r, (y_r - y_l) / h, prefer_shape))
