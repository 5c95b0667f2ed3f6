"""Market snapshots typed by the user (or a feed): validate, store, then give
waiting legs their entry IVs and settle what a new price can settle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time

from planner.app import entry_iv
from planner.app.inputs import check_listed, check_not_future, parse_date, parse_moment, parse_rate
from planner.app.requests import QuoteRequest
from planner.domain import MarketSnapshot, Position
from planner.domain.bounds import confirm, quote_doubts
from planner.domain.errors import InputError
from planner.domain.instruments import require_positive
from planner.storage import Repository

DEFAULT_RATE = 0.045
DEFAULT_DIV = 0.013


@dataclass(frozen=True, slots=True)
class MarketResult:
    snapshot: MarketSnapshot
    filled: tuple[Position, ...]


def parse_futures(values: Sequence[object], asof: datetime) -> tuple[tuple, ...]:
    """['2026-12-16=17.45', ...] -> ((date, 17.45), ...), one per listed VIX expiry, sorted."""
    curve = {}
    for item in values:
        if isinstance(item, tuple):
            day_text, price_text = item
        else:
            text = str(item)
            if text.count("=") != 1:
                raise InputError("future", "must be YYYY-MM-DD=PRICE", text)
            day_text, price_text = text.split("=")
        day = parse_date("future", day_text)
        check_listed("future", "vix", day)
        if day < asof.date():
            raise InputError("future", f"must not have expired before the snapshot date {asof.date().isoformat()}",
                             day.isoformat())
        if day in curve:
            raise InputError("future", "must be given once per expiry", day.isoformat())
        curve[day] = require_positive(f"future {day.isoformat()}", price_text)
    return tuple(sorted(curve.items()))


def build_snapshot(repo: Repository, request: QuoteRequest, now: datetime) -> MarketSnapshot:
    """Rate and dividend yield default to the previous snapshot's (else 0.045 / 0.013).

    A quote far from the last stored one (planner.domain.bounds.quote_doubts) needs ``force``.
    """
    spx, vix, vvix, rate, div, asof = (request.spx, request.vix, request.vvix, request.rate, request.div,
                                       request.asof)
    spx_value = require_positive("spx", spx)
    vix_value = require_positive("vix", vix)
    vvix_value = None if vvix is None or vvix == "" else require_positive("vvix", vvix)
    previous = repo.latest_snapshot()
    rate_value = parse_rate("rate", rate) if rate not in (None, "") else (previous.rate if previous else DEFAULT_RATE)
    div_value = parse_rate("div", div) if div not in (None, "") else (previous.div_yield if previous else DEFAULT_DIV)
    moment = now if asof in (None, "") else parse_moment("asof", asof, time(16, 0))
    check_not_future("asof", moment, now)
    snapshot = MarketSnapshot(
        asof=moment.astimezone(UTC),
        spx=spx_value,
        vix=vix_value,
        rate=rate_value,
        div_yield=div_value,
        vvix=vvix_value,
        vix_futures=parse_futures(request.futures, moment),
        source=request.source,
    )
    check_quote(repo, snapshot, request.force, previous)
    return snapshot


def check_quote(repo: Repository, snapshot: MarketSnapshot, force: bool = False,
                previous: MarketSnapshot | None = None) -> None:
    """ConfirmationNeeded when the quote looks like a typo against the last stored one; a feed
    never forces, so such a quote from a feed is not stored and the last good one stays."""
    if force:
        return
    last = previous if previous is not None else repo.latest_snapshot()
    doubts = quote_doubts(snapshot.spx, snapshot.vix, snapshot.vix_futures, last.spx if last else None,
                          last.vix if last else None, repo.load_settings())
    confirm(doubts, force)


def store_snapshot(repo: Repository, snapshot: MarketSnapshot) -> MarketResult:
    # Stored, but not an undo step: Ctrl+Z after a stream of quotes takes back the trade.
    # Only a book with positions still waiting for their IVs needs the solver: imported here, outside
    # the write lock (see load_pricing), it would otherwise cost the window's first quote a third of
    # a second on every book whose IVs are all known.
    if entry_iv.waiting_for_iv(repo):
        entry_iv.load_pricing()
    with repo.change("market set", journaled=False) as tx:
        stored = repo.insert_snapshot(tx, snapshot)
        filled = entry_iv.fill_missing(repo, tx, repo.load_settings())
        tx.label = f"market set SPX {stored.spx:g} VIX {stored.vix:g}" + (
            f" (IVs for {len(filled)} positions)" if filled else ""
        )
    return MarketResult(stored, tuple(filled))
