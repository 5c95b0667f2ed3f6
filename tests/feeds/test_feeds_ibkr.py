"""The IBKR feed end to end: the real ib_async client against a fake TWS on 127.0.0.1."""

import math
import threading
from datetime import date

import pytest
from fake_tws import ASK, BID, LAST

from planner.feeds.ibkr import ContractQuote, IbkrConfig, IbkrFeed, LinkState, LiveUpdate, explain_error
from planner.feeds.ibkr_plan import ContractSpec, future_spec, index_spec

OPTION = ContractSpec("SPXW 2026-12-18 5800 P", "OPT", "SPX", "CBOE", "SPXW", date(2026, 12, 18), 5800.0, "P",
                      "100", (11, 12))
SPECS = [index_spec("SPX"), index_spec("VIX"), index_spec("VVIX"), future_spec(date(2026, 12, 16)), OPTION]


class Recorder:
    def __init__(self):
        self.updates: list[LiveUpdate] = []
        self.states = []
        self.lock = threading.Lock()

    def update(self, value):
        with self.lock:
            self.updates.append(value)

    def state(self, value):
        with self.lock:
            self.states.append(value)

    def details(self):
        with self.lock:
            return [s.detail for s in self.states]


def start_feed(tws, specs=SPECS, rate=4.0):
    rec = Recorder()
    feed = IbkrFeed(IbkrConfig(port=tws.port, snapshots_per_s=rate, reconnect_max_s=2.0), specs, rec.update,
                    rec.state)
    feed.start()
    return feed, rec


def last_quote(rec):
    with rec.lock:
        return rec.updates[-1] if rec.updates else None


def test_connects_read_only_subscribes_and_coalesces_ticks(tws):
    feed, rec = start_feed(tws)
    try:
        tws.wait_for(lambda: len(tws.subscriptions) == 5)
        tws.wait_for(lambda: any(s.state is LinkState.CONNECTED for s in rec.states))
        tws.tick("SPX", LAST, 5912.25)
        tws.tick("VIX", LAST, 16.8)
        tws.tick("VVIX", LAST, 91.5)
        tws.tick("VX 20261216", BID, 17.40)
        tws.tick("VX 20261216", ASK, 17.50)
        tws.tick(OPTION_KEY, BID, 20.10)
        tws.tick(OPTION_KEY, ASK, 20.90)
        tws.wait_for(lambda: (u := last_quote(rec)) is not None and OPTION.key in u.quotes
                     and u.quotes[OPTION.key].mid is not None and (u.quote() or None) is not None
                     and u.quote().futures != ())
        update = last_quote(rec)
        quote = update.quote()
        assert (quote.spx, quote.vix, quote.vvix) == (5912.25, 16.8, 91.5)
        assert quote.futures == ((date(2026, 12, 16), 17.45),)
        assert quote.source == "ibkr"
        assert update.quotes[OPTION.key].mid == pytest.approx(20.50)
    finally:
        feed.stop()
    kinds = {int(fields[0]) for fields in tws.received}
    assert 3 not in kinds  # placeOrder: the feed is read-only
    assert {59, 9, 1} <= kinds  # market data type, contract details, market data
    market_type = next(fields for fields in tws.received if fields[0] == "59")
    assert market_type[2] == "3"  # live where subscribed, delayed where not


OPTION_KEY = "SPXW 20261218 5800 P"


def test_a_burst_of_ticks_makes_at_most_the_set_rate_of_snapshots(tws):
    feed, rec = start_feed(tws, rate=2.0)
    try:
        tws.wait_for(lambda: len(tws.subscriptions) == 5)
        tws.wait_for(lambda: len(rec.updates) >= 1)
        before = len(rec.updates)
        for i in range(200):
            tws.tick("SPX", LAST, 5900.0 + i * 0.25)
        tws.wait_for(lambda: (u := last_quote(rec)) is not None and u.quotes["SPX"].last == 5900.0 + 199 * 0.25)
        # 200 ticks in one burst: coalesced into one or two snapshots, never one each
        assert len(rec.updates) - before <= 3
    finally:
        feed.stop()


def test_delayed_lines_are_labelled(tws):
    tws.delayed_keys = {"SPX", "VIX"}
    feed, rec = start_feed(tws)
    try:
        tws.wait_for(lambda: len(tws.subscriptions) == 5)
        tws.tick("SPX", LAST, 5900.0)  # sent as tick 68, delayed last
        tws.tick("VIX", LAST, 17.0)
        tws.wait_for(lambda: (u := last_quote(rec)) is not None and u.quote() is not None)
        update = last_quote(rec)
        assert update.quotes["SPX"].data_type == "delayed"
        assert update.data_type == "delayed"
        assert update.quote().source == "ibkr delayed"
    finally:
        feed.stop()


def test_frozen_lines_and_a_missing_permission_are_said_plainly(tws):
    tws.frozen_keys = {"SPX"}
    feed, rec = start_feed(tws)
    try:
        tws.wait_for(lambda: len(tws.subscriptions) == 5)
        tws.tick("SPX", LAST, 5900.0)
        tws.tick("VIX", LAST, 17.0)
        tws.wait_for(lambda: (u := last_quote(rec)) is not None and u.quote() is not None)
        assert last_quote(rec).data_type == "frozen"
        tws.error(tws.subscriptions[OPTION_KEY].req_id, 354, "Requested market data is not subscribed.")
        tws.wait_for(lambda: any("no market data subscription for SPXW 2026-12-18 5800 P" in d
                                 for d in rec.details()))
    finally:
        feed.stop()


def test_unknown_contract_stays_model_marked_in_plain_words(tws):
    unknown = ContractSpec("SPXW 2026-12-18 9999 C", "OPT", "SPX", "CBOE", "SPXW", date(2026, 12, 18), 9999.0, "C",
                           "100", (21,))
    feed, rec = start_feed(tws, [*SPECS, unknown])
    try:
        tws.wait_for(lambda: len(tws.subscriptions) == 5)
        tws.wait_for(lambda: any("does not know" in d for d in rec.details()))
        tws.tick("SPX", LAST, 5900.0)
        tws.wait_for(lambda: (u := last_quote(rec)) is not None and unknown.key in u.unknown)
        assert unknown.key not in last_quote(rec).quotes
        assert any("SPXW 2026-12-18 9999 C" in d and "model" in d for d in rec.details())
    finally:
        feed.stop()


def test_pacing_and_competing_session_errors_in_plain_words(tws):
    feed, rec = start_feed(tws)
    try:
        tws.wait_for(lambda: len(tws.subscriptions) == 5)
        tws.error(-1, 100, "Max rate of messages per second has been exceeded:max=50 rec=55")
        tws.error(-1, 10197, "No market data during competing live session")
        tws.wait_for(lambda: any("slow down" in d for d in rec.details()))
        tws.wait_for(lambda: any("another session" in d for d in rec.details()))
        codes = [s.error_code for s in rec.states if s.error_code]
        assert 100 in codes and 10197 in codes
        assert feed.running  # an error message never ends the feed
    finally:
        feed.stop()


def test_a_dropped_connection_reconnects_and_subscribes_again(tws):
    feed, rec = start_feed(tws)
    try:
        tws.wait_for(lambda: len(tws.subscriptions) == 5)
        tws.drop_connections()
        tws.wait_for(lambda: any(s.state is LinkState.RECONNECTING for s in rec.states))
        tws.wait_for(lambda: tws.connections == 2, timeout=15)
        tws.wait_for(lambda: len(tws.subscriptions) == 5)
        tws.tick("SPX", LAST, 5950.0)
        tws.tick("VIX", LAST, 15.0)
        tws.wait_for(lambda: (u := last_quote(rec)) is not None and u.quote() is not None
                     and u.quote().spx == 5950.0)
        assert feed.counters.connects == 2
    finally:
        feed.stop()
    assert rec.states[-1].state is LinkState.STOPPED


def test_nothing_listening_is_said_plainly_and_retried(tws):
    port = tws.port
    tws.stop()
    rec = Recorder()
    feed = IbkrFeed(IbkrConfig(port=port, reconnect_max_s=1.0, first_backoff_s=0.2), [], rec.update, rec.state)
    feed.start()
    try:
        tws.wait_for(lambda: sum(s.state is LinkState.RECONNECTING for s in rec.states) >= 2)
    finally:
        feed.stop()
    assert any("nothing listens" in d and "enable its API" in d for d in rec.details())


def test_quote_prices_mid_last_close():
    assert ContractQuote(bid=0.0, ask=0.10).mid == pytest.approx(0.05)  # a far wing bids nothing
    assert ContractQuote(bid=2.0, ask=1.0).mid is None  # crossed: not a valid market
    assert ContractQuote(last=5.0).level() == 5.0
    assert ContractQuote(close=4.0).level() == 4.0
    assert math.isnan(ContractQuote().bid)
    assert "pacing" in explain_error(162, "Historical Market Data Service error message")
    assert "no market data subscription" in explain_error(354, "Requested market data is not subscribed", "VIX")
    assert "(code 321)" in explain_error(321, "Error validating request")
