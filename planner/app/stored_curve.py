"""Stored VX settlements standing in for futures a quote lacks.

A VIX leg is priced on its own VX future. When today's quote lists no price for
that future, the risk engine would estimate it from the term-structure model;
a settlement Cboe published for that very contract a few days ago is closer to
the market than that, so the newest stored settlement at or before the quote's
day stands in for it, if it is at most ``vx_settle_max_age_days`` old (it is
not moved for what spot VIX did since). The risk notes say so, contract by
contract.
"""

from __future__ import annotations

from dataclasses import replace

from planner.app.inputs import ET
from planner.domain import Book, Instrument, MarketSnapshot, Settings
from planner.storage import Repository
from planner.storage.daily_values import latest_vx_settle


def fill_from_stored_curve(repo: Repository, market: MarketSnapshot, book: Book, settings: Settings,
                           known: dict | None = None) -> tuple[MarketSnapshot, tuple[str, ...]]:
    """The quote with each missing future of the open VIX legs taken from stored settlements, and notes.

    ``known``: the caller's memo of settlements looked up, {(expiry, day): found}, kept until the
    stored history changes (the window's book state), so a quote of the same day reads nothing."""
    today = market.asof.astimezone(ET).date()
    needed = sorted({leg.expiry for position in book.open_positions for leg in position.legs
                     if leg.instrument is not Instrument.SPX_OPTION and leg.expiry >= today
                     and market.future_price(leg.expiry) is None})
    added: list[tuple] = []
    notes: list[str] = []
    for expiry in needed:
        if known is not None and (expiry, today) in known:
            found = known[(expiry, today)]
        else:
            found = latest_vx_settle(repo.conn, expiry, today)
            if known is not None:
                known[(expiry, today)] = found
        if found is None or (today - found[0]).days > settings.vx_settle_max_age_days:
            continue
        day, settle = found
        added.append((expiry, settle))
        notes.append(f"VX {expiry.isoformat()} is not in the quote: estimated from stored history, its Cboe "
                     f"settlement of {day.isoformat()} ({settle:g}).")
    if not added:
        return market, ()
    return replace(market, vix_futures=tuple(sorted((*market.vix_futures, *added)))), tuple(notes)
