"""Live IBKR quotes without the window: ``planner feed ibkr`` stores sampled snapshots.

The feed streams on its own thread; this loop takes its updates on the calling
thread (the store's connection belongs to it), builds each snapshot with the same
checks as a typed quote (``market.build_snapshot``: a bad quote is reported and
never stored), keeps the sample the settings ask for (one per
``live_store_interval_s`` plus each session's close) and removes stored intraday
live snapshots older than ``intraday_retention_days`` (session closes stay).
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from planner.app.leg_marks import leg_risk_weights
from planner.app.requests import QuoteRequest
from planner.domain import MarketSnapshot
from planner.domain.errors import PlannerError, StateError
from planner.feeds.ibkr import INSTALL_HINT, FeedState, IbkrConfig, IbkrFeed, LiveUpdate, ib_available
from planner.feeds.ibkr_plan import plan_subscriptions
from planner.feeds.snapshot_sampling import SnapshotSampler
from planner.storage import Repository

LIVE_SOURCE = "ibkr"
CLOSE_SUFFIX = " close"


@dataclass(frozen=True, slots=True)
class FeedRun:
    updates: int
    stored: int
    refused: int
    pruned: int


def is_intraday_live(source: str) -> bool:
    """A stored live snapshot that retention may remove (not a session close, not typed)."""
    return source.startswith(LIVE_SOURCE) and not source.endswith(CLOSE_SUFFIX)


def prune_intraday(repo: Repository, now: datetime, days: int) -> int:
    """Remove stored intraday live snapshots older than ``days``; returns how many."""
    old = [s for s in repo.snapshots(end=now - timedelta(days=days)) if is_intraday_live(s.source)]
    if not old:
        return 0
    with repo.change(f"remove {len(old)} intraday live snapshots older than {days} days") as tx:
        for snapshot in old:
            for expiry, _ in snapshot.vix_futures:
                tx.delete("snapshot_futures", (snapshot.id, expiry.isoformat()))
            tx.delete("snapshots", (snapshot.id,))
    return len(old)


def run_ibkr_feed(ws, config: IbkrConfig, say: Callable[[str], None], seconds: float | None = None) -> FeedRun:
    """Stream until ``seconds`` pass (None: until interrupted); ``say`` gets one line per event."""
    if not ib_available():
        raise StateError(f"Interactive Brokers quotes need the ibkr extra: {INSTALL_HINT}")
    settings = ws.settings()
    now = ws.now()
    pruned = ws.prune_intraday(settings.intraday_retention_days)
    if pruned:
        say(f"removed {pruned} intraday live snapshots older than {settings.intraday_retention_days} days")
    latest = ws.latest_snapshot()
    report = ws.analyze(scenarios=False) if latest is not None else None
    plan = plan_subscriptions(ws.book(), now.date(), settings.ibkr_line_limit, settings.ibkr_vx_months,
                              risk=leg_risk_weights(report), spx=latest.spx if latest else None)
    say(f"subscribing {plan.describe()}")
    sampler: SnapshotSampler[MarketSnapshot] = SnapshotSampler(timedelta(seconds=settings.live_store_interval_s),
                                                               settings.live_store_session_close)
    inbox: queue.Queue = queue.Queue()
    feed = IbkrFeed(config, plan.subscribed, inbox.put, inbox.put)
    feed.start()
    updates = stored = refused = 0
    deadline = None if seconds is None else time.monotonic() + seconds
    try:
        while deadline is None or time.monotonic() < deadline:
            try:
                item = inbox.get(timeout=0.2)
            except queue.Empty:
                continue
            except KeyboardInterrupt:  # Ctrl+C: the normal way to stop
                break
            if isinstance(item, FeedState):
                say(f"IBKR {item.state}: {item.detail}")
                continue
            update: LiveUpdate = item
            updates += 1
            quote = update.quote(LIVE_SOURCE)
            if quote is None:
                continue
            try:
                snapshot = ws.quote_snapshot(QuoteRequest(**quote.market_fields()))
            except PlannerError as error:
                refused += 1
                say(f"quote refused, not stored: {error}")
                continue
            for item_to_store, is_close in sampler.offer(snapshot, snapshot.asof):
                chosen = replace(item_to_store, source=item_to_store.source + CLOSE_SUFFIX) if is_close \
                    else item_to_store
                result = ws.store_snapshot(chosen)
                stored += 1
                say(f"stored snapshot {result.snapshot.id}: SPX {chosen.spx:,.2f} VIX {chosen.vix:,.2f} "
                    f"({chosen.source})")
    finally:
        feed.stop()
    return FeedRun(updates, stored, refused, pruned)
