"""The condor program: when to sell an iron condor, which one, and when to get out.

Entry: every ``entry_every_days`` sessions, sell ``contracts`` iron condors
on the listed Friday expiry nearest ``target_dte_days`` calendar days out,
short strikes at ``short_delta`` (absolute BSM delta under the skew rule),
wings ``wing_width_pct`` % of SPX wide (on the 5-point strike ladder, at
least one step), for the model credit less slippage.

Exits, checked on every close, first match wins:
* profit: the condor can be bought back for ``profit_target_pct`` % or more of
  its credit in profit (None: the book's ``condor_take_profit_pct`` setting,
  the one early close of winners the method names, the same in both runs);
* loss: buying it back would lose ``loss_multiple`` x its own credit or more;
* time: ``exit_days_before_expiry`` calendar days or fewer are left;
* expiry: it settles (only when ``exit_days_before_expiry`` is 0).

Expiries that existed on each date: SPX AM monthlies (the third Friday, the
session before on a holiday) always; Friday SPXW PM weeklies from their
listing in October 2005 (a Friday holiday moves them to the session before).
SPXW's other weekdays (2016-2022) are not used: the program sells Friday
condors, as weeklies were before 2022.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from planner import calendars
from planner.backtest.model import MarketModel
from planner.domain.errors import InputError
from planner.domain.instruments import Settlement
from planner.pricing import bsm_delta

WEEKLY_LISTING_START = date(2005, 10, 28)  # the first SPX Weeklys (Friday, PM) expired this day
STRIKE_STEP_PTS = 5.0
PROFIT, LOSS, TIME, EXPIRY = "profit", "loss", "time", "expiry"


@dataclass(frozen=True, slots=True)
class CondorProgram:
    """The program's parameters; days are trading sessions or calendar days as named."""

    entry_every_days: int = 5
    target_dte_days: int = 45
    short_delta: float = 0.16
    wing_width_pct: float = 1.0
    contracts: int = 1
    profit_target_pct: float | None = None  # None: settings.condor_take_profit_pct (``resolved``)
    loss_multiple: float = 2.0
    exit_days_before_expiry: int = 7

    def __post_init__(self) -> None:
        checks = (
            ("entry-every", self.entry_every_days, 1, 250, "trading days"),
            ("dte", self.target_dte_days, 1, 400, "calendar days"),
            ("short-delta", self.short_delta, 0.01, 0.49, "(absolute delta)"),
            ("wing-pct", self.wing_width_pct, 0.05, 20.0, "% of SPX"),
            ("contracts", self.contracts, 1, 10_000, "condors"),
            ("profit-target", 50.0 if self.profit_target_pct is None else self.profit_target_pct, 0.0, 100.0,
             "% of the credit"),
            ("loss-multiple", self.loss_multiple, 0.1, 50.0, "x the credit"),
            ("exit-days", self.exit_days_before_expiry, 0, 60, "calendar days"),
        )
        for name, value, low, high, unit in checks:
            if not low <= value <= high:
                raise InputError(name, f"must be between {low:g} and {high:g} {unit}", value)
        if self.exit_days_before_expiry >= self.target_dte_days:
            raise InputError("exit-days", f"must be fewer than the target DTE ({self.target_dte_days})",
                             self.exit_days_before_expiry)

    def resolved(self, take_profit_pct: float) -> CondorProgram:
        """This program with its profit target filled in from the setting when none was given."""
        if self.profit_target_pct is not None:
            return self
        from dataclasses import replace

        return replace(self, profit_target_pct=float(take_profit_pct))


@dataclass(frozen=True, slots=True)
class CondorChoice:
    """A condor to sell: expiry and settlement, strikes K1 < K2 < K3 < K4 (points), mid credit (points)."""

    expiry: date
    settlement: Settlement
    strikes: tuple[float, float, float, float]
    mid_credit_pts: float


class FridayExpiries:
    """The Friday expiries listed on each day of a span, computed once."""

    def __init__(self, first: date, last: date) -> None:
        horizon = last + timedelta(days=400)
        monthly = calendars.spx_monthly_expirations(first, horizon)
        self.monthly = set(monthly)
        weekly = []
        friday = first + timedelta(days=(4 - first.weekday()) % 7)
        while friday <= horizon:
            if calendars.is_trading_day(friday):
                weekly.append(friday)
            else:
                before = calendars.previous_trading_day(friday)
                if (friday - before).days < 4:  # same week: Good Friday moves the expiry to Thursday
                    weekly.append(before)
            friday += timedelta(days=7)
        self.all = sorted(set(weekly) | self.monthly)

    def listed(self, day: date) -> list[tuple[date, Settlement]]:
        """Expiries after ``day`` with their settlement: monthlies AM; weeklies PM once listed."""
        weeklies = day >= WEEKLY_LISTING_START
        return [(e, Settlement.AM if e in self.monthly else Settlement.PM) for e in self.all
                if e > day and (weeklies or e in self.monthly)]

    def nearest(self, day: date, target_days: int, min_days: int) -> tuple[date, Settlement] | None:
        """The listed expiry nearest ``target_days`` out with more than ``min_days`` left (ties: the later).

        Walks the sorted expiries from the first one far enough out and stops once they only get
        further from the target, instead of listing the whole span on every entry day.
        """
        weeklies = day >= WEEKLY_LISTING_START
        best: date | None = None
        best_key: tuple[int, int] | None = None
        for index in range(bisect_right(self.all, day + timedelta(days=max(0, min_days))), len(self.all)):
            expiry = self.all[index]
            days = (expiry - day).days
            if best_key is not None and days - target_days > best_key[0]:
                break  # every later expiry is further still
            if not weeklies and expiry not in self.monthly:
                continue
            key = (abs(days - target_days), -days)
            if best_key is None or key < best_key:
                best, best_key = expiry, key
        if best is None:
            return None
        return best, Settlement.AM if best in self.monthly else Settlement.PM


def strike_ladder(low: float, high: float) -> np.ndarray:
    first = math.ceil(low / STRIKE_STEP_PTS) * STRIKE_STEP_PTS
    last = math.floor(high / STRIKE_STEP_PTS) * STRIKE_STEP_PTS
    return np.arange(first, last + STRIKE_STEP_PTS / 2, STRIKE_STEP_PTS)


def choose_condor(program: CondorProgram, model: MarketModel, expiries: FridayExpiries, at: datetime,
                  spx: float, vix: float) -> CondorChoice | None:
    """The condor the program sells at ``at``, or None when no expiry or no credit fits."""
    today = at.astimezone(calendars.ET).date()
    found = expiries.nearest(today, program.target_dte_days, program.exit_days_before_expiry + 1)
    if found is None:
        return None
    expiry, settlement = found
    years = calendars.time_to_expiry(at, expiry, str(settlement))
    if years <= 0:
        return None
    reach = 6.0 * max(vix, 10.0) / 100.0 * math.sqrt(years)  # six standard deviations: the 16-delta strike is ~1
    puts = strike_ladder(spx * math.exp(-reach), spx)
    calls = strike_ladder(spx, spx * math.exp(reach))
    if puts.size == 0 or calls.size == 0:
        return None
    # Deltas alone: the far wings' prices would go through pricing's slow exact path for nothing.
    put_delta = bsm_delta(False, spx, puts, years, model.spx_iv(puts, spx, vix), model.rate, model.div_yield)
    call_delta = bsm_delta(True, spx, calls, years, model.spx_iv(calls, spx, vix), model.rate, model.div_yield)
    short_put = float(puts[np.argmin(np.abs(np.abs(put_delta) - program.short_delta))])
    short_call = float(calls[np.argmin(np.abs(np.abs(call_delta) - program.short_delta))])
    wing = max(STRIKE_STEP_PTS, round(spx * program.wing_width_pct / 100.0 / STRIKE_STEP_PTS) * STRIKE_STEP_PTS)
    strikes = (short_put - wing, short_put, short_call, short_call + wing)
    if strikes[0] <= 0 or not strikes[1] < strikes[2]:
        return None
    prices = model.spx_option_prices([False, False, True, True], strikes, years, spx, vix)
    credit = float(prices[1] - prices[0] + prices[2] - prices[3])
    return CondorChoice(expiry, settlement, strikes, credit)


def exit_reason(program: CondorProgram, credit_pts: float, close_cost_pts: float, days_left: int,
                expired: bool) -> str | None:
    """Why the program closes a condor today (profit, loss, time, expiry), or None to hold it.

    ``program`` must have its profit target (``CondorProgram.resolved``).

    >>> program = CondorProgram(profit_target_pct=50.0)
    >>> exit_reason(program, 2.0, 0.4, 30, False), exit_reason(program, 2.0, 6.1, 30, False)
    ('profit', 'loss')
    """
    if expired:
        return EXPIRY
    target_pct = program.profit_target_pct
    if target_pct is None:
        raise ValueError("exit_reason needs the program's profit target: pass CondorProgram.resolved(...)")
    if credit_pts - close_cost_pts >= target_pct / 100.0 * credit_pts:
        return PROFIT
    if close_cost_pts - credit_pts >= program.loss_multiple * credit_pts:
        return LOSS
    if program.exit_days_before_expiry and days_left <= program.exit_days_before_expiry:
        return TIME
    return None
