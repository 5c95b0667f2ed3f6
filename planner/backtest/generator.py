"""A seeded, regime-switching market: daily SPX, VIX and VVIX closes on NYSE sessions.

Two regimes, each a set of daily dynamics:

* **log VIX** reverts to the regime's mean level at ``vix_reversion_per_year``
  with ``vix_vol_per_year`` of noise (Ornstein-Uhlenbeck on log VIX, so VIX
  stays positive and spikes are skewed upward);
* **SPX** log returns have the regime's drift and a daily vol of
  ``realized_to_implied`` x VIX / 100 / sqrt(252): realized below implied,
  the variance premium condor sellers are paid for; their noise is correlated
  ``spx_vix_correlation`` with the VIX noise (SPX down, VIX up);
* **jumps** (Poisson, ``jumps_per_year``) drop SPX by a normal log size and lift
  VIX by the first spot-vol model of DOMAIN.md, kept here as the generator's
  own constants (``jump_beta``);
  entering the stressed regime always starts with one;
* **VVIX** follows VIX: 82 x (VIX / 14) ** 0.5 with its own AR(1) noise, plus a
  kick on days VIX jumps.

The regime switches with a daily probability of 1 / expected stay. Same seed
and settings, same path, on any machine (numpy's PCG64 generator).
``shocks`` forces SPX's log return on chosen sessions (a scripted crash for
tests and demos); VIX answers them through the same spot-vol model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import numpy as np

from planner import calendars
from planner.backtest.data import MarketPath
from planner.domain.errors import InputError
from planner.domain.settings import Settings

TRADING_DAYS_PER_YEAR = 252
VIX_BOUNDS = (9.0, 90.0)  # points: where generated VIX is kept
# A jump day's VIX: ln(VIX1/VIX0) = -beta ln(SPX1/SPX0), beta = 16 (20 / VIX0) ** 1.5 on falls and a
# third of it on rises (the first spot-vol model of DOMAIN.md; the demo files were generated with it).
JUMP_BETA_SCALE, JUMP_BETA_REF_VIX, JUMP_BETA_EXPONENT, JUMP_BETA_UP_FRACTION = 16.0, 20.0, 1.5, 1 / 3


def jump_beta(vix: float) -> tuple[float, float]:
    """(fall beta, rise beta) of a jump day at VIX level ``vix``."""
    down = JUMP_BETA_SCALE * (JUMP_BETA_REF_VIX / vix) ** JUMP_BETA_EXPONENT
    return down, down * JUMP_BETA_UP_FRACTION
VVIX_BOUNDS = (55.0, 210.0)  # points


@dataclass(frozen=True, slots=True)
class Regime:
    """Dynamics of one regime. Rates and vols are per year; levels in index points."""

    name: str
    vix_mean: float
    vix_reversion_per_year: float
    vix_vol_per_year: float
    spx_drift_per_year: float
    realized_to_implied: float
    jumps_per_year: float
    jump_mean_log: float
    jump_sd_log: float
    expected_stay_days: float


CALM = Regime("calm", vix_mean=14.5, vix_reversion_per_year=5.0, vix_vol_per_year=0.7, spx_drift_per_year=0.12,
              realized_to_implied=0.80, jumps_per_year=0.7, jump_mean_log=-0.015, jump_sd_log=0.008,
              expected_stay_days=320.0)
STRESSED = Regime("stressed", vix_mean=29.0, vix_reversion_per_year=7.0, vix_vol_per_year=1.0,
                  spx_drift_per_year=-0.10, realized_to_implied=0.95, jumps_per_year=4.0, jump_mean_log=-0.03,
                  jump_sd_log=0.015, expected_stay_days=35.0)


@dataclass(frozen=True)
class GeneratorSettings:
    """The two regimes, the starting levels and the SPX-VIX noise correlation."""

    calm: Regime = CALM
    stressed: Regime = STRESSED
    spx_start: float = 2050.0
    vix_start: float = 14.0
    spx_vix_correlation: float = -0.75
    first_day: date = date(2015, 1, 2)
    spot_vol: Settings = field(default_factory=Settings)

    def calm_only(self) -> GeneratorSettings:
        """No stressed regime and no jumps: the market of a known-answer 'calm' test."""
        quiet = replace(self.calm, jumps_per_year=0.0, expected_stay_days=math.inf)
        return replace(self, calm=quiet)


def sessions_for(first_day: date, years: float) -> list[date]:
    if not 0 < years <= 60:
        raise InputError("--years", "must be between 0 and 60 years", years)
    last = first_day + timedelta(days=round(365.25 * years))
    days = calendars.spx_daily_expirations(first_day, last)
    if len(days) < 2:
        raise InputError("--years", "must cover at least two sessions", years)
    return days


def generate(
    seed: int,
    years: float,
    settings: GeneratorSettings | None = None,
    *,
    shocks: Mapping[int, float] | None = None,
    name: str | None = None,
) -> MarketPath:
    """A path of ``years`` years of sessions from ``settings.first_day``.

    shocks: {session index: SPX log return forced that day}.

    >>> path = generate(7, 1.0)
    >>> len(path), path.dates[0].isoformat(), round(float(path.spx[0]), 2), round(float(path.vix[0]), 2)
    (252, '2015-01-02', 2050.0, 14.0)
    """
    settings = settings or GeneratorSettings()
    days = sessions_for(settings.first_day, years)
    n = len(days)
    rng = np.random.default_rng(seed)
    dt = 1.0 / TRADING_DAYS_PER_YEAR
    noise = rng.standard_normal((n, 4))  # VIX, SPX (independent part), VVIX, jump size
    uniforms = rng.random((n, 2))  # regime switch, jump arrival
    rho = settings.spx_vix_correlation
    regimes = (settings.calm, settings.stressed)
    spx = np.empty(n)
    vix = np.empty(n)
    vvix = np.empty(n)
    stressed = np.zeros(n, dtype=bool)
    spx[0], vix[0] = settings.spx_start, settings.vix_start
    vvix_noise = 0.0
    vvix[0] = _vvix(vix[0], 0.0, 0.0)
    state = 0
    forced = dict(shocks or {})
    for i in range(1, n):
        entering_stress = False
        if uniforms[i, 0] < 1.0 / regimes[state].expected_stay_days:
            state = 1 - state
            entering_stress = state == 1
        regime = regimes[state]
        stressed[i] = state == 1
        previous_vix = vix[i - 1]
        log_vix = math.log(previous_vix)
        drift_vix = regime.vix_reversion_per_year * (math.log(regime.vix_mean) - log_vix) * dt
        z_vix = noise[i, 0]
        z_spx = rho * z_vix + math.sqrt(1.0 - rho * rho) * noise[i, 1]
        sigma = regime.realized_to_implied * previous_vix / 100.0
        spx_log = (regime.spx_drift_per_year - 0.5 * sigma * sigma) * dt + sigma * math.sqrt(dt) * z_spx
        vix_log = drift_vix + regime.vix_vol_per_year * math.sqrt(dt) * z_vix
        jump = 0.0
        if entering_stress or uniforms[i, 1] < regime.jumps_per_year * dt:
            jump = min(0.0, regime.jump_mean_log + regime.jump_sd_log * noise[i, 3])
        if i in forced:
            spx_log, vix_log, jump = 0.0, drift_vix, float(forced[i])
        if jump:
            down_beta, up_beta = jump_beta(previous_vix)
            vix_log += -(down_beta if jump < 0 else up_beta) * jump
        spx[i] = spx[i - 1] * math.exp(spx_log + jump)
        vix[i] = min(max(previous_vix * math.exp(vix_log), VIX_BOUNDS[0]), VIX_BOUNDS[1])
        vvix_noise = 0.9 * vvix_noise + 0.03 * noise[i, 2]
        vvix[i] = _vvix(vix[i], vvix_noise, math.log(vix[i] / previous_vix))
    label = name or f"generated path, seed {seed}, {years:g} years"
    return MarketPath(label, tuple(days), np.round(spx, 2), np.round(vix, 2), np.round(vvix, 2))


def _vvix(vix: float, noise: float, vix_log_change: float) -> float:
    level = 82.0 * (vix / 14.0) ** 0.5 * math.exp(noise) + 150.0 * max(vix_log_change, 0.0)
    return min(max(level, VVIX_BOUNDS[0]), VVIX_BOUNDS[1])


def crash_shocks(first_index: int, total_drop_pct: float, days: int = 3) -> dict[int, float]:
    """SPX falling ``total_drop_pct`` % over ``days`` sessions from ``first_index``, in equal log steps.

    >>> {k: round(v, 4) for k, v in crash_shocks(100, 12.0, 2).items()}
    {100: -0.0639, 101: -0.0639}
    """
    step = math.log(1.0 - total_drop_pct / 100.0) / days
    return {first_index + k: step for k in range(days)}


def cboe_rows(path: MarketPath, column: str) -> list[tuple[str, float, float, float, float]]:
    """(MM/DD/YYYY, open, high, low, close) rows of one series in Cboe's history layout.

    Only the close is generated; the open is the previous close and high / low
    bracket both, so the file reads like Cboe's and any parser of it sees the
    same closes.
    """
    values = {"SPX": path.spx, "VIX": path.vix, "VVIX": path.vvix}[column]
    rows = []
    for i, day in enumerate(path.dates):
        close = float(values[i])
        open_ = float(values[i - 1]) if i else close
        rows.append((day.strftime("%m/%d/%Y"), open_, max(open_, close), min(open_, close), close))
    return rows
