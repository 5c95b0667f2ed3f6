"""The book state: the open book in memory, changed by use cases, told by events that carry the change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from planner.app import Workspace
from planner.app.book_state import BookChanged, BookState, QuoteChanged, ReportReady, RiskInputsChanged
from planner.app.requests import CondorRequest, QuoteRequest
from planner.app.risk_run import run_risk
from planner.storage import Repository

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
CURVE = ["2026-12-16=17.0", "2027-01-20=18.0"]


@pytest.fixture
def ws(tmp_path):
    with Workspace.open(tmp_path / "book.db", clock=lambda: NOW) as workspace:
        workspace.init(demo_book=True)
        yield workspace


@pytest.fixture
def state(ws):
    state = BookState(ws)
    state.load()
    yield state
    state.close()


def sql_reads_while_the_state_listens(ws, action) -> list[str]:
    """The SELECTs the book state runs while it handles the changes ``action`` makes."""
    repo = next(value for value in vars(ws).values() if isinstance(value, Repository))
    reads, listening = [], []
    repo.conn.set_trace_callback(lambda sql: reads.append(sql) if listening and sql.lstrip().upper()
                                 .startswith("SELECT") else None)
    # Listeners run in the order they subscribed: the state's handling sits between these two.
    ws._listeners.insert(0, lambda _changed: listening.append(True))
    ws.subscribe(lambda _changed: listening.clear())
    try:
        action()
    finally:
        repo.conn.set_trace_callback(None)
    return reads


def test_a_quote_stored_here_reaches_the_state_without_a_read(ws, state):
    before = state.snapshot
    events = []
    state.subscribe(events.append)
    futures = [f"{day.isoformat()}={price}" for day, price in before.vix_futures]
    reads = sql_reads_while_the_state_listens(
        ws, lambda: ws.set_market(QuoteRequest(spx=before.spx + 10, vix=before.vix + 1, futures=futures)))
    assert reads == []
    assert state.snapshot.spx == before.spx + 10 and state.previous == before
    assert state.snapshot == ws.latest_snapshot() and state.previous == ws.previous_snapshot()
    quote = [e for e in events if isinstance(e, QuoteChanged)]
    assert len(quote) == 1 and quote[0].shown is state.snapshot and quote[0].previous is before
    assert isinstance(events[-1], RiskInputsChanged)


def test_an_older_quote_stored_late_is_read_back_in_its_place(ws, state):
    newest = state.snapshot
    ws.store_snapshot(newest.__class__(newest.asof - timedelta(days=3), newest.spx, newest.vix, newest.rate,
                                       newest.div_yield, newest.vvix, newest.vix_futures, "late"))
    assert state.snapshot == newest  # still the newest quote, as the store says
    assert state.previous == ws.previous_snapshot()


def test_a_trade_sends_the_new_book_with_its_position(ws, state):
    events = []
    state.subscribe(events.append)
    condor = ws.add_condor(CondorRequest(expiry="2026-12-22", strikes="5575,5625,6175,6225", qty=5, credit="12.95",
                                         fees="20", force=True))
    changed = [e for e in events if isinstance(e, BookChanged)]
    assert len(changed) == 1 and changed[0].book is state.book
    assert condor.id in changed[0].position_ids and state.book.get(condor.id) is not None


def test_another_programs_write_reloads_on_poll(ws, state, tmp_path):
    with Workspace.open(tmp_path / "book.db", clock=lambda: NOW) as other:
        other.set_market(QuoteRequest(spx=6001, vix=19, futures=CURVE))
    assert state.snapshot.spx != 6001  # not seen until polled
    assert ws.poll()
    assert state.snapshot.spx == 6001


def test_the_window_risk_is_planner_risk(ws, state):
    """run_risk on the state's inputs gives the figures of Workspace.analyze (one shared pricing path)."""
    reports = []
    state.subscribe(lambda e: reports.append(e) if isinstance(e, ReportReady) else None)
    state.apply_risk(run_risk(state.risk_request(NOW)), state.risk_key())
    assert len(reports) == 1 and reports[0].real is reports[0].report  # no what-if: one report
    expected = ws.analyze(at=NOW)
    assert reports[0].report.totals["book"].pnl_usd == pytest.approx(expected.totals["book"].pnl_usd)
    assert reports[0].report.risk_used_pct == pytest.approx(expected.risk_used_pct)


def test_a_what_if_step_prices_only_the_what_if(ws, state):
    state.apply_risk(run_risk(state.risk_request(NOW)), state.risk_key())
    real = state.real_report
    assert state.set_what_if(vix_shift=3.0)
    request = state.risk_request(NOW)
    assert request.real is real  # the quote's own report is reused: only the shifted market is new
    result = run_risk(request)
    state.apply_risk(result, state.risk_key())
    assert state.what_if_on and state.real_report is real and result.report.vix == pytest.approx(real.vix + 3.0)
    expected = ws.analyze(at=NOW, vix=real.vix + 3.0)
    assert result.report.totals["book"].pnl_usd == pytest.approx(expected.totals["book"].pnl_usd)
    ws.set_market(QuoteRequest(spx=state.snapshot.spx + 5, vix=state.snapshot.vix, futures=CURVE))
    assert state.risk_request(NOW).real is None  # a new quote: the old report at the quote is not reused
    assert not state.set_what_if(vix_shift=3.0)  # unchanged: no new run asked for


def test_the_first_quote_of_an_empty_book_arrives_with_its_change(tmp_path):
    with Workspace.open(tmp_path / "empty.db", clock=lambda: NOW) as ws:
        state = BookState(ws)
        state.load()
        assert state.snapshot is None and state.risk_request(NOW) is None
        reads = sql_reads_while_the_state_listens(
            ws, lambda: ws.set_market(QuoteRequest(spx=5900, vix=16, futures=CURVE)))
        assert reads == [] and state.previous is None
        assert state.snapshot == ws.latest_snapshot() and state.risk_request(NOW) is not None
        state.close()
