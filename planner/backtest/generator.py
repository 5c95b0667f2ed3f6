"""A seeded, regime-switching market: daily SPX, VIX and VVIX closes on NYSE sessions.

Two regimes, each a set of daily dynamics (docs/model.md "Generated paths"
gives each parameter's source and tools/model_checks.py checks the paths
against published statistics of real VIX history):

* **log VIX** reverts to the regime's mean level at ``vix_reversion_per_year``
  with ``vix_vol_per_year`` of noise (Ornstein-Uhlenbeck on log VIX, so VIX
  stays positive and spikes are skewed upward);
* **SPX** log returns have the regime's drift and a daily vol of
  ``realized_to_implied`` x VIX / 100 / sqrt(252): realized below implied,
  the variance premium condor sellers are paid for; their noise is correlated
  ``spx_vix_correlation`` with the VIX noise (SPX down, VIX up);
* **jumps** (Poisson, ``jumps_per_year``) drop SPX by a normal log size and lift
  log VIX by b x the SPX fall, b = ``jump_beta_ref`` x (20 / VIX) **
  ``jump_beta_exponent`` x exp(``jump_beta_dispersion`` x z): a fit to the
  one-day crashes of DOMAIN.md's table (its own parameters, not the risk
  engine's spot-vol model); ``jump_persistent_fraction`` of that rise joins the
  slow level, the rest fades with a half-life of ``jump_fast_half_life_sessions``
  (real spikes give back about 10 % in three sessions); entering the stressed
  regime always starts with one, and the stressed regime's higher jump rate
  clusters spikes;
* **VVIX** follows VIX: ``vvix_ref`` x (VIX / ``vvix_ref_vix``) **
  ``vvix_vix_elasticity`` with its own AR(1) noise, plus a co-jump of
  ``vvix_jump_kick`` points per unit rise of log VIX.

The regime switches with a daily probability of 1 / expected stay. Same seed
and settings, same path, on any machine (numpy's PCG64 generator).
``shocks`` forces SPX's log return on chosen sessions (a scripted crash for
tests and demos); VIX answers them through the same jump response (its
central value, without dispersion), all of it persistent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from planner import calendars
from planner.backtest.data import MarketPath
from planner.domain.errors import InputError

TRADING_DAYS_PER_YEAR = 252
VIX_BOUNDS = (9.0, 90.0)  # points: where generated VIX is kept
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


CALM = Regime("calm", vix_mean=16.0, vix_reversion_per_year=5.0, vix_vol_per_year=0.7, spx_drift_per_year=0.12,
              realized_to_implied=0.80, jumps_per_year=0.7, jump_mean_log=-0.015, jump_sd_log=0.008,
              expected_stay_days=320.0)
STRESSED = Regime("stressed", vix_mean=29.0, vix_reversion_per_year=7.0, vix_vol_per_year=1.0,
                  spx_drift_per_year=-0.10, realized_to_implied=0.95, jumps_per_year=4.0, jump_mean_log=-0.03,
                  jump_sd_log=0.015, expected_stay_days=45.0)


@dataclass(frozen=True)
class GeneratorSettings:
    """The two regimes, the starting levels, the SPX-VIX noise correlation, the jump response and VVIX.

    jump_beta_*: log VIX rise per unit SPX log fall on a jump day, b = ref (20 / VIX) ** exponent,
    lognormal dispersion (fitted to DOMAIN.md's one-day crashes, tools/model_checks.py).
    vvix_*: VVIX level ref (VIX / ref VIX) ** elasticity, points; vvix_jump_kick: VVIX points per
    unit rise of log VIX on the day. jump_persistent_fraction: share of a jump's log VIX rise that
    joins the slow, mean-reverting level; the rest fades with jump_fast_half_life_sessions (sessions).
    """

    calm: Regime = CALM
    stressed: Regime = STRESSED
    spx_start: float = 2050.0
    vix_start: float = 14.0
    spx_vix_correlation: float = -0.75
    first_day: date = date(2015, 1, 2)
    jump_beta_ref: float = 11.3
    jump_beta_exponent: float = 1.37
    jump_beta_dispersion: float = 0.41
    jump_persistent_fraction: float = 0.4
    jump_fast_half_life_sessions: float = 3.0
    vvix_ref: float = 94.0
    vvix_ref_vix: float = 19.8
    vvix_vix_elasticity: float = 0.41
    vvix_jump_kick: float = 100.0

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
    noise = rng.standard_normal((n, 5))  # VIX, SPX (independent part), VVIX, jump size, jump response
    uniforms = rng.random((n, 2))  # regime switch, jump arrival
    rho = settings.spx_vix_correlation
    regimes = (settings.calm, settings.stressed)
    spx = np.empty(n)
    vix = np.empty(n)
    vvix = np.empty(n)
    stressed = np.zeros(n, dtype=bool)
    spx[0], vix[0] = settings.spx_start, settings.vix_start
    vvix_noise = 0.0
    vvix[0] = _vvix(vix[0], 0.0, 0.0, settings)
    state = 0
    forced = dict(shocks or {})
    # log VIX = slow + fast: the slow part reverts to the regime's mean, the fast part is the share of each
    # jump that fades within days (real spikes give back ~10 % in three sessions).
    slow, fast = math.log(vix[0]), 0.0
    fade = math.exp(-math.log(2.0) / settings.jump_fast_half_life_sessions)
    for i in range(1, n):
        entering_stress = False
        if uniforms[i, 0] < 1.0 / regimes[state].expected_stay_days:
            state = 1 - state
            entering_stress = state == 1
        regime = regimes[state]
        stressed[i] = state == 1
        previous_vix = vix[i - 1]
        drift_vix = regime.vix_reversion_per_year * (math.log(regime.vix_mean) - slow) * dt
        z_vix = noise[i, 0]
        z_spx = rho * z_vix + math.sqrt(1.0 - rho * rho) * noise[i, 1]
        sigma = regime.realized_to_implied * previous_vix / 100.0
        spx_log = (regime.spx_drift_per_year - 0.5 * sigma * sigma) * dt + sigma * math.sqrt(dt) * z_spx
        vix_log = drift_vix + regime.vix_vol_per_year * math.sqrt(dt) * z_vix
        jump = 0.0
        if entering_stress or uniforms[i, 1] < regime.jumps_per_year * dt:
            jump = min(0.0, regime.jump_mean_log + regime.jump_sd_log * noise[i, 3])
        dispersion = settings.jump_beta_dispersion * noise[i, 4]
        persistent = settings.jump_persistent_fraction
        if i in forced:  # a scripted sell-off: its VIX rise persists, as in 2011 and 2020 (DOMAIN.md)
            spx_log, vix_log, jump, dispersion, persistent = 0.0, drift_vix, float(forced[i]), 0.0, 1.0
        slow += vix_log
        fast *= fade
        if jump < 0:
            rise = -jump_beta(previous_vix, settings) * math.exp(dispersion) * jump
            slow += persistent * rise
            fast += (1.0 - persistent) * rise
        spx[i] = spx[i - 1] * math.exp(spx_log + jump)
        vix[i] = min(max(math.exp(slow + fast), VIX_BOUNDS[0]), VIX_BOUNDS[1])
        slow = math.log(vix[i]) - fast  # a bound reached holds the level where it is kept
        vvix_noise = 0.9 * vvix_noise + 0.03 * noise[i, 2]
        vvix[i] = _vvix(vix[i], vvix_noise, math.log(vix[i] / previous_vix), settings)
    label = name or f"generated path, seed {seed}, {years:g} years"
    return MarketPath(label, tuple(days), np.round(spx, 2), np.round(vix, 2), np.round(vvix, 2))


def jump_beta(vix: float, settings: GeneratorSettings) -> float:
    """Central log VIX rise per unit SPX log fall on a jump day at this VIX.

    >>> round(jump_beta(20.0, GeneratorSettings()), 2), round(jump_beta(40.0, GeneratorSettings()), 2)
    (11.3, 4.37)
    """
    return settings.jump_beta_ref * (20.0 / vix) ** settings.jump_beta_exponent


def _vvix(vix: float, noise: float, vix_log_change: float, settings: GeneratorSettings) -> float:
    level = settings.vvix_ref * (vix / settings.vvix_ref_vix) ** settings.vvix_vix_elasticity * math.exp(noise)
    level += settings.vvix_jump_kick * max(vix_log_change, 0.0)
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
