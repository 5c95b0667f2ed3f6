"""The command line over ``planner.app`` (``planner.main`` routes here).

Exit codes: 0 success; 2 bad input (one line on stderr naming the field, the
rule and the value; argparse usage errors too); 1 any other failure (one
line, never a traceback). ``--db PATH`` and ``--json`` are accepted after the
arguments of every command; with ``--json`` stdout carries only JSON.
Database: ``--db``, else ``$PLANNER_DB``, else the user data folder.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar

from planner.domain.errors import PlannerError

if TYPE_CHECKING:  # the app loads once a command runs: `planner --help` stays quick
    from planner.app import Workspace
    from planner.domain import Position

APP_NAME = "hedge-planner"
EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


AnyParser = TypeVar("AnyParser", bound=argparse.ArgumentParser)


class RawJSON(str):
    """JSON text already encoded (``list --json`` of a big book): printed as it is."""


class UsageError(Exception):
    """argparse's complaint, raised instead of printed so ``run`` controls the output."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "planner.db"


def _common(parser: AnyParser) -> AnyParser:
    # SUPPRESS: a subcommand's default must not overwrite a value given before the command.
    parser.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="database file (default: $PLANNER_DB or the user data folder)")
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print JSON only (for scripts)")
    return parser


def _force(parser: argparse.ArgumentParser, what: str = "keep a price the stored quote doubts "
                                                          "(below intrinsic, above the underlying, far from fair value)"
           ) -> None:
    parser.add_argument("--force", action="store_true", help=what)


def build_parser() -> Parser:
    parser = Parser(prog="planner", description="Portfolio hedge planner: SPX iron condors and layered VIX hedges.")
    parser.add_argument("--db", metavar="PATH", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", default=False, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help_text: str, parent: Any = commands) -> Parser:
        return _common(parent.add_parser(name, help=help_text, description=help_text))

    # Routed to the window by planner.main before this parser runs; listed here so --help shows it.
    command("gui", "open the window (see 'planner gui --help' for its tabs, --screenshot and --size)")

    init = command("init", "create the database; --demo writes a sample book; --equity sets the account")
    init.add_argument("--demo", action="store_true")
    init.add_argument("--equity", metavar="X", help="account equity, dollars (risk used is measured against it)")
    init.add_argument("--risk-cap-pct", metavar="Y", help="risk cap, percent of equity (default 1.5)")

    condor = commands.add_parser("condor", help="iron condors").add_subparsers(dest="action", required=True)
    add = command("add", "sell iron condors (prices in SPX points per condor)", condor)
    add.add_argument("--expiry", required=True, metavar="YYYY-MM-DD")
    add.add_argument("--strikes", required=True, metavar="K1,K2,K3,K4")
    add.add_argument("--qty", required=True, metavar="N")
    add.add_argument("--credit", required=True, metavar="C", help="net credit per condor, points")
    add.add_argument("--fees", default="0", metavar="F", help="total dollars for the trade")
    add.add_argument("--opened", metavar="T", help="ISO time, ET unless a zone is given (default now)")
    add.add_argument("--settlement", default="PM", metavar="PM|AM")
    add.add_argument("--note", default="", metavar="S")
    _force(add)

    layer = commands.add_parser("layer", help="hedge layers").add_subparsers(dest="action", required=True)
    add = command("add", "buy a hedge layer (prices in points per unit)", layer)
    add.add_argument("--tier", required=True, metavar="near|mid|long")
    add.add_argument("--kind", required=True, metavar="vix-call|vix-call-spread|vix-future|spx-put-spread")
    add.add_argument("--expiry", required=True, metavar="YYYY-MM-DD")
    add.add_argument("--strikes", metavar="K[,K2]", help="long strike first")
    add.add_argument("--qty", required=True, metavar="N")
    add.add_argument("--price", required=True, metavar="P", help="debit per unit, points")
    add.add_argument("--fees", default="0", metavar="F", help="total dollars for the trade")
    add.add_argument("--opened", metavar="T")
    add.add_argument("--protects", metavar="ID,...", help="condor ids (default: the whole book)")
    add.add_argument("--note", default="", metavar="S")
    _force(add)

    close = command("close", "close a position at a price per unit")
    close.add_argument("id", metavar="ID")
    close.add_argument("--price", required=True, metavar="P")
    close.add_argument("--fees", default="0", metavar="F")
    close.add_argument("--at", metavar="T")
    close.add_argument("--qty", metavar="N", help="contracts to close (default: all); the rest stay open")
    _force(close)

    roll = command("roll", "close a layer and open its successor in one step")
    roll.add_argument("id", metavar="ID")
    roll.add_argument("--close-price", required=True, metavar="P")
    roll.add_argument("--expiry", required=True, metavar="YYYY-MM-DD")
    roll.add_argument("--strikes", metavar="K[,K2]")
    roll.add_argument("--price", required=True, metavar="P")
    roll.add_argument("--qty", metavar="N")
    roll.add_argument("--fees", default="0", metavar="F", help="total dollars for both sides of the roll")
    roll.add_argument("--at", metavar="T")
    roll.add_argument("--note", metavar="S")
    _force(roll)

    listing = command("list", "open positions (--all adds closed, rolled and expired)")
    listing.add_argument("--all", action="store_true")

    command("undo", "undo the last change made from the command line (never a window's)")
    command("redo", "redo the last change undone from the command line")

    settings = command("settings", "list every setting with its default and unit")
    settings_actions = settings.add_subparsers(dest="action", required=False)
    setter = command("set", "change settings, together (tier shares must add up to 100 %%)", settings_actions)
    setter.add_argument("key", metavar="KEY")
    setter.add_argument("value", metavar="VALUE")
    setter.add_argument("more", nargs="*", metavar="KEY VALUE", help="more settings changed in the same step")
    getter = command("get", "show one setting", settings_actions)
    getter.add_argument("key", metavar="KEY")

    market = commands.add_parser("market", help="market quotes").add_subparsers(dest="action", required=True)
    quote = command("set", "store a market snapshot", market)
    quote.add_argument("--spx", required=True, metavar="X")
    quote.add_argument("--vix", required=True, metavar="Y")
    quote.add_argument("--vvix", metavar="Z")
    quote.add_argument("--future", action="append", default=[], metavar="YYYY-MM-DD=P",
                       help="a VX future's price; repeat once per expiry")
    quote.add_argument("--rate", metavar="R", help="decimal, 0.045 for 4.5 %%")
    quote.add_argument("--div", metavar="Q", help="SPX dividend yield, decimal")
    quote.add_argument("--asof", metavar="T")
    _force(quote, "keep a quote far from the last one (SPX beyond the move setting, VIX out of range or jumped)")

    feed = commands.add_parser("feed", help="live quotes").add_subparsers(dest="action", required=True)
    ibkr = command("ibkr", "stream quotes from TWS / IB Gateway (read-only) and store sampled snapshots "
                   "until interrupted (Ctrl+C)", feed)
    ibkr.add_argument("--host", default="127.0.0.1", metavar="H", help="TWS / IB Gateway host (default 127.0.0.1)")
    ibkr.add_argument("--port", metavar="P", help="API port (default: the ibkr_port setting)")
    ibkr.add_argument("--client-id", metavar="N", help="API client id (default: the ibkr_client_id setting)")
    ibkr.add_argument("--seconds", metavar="S", help="stop after S seconds (default: run until interrupted)")

    from planner.app import daily_data_commands as daily  # history files and settlement values

    history = commands.add_parser("history", help="daily closes").add_subparsers(dest="action", required=True)
    daily.add_history_import_arguments(command("import", "import daily files in one undoable step", history))
    daily.add_settlement_arguments(command("settlement", "official settlement values (SET, VRO)"), command)

    risk = command("risk", "risk of the book: marks, P&L, Greeks, curves, break-evens, matrix, coverage, stress")
    risk.add_argument("--at", metavar="T", help="valuation moment, ISO time (ET unless a zone is given); default now")
    risk.add_argument("--days", metavar="N", help="horizon of the T+n curve, calendar days (default 7)")
    risk.add_argument("--spx", metavar="X", help="what-if SPX level; VIX follows the VIX response's central path "
                                                 "unless --vix")
    risk.add_argument("--over", metavar="N", help="with --spx: trading sessions the move takes (default 1); "
                                                  "valued N sessions ahead")
    risk.add_argument("--vix", metavar="Y", help="what-if spot VIX level")

    suggestions = command("suggest", "what to add, roll, trim, close or mind, with the reasons and numbers")
    suggest_actions = suggestions.add_subparsers(dest="action", required=False)
    accept = command("accept", "do what a suggestion proposes, at your fill price", suggest_actions)
    accept.add_argument("id", metavar="ID")
    accept.add_argument("--price", metavar="P", help="fill price per unit, points")
    accept.add_argument("--qty", metavar="N", help="contracts (default: the proposed quantity)")
    accept.add_argument("--close-price", metavar="P", help="a roll's sale price of the held layer, points")
    accept.add_argument("--fees", default="0", metavar="F", help="total dollars for the trade")
    _force(accept)
    dismiss = command("dismiss", "keep a suggestion quiet until its condition changes", suggest_actions)
    dismiss.add_argument("id", metavar="ID")
    dismiss.add_argument("--why", default="", metavar="S")
    snooze = command("snooze", "keep a suggestion quiet until a date", suggest_actions)
    snooze.add_argument("id", metavar="ID")
    snooze.add_argument("--until", required=True, metavar="YYYY-MM-DD")
    command("history", "every suggestion accepted, dismissed or snoozed", suggest_actions)

    export = command("export", "positions report, one row per leg (CSV)")
    export.add_argument("--out", metavar="FILE.csv", help="default: stdout")
    export.add_argument("--all", action="store_true")

    load = command("import", "import positions from an exported CSV")
    load.add_argument("file", metavar="FILE.csv")

    backup = command("backup", "a consistent copy of the database")
    backup.add_argument("--out", required=True, metavar="FILE")

    backtest = command("backtest", "replay a condor program on daily SPX/VIX closes, unhedged and hedged by the rules")
    from planner.app.backtest import add_arguments as backtest_arguments  # one flag set for the CLI and --plot

    backtest_arguments(backtest)
    return parser


def _sessions(field: str, raw: str, spx: str | None) -> int:
    """A whole number of trading sessions, 0 (valued now) to 2520 (ten years), for a what-if --spx move."""
    import math

    from planner.domain.errors import InputError

    try:
        value = float(raw)
    except ValueError:
        raise InputError(field, "must be a whole number of trading sessions", raw) from None
    if not math.isfinite(value) or value < 0 or value > 2520 or value != int(value):
        raise InputError(field, "must be a whole number of trading sessions from 0 to 2520", raw)
    if spx is None:
        raise InputError(field, "needs --spx (the move it takes)", raw)
    return int(value)


# -- output ---------------------------------------------------------------------------------------------------------
def _money(value: float | None) -> str:
    from planner.domain.units import usd

    return usd(value, 2)


def _list_text(rows: list[dict[str, Any]]) -> str:
    from planner.app.printable import printable

    if not rows:
        return "no positions (add one with 'planner condor add' or 'planner layer add', or try 'planner init --demo')"
    header = f"{'id':>4}  {'position':<22} {'status':<8} {'qty':>4}  {'expiry':<10}  {'strikes':<24} " \
             f"{'open pts':>9} {'close pts':>9} {'P&L $':>12} {'chain P&L $':>12} {'chain cost $':>12}  note"
    lines = [header]
    for row in rows:
        what = "condor" if row["kind"] == "condor" else f"{row['tier']} {row['layer_kind']}"
        strikes = "/".join(f"{k:g}" for k in row["strikes"]) or "VX"
        close = "" if row["close_price"] is None else f"{row['close_price']:.2f}"
        status = row["status"] + ("*" if row["settled_estimated"] else "")
        rolled = len(row["chain_ids"]) > 1
        chain = _money(row["chain_realized_pnl"]) if rolled else ""
        chain_cost = _money(row["chain_cost_basis"]) if rolled else ""
        lines.append(
            f"{row['id']:>4}  {what:<22} {status:<8} {row['quantity']:>4}  {row['expiry']:<10}  {strikes:<24} "
            f"{row['open_price']:>9.2f} {close:>9} {_money(row['realized_pnl']) if close else '':>12} "
            f"{chain:>12} {chain_cost:>12}  {printable(_note_of(row), one_line=True)}"
        )
    if any(r["settled_estimated"] for r in rows):
        lines.append("* settled from the last snapshot (estimated): import the settlement close to confirm")
    return "\n".join(lines)


def _note_of(row: dict[str, Any]) -> str:
    part = f"partial close of #{row['split_from']}" if row.get("split_from") else ""
    return "; ".join(text for text in (part, row["note"]) if text)


def _setting_value(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _settings_text(rows: list[dict[str, Any]]) -> str:
    width = max(len(r["key"]) for r in rows)
    return "\n".join(
        f"{r['key']:<{width}}  {_setting_value(r['value']):>10}  {r['unit']:<28} default {_setting_value(r['default'])}"
        for r in rows
    )


def _setting_line(row: dict[str, Any]) -> str:
    return f"{row['key']} = {_setting_value(row['value'])} {row['unit']} (default {_setting_value(row['default'])})"


EQUITY_NOT_SET = ("note: account equity was never set, so risk used and the sizing assume the default "
                  "$100,000: set it with 'planner settings set equity X' (or init --equity X)")


def _equity_note(ws: Workspace) -> str:
    return "" if ws.account_set() else "\n" + EQUITY_NOT_SET


# -- commands -----------------------------------------------------------------------------------------------------
def _dicts_for(ws: Workspace, ids: Sequence[int | None]) -> list[dict[str, Any]]:
    from planner.app import views

    book = ws.book()
    chains = views.chains(book)
    wanted = set(ids)
    return [views.position_dict(p, chains[p.id]) for p in book.positions if p.id is not None and p.id in wanted]


def _one(ws: Workspace, position: Position) -> tuple[dict[str, Any], str]:
    from planner.app import views

    return _dicts_for(ws, [position.id])[0], views.describe(position)


def execute(args: argparse.Namespace, ws: Workspace, db_path: str) -> tuple[Any, str | Callable[[], str]]:
    """Run one parsed command; returns (JSON value, text or a function making it)."""
    from planner.app import views
    from planner.app.requests import CloseRequest, CondorRequest, FillRequest, LayerRequest, QuoteRequest, RollRequest

    name = args.command
    if name == "gui":
        from planner.domain.errors import StateError

        raise StateError("gui must be the first word, as in 'planner gui --db PATH'")
    if name == "init":
        made = ws.init(demo_book=args.demo, equity=args.equity, risk_cap_pct=args.risk_cap_pct)
        text = f"database ready: {db_path} (schema version {ws.schema_version})"
        if made:
            text += f"\ndemo book written: {len(made)} positions, a market snapshot, a year of history"
        settings = ws.settings()
        text += (f"\naccount equity {_money(settings.equity)}, risk cap {settings.risk_cap_pct:g} % of equity"
                 if ws.account_set() else f"\n{EQUITY_NOT_SET}")
        return {"db": db_path, "schema_version": ws.schema_version, "demo": bool(args.demo),
                "positions": _dicts_for(ws, [p.id for p in made])}, text
    if name == "condor":
        position = ws.add_condor(CondorRequest(
            expiry=args.expiry, strikes=args.strikes, qty=args.qty, credit=args.credit, fees=args.fees,
            opened=args.opened, settlement=args.settlement, note=args.note, force=args.force))
        value, text = _one(ws, position)
        return value, "added " + text
    if name == "layer":
        position = ws.add_layer(LayerRequest(
            tier=args.tier, kind=args.kind, expiry=args.expiry, strikes=args.strikes, qty=args.qty, price=args.price,
            fees=args.fees, opened=args.opened, protects=args.protects, note=args.note, force=args.force))
        value, text = _one(ws, position)
        return value, "added " + text
    if name == "close":
        position = ws.close_position(CloseRequest(position_id=args.id, price=args.price, fees=args.fees, at=args.at,
                                                  qty=args.qty, force=args.force))
        value, text = _one(ws, position)
        part = f" ({position.quantity} of position {position.split_from}, now #{position.id})" \
            if position.split_from is not None else ""
        return value, f"closed {text}{part}; realized P&L {_money(position.realized_pnl())} (net of fees)"
    if name == "roll":
        old, new = ws.roll_layer(RollRequest(
            position_id=args.id, close_price=args.close_price, expiry=args.expiry, strikes=args.strikes,
            price=args.price, qty=args.qty, fees=args.fees, at=args.at, note=args.note, force=args.force))
        old_dict, new_dict = _dicts_for(ws, [old.id, new.id])
        value = {**new_dict, "rolled_position": old_dict}
        text = (f"rolled {old.id} at {old.close_price:g} (P&L {_money(old.realized_pnl())}) into "
                f"{views.describe(new)}; chain P&L so far {_money(new_dict['chain_realized_pnl'])}, "
                f"original cost {_money(new_dict['chain_cost_basis'])}")
        return value, text
    if name == "list":
        if args.json:
            return RawJSON(ws.positions_json(include_closed=args.all)), ""
        rows = ws.position_dicts(include_closed=args.all)
        return rows, _list_text(rows)
    if name in ("undo", "redo"):
        entry, positions = ws.undo() if name == "undo" else ws.redo()
        present = {p.id for p in positions if p.id is not None}
        value = {
            "action": name,
            "change": {"id": entry.id, "label": entry.label, "created_at": entry.created_at},
            "positions": _dicts_for(ws, sorted(present)),
            "removed_ids": [i for i in entry.position_ids if i not in present],
        }
        from planner.app.workspace import change_time

        value["change"]["made"] = change_time(entry)
        verb = "undid" if name == "undo" else "redid"
        return value, f"{verb}: {entry.label} (made {change_time(entry)} from the command line)"
    if name == "settings":
        if args.action == "set":
            if len(args.more) % 2:
                from planner.domain.errors import InputError

                raise InputError("settings", "must be KEY VALUE pairs", " ".join(args.more))
            pairs = [args.key, args.value, *args.more]
            rows = ws.set_settings(dict(zip(pairs[::2], pairs[1::2], strict=True)))
            text = "\n".join(_setting_line(row) for row in rows)
            return (rows[0] if len(rows) == 1 else rows), text
        if args.action == "get":
            row = ws.get_setting(args.key)
            return row, _setting_line(row)
        rows = ws.setting_rows()
        return rows, _settings_text(rows)
    if name == "market":
        result = ws.set_market(QuoteRequest(spx=args.spx, vix=args.vix, vvix=args.vvix, futures=args.future,
                                            rate=args.rate, div=args.div, asof=args.asof, force=args.force))
        snap = result.snapshot
        value = {
            "id": snap.id, "asof": snap.asof.isoformat(), "spx": snap.spx, "vix": snap.vix, "vvix": snap.vvix,
            "rate": snap.rate, "div": snap.div_yield, "source": snap.source,
            "futures": [{"expiry": d.isoformat(), "price": p} for d, p in snap.vix_futures],
            "filled_position_ids": [p.id for p in result.filled],
        }
        text = f"market snapshot {snap.id}: SPX {snap.spx:g}, VIX {snap.vix:g}, {len(snap.vix_futures)} VX futures"
        if result.filled:
            text += f"; entry IVs set for positions {', '.join(str(p.id) for p in result.filled)}"
        return value, text
    if name == "feed":
        return _feed_ibkr(args, ws)
    if name in ("history", "settlement"):
        from planner.app import daily_data_commands as daily

        return daily.history_import_command(args, ws) if name == "history" else daily.settlement_command(args, ws)
    if name == "risk":
        from planner.app.inputs import parse_moment
        from planner.app.risk_report import summary_text
        from planner.domain.instruments import require_non_negative, require_positive

        report = ws.analyze(
            at=None if args.at is None else parse_moment("at", args.at),
            horizon_days=None if args.days is None else require_non_negative("days", args.days),
            spx=None if args.spx is None else require_positive("spx", args.spx),
            vix=None if args.vix is None else require_positive("vix", args.vix),
            over=None if args.over is None else _sessions("over", args.over, args.spx),
        )
        # The JSON of every position's figures is built only when asked for (half the time at 3,000 positions).
        return (report.to_json() if args.json else None), lambda: summary_text(report) + _equity_note(ws)
    if name == "suggest":
        from planner.app import suggestions

        if args.action == "accept":
            done = ws.accept_suggestion(args.id, FillRequest(price=args.price, qty=args.qty,
                                                             close_price=args.close_price, fees=args.fees,
                                                             force=args.force))
            value = {"decision": suggestions.decision_dict(done.decision),
                     "positions": _dicts_for(ws, [p.id for p in done.positions])}
            return value, suggestions.accepted_text(done)
        if args.action in ("dismiss", "snooze"):
            decision = (ws.dismiss_suggestion(args.id, why=args.why) if args.action == "dismiss"
                        else ws.snooze_suggestion(args.id, until=args.until))
            until = f" until {decision.until.date().isoformat()}" if decision.until else ""
            said = "dismissed" if args.action == "dismiss" else "snoozed"
            return suggestions.decision_dict(decision), f"{said} {decision.suggestion_id}{until}"
        if args.action == "history":
            rows = ws.suggestion_history()
            return rows, lambda: suggestions.decisions_text(rows)
        shown = ws.suggestions()
        return ((shown.to_json() if args.json else None),
                lambda: suggestions.suggestions_text(shown) + _equity_note(ws))
    if name == "export":
        from planner.app.transfer import COLUMNS

        if args.out is not None:
            ws.check_output(args.out)  # refused before anything is settled or computed
        extra, report_rows = ws.report_rows_with_risk(args.all)
        if args.out is None:
            if args.json:
                return [dict(zip((*COLUMNS, *extra), row, strict=True)) for row in report_rows], ""
            _, csv = ws.export_csv(None, args.all, extra, report_rows)
            return None, (csv or "").rstrip("\r\n")
        count, _ = ws.export_report(args.out, args.all)
        return {"path": str(args.out), "rows": count}, f"exported {count} legs to {args.out}"
    if name == "import":
        imported = ws.import_csv(args.file)
        value = {"imported": len(imported.positions), "renumbered": imported.renumbered,
                 "dropped_links": imported.dropped_links,
                 "skipped": [{"file_id": f, "book_id": b} for f, b in imported.skipped],
                 "positions": _dicts_for(ws, [p.id for p in imported.positions])}
        text = f"imported {len(imported.positions)} positions from {args.file}"
        if imported.renumbered:
            text += " (their ids were taken here, so they got new ones)"
        if imported.dropped_links:
            text += f"; {imported.dropped_links} links to positions not in the file were dropped"
        if imported.skipped:
            skipped = ", ".join(f"#{file_id} as #{book_id}" if file_id != book_id else f"#{file_id}"
                                for file_id, book_id in imported.skipped)
            text += (f"; skipped {len(imported.skipped)} already in the book (the same trade: legs, quantity, "
                     f"price and time): {skipped}")
        return value, text
    if name == "backup":
        path = ws.backup(args.out)
        return {"path": str(path), "bytes": path.stat().st_size}, f"backup written: {path}"
    if name == "backtest":
        from planner.app import backtest

        return backtest.command(args, ws.settings(), sys.stderr, vx_settlements=ws.vx_settlement_curves())
    raise UsageError(f"planner: unknown command {name}")


def _one_line(message: str) -> str:
    from planner.app.printable import printable  # here: `--help` does not import the app

    return printable(" ".join(str(message).split("\n")).replace("\r", " ").strip(), one_line=True)


def run(argv: Sequence[str] | None, stdout: TextIO, stderr: TextIO,
        clock: Callable[[], datetime] | None = None) -> int:
    """Parse and run one command in-process; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = build_parser().parse_args(argv)
    except UsageError as exc:
        print(f"error: {_one_line(str(exc))}", file=stderr)
        return EXIT_BAD_INPUT
    except SystemExit as exc:  # --help
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_OK
    ws = None
    created = False
    try:
        from planner.app import Workspace

        if args.db is not None and not args.db.strip():
            raise UsageError("error: db must be a file name, got an empty name")
        db_path = args.db or os.environ.get("PLANNER_DB") or ""
        if not db_path:
            default = default_db_path()
            default.parent.mkdir(parents=True, exist_ok=True)
            db_path = str(default)
        db_path = str(Path(db_path).expanduser())
        created = not os.path.lexists(db_path)
        ws = Workspace.open(db_path) if clock is None else Workspace.open(db_path, clock)
        value, text = execute(args, ws, db_path)
        if isinstance(value, RawJSON):
            stdout.write(value + "\n")
        elif args.json:
            # Compact separators: a 10,000-position list is 10 % smaller and faster to write.
            stdout.write(json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n")
        else:
            from planner.app.printable import printable

            text = text() if callable(text) else text
            if text:
                # Text from the book (notes, labels) never drives the terminal; the CSV of
                # `export` to stdout is data for another program and is written as it is.
                stdout.write((text if args.command == "export" else printable(text)) + "\n")
        created = False  # done: the new book stays
        return EXIT_OK
    except UsageError as exc:
        print(_one_line(str(exc)), file=stderr)
        return EXIT_BAD_INPUT
    except PlannerError as exc:
        print(f"error: {_one_line(str(exc))}", file=stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("error: interrupted", file=stderr)
        return 130
    except (sqlite3.Error, OSError) as exc:
        print(f"error: {_one_line(_system_error(exc))}", file=stderr)
        return EXIT_FAILURE
    except Exception as exc:  # never a traceback for the user; the message still names the failure
        print(f"error: unexpected {type(exc).__name__}: {_one_line(str(exc))}", file=stderr)
        return EXIT_FAILURE
    finally:
        if ws is not None:
            ws.close()
        if created:
            _remove_unused_book(db_path)


def _system_error(exc: BaseException) -> str:
    """A full disk said as such (SQLITE_FULL, ENOSPC), anything else as it is."""
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk is full ({exc.strerror}: {exc.filename or ''}); free some space and run it again"
    if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
        return f"the disk is full ({exc}); free some space and run it again, nothing was changed"
    return f"{type(exc).__name__}: {exc}"


def _remove_unused_book(db_path: str) -> None:
    """A refused command leaves no trace: the book it created for the occasion goes (only if
    nothing was recorded in it since, by this or any other program)."""
    import sqlite3 as driver

    try:
        conn = driver.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            used = conn.execute("SELECT (SELECT count(*) FROM journal) + (SELECT count(*) FROM snapshots) + "
                                "(SELECT count(*) FROM positions) + (SELECT count(*) FROM history)").fetchone()[0]
        finally:
            conn.close()
    except (driver.Error, OSError):
        return
    if used == 0:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(db_path + suffix)


def _terminated(signum: int, frame: object) -> None:
    # Unwinds like Ctrl+C, so a temporary output file is removed and the book left whole.
    raise KeyboardInterrupt


def _feed_ibkr(args: argparse.Namespace, ws: Workspace) -> tuple[dict[str, int], str]:
    from planner.app.live_feed import run_ibkr_feed
    from planner.domain.errors import InputError
    from planner.domain.instruments import require_positive
    from planner.domain.settings import parse_setting
    from planner.feeds.ibkr import IbkrConfig

    settings = ws.settings()
    port = settings.ibkr_port if args.port is None else parse_setting("ibkr_port", args.port)
    client_id = settings.ibkr_client_id if args.client_id is None else parse_setting("ibkr_client_id",
                                                                                     args.client_id)
    seconds = None if args.seconds is None else require_positive("seconds", args.seconds)
    host = str(args.host).strip()
    if not host:
        raise InputError("host", "must name the computer running TWS or IB Gateway", args.host)
    config = IbkrConfig(host, int(port), int(client_id), settings.live_snapshots_per_s, settings.ibkr_reconnect_max_s)
    progress = sys.stderr if args.json else sys.stdout  # --json keeps stdout for the one JSON result
    run = run_ibkr_feed(ws, config, lambda line: print(line, file=progress, flush=True), seconds)
    value = {"updates": run.updates, "stored": run.stored, "refused": run.refused, "pruned": run.pruned}
    return value, (f"feed stopped: {run.updates} snapshots received, {run.stored} stored, "
                   f"{run.refused} refused")


def main(argv: list[str] | None = None) -> int:
    import signal
    import warnings

    signal.signal(signal.SIGTERM, _terminated)
    # The last guard: a numeric warning (numpy's overflow) is never the user's to read; inputs that
    # could cause one are refused first (tests run ``run`` and see any warning that slips through).
    warnings.simplefilter("ignore", RuntimeWarning)
    return run(argv, sys.stdout, sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
