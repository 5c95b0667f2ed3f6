"""The P&L curves against SPX (today, T+n, expiry, today's VIX band) and their expected-move bands.

Each curve moves spot VIX with SPX along the VIX response over the curve's
sessions (``CurveVix``); the break-evens are found on the same curves
(``planner.risk.break_evens``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from planner.domain.expected_move import expected_move_bands
from planner.domain.market import MarketSnapshot
from planner.domain.settings import Settings
from planner.risk.break_evens import curve_break_evens
from planner.risk.contracts import years_at
from planner.risk.report import Curves
from planner.risk.valuation import values_at_moments
from planner.risk.vix_response import vix_response

FULL_CURVE_POINTS = 401
BAND_STEP = 4  # today's book at the VIX band is priced on every 4th curve point (a shaded region, not a figure)
CURVE_RANGE = 0.20
DEFAULT_HORIZON_DAYS = 7.0
VIX_MODES = ("central", "stressed", "fixed")


class CurveVix:
    """Spot VIX along a curve: the VIX response over the curve's sessions (central or band high), or
    held fixed."""

    def __init__(self, market: MarketSnapshot, settings: Settings, mode: str, fixed_vix: float | None) -> None:
        self.market, self.settings, self.mode = market, settings, mode
        self.fixed = market.vix if fixed_vix is None else float(fixed_vix)

    def __call__(self, spx: np.ndarray, sessions: float) -> np.ndarray:
        if self.mode == "fixed":
            return np.full(np.shape(spx), self.fixed)
        path = vix_response(spx, self.market.spx, self.market.vix, sessions, self.settings)
        return path.high if self.mode == "stressed" else path.central

    def band(self, spx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The one-session band (points): today's curve at its low and high."""
        path = vix_response(spx, self.market.spx, self.market.vix, 1, self.settings)
        return path.low, path.high


def curve_grid(market, points, pin_spx=None):
    """SPX levels of the curves: +-20 % around today's level (exactly on it), widened to hold
    ``pin_spx`` exactly when one is given."""
    if pin_spx is None:
        spx = market.spx * (1.0 + np.linspace(-CURVE_RANGE, CURVE_RANGE, points))
        spx[points // 2] = market.spx  # exactly today's level at the centre
        return spx
    move = pin_spx / market.spx - 1.0
    low, high = min(-CURVE_RANGE, move - 0.02), max(CURVE_RANGE, move + 0.02)
    return np.unique(np.concatenate([market.spx * (1.0 + np.linspace(low, high, points)), [market.spx, pin_spx]]))


def _sessions_to(at: datetime, moment: datetime | None) -> float:
    """Trading sessions from ``at`` to ``moment`` (at least one: a move takes a session)."""
    if moment is None:
        return 1.0
    from planner.calendars import trading_days_between

    return float(max(1, trading_days_between(at.date(), moment.date())))


def book_curves(table, model, market, settings, positions, all_facts, today, fixed, at, horizon_days, curve_vix,
            pin_spx=None):
    points = FULL_CURVE_POINTS
    spx = curve_grid(market, points, pin_spx)
    points = spx.size
    count = len(positions)
    empty = {"today": [[] for _ in range(count + 1)], "expiry": [[] for _ in range(count + 1)]}
    condors = [facts for facts in all_facts if facts.kind == "condor"]
    expiry_at = None
    if condors:
        nearest = min(condors, key=lambda facts: facts.row_head[5])  # the expiry, kept with the facts
        from planner.calendars import settlement_moment

        expiry_at = max(settlement_moment(nearest.row_head[5], str(nearest.position.legs[0].settlement)), at)
    days_to_expiry = (expiry_at - at).total_seconds() / 86400 if expiry_at else None
    if horizon_days is None:
        horizon_days = DEFAULT_HORIZON_DAYS if days_to_expiry is None else min(DEFAULT_HORIZON_DAYS, days_to_expiry)
    horizon_at = at + timedelta(days=horizon_days)
    bands_horizon = _bands(market, horizon_days)
    bands_expiry = _bands(market, days_to_expiry) if days_to_expiry is not None else {}
    # Today is a one-session shock; T+n and expiry a move over their sessions (a slide lifts VIX less).
    sessions = (1.0, _sessions_to(at, horizon_at), _sessions_to(at, expiry_at))
    vix_today, vix_horizon = curve_vix(spx, sessions[0]), curve_vix(spx, sessions[1])
    vix_expiry = curve_vix(spx, sessions[2])
    vix_low, vix_high = curve_vix.band(spx)
    paths = {"vix_horizon": vix_horizon, "vix_expiry": vix_expiry, "vix_low": vix_low, "vix_high": vix_high,
             "vix_mode": curve_vix.mode, "sessions": sessions}
    if not count:
        zeros = np.zeros(points)
        curves = Curves(spx, vix_today, zeros, zeros, zeros, zeros, zeros, zeros, horizon_at, expiry_at, horizon_days,
                        bands_horizon, bands_expiry, today_low=zeros, today_high=zeros, **paths)
        return curves, empty
    weights = table.weights
    condor_rows = table.condor_rows
    years_horizon = years_at(table, horizon_at)
    years_expiry = years_at(table, expiry_at) if expiry_at else years_horizon
    values = values_at_moments(table, model, spx, np.vstack([vix_today, vix_horizon, vix_expiry]),
                               [table.years, years_horizon, years_expiry], [today.offset, None, None])
    # The book and its condors at the three curves in one product: [2 x contracts] @ [contracts x
    # (3 x points)]; each condor alone only today (its break-evens).
    groups = np.vstack([weights.sum(axis=0), weights[condor_rows].sum(axis=0)])
    groups_fixed = np.array([fixed.sum(), fixed[condor_rows].sum()])
    summed = (groups @ values.transpose(1, 0, 2).reshape(table.size, -1)).reshape(2, 3, points)
    summed -= groups_fixed[:, None, None]
    (book_today, book_horizon, book_expiry), (condors_today, condors_horizon, condors_expiry) = summed
    book_low, book_high = _band_curves(table, model, spx, vix_low, vix_high, today.offset, groups[0],
                                       groups_fixed[0])
    each_condor_today = weights[condor_rows] @ values[0] - fixed[condor_rows, None]
    break_evens = curve_break_evens(table, model, market, positions, spx, each_condor_today, book_today,
                                    book_expiry, fixed, today.offset, years_expiry, curve_vix, sessions[2])
    no_expiry = np.full(points, np.nan)
    curves = Curves(
        spx=spx, vix=vix_today,
        today=book_today, horizon=book_horizon,
        expiry=book_expiry if expiry_at else no_expiry,
        today_condors=condors_today,
        horizon_condors=condors_horizon,
        expiry_condors=condors_expiry if expiry_at else no_expiry,
        horizon_at=horizon_at, expiry_at=expiry_at, horizon_days=float(horizon_days),
        bands_horizon=bands_horizon, bands_expiry=bands_expiry,
        today_low=book_low, today_high=book_high, **paths,
    )
    return curves, break_evens


def _band_curves(table, model, spx, vix_low, vix_high, offset, book_weights, book_fixed):
    """The book today with VIX at the band's low and high, priced on every ``BAND_STEP``-th point of the
    curve (and its last) and drawn straight between: a shaded region, read by eye, at a fifth of the cost."""
    coarse = np.unique(np.append(np.arange(0, spx.size, BAND_STEP), spx.size - 1))
    values = values_at_moments(table, model, spx[coarse], np.vstack([vix_low[coarse], vix_high[coarse]]),
                               [table.years, table.years], [offset, offset])
    low, high = (book_weights @ values.transpose(1, 0, 2).reshape(table.size, -1)).reshape(2, -1) - book_fixed
    return np.interp(spx, spx[coarse], low), np.interp(spx, spx[coarse], high)


def _bands(market: MarketSnapshot, days: float) -> dict[str, tuple[float, float]]:
    """SPX levels one and two expected moves away (``planner.domain.expected_move``)."""
    return expected_move_bands(market.spx, market.vix, days)
