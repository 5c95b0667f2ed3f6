"""Every tunable number of the method, with its default, unit and meaning.

Defaults are those of the hedge method (DOMAIN.md). Names ending in ``_pct``
are percent (1.5 means 1.5 %); vols, rates and yields are decimals. Nothing in
the planner hard-wires one of these values: code reads them from ``Settings``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any

from planner.domain.errors import InputError, NotFoundError


@dataclass(frozen=True, slots=True)
class SettingSpec:
    key: str
    default: float | int | bool
    unit: str
    description: str
    minimum: float | None = None
    maximum: float | None = None

    @property
    def kind(self) -> type:
        return type(self.default)


SPECS: tuple[SettingSpec, ...] = (
    # Account and risk cap
    SettingSpec("equity", 100_000.0, "$", "Account equity the risk caps are measured against", 1.0, None),
    SettingSpec("risk_cap_pct", 1.5, "% of equity", "Largest loss a condor with its hedges may show in its worst plausible scenario (risk used)", 0.01, 100.0),
    SettingSpec("high_roe", False, "on/off", "High-ROE regime: use the higher risk cap"),
    SettingSpec("high_roe_cap_pct", 2.0, "% of equity", "Risk cap while the high-ROE regime is on", 0.01, 100.0),
    # Tiers (the 4/4/2 ladder)
    SettingSpec("near_share_pct", 40.0, "% of hedge budget", "Near tier's share of the protection target", 0.0, 100.0),
    SettingSpec("mid_share_pct", 40.0, "% of hedge budget", "Mid tier's share of the protection target", 0.0, 100.0),
    SettingSpec("long_share_pct", 20.0, "% of hedge budget", "Long tier's share of the protection target", 0.0, 100.0),
    SettingSpec("near_vix_threshold", 18.0, "VIX points", "Near tier activates when VIX is at or above this", 1.0, 150.0),
    SettingSpec("mid_vix_threshold", 22.0, "VIX points", "Mid tier activates when VIX is at or above this", 1.0, 150.0),
    SettingSpec("long_vix_threshold", 28.0, "VIX points", "Long tier activates when VIX is at or above this", 1.0, 150.0),
    SettingSpec("near_min_days", 14, "days", "Near tier: front VIX expiry with at least this many days left", 0, 365),
    SettingSpec("mid_target_days", 37, "days", "Mid tier: the VIX expiry nearest this many days out", 1, 365),
    SettingSpec("long_min_days", 90, "days", "Long tier: first expiry at least this many days out", 1, 1000),
    SettingSpec("near_strike_otm_pct", 10.0, "% above future", "Near tier strike, above its VIX future", 0.0, 500.0),
    SettingSpec("mid_strike_otm_pct", 20.0, "% above future", "Mid tier strike, above its VIX future", 0.0, 500.0),
    SettingSpec("long_strike_otm_pct", 30.0, "% above future", "Long tier strike, above its VIX future", 0.0, 500.0),
    SettingSpec("backstop_upper_otm_pct", 10.0, "% below SPX", "SPX put-spread backstop: long put this far below spot", 0.0, 90.0),
    SettingSpec("backstop_lower_otm_pct", 20.0, "% below SPX", "SPX put-spread backstop: short put this far below spot", 0.0, 95.0),
    # Rules
    SettingSpec("coverage_low_pct", 40.0, "% coverage", "Coverage rule: below this, add protection", 0.0, 1000.0),
    SettingSpec("coverage_target_pct", 50.0, "% coverage", "Coverage the sizing aims for", 0.0, 1000.0),
    SettingSpec("coverage_high_pct", 60.0, "% coverage", "Coverage rule: above this, trim the tier most over its share", 0.0, 1000.0),
    SettingSpec("breakeven_move_ratio", 1.0, "expected moves", "Break-even rule: fires when spot is closer than this many expected moves", 0.0, 10.0),
    SettingSpec("delta_decay_min", 0.15, "delta per contract", "Delta-decay rule: roll an option layer whose dV/dF is below this", 0.0, 1.0),
    SettingSpec("expiry_roll_days", 7, "days", "Expiry rule: roll or close an option layer with this many days or fewer", 0, 365),
    SettingSpec("carry_value_pct", 40.0, "% of cost", "Carry rule: layer worth this share of its cost or less", 0.0, 100.0),
    SettingSpec("carry_days", 21, "days", "Carry rule: with this many days or fewer left", 0, 365),
    SettingSpec("spike_pct", 30.0, "% above 20-day low", "Mean reversion: a spike is VIX this far above its 20-day low", 0.0, 1000.0),
    SettingSpec("spike_window_days", 20, "trading days", "Mean reversion: window for the low and the spike", 2, 250),
    SettingSpec("condor_take_profit_pct", 50.0, "% of max profit", "Close a condor early at this share of its max profit", 0.0, 100.0),
    SettingSpec("event_window_days", 5, "trading days", "Event rule: warn about events this close", 0, 60),
    SettingSpec("trend_sma_days", 200, "trading days", "Trend gate: VIX moving-average length", 2, 1000),
    # Optional indicator gates (off by default): a rule acts only when its gate agrees
    SettingSpec("gate_rsi_adds", False, "on/off", "Add/roll only while RSI of VIX >= gate_rsi_rising_min"),
    SettingSpec("gate_rsi_exits", False, "on/off", "Take profit/trim/close only while RSI of VIX <= gate_rsi_falling_max"),
    SettingSpec("gate_rsi_days", 14, "trading days", "RSI gate: Wilder RSI length on VIX closes", 2, 250),
    SettingSpec("gate_rsi_rising_min", 50.0, "RSI points", "RSI gate: lowest RSI confirming rising vol", 0.0, 100.0),
    SettingSpec("gate_rsi_falling_max", 50.0, "RSI points", "RSI gate: highest RSI confirming falling vol", 0.0, 100.0),
    SettingSpec("gate_macd_adds", False, "on/off", "Add/roll only while VVIX MACD(12,26,9) is above its signal line"),
    SettingSpec("gate_macd_exits", False, "on/off", "Exits only while VVIX MACD is below its signal line"),
    SettingSpec("gate_realized_vol_adds", False, "on/off", "Add/roll only while 20-day realized SPX vol >= VIX"),
    SettingSpec("gate_realized_vol_exits", False, "on/off", "Exits only while 20-day realized SPX vol < VIX"),
    SettingSpec("gate_realized_vol_days", 20, "trading days", "Realized-vol gate window (annualised with 252)", 2, 250),
    # One plan per review (DOMAIN.md "The hedge method as rules"): ladder hysteresis, no round trips, profit, budget
    SettingSpec("tier_hysteresis_pts", 2.0, "VIX points", "A tier stays active until VIX falls this far under its threshold", 0.0, 50.0),
    SettingSpec("rebuy_hold_sessions", 5, "trading days", "After a sale in a tier, no buy in it for this many sessions (unless VIX crosses its threshold upward)", 0, 250),
    SettingSpec("min_trade_coverage_pct", 2.0, "% coverage", "Smallest top-up or trim worth trading, as coverage it moves", 0.0, 100.0),
    SettingSpec("take_profit_retrace_pct", 20.0, "% below spike high", "Take profit: VIX at least this far below the spike's high", 0.0, 100.0),
    SettingSpec("take_profit_multiple", 1.5, "x cost", "Take profit: the layer worth at least this many times its cost after exit costs", 1.0, 100.0),
    SettingSpec("hedge_exit_spread_pct", 5.0, "% of mark", "Exit cost of selling a layer: the half-spread given up, share of its mark", 0.0, 100.0),
    SettingSpec("hedge_exit_fee_usd", 1.30, "$ per contract per leg", "Exit cost of selling a layer: commission", 0.0, 100.0),
    SettingSpec("hedge_budget_pct", 0.0, "% of condor credit per month", "Hedge spend budget: new layers' cost per 30 days as a share of the open condors' credit (0 = off)", 0.0, 1000.0),
    SettingSpec("gate_term_structure_adds", False, "on/off", "Add only while VIX / VIX3M is above 1 (inverted term structure; needs VIX3M history)"),
    # Spot-vol model (DOMAIN.md "How SPX and VIX move together")
    SettingSpec("vix_floor", 9.0, "VIX points", "Lowest VIX the VIX response produces", 0.1, 150.0),
    SettingSpec("vix_cap", 150.0, "VIX points", "Highest VIX the VIX response produces", 1.0, 500.0),
    SettingSpec("futures_damping_k", 4.3, "per year", "VIX futures move exp(-k T) times the spot VIX move", 0.0, 50.0),
    SettingSpec("term_mean_vix", 20.0, "VIX points", "Long-run VIX level m of the term structure F(T) = m + (VIX - m) exp(-k T)", 1.0, 150.0),
    SettingSpec("spx_iv_per_vix_point", 1.0, "vol points per VIX point", "SPX leg IVs shift by this times the spot-VIX change", 0.0, 5.0),
    # VIX response to an SPX move (docs/model.md "The VIX response to an SPX move"; fitted by
    # tools/fit_vix_response.py to DOMAIN.md's episodes)
    SettingSpec("vix_response_slope", 11.3, "ln VIX per ln SPX", "One-session VIX response to a small SPX fall at the reference VIX (the old beta)", 0.0, 100.0),
    SettingSpec("vix_response_ref_vix", 20.0, "VIX points", "Reference VIX of the response's slope", 1.0, 150.0),
    SettingSpec("vix_response_level_exponent", 0.56, "-", "How the response falls as VIX rises: (ref / VIX) ** exponent", 0.0, 5.0),
    SettingSpec("vix_response_saturation", 0.206, "ln SPX move", "Scale s of the saturation s (1 - exp(-x / s)): larger moves lift VIX less per point", 0.001, 10.0),
    SettingSpec("vix_response_horizon_exponent", 0.24, "-", "A move over n sessions acts as the move times n ** -exponent", 0.0, 1.0),
    SettingSpec("vix_response_up_fraction", 0.22, "-", "Response to an SPX rise as a fraction of the response to a fall", 0.0, 1.0),
    SettingSpec("vix_band_width", 0.40, "share of ln response", "Band spread in log VIX: this times the central log response, plus the floor", 0.0, 5.0),
    SettingSpec("vix_band_floor", 0.03, "ln VIX", "Band spread in log VIX with no SPX move", 0.0, 2.0),
    SettingSpec("vix_band_quantile_pct", 90.0, "percentile", "Band high is this percentile of VIX after the move, band low its mirror", 50.5, 99.9),
    SettingSpec("risk_horizon_sessions", 1, "trading sessions", "Risk used: SPX moves happen over this many sessions and are valued then", 1, 250),
    # Skew rule for SPX legs entered without an IV
    SettingSpec("skew_put_slope", 0.9, "vol per unit log-moneyness", "SPX IV rises by this times -ln(K/S) below spot", 0.0, 10.0),
    SettingSpec("skew_call_slope", 0.3, "vol per unit log-moneyness", "SPX IV falls by this times ln(K/S) above spot", 0.0, 10.0),
    SettingSpec("vix_option_default_vol", 0.9, "decimal", "ATM 30-day VIX option vol without an IV or VVIX while vvix_from_vix is off", 0.01, 10.0),
    # Market model: VIX option vol surface, VX curve, fills (docs/model.md)
    SettingSpec("vix_option_atm_vvix_ratio", 0.85, "ratio", "30-day at-the-money VIX option vol = this x VVIX / 100 (VVIX, a strip index, sits above ATM)", 0.1, 2.0),
    SettingSpec("vix_option_term_exponent", 0.3, "-", "VIX option ATM vol scales with (tenor / 30 days) ** -exponent", 0.0, 2.0),
    SettingSpec("vix_option_min_tenor_days", 7, "calendar days", "Tenors shorter than this take its VIX option vol", 1, 60),
    SettingSpec("vix_option_skew", 0.8, "per unit log-moneyness", "VIX smile: vol x (1 + skew k + curvature k^2), k = ln(K/F)", -5.0, 5.0),
    SettingSpec("vix_option_smile_curvature", 1.0, "per unit log-moneyness squared", "Curvature of the VIX smile (see skew)", 0.0, 10.0),
    SettingSpec("vvix_from_vix", True, "on/off", "Without VVIX, estimate it from VIX (off: vix_option_default_vol is the ATM vol)"),
    SettingSpec("vvix_ref", 94.0, "VVIX points", "Estimated VVIX at the reference VIX", 10.0, 400.0),
    SettingSpec("vvix_ref_vix", 19.8, "VIX points", "Reference VIX of the VVIX estimate", 1.0, 150.0),
    SettingSpec("vvix_vix_elasticity", 0.41, "-", "Estimated VVIX = ref x (VIX / ref VIX) ** elasticity", 0.0, 3.0),
    SettingSpec("vx_curve_mean_vix", 20.0, "VIX points", "Level m the modelled VX curve tends to far out", 1.0, 150.0),
    SettingSpec("vx_curve_reversion_calm", 2.1, "per year", "Pull of the modelled VX curve toward m while VIX is under it", 0.0, 100.0),
    SettingSpec("vx_curve_reversion_spike", 5.4, "per year", "Pull of the modelled VX curve toward m while VIX is above it", 0.0, 100.0),
    SettingSpec("spread_vix_elasticity", 0.5, "-", "Backtest bid-ask spreads scale with (VIX / reference VIX) ** elasticity", 0.0, 3.0),
    SettingSpec("spread_ref_vix", 20.0, "VIX points", "VIX at which backtest spreads are their base estimate", 1.0, 150.0),
    # Stored VX settlement history
    SettingSpec("vx_settle_max_age_days", 5, "calendar days", "Oldest stored VX settlement that stands in for a future today's quote lacks", 0, 60),
    # Live quotes from Interactive Brokers, their storage, and alerts while they stream
    SettingSpec("ibkr_port", 7497, "TCP port", "TWS or IB Gateway API port (TWS 7497 paper / 7496 live, Gateway 4002 / 4001)", 1, 65535),
    SettingSpec("ibkr_client_id", 17, "id", "API client id of the planner's connection (unique per connected program)", 0, 2_147_483_647),
    SettingSpec("ibkr_line_limit", 100, "market-data lines", "Most contracts subscribed at once (the account's line limit); the rest are model-marked", 4, 10_000),
    SettingSpec("ibkr_vx_months", 8, "expiries", "Listed VX futures subscribed for the curve, front first", 0, 12),
    SettingSpec("ibkr_reconnect_max_s", 60.0, "seconds", "Longest wait between reconnection attempts (the wait doubles from 1 s)", 1.0, 3600.0),
    SettingSpec("live_snapshots_per_s", 4.0, "per second", "Most market snapshots made from live ticks each second", 0.1, 20.0),
    SettingSpec("live_store_interval_s", 60, "seconds", "Live snapshots are stored at most once per this interval (the rest stay in memory)", 1, 86_400),
    SettingSpec("live_store_session_close", True, "on/off", "Also store the last live snapshot of each trading session"),
    SettingSpec("intraday_retention_days", 30, "days", "Stored intraday live snapshots older than this are removed (session closes stay)", 1, 36_500),
    SettingSpec("alert_high_suggestion", True, "on/off", "Alert when a new high or critical suggestion appears"),
    SettingSpec("alert_risk_cap", True, "on/off", "Alert when risk used goes over the cap in force"),
    SettingSpec("alert_vix_tier", True, "on/off", "Alert when VIX crosses a hedge tier's threshold"),
    SettingSpec("alert_breakeven", True, "on/off", "Alert when SPX comes near a condor's break-even"),
    SettingSpec("alert_breakeven_moves", 1.0, "expected moves", "Break-even alert distance: SPX x VIX/100 x sqrt(days to expiry / 365) times this", 0.01, 10.0),
    SettingSpec("alert_beep", False, "on/off", "Beep with each alert"),
    # Price and quote sanity (planner/domain/bounds.py): past these a price or quote needs confirming
    SettingSpec("fill_fair_ratio_max", 3.0, "times fair value", "A fill this many times the model's fair value, or that fraction of it (and the points below away), needs confirming", 1.1, 1000.0),
    SettingSpec("fill_fair_tolerance_pts", 0.5, "points", "A fill this many points from the model's fair value (and the percent above) needs confirming", 0.0, 10_000.0),
    SettingSpec("future_curve_tolerance_pct", 50.0, "% from the curve", "A VX future this far from its neighbours on the curve (or a VX fill from the stored future) needs confirming", 1.0, 1000.0),
    SettingSpec("quote_spx_move_pct", 20.0, "% from the last quote", "An SPX quote this far from the last stored one needs confirming", 1.0, 100.0),
    SettingSpec("quote_vix_min", 5.0, "VIX points", "A VIX quote below this needs confirming", 0.1, 150.0),
    SettingSpec("quote_vix_max", 200.0, "VIX points", "A VIX quote above this needs confirming", 10.0, 1000.0),
    SettingSpec("quote_vix_jump_ratio", 3.0, "times the last VIX", "A VIX quote this many times above (or below) the last one needs confirming", 1.1, 100.0),
)

SPEC_BY_KEY = {spec.key: spec for spec in SPECS}


@dataclass(frozen=True, slots=True)
class Settings:
    """The user's settings; see ``SPECS`` for each one's unit and meaning."""

    equity: float = 100_000.0
    risk_cap_pct: float = 1.5
    high_roe: bool = False
    high_roe_cap_pct: float = 2.0
    near_share_pct: float = 40.0
    mid_share_pct: float = 40.0
    long_share_pct: float = 20.0
    near_vix_threshold: float = 18.0
    mid_vix_threshold: float = 22.0
    long_vix_threshold: float = 28.0
    near_min_days: int = 14
    mid_target_days: int = 37
    long_min_days: int = 90
    near_strike_otm_pct: float = 10.0
    mid_strike_otm_pct: float = 20.0
    long_strike_otm_pct: float = 30.0
    backstop_upper_otm_pct: float = 10.0
    backstop_lower_otm_pct: float = 20.0
    coverage_low_pct: float = 40.0
    coverage_target_pct: float = 50.0
    coverage_high_pct: float = 60.0
    breakeven_move_ratio: float = 1.0
    delta_decay_min: float = 0.15
    expiry_roll_days: int = 7
    carry_value_pct: float = 40.0
    carry_days: int = 21
    spike_pct: float = 30.0
    spike_window_days: int = 20
    condor_take_profit_pct: float = 50.0
    event_window_days: int = 5
    trend_sma_days: int = 200
    gate_rsi_adds: bool = False
    gate_rsi_exits: bool = False
    gate_rsi_days: int = 14
    gate_rsi_rising_min: float = 50.0
    gate_rsi_falling_max: float = 50.0
    gate_macd_adds: bool = False
    gate_macd_exits: bool = False
    gate_realized_vol_adds: bool = False
    gate_realized_vol_exits: bool = False
    gate_realized_vol_days: int = 20
    tier_hysteresis_pts: float = 2.0
    rebuy_hold_sessions: int = 5
    min_trade_coverage_pct: float = 2.0
    take_profit_retrace_pct: float = 20.0
    take_profit_multiple: float = 1.5
    hedge_exit_spread_pct: float = 5.0
    hedge_exit_fee_usd: float = 1.30
    hedge_budget_pct: float = 0.0
    gate_term_structure_adds: bool = False
    vix_floor: float = 9.0
    vix_cap: float = 150.0
    futures_damping_k: float = 4.3
    term_mean_vix: float = 20.0
    spx_iv_per_vix_point: float = 1.0
    vix_response_slope: float = 11.3
    vix_response_ref_vix: float = 20.0
    vix_response_level_exponent: float = 0.56
    vix_response_saturation: float = 0.206
    vix_response_horizon_exponent: float = 0.24
    vix_response_up_fraction: float = 0.22
    vix_band_width: float = 0.40
    vix_band_floor: float = 0.03
    vix_band_quantile_pct: float = 90.0
    risk_horizon_sessions: int = 1
    skew_put_slope: float = 0.9
    skew_call_slope: float = 0.3
    vix_option_default_vol: float = 0.9
    vix_option_atm_vvix_ratio: float = 0.85
    vix_option_term_exponent: float = 0.3
    vix_option_min_tenor_days: int = 7
    vix_option_skew: float = 0.8
    vix_option_smile_curvature: float = 1.0
    vvix_from_vix: bool = True
    vvix_ref: float = 94.0
    vvix_ref_vix: float = 19.8
    vvix_vix_elasticity: float = 0.41
    vx_curve_mean_vix: float = 20.0
    vx_curve_reversion_calm: float = 2.1
    vx_curve_reversion_spike: float = 5.4
    spread_vix_elasticity: float = 0.5
    spread_ref_vix: float = 20.0
    vx_settle_max_age_days: int = 5
    # Live quotes from Interactive Brokers, their storage, and alerts
    ibkr_port: int = 7497
    ibkr_client_id: int = 17
    ibkr_line_limit: int = 100
    ibkr_vx_months: int = 8
    ibkr_reconnect_max_s: float = 60.0
    live_snapshots_per_s: float = 4.0
    live_store_interval_s: int = 60
    live_store_session_close: bool = True
    intraday_retention_days: int = 30
    alert_high_suggestion: bool = True
    alert_risk_cap: bool = True
    alert_vix_tier: bool = True
    alert_breakeven: bool = True
    alert_breakeven_moves: float = 1.0
    alert_beep: bool = False
    fill_fair_ratio_max: float = 3.0
    fill_fair_tolerance_pts: float = 0.5
    future_curve_tolerance_pct: float = 50.0
    quote_spx_move_pct: float = 20.0
    quote_vix_min: float = 5.0
    quote_vix_max: float = 200.0
    quote_vix_jump_ratio: float = 3.0

    @property
    def risk_cap_in_force_pct(self) -> float:
        return self.high_roe_cap_pct if self.high_roe else self.risk_cap_pct

    def tier_share_pct(self, tier: str) -> float:
        return getattr(self, f"{tier}_share_pct")

    def tier_vix_threshold(self, tier: str) -> float:
        return getattr(self, f"{tier}_vix_threshold")

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def with_value(self, key: str, raw: object) -> Settings:
        """A copy with one setting changed, validated against its spec."""
        # Any: the field is chosen by name at run time, and parse_setting checked its type against the spec.
        changed: dict[str, Any] = {key: parse_setting(key, raw)}
        return replace(self, **changed)

    @classmethod
    def from_dict(cls, values: dict[str, object]) -> Settings:
        """Stored values over the defaults; unknown keys are ignored (older files)."""
        values = migrate_legacy(values)
        known: dict[str, Any] = {k: parse_setting(k, v) for k, v in values.items() if k in SPEC_BY_KEY}
        return cls(**known)


# The first spot-vol model's settings (ln VIX1/VIX0 = -beta ln SPX1/SPX0, beta = scale (ref/VIX0)^exponent,
# a fraction of it on rises) and what each became: for a small one-session move the VIX response reduces
# to that same beta, so a value the user chose keeps its meaning. A value still at the old default was
# never chosen: the re-fitted default applies.
LEGACY_SETTINGS: dict[str, tuple[str, float]] = {
    "beta_scale": ("vix_response_slope", 16.0),
    "beta_ref_vix": ("vix_response_ref_vix", 20.0),
    "beta_exponent": ("vix_response_level_exponent", 1.5),
    "beta_up_fraction": ("vix_response_up_fraction", 1 / 3),
}


def migrate_legacy(values: dict[str, object]) -> dict[str, object]:
    """Stored settings with the old beta keys carried to their successors (see ``LEGACY_SETTINGS``).

    >>> migrate_legacy({"beta_scale": 12.0, "beta_exponent": 1.5, "equity": 5e4})
    {'equity': 50000.0, 'vix_response_slope': 12.0}
    """
    if not any(key in values for key in LEGACY_SETTINGS):
        return values
    migrated = {k: v for k, v in values.items() if k not in LEGACY_SETTINGS}
    for old, (new, old_default) in LEGACY_SETTINGS.items():
        if old not in values or new in values:
            continue
        try:
            chosen = float(values[old])  # type: ignore[arg-type]  # any value may come in: a wrong type raises, caught below
        except (TypeError, ValueError):
            continue  # an unreadable old value: the new default
        if not math.isclose(chosen, old_default, rel_tol=1e-9):
            migrated[new] = chosen
    return migrated


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def parse_setting(key: str, raw: object) -> float | int | bool:
    """Validate one value for ``key``: its type, finiteness and documented range."""
    spec = SPEC_BY_KEY.get(key)
    if spec is None:
        raise NotFoundError("setting", key, "run 'planner settings' for the list")
    if spec.kind is bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise InputError(key, "must be on or off (true/false)", raw)
    try:
        number = float(raw)  # type: ignore[arg-type]  # any value may come in: a wrong type raises, caught below
    except (TypeError, ValueError):
        raise InputError(key, f"must be a number ({spec.unit})", raw) from None
    if not math.isfinite(number):
        raise InputError(key, "must be a finite number", raw)
    if spec.kind is int:
        if number != int(number):
            raise InputError(key, f"must be a whole number ({spec.unit})", raw)
        number = int(number)
    if spec.minimum is not None and number < spec.minimum:
        raise InputError(key, f"must be at least {spec.minimum:g} {spec.unit}", raw)
    if spec.maximum is not None and number > spec.maximum:
        raise InputError(key, f"must be at most {spec.maximum:g} {spec.unit}", raw)
    return number
