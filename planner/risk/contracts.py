"""A book flattened into arrays: each distinct contract once, positions as weights.

Pricing the same SPX strike held by ten condors ten times is wasted work, so
legs are grouped by everything that changes their value (instrument, right,
strike, expiry, settlement, IV and mark) and every position becomes a row of
weights over those contracts: dollars of value per point of contract price.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from planner.domain.instruments import Instrument, Leg
from planner.domain.market import MarketSnapshot
from planner.domain.positions import Position, PositionKind
from planner.domain.settings import Settings
from planner.risk.spot_vol import futures_damping, term_structure_future

SPX, VIX_OPTION, VIX_FUTURE = 0, 1, 2
KIND_CODE = {Instrument.SPX_OPTION: SPX, Instrument.VIX_OPTION: VIX_OPTION, Instrument.VIX_FUTURE: VIX_FUTURE}


@dataclass(frozen=True)
class ContractTable:
    """Per distinct contract (index c), at one valuation moment.

    years: time to settlement in calendar years. iv: decimal vol at today's
    VIX (SPX) or of the VIX option itself. future: today's VIX future for the
    contract's expiry in points (NaN for SPX). damping: d(T) of that future.
    mark: a user-typed price per unit, NaN when the model value is used.
    legs: the legs in the order of ``leg_contract`` (leg i is contract leg_contract[i]).
    weights: [positions x contracts], dollars per point of contract price
    (signed quantity x multiplier summed over a position's legs).
    """

    kind: np.ndarray
    is_call: np.ndarray
    strike: np.ndarray
    expiry: tuple
    settlement: tuple
    years: np.ndarray
    iv: np.ndarray
    future: np.ndarray
    damping: np.ndarray
    mark: np.ndarray
    future_estimated: np.ndarray
    positions: tuple[Position, ...]
    legs: tuple[Leg, ...]
    leg_position: np.ndarray
    leg_contract: np.ndarray
    leg_weight: np.ndarray
    weights: np.ndarray

    @property
    def size(self) -> int:
        return int(self.kind.size)

    def is_condor_row(self) -> np.ndarray:
        return np.array([p.kind is PositionKind.CONDOR for p in self.positions], dtype=bool)


def skew_iv(strike: float, spx: float, vix: float, settings: Settings) -> float:
    """VIX/100 shaped by moneyness: the IV an SPX leg gets when none was entered.

    Below spot the IV rises by ``skew_put_slope`` x -ln(K/S); above spot it
    falls by ``skew_call_slope`` x ln(K/S); never below 1 %.

    >>> round(skew_iv(5310.0, 5900.0, 16.0, Settings()), 4)
    0.2548
    """
    log_moneyness = math.log(strike / spx)
    slope = settings.skew_put_slope if log_moneyness < 0 else settings.skew_call_slope
    return max(vix / 100.0 - slope * log_moneyness, 0.01)


def spx_iv_today(leg: Leg, vix: float, settings: Settings) -> float:
    """A kept SPX IV moved by the spot-VIX change since it was set (vol points per VIX point)."""
    if leg.iv_vix is None:
        return leg.iv
    return max(leg.iv + settings.spx_iv_per_vix_point * (vix - leg.iv_vix) / 100.0, 0.01)


def default_vix_option_iv(market: MarketSnapshot, settings: Settings) -> float:
    """VVIX is the market's 30-day vol of VIX; without it, the documented default."""
    return market.vvix / 100.0 if market.vvix else settings.vix_option_default_vol


def build_contracts(
    positions: tuple[Position, ...],
    market: MarketSnapshot,
    settings: Settings,
    at: datetime,
    years_to=None,
) -> ContractTable:
    """Flatten ``positions`` into a ContractTable valued at moment ``at``.

    years_to(expiry, settlement, at) -> years; defaults to the exchange-calendar
    settlement moment (planner.calendars.time_to_expiry).
    """
    if years_to is None:
        from planner.calendars import time_to_expiry

        def years_to(expiry, settlement, moment):
            return time_to_expiry(moment, expiry, str(settlement))

    index: dict[tuple, int] = {}
    rows: list[tuple] = []
    legs: list[Leg] = []
    leg_position: list[int] = []
    leg_contract: list[int] = []
    leg_weight: list[float] = []
    vix_iv = default_vix_option_iv(market, settings)
    years_cache: dict[tuple, float] = {}
    for p_index, position in enumerate(positions):
        for leg in position.legs:
            key = (leg.instrument, leg.right, leg.strike, leg.expiry, leg.settlement, leg.iv, leg.iv_vix, leg.mark)
            c = index.get(key)
            if c is None:
                c = index[key] = len(rows)
                span = (leg.expiry, leg.settlement)
                if span not in years_cache:
                    years_cache[span] = years_to(leg.expiry, leg.settlement, at)
                if leg.iv is not None:
                    iv = spx_iv_today(leg, market.vix, settings) if leg.instrument is Instrument.SPX_OPTION else leg.iv
                elif leg.instrument is Instrument.SPX_OPTION:
                    iv = skew_iv(leg.strike, market.spx, market.vix, settings)
                elif leg.instrument is Instrument.VIX_OPTION:
                    iv = vix_iv
                else:
                    iv = math.nan
                rows.append((leg, years_cache[span], iv))
            legs.append(leg)
            leg_position.append(p_index)
            leg_contract.append(c)
            leg_weight.append(leg.quantity * leg.multiplier)

    count = len(rows)
    kind = np.array([KIND_CODE[leg.instrument] for leg, _, _ in rows], dtype=np.int8)
    years = np.array([y for _, y, _ in rows], dtype=float)
    future = np.full(count, np.nan)
    estimated = np.zeros(count, dtype=bool)
    for c, (leg, y, _) in enumerate(rows):
        if leg.instrument is Instrument.SPX_OPTION:
            continue
        listed = market.future_price(leg.expiry)
        if listed is None:
            future[c] = float(term_structure_future(y, market.vix, settings))
            estimated[c] = True
        else:
            future[c] = listed
    weights = np.zeros((len(positions), count))
    np.add.at(weights, (np.array(leg_position, dtype=int), np.array(leg_contract, dtype=int)), leg_weight)
    return ContractTable(
        kind=kind,
        is_call=np.array([leg.right is not None and leg.is_call for leg, _, _ in rows], dtype=bool),
        strike=np.array([leg.strike if leg.strike is not None else np.nan for leg, _, _ in rows], dtype=float),
        expiry=tuple(leg.expiry for leg, _, _ in rows),
        settlement=tuple(leg.settlement for leg, _, _ in rows),
        years=years,
        iv=np.array([iv for _, _, iv in rows], dtype=float),
        future=future,
        damping=futures_damping(years, settings),
        mark=np.array([leg.mark if leg.mark is not None else np.nan for leg, _, _ in rows], dtype=float),
        future_estimated=estimated,
        positions=positions,
        legs=tuple(legs),
        leg_position=np.array(leg_position, dtype=int),
        leg_contract=np.array(leg_contract, dtype=int),
        leg_weight=np.array(leg_weight, dtype=float),
        weights=weights,
    )


def years_at(table: ContractTable, moment: datetime, years_to=None) -> np.ndarray:
    """Each contract's time to settlement seen from another moment (T+n, expiry)."""
    if years_to is None:
        from planner.calendars import time_to_expiry

        def years_to(expiry, settlement, when):
            return time_to_expiry(when, expiry, str(settlement))

    cache: dict[tuple, float] = {}
    out = np.empty(table.size)
    for c, span in enumerate(zip(table.expiry, table.settlement, strict=True)):
        if span not in cache:
            cache[span] = years_to(span[0], span[1], moment)
        out[c] = cache[span]
    return out
