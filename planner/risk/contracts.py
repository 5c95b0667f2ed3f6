"""A book flattened into arrays: each distinct contract once, positions as weights.

Pricing the same SPX strike held by ten condors ten times is wasted work, so
legs are grouped by everything that changes their value (instrument, right,
strike, expiry, settlement, IV and mark) and every position becomes a row of
weights over those contracts: dollars of value per point of contract price.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

import numpy as np

from planner.domain.instruments import Instrument, Leg
from planner.domain.market import MarketSnapshot
from planner.domain.positions import Position, PositionKind
from planner.domain.settings import Settings
from planner.risk.exposure import protection_targets
from planner.risk.spot_vol import futures_damping, term_structure_future
from planner.risk.vix_option_vol import vix_option_iv

SPX, VIX_OPTION, VIX_FUTURE = 0, 1, 2
KIND_CODE = {Instrument.SPX_OPTION: SPX, Instrument.VIX_OPTION: VIX_OPTION, Instrument.VIX_FUTURE: VIX_FUTURE}


def _from_layout(name: str) -> property:
    return property(lambda table: getattr(table.layout, name), doc=f"The layout's ``{name}`` (see BookLayout).")


@dataclass(frozen=True)
class ContractTable:
    """Per distinct contract (index c), at one valuation moment.

    layout: what comes from the positions alone (BookLayout), shared by every
    table made from the same position objects; its fields read through the
    table (``table.weights`` is ``table.layout.weights``). What the moment and
    the market set: years, time to settlement in calendar years; iv, decimal
    vol at today's VIX (SPX) or of the VIX option itself; future, today's VIX
    future for the contract's expiry in points (NaN for SPX), and
    future_estimated where it came from the term structure instead of the
    snapshot's curve; damping, d(T) of that future.
    """

    layout: BookLayout
    years: np.ndarray
    iv: np.ndarray
    future: np.ndarray
    damping: np.ndarray
    future_estimated: np.ndarray

    kind = _from_layout("kind")
    is_call = _from_layout("is_call")
    strike = _from_layout("strike")
    expiry = _from_layout("expiry")
    settlement = _from_layout("settlement")
    mark = _from_layout("mark")
    positions = _from_layout("positions")
    legs = _from_layout("legs")
    leg_position = _from_layout("leg_position")
    leg_contract = _from_layout("leg_contract")
    leg_weight = _from_layout("leg_weight")
    weights = _from_layout("weights")
    condor_rows = _from_layout("condor_rows")
    fixed = _from_layout("fixed")
    protect_targets = _from_layout("protect_targets")
    spans = _from_layout("spans")
    span_of = _from_layout("span_of")
    derived = _from_layout("derived")

    @property
    def size(self) -> int:
        return int(self.kind.size)

    def is_condor_row(self) -> np.ndarray:
        return self.condor_rows


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
    iv = leg.iv
    if iv is None:  # a leg without a kept IV is priced on the skew (skew_iv), never here
        raise ValueError("spx_iv_today needs a leg with a kept IV")
    if leg.iv_vix is None:
        return iv
    return max(iv + settings.spx_iv_per_vix_point * (vix - leg.iv_vix) / 100.0, 0.01)


def default_vix_option_iv(strike: float, future: float, years: float, market: MarketSnapshot,
                          settings: Settings) -> float:
    """A VIX option's IV by strike and tenor from VVIX (or VIX) when none was entered (``vix_option_vol``)."""
    return float(vix_option_iv(strike, future, years, market.vix, market.vvix, settings))


def build_contracts(
    positions: tuple[Position, ...],
    market: MarketSnapshot,
    settings: Settings,
    at: datetime,
    years_to=None,
    layouts: Layouts | None = None,
) -> ContractTable:
    """Flatten ``positions`` into a ContractTable valued at moment ``at``.

    years_to(expiry, settlement, at) -> years; defaults to the exchange-calendar
    settlement moment (planner.calendars.time_to_expiry). layouts: the caller's
    memo of layouts, for a caller that values the same positions again and again.
    """
    if years_to is None:
        from planner.calendars import time_to_expiry

        def years_to(expiry, settlement, moment):
            return time_to_expiry(moment, expiry, str(settlement))

    layout = book_layout(positions) if layouts is None else layouts.of(positions)
    years = np.array([years_to(expiry, settlement, at) for expiry, settlement in layout.spans])[layout.span_of]
    count = len(layout.first_legs)
    iv = np.empty(count)
    future = np.full(count, np.nan)
    estimated = np.zeros(count, dtype=bool)
    surface: list[int] = []  # VIX options priced on the vol surface
    for c, leg in enumerate(layout.first_legs):
        if leg.instrument is Instrument.SPX_OPTION:
            assert leg.strike is not None  # every option leg has one (Leg's own checks)
            iv[c] = spx_iv_today(leg, market.vix, settings) if leg.iv is not None else skew_iv(
                leg.strike, market.spx, market.vix, settings)
            continue
        listed = market.future_price(leg.expiry)
        if listed is None:
            future[c] = float(term_structure_future(years[c], market.vix, settings))
            estimated[c] = True
        else:
            future[c] = listed
        if leg.iv is not None:
            iv[c] = leg.iv
        elif leg.instrument is Instrument.VIX_OPTION:
            surface.append(c)
        else:
            iv[c] = math.nan
    if surface:  # one vectorised pass over the vol surface: the hedged backtest builds a table every session
        rows = np.array(surface)
        iv[rows] = vix_option_iv(layout.strike[rows], future[rows], years[rows], market.vix, market.vvix, settings)
    return ContractTable(layout, years=years, iv=iv, future=future, damping=futures_damping(years, settings),
                         future_estimated=estimated)


@dataclass(frozen=True)
class BookLayout:
    """What a ContractTable takes from the positions alone (no market, no moment).

    Per distinct contract: kind (SPX, VIX_OPTION, VIX_FUTURE), is_call, strike,
    expiry, settlement, and mark, a user-typed price per unit (NaN when the
    model value is used); spans, the distinct (expiry, settlement) pairs, and
    span_of, each contract's index into them. legs: the legs in the order of
    ``leg_contract`` (leg i is contract leg_contract[i], held by position
    leg_position[i] with weight leg_weight[i]). weights: [positions x
    contracts], dollars per point of contract price (signed quantity x
    multiplier summed over a position's legs). Per position: condor_rows,
    whether it is a condor; fixed, its cost basis plus fees (dollars; P&L is
    value less this); protect_targets, ``exposure.protection_targets``.
    derived: a memo for figures that depend on the positions alone, filled by
    whoever needs them (the risk engine's break-even rows and group masks).

    Made afresh by each ``build_contracts``, unless its caller keeps a ``Layouts``
    (the window, which values the same book on every quote). Its arrays are
    read-only because the tables made from it share them.
    """

    positions: tuple[Position, ...]
    first_legs: tuple[Leg, ...]  # each distinct contract's first leg
    kind: np.ndarray
    is_call: np.ndarray
    strike: np.ndarray
    expiry: tuple
    settlement: tuple
    mark: np.ndarray
    legs: tuple[Leg, ...]
    leg_position: np.ndarray
    leg_contract: np.ndarray
    leg_weight: np.ndarray
    weights: np.ndarray
    condor_rows: np.ndarray
    fixed: np.ndarray
    protect_targets: np.ndarray
    spans: tuple[tuple, ...]
    span_of: np.ndarray
    derived: dict = field(default_factory=dict, compare=False, repr=False)


class _Part(NamedTuple):
    """What a layout takes from one position alone."""

    keys: tuple[tuple, ...]  # per leg: everything that sets its value (one contract per distinct key)
    weights: tuple[float, ...]  # per leg: signed quantity x multiplier
    fixed: float  # cost basis plus fees, dollars
    is_condor: bool


def _make_part(position: Position) -> _Part:
    keys = tuple((leg.instrument, leg.right, leg.strike, leg.expiry, leg.settlement, leg.iv, leg.iv_vix, leg.mark)
                 for leg in position.legs)
    return _Part(keys, tuple(float(leg.quantity * leg.multiplier) for leg in position.legs),
                 position.cost_basis + position.fees, position.kind is PositionKind.CONDOR)


def book_layout(positions: tuple[Position, ...]) -> BookLayout:
    """The layout of ``positions``: their distinct contracts and each position's weights over them."""
    index: dict[tuple, int] = {}
    first_legs: list[Leg] = []
    legs: list[Leg] = []
    leg_position: list[int] = []
    leg_contract: list[int] = []
    leg_weight: list[float] = []
    parts = [_make_part(position) for position in positions]
    for p_index, (position, part) in enumerate(zip(positions, parts, strict=True)):
        for leg, key in zip(position.legs, part.keys, strict=True):
            c = index.get(key)
            if c is None:
                c = index[key] = len(first_legs)
                first_legs.append(leg)
            leg_contract.append(c)
        legs.extend(position.legs)
        leg_position.extend([p_index] * len(part.keys))
        leg_weight.extend(part.weights)
    spans: dict[tuple, int] = {}
    span_of = [spans.setdefault((leg.expiry, leg.settlement), len(spans)) for leg in first_legs]
    weights = np.zeros((len(positions), len(first_legs)))
    np.add.at(weights, (np.array(leg_position, dtype=int), np.array(leg_contract, dtype=int)), leg_weight)
    arrays = {
        "kind": np.array([KIND_CODE[leg.instrument] for leg in first_legs], dtype=np.int8),
        "is_call": np.array([leg.right is not None and leg.is_call for leg in first_legs], dtype=bool),
        "strike": np.array([leg.strike if leg.strike is not None else np.nan for leg in first_legs], dtype=float),
        "mark": np.array([leg.mark if leg.mark is not None else np.nan for leg in first_legs], dtype=float),
        "leg_position": np.array(leg_position, dtype=int),
        "leg_contract": np.array(leg_contract, dtype=int),
        "leg_weight": np.array(leg_weight, dtype=float),
        "weights": weights,
        "condor_rows": np.array([part.is_condor for part in parts], dtype=bool),
        "fixed": np.array([part.fixed for part in parts], dtype=float),
        "protect_targets": protection_targets(positions),
        "span_of": np.array(span_of, dtype=int),
    }
    for array in arrays.values():
        array.flags.writeable = False
    return BookLayout(positions=positions, first_legs=tuple(first_legs), legs=tuple(legs), spans=tuple(spans),
                      expiry=tuple(leg.expiry for leg in first_legs),
                      settlement=tuple(leg.settlement for leg in first_legs),
                      **arrays)  # type: ignore[arg-type]  # mypy matches **arrays to ``derived`` too; no key names it


class Layouts:
    """The layouts of the position sets one caller values again and again, found by value.

    The window values the same book on every quote, and the same book as of the
    previous quote for the day's P&L. Building a layout, with what its ``derived``
    memo gathers (each position's row facts, break-even rows, group masks), is
    about a sixth of such a run, and does not change between quotes. The caller
    that holds the book owns this memo (``BookState``), so nothing outlives it;
    a look-up compares the positions themselves, never an object's identity (the
    same objects compare in one step each, a reloaded book field by field).
    """

    def __init__(self, kept: int = 4) -> None:
        self._kept = kept
        self._layouts: list[BookLayout] = []  # most recently used first

    def of(self, positions: tuple[Position, ...]) -> BookLayout:
        for index, layout in enumerate(self._layouts):
            if layout.positions == positions:  # tuples: lengths first, then item by item (identity first)
                if index:
                    self._layouts.insert(0, self._layouts.pop(index))
                return layout
        layout = book_layout(positions)
        self._layouts = [layout, *self._layouts[:self._kept - 1]]
        return layout


def years_at(table: ContractTable, moment: datetime, years_to=None) -> np.ndarray:
    """Each contract's time to settlement seen from another moment (T+n, expiry)."""
    if years_to is None:
        from planner.calendars import time_to_expiry

        def years_to(expiry, settlement, when):
            return time_to_expiry(when, expiry, str(settlement))

    return np.array([years_to(expiry, settlement, moment) for expiry, settlement in table.spans],
                    dtype=float)[table.span_of]
