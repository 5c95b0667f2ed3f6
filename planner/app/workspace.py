"""The workspace: one open planner database and the use cases over it.

The CLI and the window call the same methods. Listeners (plain callables)
receive a ``Changed`` after every committed change, undo and redo, naming the
topics touched ("book", "market", "settings", "history", "events",
"signals", "decisions") so a view refreshes only what moved. ``poll()``
notices writes made by other processes (another window, a CLI command).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.app import (
    calendar_entries,
    history_import,
    market,
    positions,
    settlement,
    settlement_values,
    transfer,
    views,
)
from planner.app.requests import CloseRequest, CondorRequest, FillRequest, LayerRequest, QuoteRequest, RollRequest
from planner.domain import Book, MarketSnapshot, Position, Settings
from planner.domain.errors import InputError, StateError
from planner.domain.records import Decision, Event, Signal
from planner.domain.settings import SPECS, parse_setting
from planner.domain.settings_rules import conflicts
from planner.storage import (
    SCHEMA_VERSION,
    JournalEntry,
    Repository,
    backup_database,
    csv_text,
    daily_values,
    write_csv,
)
from planner.storage.journal import CLI_ORIGIN, shown_time
from planner.storage.output_file import check_output

if TYPE_CHECKING:  # the rules, risk and pandas load only when asked for (start-up time of a command)
    import pandas as pd

    from planner.app.leg_marks import LegMark
    from planner.app.suggestions import Accepted
    from planner.risk import RiskReport
    from planner.rules import SuggestionResult

TOPICS = {
    "positions": "book",
    "legs": "book",
    "protects": "book",
    "snapshots": "market",
    "snapshot_futures": "market",
    "settings": "settings",
    "history": "history",
    "settlement_values": "history",
    "vx_settlements": "history",
    "events": "events",
    "signals": "signals",
    "decisions": "decisions",
}


@dataclass(frozen=True, slots=True)
class Changed:
    """What a change touched. ``external``: made by another process, details unknown."""

    topics: frozenset[str]
    position_ids: tuple[int, ...] = ()
    label: str = ""
    external: bool = False
    snapshot: MarketSnapshot | None = None  # the quote this change stored: listeners need not read it back


Listener = Callable[[Changed], None]


# A what-if level within this factor of the stored one: beyond, the spot-vol model's exponentials
# overflow (SPX 1e-300 or VIX 1e-6), and no scenario a trader weighs is that far away.
WHAT_IF_FACTOR = 10.0


def check_what_if_level(name: str, level: float | None, stored: float) -> None:
    """InputError unless a what-if ``level`` lies within a tenth and ten times the stored level.

    >>> check_what_if_level("vix", 0.5, 16.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    planner.domain.errors.InputError: vix must be a what-if level between 1.6 and 160 (...), got 0.5
    """
    if level is None:
        return
    low, high = stored / WHAT_IF_FACTOR, stored * WHAT_IF_FACTOR
    if not low <= level <= high:
        raise InputError(name, f"must be a what-if level between {low:.4g} and {high:.4g} "
                         f"(a tenth to ten times the stored {stored:g})", level)


def window_origin() -> str:
    """A name for one open window's changes: its undo stack holds only these."""
    return f"window:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def utc_now() -> datetime:
    return datetime.now(UTC)


def change_time(entry: JournalEntry) -> str:
    """When a change was made, as the command line and the window's history say it."""
    return shown_time(entry)


class Workspace:
    """Open with ``Workspace.open(path)``; ``clock`` returns an aware "now" (tests pin it)."""

    def __init__(self, repo: Repository, clock: Callable[[], datetime] = utc_now) -> None:
        self._repo = repo  # private: the command line and the window call the use cases below, never the store
        self.clock = clock
        self._listeners: list[Listener] = []
        self._held: list[Changed] | None = None  # changes of a quote being stored, sent with the quote
        self._data_version = repo.data_version()
        repo.add_listener(self._committed)

    @classmethod
    def open(
        cls, path: str | os.PathLike = ":memory:", clock: Callable[[], datetime] = utc_now, settle: bool = False,
        origin: str = CLI_ORIGIN,
    ) -> Workspace:
        """Open (creating or migrating) the database; ``settle`` settles what expired
        since the last run right away (the window's start-up; the CLI settles when listing).
        ``origin``: the program whose changes these are ("cli", or ``window_origin()``)."""
        repo = Repository.open(path)
        repo.origin = origin
        workspace = cls(repo, clock)
        if settle:
            workspace.settle_expired()
        return workspace

    def close(self) -> None:
        self._repo.close()

    @property
    def path(self) -> Path | None:
        """The book's file (None for an in-memory book)."""
        return self._repo.path

    @property
    def schema_version(self) -> int:
        """The version of the book's tables (a book is migrated to the newest on open)."""
        return SCHEMA_VERSION

    def use_window_origin(self) -> None:
        """Record this workspace's changes as one window's own, so its undo takes back only these
        (a workspace opened as the command line's gets a fresh window origin; another is kept)."""
        if self._repo.origin == CLI_ORIGIN:
            self._repo.origin = window_origin()

    def checkpoint(self) -> None:
        """The book file alone holds every committed change (see ``Repository.checkpoint``)."""
        self._repo.checkpoint()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def now(self) -> datetime:
        return self.clock()

    # -- change events ---------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(Changed)`` after each change; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _emit(self, changed: Changed) -> None:
        if self._held is not None:
            self._held.append(changed)
            return
        for listener in list(self._listeners):
            listener(changed)

    def _committed(self, entry: JournalEntry) -> None:
        # data_version moves only for other connections' commits, so it is not read here: reading
        # it after our own commit would swallow an outside write made since the last poll.
        topics = frozenset(TOPICS[t] for t in entry.tables if t in TOPICS)
        self._emit(Changed(topics, entry.position_ids, entry.label))

    def poll(self) -> bool:
        """True (and a ``Changed(external=True)`` to listeners) when another process wrote since."""
        version = self._repo.data_version()
        if version == self._data_version:
            return False
        self._data_version = version
        self._emit(Changed(frozenset(TOPICS.values()), (), "changed by another program", external=True))
        return True

    # -- reading -------------------------------------------------------------------
    def book(self) -> Book:
        return self._repo.load_book()

    def position(self, position_id: int) -> Position | None:
        return self._repo.load_position(position_id)

    def latest_snapshot(self) -> MarketSnapshot | None:
        return self._repo.latest_snapshot()

    def previous_snapshot(self) -> MarketSnapshot | None:
        return self._repo.previous_snapshot()

    def settings(self) -> Settings:
        return self._repo.load_settings()

    def has_positions(self) -> bool:
        """Whether the book holds any position at all (open, closed, rolled or expired)."""
        return bool(self._repo.position_ids())

    def snapshots(self, start: datetime | None = None, end: datetime | None = None) -> list[MarketSnapshot]:
        """Stored market snapshots between two moments (None: unbounded), oldest first."""
        return self._repo.snapshots(start, end)

    def history_symbols(self) -> list[str]:
        """Symbols with stored daily closes, sorted."""
        return self._repo.history_symbols()

    def history_rows(self, symbols: Sequence[str] | None = None, start: date | None = None,
                     end: date | None = None) -> list[tuple[date, str, float]]:
        """Stored daily closes (date, symbol, close) between two days (None: unbounded)."""
        return self._repo.history_rows(symbols, start, end)

    def analyze(
        self,
        *,
        at: datetime | None = None,
        horizon_days: float | None = None,
        light: bool = False,
        spx: float | None = None,
        vix: float | None = None,
        scenarios: bool = True,
        over: int | None = None,
        marks: Mapping[int, LegMark | float] | None = None,
        market: MarketSnapshot | None = None,
    ) -> RiskReport:
        """Risk of the stored book under the latest snapshot (planner.risk.RiskReport).

        marks: leg id -> market mark (``planner.app.leg_marks``), used instead of the model;
        market: a live snapshot held in memory, used instead of the stored one.

        spx / vix: what-if levels (VIX at the VIX response's central path when only SPX
        is given, futures with spot VIX); the stored snapshot is never changed.
        over: with ``spx``, the trading sessions the move takes (default 1); the book is
        then valued that many sessions ahead, and the report carries the move's VIX band.
        Day P&L is measured against the snapshot before the latest.
        """
        from dataclasses import replace

        from planner.app.risk_run import price_quotes
        from planner.risk.plausible import sessions_ahead
        from planner.risk.vix_response import vix_response
        from planner.risk.what_if import what_if_market

        live = market
        latest = live or self.latest_snapshot()
        if latest is None:
            raise StateError("no market snapshot yet: store one with 'planner market set --spx X --vix Y'")
        moment = at or self.now()
        settings = self.settings()
        for name, level, stored_level in (("spx", spx, latest.spx), ("vix", vix, latest.vix)):
            check_what_if_level(name, level, stored_level)
        book = self.book()
        # The live quote is priced against the stored one; a stored quote against the one before it.
        previous = self.latest_snapshot() if live is not None else self.previous_snapshot()
        stored, previous, notes = self.quotes_for_risk(latest, previous, book, settings)
        moved, band = None, None
        sessions = 1 if over is None else over  # 0: the move happens now, valued now (VIX as in one session)
        if spx is not None:
            moment = sessions_ahead(moment, sessions)
            path = vix_response(spx, stored.spx, stored.vix, sessions, settings)
            band = (float(path.low), float(path.high))
        if spx is not None or vix is not None:  # a what-if's day P&L is measured against the stored quote
            moved = what_if_market(stored, settings, spx=spx, vix=vix, at=moment, sessions=max(1, sessions))
        if marks:
            from planner.app.leg_marks import with_market_marks

            book = with_market_marks(book, marks)
        report = price_quotes(book, stored, previous, settings, at=moment, moved=moved, notes=notes,
                              horizon_days=horizon_days, light=light, scenarios=scenarios)
        return report if band is None else replace(report, vix_band=band)

    def quotes_for_risk(self, latest: MarketSnapshot, previous: MarketSnapshot | None, book: Book,
                        settings: Settings, known: dict | None = None
                        ) -> tuple[MarketSnapshot, MarketSnapshot | None, tuple[str, ...]]:
        """The quotes a risk run prices on (``planner risk`` and the window alike) and their notes.

        Futures the quotes lack come from stored VX settlements where there are recent ones
        (``stored_curve``), in both quotes alike, or the day P&L would show the switch from the
        model's estimate as a move; the notes say which, contract by contract.
        ``known``: the caller's memo of settlements looked up (``fill_from_stored_curve``).
        """
        from planner.app.stored_curve import fill_from_stored_curve

        latest, notes = fill_from_stored_curve(self._repo, latest, book, settings, known)
        if previous is not None:
            previous, _ = fill_from_stored_curve(self._repo, previous, book, settings, known)
        return latest, previous, notes

    def history_frame(self, symbols: Sequence[str] = ("SPX", "VIX", "VVIX")) -> pd.DataFrame:
        """Stored daily closes, one column per symbol, by date."""
        return self._repo.history_frame(symbols)

    def events(self) -> list[Event]:
        return self._repo.events()

    def signals(self) -> list[Signal]:
        return self._repo.signals()

    def decisions(self, suggestion_id: str | None = None) -> list[Decision]:
        return self._repo.decisions(suggestion_id)

    def journal(self, limit: int = 50) -> list[JournalEntry]:
        return self._repo.journal(limit)

    def position_dicts(self, include_closed: bool = False, settle: bool = True) -> list[dict[str, Any]]:
        """``planner list --json``: settles what expired first, then one dict per position."""
        if settle:
            self.settle_expired()
        return views.record_dicts(self._repo.position_records(), include_closed)

    def positions_json(self, include_closed: bool = False) -> str:
        """``position_dicts`` as compact JSON text, built faster than json.dumps (``list --json``)."""
        self.settle_expired()
        return views.list_json(self._repo.position_records(), include_closed)

    # -- positions -------------------------------------------------------------------
    def init(self, demo_book: bool = False, equity: object = None, risk_cap_pct: object = None) -> list[Position]:
        """The store is created on open; ``demo_book`` writes the sample book into an empty one;
        ``equity`` (dollars) and ``risk_cap_pct`` set the account's figures."""
        account = {k: v for k, v in (("equity", equity), ("risk_cap_pct", risk_cap_pct)) if v not in (None, "")}
        if "risk_cap_pct" in account and "equity" not in account and not self.account_set():
            raise InputError("risk-cap-pct", "needs --equity too (the cap is a share of the account's equity)",
                             risk_cap_pct)
        if account:
            for key, value in account.items():
                parse_setting(key, value)  # every figure checked before anything is written
        if demo_book:
            count = len(self._repo.position_ids())
            if count:
                raise StateError(f"book must be empty for init --demo, got {count} positions "
                                 "(use --db with a new file)")
        made: list[Position] = []
        if demo_book:
            from planner.app import demo  # pricing and numpy only when a demo is asked for

            made = demo.write_demo(self._repo, self.now())
        if account:  # after the demo, whose account figures the trader's own replace
            self.set_settings(account)
        return made

    def add_condor(self, request: CondorRequest) -> Position:
        return positions.add_condor(self._repo, request, self.now())

    def add_layer(self, request: LayerRequest) -> Position:
        return positions.add_layer(self._repo, request, self.now())

    def close_position(self, request: CloseRequest) -> Position:
        return positions.close_position(self._repo, request, self.now())

    def roll_layer(self, request: RollRequest) -> tuple[Position, Position]:
        """(the old layer, now rolled; its successor)."""
        return positions.roll_layer(self._repo, request, self.now())

    @property
    def read_only(self) -> bool:
        """The book was opened for reading only (a read-only file or backup): every change is refused."""
        return self._repo.read_only

    def settle_expired(self, days: Sequence[str] = ()) -> list[Position]:
        """Settle what expired; ``days``: ISO dates whose values changed (their settlements are derived again)."""
        if self._repo.read_only:  # reading a backup never rewrites it; the expired show as they were stored
            return []
        return settlement.settle_expired(self._repo, self.now(), days)

    def undo(self) -> tuple[JournalEntry, list[Position]]:
        """Undo the newest change; returns it and the affected positions as they are now.

        Settlements derived from values the change touched are derived again (not a step of their own)."""
        entry = self._repo.undo()
        self.settle_expired(entry.days)
        return entry, self._repo.load_positions(entry.position_ids)

    def redo(self) -> tuple[JournalEntry, list[Position]]:
        entry = self._repo.redo()
        self.settle_expired(entry.days)
        return entry, self._repo.load_positions(entry.position_ids)

    # -- settings ----------------------------------------------------------------------
    def account_set(self) -> bool:
        """Whether the account's equity was ever given (risk used and sizing depend on it)."""
        return self._repo.account_set()

    def setting_rows(self) -> list[dict[str, Any]]:
        """Every setting: key, value, default, unit, description."""
        current = self.settings().as_dict()
        return [
            {"key": s.key, "value": current[s.key], "default": s.default, "unit": s.unit,
             "description": s.description}
            for s in SPECS
        ]

    def get_setting(self, key: str) -> dict[str, Any]:
        parse_setting(key, self.settings().as_dict().get(key, 0))  # NotFoundError for unknown keys
        return next(row for row in self.setting_rows() if row["key"] == key)

    def set_setting(self, key: str, value: object) -> dict[str, Any]:
        self.set_settings({key: value})
        return self.get_setting(key)

    def set_settings(self, changes: dict[str, object]) -> list[dict[str, Any]]:
        """Several settings in one change (one undo step), refused whole when one is out of range or
        when the result breaks a rule between settings (tier shares adding up to 100 %, ...) that a
        changed key takes part in."""
        parsed = {key: parse_setting(key, value) for key, value in changes.items()}  # before the write lock
        after = {**self.settings().as_dict(), **parsed}
        for key, rule in conflicts(after).items():
            if key in parsed:
                raise InputError(key, f"breaks the rule: {rule}", changes[key])
        label = ", ".join(f"{key} = {value}" for key, value in parsed.items())
        with self._repo.change(f"settings set {label}") as tx:
            for key, value in parsed.items():
                self._repo.set_setting(tx, key, value)
        return [self.get_setting(key) for key in parsed]

    # -- market and history ----------------------------------------------------------------
    def quote_snapshot(self, request: QuoteRequest) -> MarketSnapshot:
        """The quote checked and built into a snapshot, not stored (a live quote priced in memory)."""
        return market.build_snapshot(self._repo, request, self.now())

    def set_market(self, request: QuoteRequest) -> market.MarketResult:
        now = self.now()
        snapshot = market.build_snapshot(self._repo, request, now)
        # A quote on an expiry day may settle (or re-settle) positions. Which ones are due depends
        # on the clock and the book, not on the quote: asked before the store, whose commit sets
        # the window's risk run going, so that the check does not compete with it for the GIL.
        due = settlement.due_positions(self._repo, now)
        result = self._store_quote(snapshot)
        if due:
            self.settle_expired()
        return result

    def store_snapshot(self, snapshot: MarketSnapshot) -> market.MarketResult:
        """For feeds: a snapshot already built; refused (not stored) when it looks like a bad tick."""
        market.check_quote(self._repo, snapshot)
        return self._store_quote(snapshot)

    def _store_quote(self, snapshot: MarketSnapshot) -> market.MarketResult:
        """Store a quote; its change reaches listeners carrying the stored snapshot (read back by no one)."""
        from dataclasses import replace

        self._held = []
        result = None
        try:
            result = market.store_snapshot(self._repo, snapshot)
        finally:
            held, self._held = self._held, None
            for changed in held:
                if result is not None and "market" in changed.topics:
                    changed = replace(changed, snapshot=result.snapshot)
                self._emit(changed)
        assert result is not None  # store_snapshot raised otherwise, and the finally block re-raised it
        return result

    def prune_intraday(self, retention_days: int) -> int:
        """Remove live intraday snapshots older than ``retention_days``; returns how many went."""
        from planner.app.live_feed import prune_intraday

        return prune_intraday(self._repo, self.now(), retention_days)

    def import_history(self, path: str | Path, symbol: str | None = None,
                       replace: bool = False) -> history_import.HistoryImport:
        return self.import_history_files([path], symbol, replace)

    def preview_history(self, paths: Sequence[str | Path], symbol: str | None = None
                        ) -> history_import.ImportPreview:
        """What importing these files would store (nothing is written)."""
        return history_import.preview_import(self._repo, paths, symbol)

    def import_history_files(self, paths: Sequence[str | Path], symbol: str | None = None,
                             replace: bool | Collection[history_import.ConflictKey] = False
                             ) -> history_import.HistoryImport:
        """Every file in one undoable change; conflicting stored values kept unless ``replace`` says so."""
        result = history_import.import_files(self._repo, paths, symbol, replace)
        self.settle_expired(result.days)
        return result

    def set_settlement_value(self, day: object, symbol: object, value: object) -> settlement_values.SettlementValue:
        """A typed official value (SET or VRO); what it settles follows. Returns the stored value."""
        typed = settlement_values.parse_settlement_value(day, symbol, value, self.now())
        settlement_values.set_value(self._repo, typed)
        self.settle_expired([typed.day.isoformat()])
        return typed

    def vx_settlement_curves(self, start: date | None = None, end: date | None = None
                             ) -> dict[date, dict[date, float]]:
        """Stored VX curves {trade date: {expiry: settle in VIX points}} between two days (the backtest's input)."""
        return self._repo.vx_settlement_curves(start, end)

    def settlement_values(self) -> list[daily_values.SettlementValue]:
        """Every stored official value (SET, VRO), by date."""
        return settlement_values.stored_values(self._repo)

    def settlement_log(self, position_id: int) -> list[daily_values.SettlementRecord]:
        """The position's settlement history: each settlement, re-settlement or reversal, oldest first."""
        return daily_values.settlement_log(self._repo.conn, position_id)

    def settlement_logs(self) -> dict[int, list[daily_values.SettlementRecord]]:
        """Every settled position's settlement history by position id (the window's history shows them)."""
        return daily_values.settlement_logs(self._repo.conn)

    # -- event calendar and signals ---------------------------------------------------------
    def today(self) -> date:
        """Today in New York (the trader's calendar)."""
        from planner.app.inputs import ET

        return self.now().astimezone(ET).date()

    def add_event(self, event: Event) -> Event:
        """Put an event (today or later) in the calendar; InputError when it breaks a rule."""
        return calendar_entries.add_event(self._repo, event, self.today())

    def delete_event(self, event: Event) -> None:
        calendar_entries.delete_event(self._repo, event)

    def set_signal(self, signal: Signal) -> Signal:
        """Store a signal (a new name or a new value); InputError when it breaks a rule."""
        return calendar_entries.set_signal(self._repo, signal)

    def delete_signal(self, name: str) -> None:
        calendar_entries.delete_signal(self._repo, name)

    # -- suggestions -------------------------------------------------------------------------
    def suggestions(self) -> SuggestionResult:
        """Every rule on the book (what expired is settled first)."""
        from planner.app import suggestions

        return suggestions.compute(self._repo, self.now())

    def accept_suggestion(self, suggestion_id: str, fill: FillRequest) -> Accepted:
        """Do what the suggestion proposes at the trader's fill, and record the decision."""
        from planner.app import suggestions

        return suggestions.accept(self._repo, suggestion_id, fill, self.now())

    def dismiss_suggestion(self, suggestion_id: str, why: str = "") -> Decision:
        from planner.app import suggestions

        return suggestions.dismiss(self._repo, suggestion_id, now=self.now(), why=why)

    def snooze_suggestion(self, suggestion_id: str, until: str | date) -> Decision:
        """Quiet until the start of ``until`` (an ISO date after today, New York)."""
        from planner.app import suggestions

        return suggestions.snooze(self._repo, suggestion_id, now=self.now(), until=until)

    def suggestion_history(self) -> list[dict[str, Any]]:
        """Every decision, oldest first, as plain dictionaries."""
        from planner.app import suggestions

        return suggestions.history(self._repo)

    def record_decision(self, decision: Decision) -> Decision:
        with self._repo.change(f"{decision.decision} suggestion {decision.suggestion_id}") as tx:
            return self._repo.record_decision(tx, decision)

    # -- files ------------------------------------------------------------------------------
    def export_rows(self, include_closed: bool = False) -> list[dict[str, Any]]:
        """Rows of the positions report as dicts keyed by ``transfer.COLUMNS``. To add mark,
        P&L or Greek columns, build from ``transfer.export_rows(book)`` and pass ``extra_columns``."""
        return [dict(zip(transfer.COLUMNS, row, strict=True)) for row in self._report_rows(include_closed)]

    def report_rows_with_risk(self, include_closed: bool = False, marks: Mapping[int, LegMark] | None = None,
                              market: MarketSnapshot | None = None) -> tuple[tuple[str, ...], list[tuple]]:
        """The positions report with each open leg's mark, P&L and Greeks (when a snapshot exists).
        With live ``marks`` (leg id -> ``LegMark``) a ``mark_source`` column says market or model."""
        from planner.app.risk_report import RISK_COLUMNS, leg_risk_rows

        rows = self._report_rows(include_closed)
        # Marks and Greeks only (no scenarios); the book is read once, inside analyze.
        has_market = market is not None or self.latest_snapshot() is not None
        report = self.analyze(scenarios=False, marks=marks, market=market) if has_market else None
        out = leg_risk_rows(rows, transfer.COLUMNS, report)
        if marks is None:
            return RISK_COLUMNS, out
        from planner.app.leg_marks import mark_sources

        book = self.book()
        by_leg = mark_sources(book, marks)
        sources = {(p.id, seq): "" if leg.id is None else by_leg.get(leg.id, "")
                   for p in book.positions for seq, leg in enumerate(p.legs)}
        pid, seq = transfer.COLUMNS.index("position_id"), transfer.COLUMNS.index("leg_seq")
        return (*RISK_COLUMNS, "mark_source"), [(*row, sources.get((row[pid], row[seq]), "")) for row in out]

    def _report_rows(self, include_closed: bool) -> list[tuple]:
        self.settle_expired()
        return transfer.report_rows(self._repo, include_closed)

    def export_csv(self, out: str | Path | None, include_closed: bool = False,
                   extra_columns: Sequence[str] = (), rows: Sequence[Any] | None = None
                   ) -> tuple[int, str | None]:
        """Write the report to ``out`` (atomic) and return (rows, None), or with no ``out``
        return (rows, the CSV text). ``rows`` (with ``extra_columns``) replaces the plain report."""
        if out is not None:
            self.check_output(out)  # before settling or reading anything
        rows = self._report_rows(include_closed) if rows is None else rows
        columns = (*transfer.COLUMNS, *extra_columns)
        if out is None:
            return len(rows), csv_text(columns, rows)
        return write_csv(out, columns, rows, self._repo.path), None

    def check_output(self, out: str | Path) -> Path:
        """InputError unless ``out`` may be written (never the book, a read-only file or a device)."""
        return check_output(out, self._repo.path)

    def export_report(self, out: str | Path | None, include_closed: bool = False) -> tuple[int, str | None]:
        """The positions report with marks, P&L and Greeks: `planner export` and the window's
        File > Export CSV both write it, so the two files are the same."""
        extra, rows = self.report_rows_with_risk(include_closed)
        return self.export_csv(out, include_closed, extra, rows)

    def import_csv(self, path: str | Path) -> transfer.ImportResult:
        return transfer.import_positions(self._repo, path)

    def backup(self, out: str | Path) -> Path:
        return backup_database(self._repo.conn, out)
