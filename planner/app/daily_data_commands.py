"""The command line's ``history import`` and ``settlement`` commands: arguments, run, (JSON, text)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from planner.app.history_import import HistoryImport
from planner.app.settlement_values import SYMBOL_NAMES

if TYPE_CHECKING:
    from planner.app.workspace import Workspace


def add_history_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", nargs="+",
                        help="Cboe index history, Cboe VX per-contract files, Yahoo/Stooq/Investing OHLC, "
                             "date,symbol,close or date,symbol,value (SET/VRO settlement values)")
    parser.add_argument("--symbol", metavar="S", help="the symbol of a file whose name does not say it")
    parser.add_argument("--replace", action="store_true",
                        help="replace stored values the files contradict (default: keep them and report)")


def add_settlement_arguments(parser: argparse.ArgumentParser,
                             command: Callable[..., argparse.ArgumentParser]) -> None:
    """``settlement set DATE SYMBOL VALUE`` and ``settlement list``; ``command`` makes a subcommand parser."""
    actions = parser.add_subparsers(dest="action", required=False)
    setter = command("set", "store an official settlement value by hand (undoable)", actions)
    setter.add_argument("date", metavar="DATE", help="YYYY-MM-DD, the expiry day")
    setter.add_argument("symbol", metavar="SYMBOL", help="SET (SPX AM opening print) or VRO (VIX)")
    setter.add_argument("value", metavar="VALUE", help="index points")
    command("list", "every stored settlement value", actions)
    log = command("log", "how a position was settled: each settlement, re-settlement or reversal", actions)
    log.add_argument("id", metavar="ID")


def import_value(result: HistoryImport) -> dict[str, Any]:
    def conflicts(found) -> list[dict[str, Any]]:
        return [{"series": c.key[2], "date": c.key[1], "stored": c.stored, "file_value": c.incoming,
                 "stored_origin": c.origin, "file": c.file, "line": c.line, "first_file_line": c.first or None}
                for c in found]

    return {"symbols": list(result.symbols), "rows": result.rows, "inserted": result.inserted,
            "updated": result.updated, "first": result.first and result.first.isoformat(),
            "last": result.last and result.last.isoformat(), "kept_conflicts": conflicts(result.kept),
            "replaced_conflicts": conflicts(result.replaced)}


def history_import_command(args: argparse.Namespace, ws: Workspace) -> tuple[dict[str, Any], str]:
    result = ws.import_history_files(args.file, args.symbol, bool(args.replace))
    text = (f"imported {result.rows} rows of {', '.join(result.symbols)} ({result.first} to {result.last}): "
            f"{result.inserted} new, {result.updated} updated")
    if result.kept:
        against = "stored ones or an earlier file's" if any(c.first for c in result.kept) else "stored ones"
        text += f"\nskipped {len(result.kept)} values that differ from {against} (--replace to replace them):"
        text += "".join(f"\n  {c.describe()}" for c in result.kept)
    if result.replaced:
        text += f"\nreplaced {len(result.replaced)} stored values:" + "".join(
            f"\n  {c.describe()}" for c in result.replaced)
    return import_value(result), text


def settlement_command(args: argparse.Namespace, ws: Workspace) -> tuple[Any, str]:
    if args.action == "set":
        value = ws.set_settlement_value(args.date, args.symbol, args.value)
        return ({"date": value.day.isoformat(), "symbol": value.symbol, "value": value.value, "origin": value.origin},
                f"{value.symbol} {value.day.isoformat()} = {value.value:g} ({SYMBOL_NAMES[value.symbol]})")
    if args.action == "log":
        from planner.app.inputs import parse_position_id

        records = ws.settlement_log(parse_position_id(args.id))
        rows = [{"logged_at": r.logged_at.isoformat(), "status": r.status, "close_price": r.close_price,
                 "estimated": r.estimated, "basis": r.basis} for r in records]
        text = "\n".join(f"{r['logged_at']}  {r['status']:<7} {'' if r['close_price'] is None else r['close_price']:>8}"
                         f"  {'estimated' if r['estimated'] else 'official':<9}  {r['basis']}" for r in rows)
        return rows, text or f"position {args.id} has not been settled"
    rows = [{"date": v.day.isoformat(), "symbol": v.symbol, "value": v.value, "origin": v.origin}
            for v in ws.settlement_values()]
    text = "\n".join(f"{r['date']}  {r['symbol']}  {r['value']:>10g}  {r['origin']}" for r in rows)
    return rows, text or "no settlement values stored"
