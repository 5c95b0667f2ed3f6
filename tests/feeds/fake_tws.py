"""A small fake TWS for tests: the TWS API socket protocol on 127.0.0.1 only.

It speaks what the planner's feed uses, byte for byte as ``ib_async`` expects it:
the "API\\0" handshake with a version range, startApi, nextValidId and
managedAccounts, reqPositions (positionEnd), reqMarketDataType, reqContractDetails
(contractDetails + contractDetailsEnd, or error 200 for a contract it does not
know), reqMktData (marketDataType, then tickPrice / tickSize messages the test
pushes), cancelMktData, and error messages on demand. Each message is a 4-byte
big-endian length, then NUL-terminated text fields.
"""

from __future__ import annotations

import asyncio
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

SERVER_VERSION = 176
# Tick types (IBKR's numbering): live and their delayed twins.
BID, ASK, LAST, CLOSE = 1, 2, 4, 9
DELAYED = {BID: 66, ASK: 67, LAST: 68, CLOSE: 75}


def frame(*fields: object) -> bytes:
    text = "".join(f"{value}\0" for value in fields).encode()
    return struct.pack(">I", len(text)) + text


@dataclass
class Subscription:
    req_id: int
    key: str
    data_type: int


@dataclass
class FakeTws:
    """known: contract key -> conId, where a key is 'SPX', 'VX 20261216' or
    'SPXW 20261218 5800 P' (trading class or symbol, expiry, strike, right)."""

    known: dict[str, int] = field(default_factory=dict)
    accept_all: bool = False  # know every contract asked for, except those in ``unknown``
    unknown: set[str] = field(default_factory=set)
    delayed_keys: set[str] = field(default_factory=set)  # answered as delayed (type 3)
    frozen_keys: set[str] = field(default_factory=set)  # answered as frozen (type 2: the last before the close)
    port: int = 0
    received: list[list[str]] = field(default_factory=list)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    connections: int = 0
    on_subscribe: Callable[[FakeTws, Subscription], None] | None = None

    def __post_init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server = None
        self._writers: list[asyncio.StreamWriter] = []
        self._thread: threading.Thread | None = None
        self._started = threading.Event()

    # -- control from the test's thread -------------------------------------------------
    def start(self) -> FakeTws:
        self._thread = threading.Thread(target=self._run, name="fake-tws", daemon=True)
        self._thread.start()
        assert self._started.wait(5), "fake TWS did not start"
        return self

    def stop(self) -> None:
        if self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._thread = None

    def drop_connections(self) -> None:
        """Close every client socket, as TWS does when it restarts."""
        self._call(self._drop)

    def tick(self, key: str, tick_type: int, price: float, size: float = 1.0) -> None:
        sub = self.subscriptions[key]
        kind = DELAYED[tick_type] if sub.data_type == 3 else tick_type
        self.send(frame(1, 6, sub.req_id, kind, price, size, 0))

    def send_tick(self, sub: Subscription, tick_type: int, price: float, size: float = 1.0) -> None:
        """From ``on_subscribe`` (the server's own thread): write straight away."""
        kind = DELAYED[tick_type] if sub.data_type == 3 else tick_type
        data = frame(1, 6, sub.req_id, kind, price, size, 0)
        for writer in self._writers:
            if not writer.is_closing():
                writer.write(data)

    def error(self, req_id: int, code: int, text: str) -> None:
        self.send(frame(4, 2, req_id, code, text, ""))

    def send(self, data: bytes) -> None:
        self._call(lambda: [w.write(data) for w in self._writers if not w.is_closing()])

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if predicate():
                return
            time.sleep(0.01)
        raise AssertionError("fake TWS: condition not met in time")

    def _call(self, fn) -> None:
        done = threading.Event()

        def run():
            try:
                fn()
            finally:
                done.set()

        self._loop.call_soon_threadsafe(run)
        done.wait(5)

    # -- the server's thread ------------------------------------------------------------------
    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._server = loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", self.port))
        self.port = self._server.sockets[0].getsockname()[1]
        self._started.set()
        loop.run_forever()
        self._server.close()
        for writer in self._writers:
            writer.close()
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()

    def _drop(self) -> None:
        for writer in self._writers:
            writer.close()
        self._writers.clear()
        self.subscriptions.clear()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            assert await reader.readexactly(4) == b"API\0"
            await self._message(reader)  # "v157..178": any version range that includes ours
            self.connections += 1
            self._writers.append(writer)
            writer.write(frame(SERVER_VERSION, "20261120 10:00:00 EST"))
            while True:
                fields = await self._message(reader)
                self.received.append(fields)
                self._answer(fields, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            if writer in self._writers:
                self._writers.remove(writer)
            writer.close()

    @staticmethod
    async def _message(reader: asyncio.StreamReader) -> list[str]:
        size = struct.unpack(">I", await reader.readexactly(4))[0]
        return (await reader.readexactly(size)).decode().split("\0")[:-1]

    def _answer(self, fields: list[str], writer: asyncio.StreamWriter) -> None:
        kind = int(fields[0])
        if kind == 71:  # startApi
            writer.write(frame(9, 1, 1) + frame(15, 1, "DU1234567"))
        elif kind == 61:  # reqPositions
            writer.write(frame(62, 1))
        elif kind == 9:  # reqContractDetails: 9, 8, reqId, conId, symbol, secType, expiry, strike, right, mult,
            # exchange, primaryExchange, currency, localSymbol, tradingClass, ...
            req_id = int(fields[2])
            key = self._key(fields[4], fields[5], fields[6], fields[7], fields[8], fields[14])
            con_id = self.known.get(key)
            if con_id is None and self.accept_all and key not in self.unknown:
                con_id = self.known[key] = 1000 + len(self.known)
            if con_id is None:
                writer.write(frame(4, 2, req_id, 200, "No security definition has been found for the request", ""))
                return
            writer.write(self._details(req_id, con_id, fields) + frame(52, 1, req_id))
        elif kind == 1:  # reqMktData: 1, 11, reqId, conId, symbol, secType, expiry, strike, right, ...
            req_id = int(fields[2])
            key = self._key(fields[4], fields[5], fields[6], fields[7], fields[8], fields[14])
            data_type = 3 if key in self.delayed_keys else (2 if key in self.frozen_keys else 1)
            sub = Subscription(req_id, key, data_type)
            self.subscriptions[key] = sub
            writer.write(frame(58, 1, req_id, data_type))
            if self.on_subscribe is not None:
                self.on_subscribe(self, sub)

    @staticmethod
    def _key(symbol: str, sec_type: str, expiry: str, strike: str, right: str, trading_class: str) -> str:
        if sec_type == "IND":
            return symbol
        if sec_type == "FUT":
            return f"VX {expiry}"
        return f"{trading_class or symbol} {expiry} {float(strike):g} {right}"

    @staticmethod
    def _details(req_id: int, con_id: int, f: list[str]) -> bytes:
        symbol, sec_type, expiry, strike, right, multiplier, exchange = f[4], f[5], f[6], f[7], f[8], f[9], f[10]
        trading_class = f[14] or symbol
        return frame(
            10, req_id, symbol, sec_type, expiry, strike or 0, right, exchange, "USD", f"{symbol} {expiry}",
            trading_class, trading_class, con_id, 0.05, multiplier, "LMT", exchange, 1, 0, symbol, "", expiry[:6],
            "", "", "", "US/Central", "", "", "", "", 0,  # numSecIds
            0, symbol, "IND", "", expiry, "", 1, 1, 1,
        )
