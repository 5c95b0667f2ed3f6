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


class StateReads:
    """The SELECTs run while the book state handles a change: its listener subscribes between this
    object's opening bracket (subscribed first) and its closing one (subscribed after the state)."""

    def __init__(self, repo: Repository, ws: Workspace) -> None:
        self.repo, self.ws, self.listening = repo, ws, False
        ws.subscribe(self._open)

    def _open(self, _changed) -> None:
        self.listening = True

    def _close(self, _changed) -> None:
        self.listening = False

    def close_bracket(self) -> None:
        self.ws.subscribe(self._close)

    def during(self, action) -> list[str]:
        reads: list[str] = []
        self.repo.conn.set_trace_callback(
            lambda sql: reads.append(sql) if self.listening and sql.lstrip().upper().startswith("SELECT") else None)
        try:
            action()
        finally:
            self.repo.conn.set_trace_callback(None)
        return reads


@pytest.fixture
def repo(tmp_path):
    store = Repository.open(tmp_path / "book.db")
    yield store
    store.close()


@pytest.fixture
def ws(repo):
    workspace = Workspace(repo, clock=lambda: NOW)
    workspace.init(demo_book=True)
    return workspace


@pytest.fixture
def reads(repo, ws):
    return StateReads(repo, ws)


@pytest.fixture
def state(ws, reads):
    state = BookState(ws)
    state.load()
    reads.close_bracket()
    yield state
    state.close()


def test_a_quote_stored_here_reaches_the_state_without_a_read(ws, state, reads):
    before = state.snapshot
    events = []
    state.subscribe(events.append)
    futures = [f"{day.isoformat()}={price}" for day, price in before.vix_futures]
    selects = reads.during(
        lambda: ws.set_market(QuoteRequest(spx=before.spx + 10, vix=before.vix + 1, futures=futures)))
    assert selects == []
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
    repo = Repository.open(tmp_path / "empty.db")
    ws = Workspace(repo, clock=lambda: NOW)
    reads = StateReads(repo, ws)
    state = BookState(ws)
    state.load()
    reads.close_bracket()
    assert state.snapshot is None and state.risk_request(NOW) is None
    selects = reads.during(lambda: ws.set_market(QuoteRequest(spx=5900, vix=16, futures=CURVE)))
    assert selects == [] and state.previous is None
    assert state.snapshot == ws.latest_snapshot() and state.risk_request(NOW) is not None
    state.close()
    ws.close()
