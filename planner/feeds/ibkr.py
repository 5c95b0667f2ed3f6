"""Live quotes from a running TWS or IB Gateway, through ``ib_async`` (the ``ibkr`` extra).

Read-only: the feed connects with ``readonly=True``, asks for contract details and
market data, and never sends an order. It runs ``ib_async`` on its own thread with
its own event loop, so a slow or silent broker never freezes the window; callers
get plain values through two callbacks, called on that thread:

- ``on_update(LiveUpdate)``: ticks coalesced, at most ``snapshots_per_s`` a second;
- ``on_state(FeedState)``: connecting, connected, reconnecting, stopped, with the
  broker's errors in plain words.

Market data type 3 is requested: IBKR sends live data where the account has the
subscription and 15-minute delayed data where it has not, and says which per
line (``marketDataType``), so every quote is labelled live, delayed or frozen.
A dropped connection is retried with a doubling wait (1 s up to a setting).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from planner.feeds.ibkr_plan import ContractSpec
from planner.feeds.quotes import Quote

if TYPE_CHECKING:
    from ib_async import Ticker

INSTALL_HINT = "pip install 'hedge-planner[ibkr]'"
DATA_TYPES = {1: "live", 2: "frozen", 3: "delayed", 4: "delayed frozen"}
CONNECT_TIMEOUT_S = 8.0

# TWS error codes the window explains (the rest are shown with their own text).
PLAIN_ERRORS = {
    200: "IBKR does not know the contract {contract}: it stays marked by the model",
    354: "the account has no market data subscription for {contract}: delayed data where IBKR offers it",
    10167: "no live subscription for {contract}: showing IBKR's delayed data",
    10168: "no delayed data either for {contract}: it stays marked by the model",
    100: "IBKR asked the planner to slow down (pacing limit); requests continue more slowly",
    162: "IBKR refused a request for pacing (too many in a short time); it will be tried again later",
    10197: "another session holds the account's market data (TWS or the app logged in elsewhere): "
           "quotes resume when it logs out",
    502: "cannot reach TWS / IB Gateway: is it running, with the API enabled on this port?",
    504: "not connected to TWS / IB Gateway",
    1100: "TWS lost its connection to IBKR; waiting for it to come back",
    1102: "TWS is connected to IBKR again; market data restored",
    2110: "TWS lost its connection to IBKR's servers; waiting",
}
# Informational notices (data farm connected and the like): not errors.
NOTICE_CODES = frozenset({2104, 2106, 2107, 2108, 2119, 2158})
# Codes after which the contract gets no quote: it stays model-marked.
NO_QUOTE_CODES = frozenset({200, 354, 10168})


class LinkState(StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class FeedState:
    state: LinkState
    detail: str = ""
    error_code: int | None = None


@dataclass(frozen=True, slots=True)
class ContractQuote:
    """One line's latest prices in points (NaN when absent) and its data type."""

    bid: float = math.nan
    ask: float = math.nan
    last: float = math.nan
    close: float = math.nan
    data_type: str = "live"

    @property
    def mid(self) -> float | None:
        """Mid when both sides are valid (bid > 0 for options may be 0: a worthless wing bids 0)."""
        if _valid(self.bid, allow_zero=True) and _valid(self.ask) and self.ask >= self.bid:
            return (self.bid + self.ask) / 2.0
        return None

    def level(self) -> float | None:
        """An index or future level: last, else mid, else the previous close."""
        for value in (self.last, self.mid, self.close):
            if value is not None and _valid(value):
                return value
        return None


def _valid(value: float | None, allow_zero: bool = False) -> bool:
    return value is not None and math.isfinite(value) and (value >= 0 if allow_zero else value > 0)


@dataclass(frozen=True, slots=True)
class LiveUpdate:
    """A coalesced market snapshot: quotes by contract key, when, and the indexes as a Quote."""

    received_at: datetime
    quotes: dict[str, ContractQuote]
    unknown: frozenset[str] = frozenset()  # contract keys IBKR refused (model-marked)

    def quote(self, source: str = "ibkr") -> Quote | None:
        """SPX, VIX, VVIX and the VX curve; None until SPX and VIX both have a level."""
        spx = self._level("SPX")
        vix = self._level("VIX")
        if spx is None or vix is None:
            return None
        futures = []
        for key, quote in self.quotes.items():
            if key.startswith("VX "):
                level = quote.level()
                if level is not None:
                    futures.append((date.fromisoformat(key[3:]), level))
        label = source if self.data_type == "live" else f"{source} {self.data_type}"
        return Quote(spx=spx, vix=vix, vvix=self._level("VVIX"), futures=tuple(sorted(futures)),
                     asof=self.received_at, source=label)

    @property
    def data_type(self) -> str:
        """The indexes' data type: 'live' only when SPX and VIX both are."""
        kinds = {self.quotes[k].data_type for k in ("SPX", "VIX") if k in self.quotes}
        if not kinds:
            return "live"
        return "live" if kinds == {"live"} else sorted(kinds - {"live"})[0]

    def _level(self, key: str) -> float | None:
        quote = self.quotes.get(key)
        return None if quote is None else quote.level()


@dataclass(slots=True)
class IbkrConfig:
    host: str = "127.0.0.1"
    port: int = 7497
    client_id: int = 17
    snapshots_per_s: float = 4.0
    reconnect_max_s: float = 60.0
    first_backoff_s: float = 1.0


def explain_error(code: int, text: str, contract: str = "") -> str:
    """A TWS error in plain words (the code kept for a search in IBKR's list)."""
    plain = PLAIN_ERRORS.get(code)
    what = contract or "a contract"
    if plain is None:
        return f"IBKR says: {text} (code {code})"
    return f"{plain.format(contract=what)} (code {code})"


def load_ib_async():
    """The library, or ImportError with the way to install it."""
    try:
        import ib_async
    except ImportError as exc:
        raise ImportError(f"Interactive Brokers quotes need the ibkr extra: {INSTALL_HINT}") from exc
    return ib_async


def ib_available() -> bool:
    """Whether ib_async is installed, without importing it (the window asks at start-up)."""
    from importlib.util import find_spec

    return find_spec("ib_async") is not None


def to_ib_contract(ib_async, spec: ContractSpec):
    kwargs: dict[str, object] = {"symbol": spec.symbol, "secType": spec.sec_type, "exchange": spec.exchange,
                                 "currency": "USD"}
    if spec.trading_class:
        kwargs["tradingClass"] = spec.trading_class
    if spec.expiry is not None:
        kwargs["lastTradeDateOrContractMonth"] = spec.expiry.strftime("%Y%m%d")
    if spec.sec_type == "OPT":
        kwargs.update(strike=spec.strike, right=spec.right, multiplier=spec.multiplier)
    return ib_async.Contract(**kwargs)


@dataclass(slots=True)
class _Line:
    spec: ContractSpec
    ticker: Ticker | None = None
    data_type: str = "live"
    refused: bool = False
    detail: str = ""
    req_id: int | None = None


@dataclass(slots=True)
class _Counters:
    updates: int = 0
    connects: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


class IbkrFeed:
    """Start with ``start()``; ``stop()`` ends the thread (safe to call twice)."""

    def __init__(self, config: IbkrConfig, contracts: Sequence[ContractSpec],
                 on_update: Callable[[LiveUpdate], None], on_state: Callable[[FeedState], None],
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.config = config
        self._specs = list(contracts)
        self.on_update = on_update
        self.on_state = on_state
        self.clock = clock
        self.counters = _Counters()
        self.lines: dict[str, _Line] = {}
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._dirty = False
        self._ib = None
        self._ready = threading.Event()

    # -- control (any thread) --------------------------------------------------------
    def start(self) -> None:
        load_ib_async()  # ImportError with the install hint, before a thread starts
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="ibkr-feed", daemon=True)
        self._thread.start()
        self._ready.wait(5.0)

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread is None:
            return
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed in between
                loop.call_soon_threadsafe(stop.set)
        self._thread.join(timeout)
        self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- the feed's thread ----------------------------------------------------------------
    def _run(self) -> None:
        # The library logs every TWS message it dislikes; the feed reports them itself, in plain words.
        logging.getLogger("ib_async").setLevel(logging.CRITICAL)
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        stop = self._stop = asyncio.Event()
        self._ready.set()
        try:
            loop.run_until_complete(self._main(stop))
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            self._loop = None

    def _state(self, state: LinkState, detail: str = "", code: int | None = None) -> None:
        self.on_state(FeedState(state, detail, code))

    async def _main(self, stop: asyncio.Event) -> None:
        ib_async = load_ib_async()
        backoff = self.config.first_backoff_s
        where = f"{self.config.host}:{self.config.port}"
        while not stop.is_set():
            ib = ib_async.IB()
            ib.RaiseRequestErrors = False
            ib.errorEvent += self._on_error
            ib.pendingTickersEvent += self._on_tickers
            self._ib = ib
            self._state(LinkState.CONNECTING, f"connecting to {where} (client id {self.config.client_id})")
            try:
                await ib.connectAsync(self.config.host, self.config.port, self.config.client_id,
                                      timeout=CONNECT_TIMEOUT_S, readonly=True,
                                      fetchFields=ib_async.StartupFetchNONE)
                self.counters.connects += 1
                backoff = self.config.first_backoff_s
                await self._subscribe(ib, ib_async)
                self._state(LinkState.CONNECTED, self._summary())
                await self._stream(ib, stop)
                reason = "the connection to TWS / IB Gateway dropped"
            except (OSError, ConnectionError, TimeoutError) as exc:
                reason = self._connect_failure(exc, where)
            finally:
                ib.errorEvent -= self._on_error
                ib.pendingTickersEvent -= self._on_tickers
                ib.disconnect()
                self._ib = None
            if stop.is_set():
                break
            self._state(LinkState.RECONNECTING, f"{reason}; trying again in {backoff:g} s")
            with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), backoff)
            backoff = min(backoff * 2, self.config.reconnect_max_s)
        self._state(LinkState.STOPPED, "disconnected")

    def _connect_failure(self, exc: BaseException, where: str) -> str:
        if isinstance(exc, ConnectionRefusedError):
            return f"nothing listens on {where}: start TWS or IB Gateway and enable its API on that port"
        if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
            return (f"{where} did not answer in {CONNECT_TIMEOUT_S:g} s "
                    "(another program using this client id, or the API not enabled?)")
        return f"could not connect to {where} ({type(exc).__name__}: {exc})"

    async def _subscribe(self, ib, ib_async) -> None:
        ib.reqMarketDataType(3)  # live where subscribed, delayed where not
        self.lines = {spec.key: _Line(spec) for spec in self._specs}
        contracts = [to_ib_contract(ib_async, spec) for spec in self._specs]
        details = await asyncio.gather(*(ib.reqContractDetailsAsync(c) for c in contracts))
        for spec, found in zip(self._specs, details, strict=True):
            line = self.lines[spec.key]
            if not found:
                line.refused = True
                line.detail = line.detail or explain_error(200, "", spec.key)
                continue
            contract = found[0].contract
            line.ticker = ib.reqMktData(contract, "", False, False)
            line.req_id = ib.wrapper.ticker2ReqId["mktData"].get(line.ticker)
        self._dirty = True

    async def _stream(self, ib, stop: asyncio.Event) -> None:
        interval = 1.0 / self.config.snapshots_per_s
        while not stop.is_set() and ib.isConnected():
            with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
            if self._dirty and ib.isConnected():
                self._dirty = False
                self._publish()

    def _on_tickers(self, _tickers) -> None:
        self._dirty = True

    def _publish(self) -> None:
        quotes: dict[str, ContractQuote] = {}
        for key, line in self.lines.items():
            ticker = line.ticker
            if ticker is None or line.refused:
                continue
            kind = DATA_TYPES.get(int(getattr(ticker, "marketDataType", 1) or 1), "live")
            quotes[key] = ContractQuote(_num(ticker.bid), _num(ticker.ask), _num(ticker.last), _num(ticker.close),
                                        kind)
        refused = frozenset(key for key, line in self.lines.items() if line.refused)
        self.counters.updates += 1
        self.on_update(LiveUpdate(self.clock(), quotes, refused))

    def _on_error(self, req_id: int, code: int, text: str, contract=None) -> None:
        if code in NOTICE_CODES:
            return
        self.counters.errors.append((code, text))
        key = self._key_of(req_id, contract)
        if code in NO_QUOTE_CODES and key is not None:
            line = self.lines[key]
            line.refused = code in (200, 10168)
            line.detail = explain_error(code, text, key)
            self._dirty = True
        state = LinkState.CONNECTED if self._ib is not None and self._ib.isConnected() else LinkState.CONNECTING
        self._state(state, explain_error(code, text, key or ""), code)

    def _key_of(self, req_id: int, contract) -> str | None:
        for key, line in self.lines.items():
            if line.req_id == req_id and req_id >= 0:
                return key
        if contract is not None:
            for key, line in self.lines.items():
                spec = line.spec
                if (getattr(contract, "symbol", None) == spec.symbol and contract.secType == spec.sec_type
                        and float(getattr(contract, "strike", 0.0) or 0.0) == spec.strike
                        and (getattr(contract, "right", "") or "") == spec.right
                        and (contract.lastTradeDateOrContractMonth or "") ==
                        (spec.expiry.strftime("%Y%m%d") if spec.expiry else "")):
                    return key
        return None

    def _summary(self) -> str:
        live = sum(1 for line in self.lines.values() if line.ticker is not None and not line.refused)
        refused = [key for key, line in self.lines.items() if line.refused]
        text = f"{live} lines subscribed"
        if refused:
            text += f"; unknown to IBKR (model-marked): {', '.join(refused[:3])}" + ("…" if len(refused) > 3 else "")
        return text


def _num(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) and number != -1.0 else math.nan
