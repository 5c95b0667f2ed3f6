"""The day loop: one path, run twice, unhedged and with the live hedge rules.

Every session, at its close (16:00 ET, 13:00 on early-close days):
1. positions whose settlement moment has passed settle at intrinsic value;
2. the condor program closes condors at its profit target, loss stop or
   days-before-expiry (``strategy.exit_reason``), on model prices;
3. on entry days the program sells its condor;
4. hedged run only: ``planner.rules.suggest`` (which runs ``risk.analyze`` in
   light mode) judges the book, the day's market and the closes before today,
   with the user's settings and gates, as the live app does; the backtest
   trader then does every ADD, ROLL, TRIM, CLOSE and TAKE_PROFIT it proposes
   on a hedge layer, at the model price plus slippage. WARNs are counted,
   never traded: a blocked add is one the risk cap says not to make. A rule's
   CLOSE of a condor is left to the program: the early close of winners at
   ``condor_take_profit_pct`` is the condor program's (step 2, both runs), so
   the runs differ only by the hedge layers. With ``hedge=False`` in the
   config the hedged run makes no review at all (every hedge rule off): its
   curve is then the unhedged one, session for session;
5. every open position is marked at the model's mid price.

Legs carry no IV and no mark, so the risk engine prices them with the very
rules of ``model`` (skew, term structure, VVIX or the default vol) and the
rules see the book this module trades. Both runs sell the same condors and
close them by the same program, so condor for condor they trade alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np

from planner import calendars
from planner.backtest.data import MarketPath
from planner.backtest.model import Costs, MarketModel, commission_usd, leg_arrays, slippage_pts
from planner.backtest.strategy import CondorChoice, CondorProgram, FridayExpiries, choose_condor, exit_reason
from planner.domain.errors import InputError
from planner.domain.instruments import Settlement
from planner.domain.payoff import widest_wing
from planner.domain.positions import (
    Book,
    LayerKind,
    Position,
    PositionKind,
    Status,
    Tier,
    condor_legs,
    layer_legs,
)
from planner.domain.records import Decision, DecisionKind
from planner.domain.settings import Settings
from planner.domain.suggestions import Action, Suggestion
from planner.rules.history import DailyHistory, DailySeries

Progress = Callable[[float, str], None]
GATE_WARMUP_CLOSES = 150  # RSI and MACD (optional gates) settle to within rounding after this many closes
HISTORY_MARGIN = 20
HEDGED_DAY_WEIGHT = 12.0  # a hedged day costs about this many unhedged ones: the progress bar moves evenly


class Cancelled(Exception):
    """The caller asked the backtest to stop."""


@dataclass(frozen=True)
class BacktestConfig:
    """Everything a run needs besides the path and the user's settings.

    rate, div_yield: decimals a year. review_every_days: sessions between two
    reviews by the hedge rules (1: every close, as the method is run).
    history_window: closes before today handed to the rules; None sizes it to
    the rules' longest look-back (``trend_sma_days``, twice ``spike_window_days``,
    the optional gates' warm-up) plus a margin, which leaves every rule's
    figures as they would be with the whole history, at a fraction of the cost.
    """

    program: CondorProgram = field(default_factory=CondorProgram)
    costs: Costs = field(default_factory=Costs)
    rate: float = 0.03
    div_yield: float = 0.015
    review_every_days: int = 1
    history_window: int | None = None
    hedge: bool = True  # False: the hedged run's rules are all off (the fairness check: both curves the same)

    def __post_init__(self) -> None:
        if not 1 <= self.review_every_days <= 250:
            raise InputError("review-every", "must be between 1 and 250 trading days", self.review_every_days)

    def window(self, settings: Settings) -> int:
        if self.history_window is not None:
            return self.history_window
        return max(settings.trend_sma_days, 2 * settings.spike_window_days, GATE_WARMUP_CLOSES) + HISTORY_MARGIN


@dataclass(frozen=True, slots=True)
class CondorRecord:
    """One condor from sale to exit. Prices in points per condor; pnl_usd net of commissions."""

    entry_index: int
    entry_day: date
    expiry: date
    strikes: tuple[float, ...]
    credit_pts: float
    exit_index: int | None = None
    exit_day: date | None = None
    exit_reason: str | None = None
    exit_price_pts: float | None = None
    pnl_usd: float | None = None


@dataclass(frozen=True, slots=True)
class LayerRecord:
    """One hedge layer (a roll starts a new record). pnl_usd net of commissions; None while open."""

    open_index: int
    open_day: date
    tier: str
    layer_kind: str
    expiry: date
    strikes: tuple[float, ...]
    quantity: int
    price_pts: float
    rule: str
    close_day: date | None = None
    close_action: str | None = None
    pnl_usd: float | None = None


@dataclass(frozen=True, slots=True)
class HedgeTrade:
    """One hedge trade done on the rules' word: session index, tier, side ("buy" or "sell"), action.

    A ROLL (close a layer and open its successor) is one trade, side "roll"."""

    index: int
    tier: str
    side: str
    action: str


@dataclass(frozen=True, eq=False)
class RunResult:
    """One run over the path. Curves are dollars, one value per session.

    equity: starting equity plus everything made so far (open positions at mid).
    condor_pnl / hedge_pnl: the cumulative P&L of condors and of hedge layers.
    credit_usd: condor credit collected (after slippage, before commissions).
    hedge_premium_usd: paid for layers (after slippage, before commissions).
    actions: trades done on the rules' word, by action; warnings: WARNs seen.
    hedge_trades: every hedge trade in order; condor_trades: condor sales and buy-backs (settlements
    at expiry are not trades).
    """

    hedged: bool
    dates: tuple[date, ...]
    equity: np.ndarray
    condor_pnl: np.ndarray
    hedge_pnl: np.ndarray
    condors: tuple[CondorRecord, ...]
    layers: tuple[LayerRecord, ...]
    credit_usd: float
    hedge_premium_usd: float
    commissions_usd: float
    actions: dict[str, int]
    by_rule: dict[str, int]
    warnings: int
    starting_equity: float
    hedge_trades: tuple[HedgeTrade, ...] = ()
    condor_trades: int = 0


class PathSetup:
    """What every run over one path with one settings and config shares, made once.

    The listed SPX Friday and VIX expiries of the span, the pricing model, and the
    condor the program chooses on each entry day: both runs sell the same
    condors (the module docstring), so the second run takes the first run's
    choices instead of searching the strike ladder again (a ~2 ms BSM pass over
    hundreds of strikes per entry).
    """

    def __init__(self, path: MarketPath, settings: Settings, config: BacktestConfig) -> None:
        self.path, self.settings, self.config = path, settings, config
        self.model = MarketModel(settings, config.rate, config.div_yield, path.vx_settlements)
        self.expiries = FridayExpiries(path.dates[0], path.dates[-1])
        self.vix_expiries = calendars.vix_expirations(path.dates[0], path.dates[-1] + timedelta(days=400))
        self._condors: dict[tuple[datetime, float, float], CondorChoice | None] = {}

    def fits(self, path: MarketPath, settings: Settings, config: BacktestConfig) -> bool:
        return path is self.path and settings == self.settings and config == self.config

    def condor(self, at: datetime, spx: float, vix: float) -> CondorChoice | None:
        """``choose_condor`` at that close, worked out once per close."""
        key = (at, spx, vix)
        if key not in self._condors:
            self._condors[key] = choose_condor(self.config.program, self.model, self.expiries, at, spx, vix)
        return self._condors[key]


class _Run:
    """State of one run: open positions, cash by kind, records."""

    def __init__(self, path: MarketPath, settings: Settings, config: BacktestConfig, hedged: bool,
                 setup: PathSetup) -> None:
        self.path, self.settings, self.config, self.hedged = path, settings, config, hedged
        self.setup = setup
        self.model = setup.model
        self.costs: Costs = config.costs
        self.program: CondorProgram = config.program.resolved(settings.condor_take_profit_pct)
        self.open: dict[int, Position] = {}
        self.next_id = 1
        self.condor_cash = 0.0  # dollars received and paid on condors so far
        self.hedge_cash = 0.0
        self.credit = 0.0
        self.premium = 0.0
        self.commissions = 0.0
        self.condor_records: dict[int, CondorRecord] = {}
        self.layer_records: dict[int, LayerRecord] = {}
        self.closed_layers: list[LayerRecord] = []
        self.actions: Counter[str] = Counter()
        self.by_rule: Counter[str] = Counter()
        self.warnings = 0
        self.hedge_trades: list[HedgeTrade] = []
        self.condor_trades = 0
        # What the rules remember between reviews, as a trader's book would: warnings read (acknowledged, so
        # each shows once) and the latest sale per tier (the hold after a sale, the rest after a take-profit).
        self.acknowledged: list[Decision] = []
        self.sold: dict[tuple[str, bool], Position] = {}
        n = len(path)
        self.equity = np.empty(n)
        self.condor_pnl = np.empty(n)
        self.hedge_pnl = np.empty(n)
        self.last_entry: int | None = None
        if hedged:
            from planner.rules import options_from_settings

            self.options = options_from_settings(settings)
        self.vix_expiries = setup.vix_expiries
        self.history_window = config.window(settings)
        self._history_dates = path.dates
        self._history = {"VIX": _read_only(path.vix)}
        if hedged:
            # SPX closes feed only the realized-vol gate and VVIX only the MACD gate: handed over when they are on.
            if self.options.realized_vol_gates:
                self._history["SPX"] = _read_only(path.spx)
            if self.options.macd_gates and path.has_vvix:
                self._history["VVIX"] = _read_only(path.vvix)

    # -- the day -------------------------------------------------------------------------------------------------
    def day(self, i: int, observer: Callable | None) -> None:
        day = self.path.dates[i]
        at = calendars.settlement_moment(day, "PM")  # the session's close
        spx, vix, vvix = float(self.path.spx[i]), float(self.path.vix[i]), self.path.vvix_at(i)
        years_cache: dict = {}
        self.marks = self._marks(at, spx, vix, vvix, years_cache)
        self._settle(i, at, self.marks, years_cache)
        self._program_exits(i, self.marks)
        self._entry(i, at, spx, vix, vvix, years_cache)
        if self.hedged and self.config.hedge and self.open and i % self.config.review_every_days == 0:
            self._hedge(i, at, spx, vix, vvix, years_cache, observer)
        condor_value, layer_value = self._values()
        self.condor_pnl[i] = self.condor_cash + condor_value
        self.hedge_pnl[i] = self.hedge_cash + layer_value
        self.equity[i] = self.settings.equity + self.condor_pnl[i] + self.hedge_pnl[i]

    def _marks(self, at, spx, vix, vvix, years_cache) -> dict[int, tuple[float, np.ndarray]]:
        """Per open position: mid price per package (points, positive as typed) and its legs' unit prices,
        from one vectorised valuation of every open leg."""
        if not self.open:
            return {}
        positions = list(self.open.values())
        legs = [leg for p in positions for leg in p.legs]
        prices = self.model.leg_prices(leg_arrays(legs, at, years_cache), spx, vix, vvix)
        marks, start = {}, 0
        for position in positions:
            count = len(position.legs)
            unit = prices[start:start + count]
            per_package = sum(leg.quantity * p for leg, p in zip(position.legs, unit.tolist(), strict=True))
            marks[position.saved_id] = (abs(per_package) / position.quantity, unit)
            start += count
        return marks

    def _prices(self, legs, at, spx, vix, vvix, years_cache) -> np.ndarray:
        return self.model.leg_prices(leg_arrays(list(legs), at, years_cache), spx, vix, vvix)

    def _values(self) -> tuple[float, float]:
        """Dollars held in open condors and in open layers at today's marks (mid)."""
        condors = layers = 0.0
        for position in self.open.values():
            value = position.side * self.marks[position.saved_id][0] * position.multiplier * position.quantity
            if position.kind is PositionKind.CONDOR:
                condors += value
            else:
                layers += value
        return condors, layers

    # -- settlement and the program --------------------------------------------------------------------------------
    def _settle(self, i, at, marks, years_cache) -> None:
        for position in list(self.open.values()):
            key = (position.expiry, str(position.legs[0].settlement))
            left = years_cache.get(key)
            if left is None:
                left = years_cache[key] = calendars.time_to_expiry(at, *key)
            if left > 0:
                continue
            self._close(i, position, marks[position.saved_id][0], fees=0.0, reason="expiry")  # intrinsic once expired

    def _program_exits(self, i, marks) -> None:
        today = self.path.dates[i]
        for position in [p for p in self.open.values() if p.kind is PositionKind.CONDOR]:
            mid, prices = marks[position.saved_id]
            reason = exit_reason(self.program, position.open_price, mid, (position.expiry - today).days, False)
            if reason is not None:
                fill = mid + slippage_pts(list(position.legs), prices, self.costs, self._widening(i))
                self._close(i, position, fill, commission_usd(position.legs, self.costs), reason)
                self.condor_trades += 1

    def _entry(self, i, at, spx, vix, vvix, years_cache) -> None:
        every = self.program.entry_every_days
        if self.last_entry is not None and i - self.last_entry < every:
            return
        choice = self.setup.condor(at, spx, vix)
        if choice is None:
            return
        quantity = self.program.contracts
        legs = condor_legs(choice.expiry, choice.strikes, quantity, choice.settlement)
        prices = self._prices(legs, at, spx, vix, vvix, years_cache)
        credit = choice.mid_credit_pts - slippage_pts(list(legs), prices, self.costs, self._widening(i))
        if not 0 < credit < widest_wing(choice.strikes):
            return  # no credit worth selling after costs
        self.last_entry = i
        self.condor_trades += 1
        fees = commission_usd(legs, self.costs)
        legs = tuple(leg.with_changes(fees=self.costs.commission_usd * abs(leg.quantity)) for leg in legs)
        position = Position(PositionKind.CONDOR, legs, quantity, credit, at, id=self._new_id())
        self.open[position.saved_id] = position
        self.marks[position.saved_id] = (choice.mid_credit_pts, prices)
        self.condor_cash += credit * position.multiplier * quantity - fees
        self.credit += credit * position.multiplier * quantity
        self.commissions += fees
        self.condor_records[position.saved_id] = CondorRecord(i, self.path.dates[i], choice.expiry, choice.strikes,
                                                              credit)

    # -- the hedge rules -------------------------------------------------------------------------------------------
    def history_before(self, i: int) -> DailyHistory:
        """The closes of the ``history_window`` sessions before session ``i``."""
        low = max(0, i - self.history_window)
        dates = self._history_dates[low:i]
        series = {}
        for symbol, closes in self._history.items():
            window = closes[low:i]
            finite = np.isfinite(window)
            count = np.count_nonzero(finite)
            if count == window.size:
                series[symbol] = DailySeries(dates, window)
            elif count:
                series[symbol] = DailySeries(tuple(d for d, ok in zip(dates, finite, strict=True) if ok),
                                             window[finite])
        return DailyHistory(series)

    def _hedge(self, i, at, spx, vix, vvix, years_cache, observer) -> None:
        from planner.rules import suggest

        market = self.model.snapshot(at, spx, vix, vvix, self.vix_expiries)
        book = Book((*self.open.values(), *self.sold.values()))
        history = self.history_before(i)
        result = suggest(book, market, self.settings, history=history, at=at, options=self.options,
                         decisions=self.acknowledged)
        if observer is not None:
            observer(i, book, market, history, result)
        acted: set[int] = set()
        for suggestion in result.suggestions:
            self._act(i, at, suggestion, acted, spx, vix, vvix, years_cache)

    def _act(self, i, at, suggestion: Suggestion, acted: set[int], spx, vix, vvix, years_cache) -> None:
        trade = suggestion.proposal
        if suggestion.action is Action.WARN or trade is None:
            self.warnings += 1
            if trade is None:
                self.acknowledged.append(Decision(suggestion.id, suggestion.rule, str(suggestion.action),
                                                  DecisionKind.ACCEPT, at, figures={"component_ids": list(
                                                      suggestion.components)}))
            return
        held = None
        if trade.position_id is not None:
            held = self.open.get(trade.position_id)
            if held is None or held.id in acted or held.kind is PositionKind.CONDOR:
                return  # already acted on today, or gone, or a condor: the program closes those (docstring)
            acted.add(held.saved_id)
        self.actions[str(suggestion.action)] += 1
        self.by_rule[suggestion.rule] += 1
        action = suggestion.action
        tier = trade.tier if trade.tier is not None else (str(held.tier) if held is not None and held.tier else "")
        if action is Action.ROLL:
            self.hedge_trades.append(HedgeTrade(i, tier, "roll", str(action)))
        elif held is not None or trade.side == "buy":
            self.hedge_trades.append(HedgeTrade(i, tier, "sell" if held is not None else "buy", str(action)))
        if held is not None and action in (Action.ROLL, Action.TRIM, Action.CLOSE, Action.TAKE_PROFIT):
            quantity = held.quantity if action is not Action.TRIM else min(trade.quantity, held.quantity)
            mid, prices = self.marks[held.saved_id]
            fill = max(mid - slippage_pts(list(held.legs), prices, self.costs, self._widening(i)), 0.0)
            fees = commission_usd(held.legs, self.costs, quantity)
            reason = str(action).lower()
            if action is not Action.ROLL and held.tier is not None:
                sold = held.with_changes(status=Status.CLOSED, closed_at=at, quantity=quantity, note=reason, id=None)
                self.sold[(str(held.tier), action is Action.TAKE_PROFIT)] = sold
            self._close(i, held, fill, fees, reason, quantity)
        if trade.side == "buy" and action in (Action.ADD, Action.ROLL):
            self._buy_layer(i, at, suggestion, spx, vix, vvix, years_cache,
                            rolled_from=held.id if held is not None else None)

    def _buy_layer(self, i, at, suggestion: Suggestion, spx, vix, vvix, years_cache, rolled_from) -> None:
        trade = suggestion.proposal
        assert trade is not None and trade.tier is not None  # _act buys only on a layer trade, which names its tier
        kind = LayerKind(trade.instrument)
        legs = layer_legs(kind, trade.expiry, trade.strikes, trade.quantity, Settlement(trade.settlement))
        prices = self._prices(legs, at, spx, vix, vvix, years_cache)
        mid = abs(sum(leg.quantity * p for leg, p in zip(legs, prices.tolist(), strict=True))) / trade.quantity
        fill = mid + slippage_pts(list(legs), prices, self.costs, self._widening(i))
        fees = commission_usd(legs, self.costs)
        legs = tuple(leg.with_changes(fees=self.costs.commission_usd * abs(leg.quantity)) for leg in legs)
        position = Position(PositionKind.LAYER, legs, trade.quantity, fill, at, tier=Tier(trade.tier),
                            layer_kind=kind, rolled_from=rolled_from, id=self._new_id())
        self.open[position.saved_id] = position
        self.marks[position.saved_id] = (mid, prices)
        cost = fill * position.multiplier * trade.quantity
        self.hedge_cash -= cost + fees
        self.premium += cost
        self.commissions += fees
        self.layer_records[position.saved_id] = LayerRecord(i, self.path.dates[i], trade.tier, str(kind), trade.expiry,
                                                      tuple(trade.strikes), trade.quantity, fill, suggestion.rule)

    # -- bookkeeping -------------------------------------------------------------------------------------------------
    def _widening(self, i: int) -> float:
        """Spreads on session ``i`` over their base estimates: they widen as VIX rises."""
        return self.model.spread_widening(float(self.path.vix[i]))

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def _close(self, i: int, position: Position, price_pts: float, fees: float, reason: str,
               quantity: int | None = None) -> None:
        """Close ``quantity`` (default all) of a position at ``price_pts`` per package, paying ``fees`` dollars."""
        quantity = position.quantity if quantity is None else quantity
        flow = position.side * price_pts * position.multiplier * quantity  # sell a layer: +; buy back a condor: -
        self.commissions += fees
        if position.kind is PositionKind.CONDOR:
            self.condor_cash += flow - fees
        else:
            self.hedge_cash += flow - fees
        if quantity < position.quantity:
            kept = position.quantity - quantity
            legs = tuple(leg.with_changes(quantity=leg.quantity // position.quantity * kept,
                                          fees=leg.fees * kept / position.quantity) for leg in position.legs)
            self.open[position.saved_id] = position.with_changes(quantity=kept, legs=legs)
            self._layer_trimmed(position, quantity, price_pts, fees)
            return
        del self.open[position.saved_id]
        self.marks.pop(position.saved_id, None)
        opening_fees = position.fees
        pnl = position.side * (price_pts - position.open_price) * position.multiplier * quantity - opening_fees - fees
        day = self.path.dates[i]
        if position.kind is PositionKind.CONDOR:
            record = self.condor_records[position.saved_id]
            self.condor_records[position.saved_id] = _replace(record, exit_index=i, exit_day=day, exit_reason=reason,
                                                        exit_price_pts=price_pts, pnl_usd=pnl)
        else:
            layer_record = self.layer_records.pop(position.saved_id)
            self.closed_layers.append(_replace(layer_record, close_day=day, close_action=reason,
                                               pnl_usd=(layer_record.pnl_usd or 0.0) + pnl))

    def _layer_trimmed(self, position: Position, quantity: int, price_pts: float, fees: float) -> None:
        record = self.layer_records[position.saved_id]
        share = quantity / position.quantity
        pnl = (price_pts - position.open_price) * position.multiplier * quantity - position.fees * share - fees
        self.layer_records[position.saved_id] = _replace(record, pnl_usd=(record.pnl_usd or 0.0) + pnl)

    def result(self) -> RunResult:
        layers = sorted(self.closed_layers + list(self.layer_records.values()), key=lambda r: r.open_index)
        return RunResult(
            hedged=self.hedged, dates=self.path.dates, equity=self.equity, condor_pnl=self.condor_pnl,
            hedge_pnl=self.hedge_pnl,
            condors=tuple(sorted(self.condor_records.values(), key=lambda r: r.entry_index)),
            layers=tuple(layers), credit_usd=self.credit, hedge_premium_usd=self.premium,
            commissions_usd=self.commissions, actions=dict(self.actions), by_rule=dict(self.by_rule),
            warnings=self.warnings, starting_equity=self.settings.equity, hedge_trades=tuple(self.hedge_trades),
            condor_trades=self.condor_trades,
        )


def _read_only(closes: np.ndarray) -> np.ndarray:
    """A view the rules cannot write through: the history they get shares memory with the path."""
    view = closes.view()
    view.flags.writeable = False
    return view


def _replace(record, **changes):
    from dataclasses import replace

    return replace(record, **changes)


def run_path(
    path: MarketPath,
    settings: Settings,
    config: BacktestConfig | None = None,
    *,
    hedged: bool,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    observer: Callable | None = None,
    progress_span: tuple[float, float] = (0.0, 1.0),
    setup: PathSetup | None = None,
) -> RunResult:
    """One run over ``path``. progress(fraction 0..1, words) is called about 200 times;
    cancel() returning True stops the run with ``Cancelled``; observer(i, book, market,
    history, result) sees every rules review (tests compare it with the live rules).
    setup: one made for this very path, settings and config by an earlier run, to share its work."""
    config = config or BacktestConfig()
    if len(path) < 2:
        raise InputError("path", "must hold at least two sessions", len(path))
    if setup is None:
        setup = PathSetup(path, settings, config)
    elif not setup.fits(path, settings, config):
        raise ValueError("the setup was made for another path, settings or config")
    run = _Run(path, settings, config, hedged, setup)
    n = len(path)
    step = max(1, n // 200)
    low, high = progress_span
    label = "hedged" if hedged else "unhedged"
    for i in range(n):
        if cancel is not None and i % 5 == 0 and cancel():
            raise Cancelled(f"backtest cancelled on {path.dates[i]}")
        run.day(i, observer)
        if progress is not None and (i % step == 0 or i == n - 1):
            progress(low + (high - low) * (i + 1) / n, f"{label} {path.dates[i].isoformat()}")
    return run.result()


@dataclass(frozen=True, eq=False)
class BacktestRuns:
    """The two runs over one path."""

    path: MarketPath
    unhedged: RunResult
    hedged: RunResult
    config: BacktestConfig
    settings: Settings


def run_both(
    path: MarketPath,
    settings: Settings,
    config: BacktestConfig | None = None,
    *,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    observer: Callable | None = None,
) -> BacktestRuns:
    """The unhedged and the hedged run over the same path, in turn; progress covers both."""
    config = config or BacktestConfig()
    if len(path) < 2:
        raise InputError("path", "must hold at least two sessions", len(path))
    setup = PathSetup(path, settings, config)
    split = 1.0 / (1.0 + HEDGED_DAY_WEIGHT)
    unhedged = run_path(path, settings, config, hedged=False, progress=progress, cancel=cancel,
                        progress_span=(0.0, split), setup=setup)
    hedged = run_path(path, settings, config, hedged=True, progress=progress, cancel=cancel, observer=observer,
                      progress_span=(split, 1.0), setup=setup)
    return BacktestRuns(path, unhedged, hedged, config, settings)


def close_moment(day: date) -> datetime:
    """When a session's close is taken: 16:00 ET, or 13:00 ET on an early-close day."""
    return calendars.settlement_moment(day, "PM")
