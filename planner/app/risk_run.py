"""One risk run on inputs already in memory: the window's risk (what-ifs included) and ``Workspace.analyze``.

``price_quotes`` is the one place that turns a book, the stored quote and a
what-if market into a report: day P&L against the quote before the stored one,
or, under a what-if, against the stored quote itself, and the notes said of the
quotes (futures taken from stored VX history) carried on the report.
``Workspace.analyze`` (``planner risk --spx/--vix``) and ``run_risk`` (the
window's worker) both call it.

The window's what-ifs (``WhatIf``): the T+n horizon, a VIX shift, the VIX
response the curves follow (central, stressed, fixed at a level, with an SPX
level the curves must hold exactly: a scenario-map cell) and a replayed day's
levels. None of it is stored. Under a what-if the risk graph shows the moved
market while the table, status line and P&L keep the figures at the stored
quote (``RiskResult.real``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from planner.domain import Book, MarketSnapshot, Settings
from planner.feeds import Quote

if TYPE_CHECKING:
    from planner.risk.contracts import Layouts
    from planner.risk.report import RiskReport


@dataclass(frozen=True)
class WhatIf:
    horizon_days: float | None = None  # T+n curve (None: the engine's default)
    vix_shift: float = 0.0  # VIX points added by the graph's control
    vix_mode: str = "central"  # the curves' VIX: "central", "stressed" (band high) or "fixed"
    fixed_vix: float | None = None  # with "fixed": the level (None: the priced market's VIX)
    pin_spx: float | None = None  # an SPX level the curves hold exactly (a scenario-map cell)
    replay: Quote | None = None  # a replayed day's levels

    @property
    def moves_market(self) -> bool:
        """The priced market is not the stored quote (a replayed day or a VIX shift)."""
        return self.replay is not None or bool(self.vix_shift)

    def real_key(self) -> tuple:
        """What the report at the stored quote depends on besides book, quote and settings."""
        return (self.horizon_days, self.vix_mode, self.fixed_vix)


@dataclass(frozen=True)
class RiskRequest:
    """Everything one run needs, captured on the GUI thread: the worker never touches the store."""

    book: Book
    snapshot: MarketSnapshot  # the quote priced (stored or live), futures filled from stored history
    previous: MarketSnapshot | None
    settings: Settings
    at: datetime
    what_if: WhatIf = WhatIf()
    notes: tuple[str, ...] = ()  # said of the quotes (futures taken from stored VX history)
    real: RiskReport | None = None  # the report at ``snapshot`` for these inputs when the caller has it (what-if steps)
    matrix: bool = True  # the SPX x VIX matrix and stress rows: only while the scenario map is on screen
    layouts: Layouts | None = None  # the book state's memo of the book's layouts, kept between quotes


@dataclass(frozen=True)
class RiskResult:
    report: RiskReport  # what the risk graph draws
    shown: MarketSnapshot  # the market the bar shows: stored, or the replayed day (before the VIX shift)
    priced: MarketSnapshot  # the market ``report`` was valued under
    real: RiskReport  # the report at the stored quote (``report`` itself when no what-if moves the market)


def price_quotes(book: Book, stored: MarketSnapshot, previous: MarketSnapshot | None, settings: Settings, *,
                 at: datetime, moved: MarketSnapshot | None = None, notes: tuple[str, ...] = (),
                 **options: Any) -> RiskReport:
    """``book``'s report under ``moved`` (a what-if of ``stored``) or ``stored`` itself.

    Day P&L is measured against ``previous`` for the stored quote, against ``stored`` for a what-if.
    ``options`` go to ``planner.risk.analyze`` (horizon_days, light, scenarios, matrix, legs, vix_mode...).
    """
    from planner.risk import analyze

    market = stored if moved is None else moved
    against = previous if moved is None else stored
    report = analyze(book, market, settings, at=at, previous=against, **options)
    return replace(report, notes=(*report.notes, *notes)) if notes else report


def replayed_market(stored: MarketSnapshot, quote: Quote, settings: Settings, at: datetime) -> MarketSnapshot:
    """The stored quote moved to a replayed day's levels; the day's VX settlements replace the moved futures."""
    from planner.risk.what_if import what_if_market

    moved = what_if_market(stored, settings, spx=quote.spx, vix=quote.vix, at=at)
    futures = dict(moved.vix_futures) | dict(quote.futures)
    return replace(moved, vvix=quote.vvix or stored.vvix, asof=quote.asof or stored.asof, source=quote.source,
                   vix_futures=tuple(sorted(futures.items())))


def run_risk(request: RiskRequest) -> RiskResult:
    """The window's run: the book's report under the what-if (if any) and the report at the quote itself."""
    from planner.risk.what_if import what_if_market

    stored, settings, at, what_if = request.snapshot, request.settings, request.at, request.what_if
    shown = stored if what_if.replay is None else replayed_market(stored, what_if.replay, settings, at)
    priced = shown
    if what_if.vix_shift:
        vix = min(max(shown.vix + what_if.vix_shift, settings.vix_floor), settings.vix_cap)
        priced = what_if_market(shown, settings, vix=vix, at=at)
    # The window shows positions, never a leg's row: legs=False saves building ~300 of them per quote.
    options: dict[str, Any] = dict(horizon_days=what_if.horizon_days, legs=False, vix_mode=what_if.vix_mode,
                                   fixed_vix=what_if.fixed_vix, layouts=request.layouts)
    moved = None if priced is stored else priced
    report = price_quotes(request.book, stored, request.previous, settings, at=at, moved=moved, notes=request.notes,
                          pin_spx=what_if.pin_spx, matrix=request.matrix, **options)
    if moved is None:
        return RiskResult(report, shown, priced, report)
    # A what-if draws the risk graph and the map; the table, status and P&L stay at the stored quote, and
    # the map never shows that report, so it goes without the matrix.
    real = request.real or price_quotes(request.book, stored, request.previous, settings, at=at,
                                        notes=request.notes, matrix=False, **options)
    return RiskResult(report, shown, priced, real)
