"""Use case: ``planner backtest`` and the window's Backtest tab.

Reads the user's daily closes through the history import's parser (Cboe
``DATE,OPEN,HIGH,LOW,CLOSE`` or ``date,symbol,close``), or generates a seeded
path, runs the condor program unhedged and hedged by the live rules with the
user's settings, and returns ``planner.backtest.results.BacktestReport``.

Nothing heavy is imported at module load (the command line's start-up stays
light); the backtest package comes in with the first run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, overload

from planner.domain.errors import InputError
from planner.domain.settings import Settings

if TYPE_CHECKING:
    from planner.backtest.data import DataReport, MarketPath
    from planner.backtest.results import BacktestReport
    from planner.risk.vx_curve import VxSettlements

DEFAULT_YEARS = 10.0
ROLE_SYMBOLS = ("SPX", "VIX", "VVIX")

# (flag, field of BacktestOptions, type, help): the program and cost knobs, shared by the CLI and the window.
KNOBS: tuple[tuple[str, str, type, str], ...] = (
    ("--entry-every", "entry_every_days", int, "sessions between condor entries (default 5: weekly)"),
    ("--dte", "target_dte_days", int, "target calendar days to expiry at entry (default 45)"),
    ("--delta", "short_delta", float, "short strikes' absolute delta (default 0.16)"),
    ("--wing-pct", "wing_width_pct", float, "wing width, %% of SPX (default 1.0)"),
    ("--contracts", "contracts", int, "condors per entry (default 1)"),
    ("--profit-target", "profit_target_pct", float, "take profit at this %% of the credit, both runs (default: the "
     "condor_take_profit_pct setting, 50)"),
    ("--loss-multiple", "loss_multiple", float, "stop at a loss of this many credits (default 2)"),
    ("--exit-days", "exit_days_before_expiry", int, "close this many calendar days before expiry (default 7)"),
    ("--commission", "commission_usd", float, "dollars per contract per leg (default 1.30)"),
    ("--slippage", "slippage_fraction", float, "fraction of the estimated bid-ask paid per leg (default 0.25)"),
    ("--review-every", "review_every_days", int, "sessions between hedge-rule reviews (default 1: every close)"),
    ("--rate", "rate", float, "risk-free rate, decimal (default 0.03)"),
    ("--div", "div_yield", float, "SPX dividend yield, decimal (default 0.015)"),
)


@dataclass(frozen=True)
class BacktestOptions:
    """What to run on: files (spx, vix, optional vvix) or a generated path (seed, years); dates inclusive.

    The knobs default to None: the program's and the costs' own defaults apply.
    """

    spx: str | None = None
    vix: str | None = None
    vvix: str | None = None
    start: date | None = None
    end: date | None = None
    seed: int | None = None
    years: float = DEFAULT_YEARS
    knobs: dict[str, float | int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.seed is None and not (self.spx and self.vix):
            raise InputError("--spx/--vix", "must both name a file of daily closes (or use --generate SEED)",
                             "missing")
        if self.seed is not None and (self.spx or self.vix or self.vvix):
            raise InputError("--generate", "replaces --spx/--vix/--vvix: give one or the other", self.seed)
        if self.start and self.end and self.start > self.end:
            raise InputError("--from", f"must not be after --to ({self.end})", self.start)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The backtest's flags, on the CLI's subcommand and on the plot route alike."""
    parser.add_argument("--spx", metavar="FILE", help="SPX daily closes (Cboe DATE,OPEN,HIGH,LOW,CLOSE or "
                        "date,symbol,close)")
    parser.add_argument("--vix", metavar="FILE", help="VIX daily closes")
    parser.add_argument("--vvix", metavar="FILE", help="VVIX daily closes (optional: VIX-option vol)")
    parser.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day (default: the data's first)")
    parser.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day (default: the data's last)")
    parser.add_argument("--generate", metavar="SEED", help="run on a generated path with this seed instead of files")
    parser.add_argument("--years", metavar="N", help=f"years of generated path (default {DEFAULT_YEARS:g})")
    parser.add_argument("--plot", metavar="FILE.png", help="also draw the equity and drawdown curves to a PNG")
    parser.add_argument("--hedge", metavar="on|off", help="off: the hedged run with every hedge rule off, "
                        "a check that both runs trade alike (its curve is then the unhedged one); default on")
    for flag, _, _, help_text in KNOBS:
        parser.add_argument(flag, metavar="X", help=help_text)
    parser.add_argument("--sweep", metavar="KEY=V1,V2,...", action="append",
                        help="run a grid: a settings key (planner settings) or a program flag above without its "
                        "dashes, with its values; repeat for more keys. Prints a CSV table (with --json: "
                        "{sweep: [{config, figures}]}), on a process pool over all cores")
    parser.add_argument("--paths", metavar="N", help="with --generate SEED: run over the N generated paths of "
                        "seeds SEED..SEED+N-1 and report the median, P10 and P90 of the drawdown reduction and MAR")


def options_from_args(args: argparse.Namespace) -> BacktestOptions:
    from planner.app.inputs import parse_date

    knobs: dict[str, float | int] = {}
    for flag, name, kind, _ in KNOBS:
        raw = getattr(args, flag.lstrip("-").replace("-", "_"), None)
        if raw is not None:
            knobs[name] = _number(flag, raw, kind)
    seed = None if args.generate is None else _number("--generate", args.generate, int)
    if args.years is not None and seed is None:
        raise InputError("--years", "goes with --generate SEED", args.years)
    years = DEFAULT_YEARS if args.years is None else _number("--years", args.years, float)
    if getattr(args, "hedge", None) is not None:
        knobs["hedge"] = parse_switch("--hedge", args.hedge)
    return BacktestOptions(
        spx=args.spx, vix=args.vix, vvix=args.vvix,
        start=None if args.start is None else parse_date("--from", args.start),
        end=None if args.end is None else parse_date("--to", args.end),
        seed=seed, years=years, knobs=knobs,
    )


def parse_switch(flag: str, raw: object) -> bool:
    text = str(raw).strip().lower()
    if text in ("on", "true", "1", "yes"):
        return True
    if text in ("off", "false", "0", "no"):
        return False
    raise InputError(flag, "must be on or off", raw)


@overload
def _number(flag: str, raw: object, kind: type[int]) -> int: ...
@overload
def _number(flag: str, raw: object, kind: type[float]) -> float: ...
@overload
def _number(flag: str, raw: object, kind: type) -> float | int: ...
def _number(flag: str, raw: object, kind: type) -> float | int:
    try:
        value = float(raw)  # type: ignore[arg-type]  # any value may come in: a wrong type raises, caught below
    except (TypeError, ValueError):
        raise InputError(flag, "must be a number", raw) from None
    if kind is int:
        if value != int(value):
            raise InputError(flag, "must be a whole number", raw)
        return int(value)
    return value


# -- data ------------------------------------------------------------------------------------------------------
def read_closes(file: str, role: str) -> list[tuple[date, float]]:
    """(date, close) of ``role`` (SPX, VIX or VVIX) from one file, parsed by the history import.

    A file naming no symbol (``prices.csv`` in Cboe's layout) is taken as ``role``;
    a file of several symbols gives the rows of ``role``; a file of one other
    known symbol (VIX closes given as --spx) is refused.
    """
    from planner.app.history_import import read_history

    flag = f"--{role.lower()}"
    if not Path(file).is_file():
        raise InputError(flag, "must name an existing file", file)
    try:
        rows = read_history(file)
    except InputError as error:
        if error.field != "symbol":
            raise
        rows = read_history(file, role)
    symbols = sorted({symbol for _, symbol, _ in rows})
    if role in symbols:
        return [(day, close) for day, symbol, close in rows if symbol == role]
    if len(symbols) == 1 and symbols[0] not in ROLE_SYMBOLS:
        return [(day, close) for day, _, close in rows]
    raise InputError(flag, f"must hold {role} closes", f"{Path(file).name} holds {', '.join(symbols)}")


def load_path(options: BacktestOptions, vx_settlements: VxSettlements | None = None
              ) -> tuple[MarketPath, DataReport | None]:
    """The aligned path (and what aligning did) from the files, or the generated path.

    vx_settlements: the book's stored VX settlements (``Workspace.vx_settlement_curves``), priced
    on the days they list; a generated path has no real days, so it never takes them."""
    if options.seed is not None:
        from planner.backtest.generator import generate

        path = generate(options.seed, options.years)
        if options.start or options.end:
            path = path.between(options.start, options.end)
        return path, None
    from planner.backtest.data import align

    assert options.spx and options.vix  # BacktestOptions: both files wherever no seed is given
    closes = {"SPX": read_closes(options.spx, "SPX"), "VIX": read_closes(options.vix, "VIX")}
    if options.vvix:
        closes["VVIX"] = read_closes(options.vvix, "VVIX")
    files = [Path(f) for f in (options.spx, options.vix, options.vvix) if f]
    return align(closes, name=files_name(files), start=options.start, end=options.end,
                 vx_settlements=vx_settlements or None)


def files_name(files: list[Path]) -> str:
    """'SPX_History.csv + VIX_History.csv in resources/demo': the files, and where they are (relative when
    under the working folder), so a chart's title says which data it was made from."""
    names = " + ".join(f.name for f in files)
    folders = {f.resolve().parent for f in files}
    if len(folders) != 1:
        return names
    folder = folders.pop()
    try:
        shown = folder.relative_to(Path.cwd().resolve())
    except ValueError:
        shown = folder
    return names if str(shown) == "." else f"{names} in {shown.as_posix()}"


def config_for(options: BacktestOptions):
    from planner.backtest.engine import BacktestConfig
    from planner.backtest.model import Costs
    from planner.backtest.strategy import CondorProgram

    def pick(cls) -> dict[str, Any]:
        names = {f.name for f in fields(cls)}
        return {k: v for k, v in options.knobs.items() if k in names}

    top = {k: v for k, v in pick(BacktestConfig).items() if k not in ("program", "costs")}
    return BacktestConfig(program=CondorProgram(**pick(CondorProgram)), costs=Costs(**pick(Costs)), **top)


@dataclass(frozen=True, eq=False)
class BacktestOutcome:
    report: BacktestReport
    data: DataReport | None
    seconds: float

    def to_json(self) -> dict:
        payload = self.report.to_json()
        if self.data is not None:
            payload["data"]["alignment"] = self.data.to_json()
        payload["seconds"] = self.seconds
        return payload


def run_backtest(options: BacktestOptions, settings: Settings, *,
                 progress: Callable[[float, str], None] | None = None,
                 cancel: Callable[[], bool] | None = None,
                 vx_settlements: VxSettlements | None = None) -> BacktestOutcome:
    """Load or generate the path and run both runs; raises ``planner.backtest.engine.Cancelled`` on cancel."""
    from planner.backtest.engine import run_both
    from planner.backtest.results import report

    started = time.perf_counter()
    config = config_for(options)
    path, data = load_path(options, vx_settlements)
    runs = run_both(path, settings, config, progress=progress, cancel=cancel)
    return BacktestOutcome(report(runs), data, time.perf_counter() - started)


def write_demo_files(folder: str | Path, seed: int, years: float) -> list[Path]:
    """The generated path as Cboe history files: SPX_History.csv and VIX_History.csv
    (``DATE,OPEN,HIGH,LOW,CLOSE``) and VVIX_History.csv (``DATE,VVIX``), dates MM/DD/YYYY."""
    from planner.backtest.generator import cboe_rows, generate
    from planner.storage import write_csv

    path = generate(seed, years)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for symbol in ("SPX", "VIX"):
        file = target / f"{symbol}_History.csv"
        write_csv(file, ("DATE", "OPEN", "HIGH", "LOW", "CLOSE"), cboe_rows(path, symbol))
        written.append(file)
    file = target / "VVIX_History.csv"
    write_csv(file, ("DATE", "VVIX"), [(row[0], row[4]) for row in cboe_rows(path, "VVIX")])
    written.append(file)
    return written


# -- text ------------------------------------------------------------------------------------------------------
def progress_printer(stream: TextIO, width: int = 30, label: str = "backtest") -> Callable[[float, str], None]:
    """A progress bar on ``stream``: redrawn in place on a terminal, one line per 10 % otherwise."""
    live = hasattr(stream, "isatty") and stream.isatty()
    shown = {"tenth": -1}

    def show(fraction: float, words: str) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        if live:
            filled = round(width * fraction)
            stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {100 * fraction:5.1f} % {words:<22}")
            if fraction >= 1.0:
                stream.write("\n")
            stream.flush()
            return
        tenth = int(fraction * 10 + 1e-9)
        if tenth > shown["tenth"]:
            shown["tenth"] = tenth
            stream.write(f"{label} {10 * tenth:3d} % {words}\n")
            stream.flush()

    return show


CLOSE_TO_CLOSE_NOTE = ("Daily closes only: a spike inside a session, and fills away from the model's mid plus "
                       "half-spread, are not seen.")


def summary_text(outcome: BacktestOutcome) -> str:
    from planner.domain.units import percent, usd

    rep = outcome.report
    path = rep.runs.path
    program = rep.runs.config.program.resolved(rep.runs.settings.condor_take_profit_pct)
    hedge = "" if rep.runs.config.hedge else " (--hedge off: every hedge rule off)"
    lines = [f"Backtest on {path.name}: {path.dates[0]} to {path.dates[-1]}, {len(path)} sessions{hedge}",
             f"  both runs: the same condor program, profit taken at {program.profit_target_pct:g} % of the credit"]
    if outcome.data is not None:
        lines += [f"  data: {note}" for note in outcome.data.lines()]
    rows = (
        ("return $", lambda s: usd(s.pnl_usd)),
        ("return %", lambda s: percent(s.return_pct, 1)),
        ("annual return", lambda s: percent(s.annual_return_pct, 1)),
        ("max drawdown $", lambda s: usd(s.drawdown.usd)),
        ("max drawdown %", lambda s: percent(s.drawdown.pct, 1)),
        ("MAR", lambda s: "—" if s.mar is None else f"{s.mar:.2f}"),
        ("CVaR 95 % 21 sessions", lambda s: "—" if s.cvar95_21d_usd is None else usd(s.cvar95_21d_usd)),
        ("worst month", lambda s: f"{s.worst_month.month} {usd(s.worst_month.pnl_usd)}" if s.worst_month else "—"),
        ("credit collected", lambda s: usd(s.credit_usd)),
        ("condor P&L", lambda s: usd(s.condor_pnl_usd)),
        ("hedge P&L", lambda s: usd(s.hedge_pnl_usd)),
        ("hedge cost / year", lambda s: usd(s.hedge_cost_per_year_usd)),
        ("hedge cost % credit", lambda s: percent(s.hedge_cost_pct_of_credit, 1)),
        ("trades / year", lambda s: f"{s.trades_per_year:.1f}"),
        ("round trips", lambda s: str(s.round_trips)),
        ("condors", lambda s: str(s.condors)),
    )
    lines.append(f"  {'':<22}{'unhedged':>22}  {'hedged':>22}")
    for label, value in rows:
        lines.append(f"  {label:<22}{value(rep.unhedged):>22}  {value(rep.hedged):>22}")
    matched = rep.risk_matched
    if matched.scale is None:
        lines.append(f"  risk-matched: undefined ({matched.why})")
    else:
        lines.append(f"  risk-matched: the unhedged program x {matched.scale:.3f} returns what the hedged run "
                     f"did; its max drawdown {usd(matched.max_drawdown_usd)} against the hedged "
                     f"{usd(rep.hedged.drawdown.usd)}")
    lines.append(f"  max drawdown reduction: {percent(rep.drawdown_reduction_pct, 1)} "
                 "(100 x (1 - hedged / unhedged), dollars)")
    for name, run in (("unhedged", rep.unhedged), ("hedged", rep.hedged)):
        lines.append(f"  worst drawdowns, {name}:")
        for d in run.worst_drawdowns:
            recovery = f"recovered {d.recovery_day}" if d.recovery_day else "not recovered"
            peak = d.peak_day.isoformat() if d.peak_day else "start"
            lines.append(f"    {usd(d.usd):>10} ({d.pct:.1f} %) peak {peak}, trough {d.trough_day}, {recovery}")
    for name, run in (("unhedged", rep.unhedged), ("hedged", rep.hedged)):
        exits = ", ".join(f"{k} {v}" for k, v in sorted(run.exits.items()))
        lines.append(f"  condor exits, {name}: {exits}")
    trades = ", ".join(f"{k} {v}" for k, v in sorted(rep.hedged.actions.items())) or "none"
    lines.append(f"  hedge trades on the rules' word: {trades}; warnings not traded: {rep.hedged.warnings}")
    lines.append(f"  volatility spikes: {len(rep.spikes)} (loss from the pre-spike peak to the trough; "
                 "sessions from the trough back to that peak)")
    for spike in rep.spikes:
        lines.append(f"    {spike.peak_day} VIX {spike.peak_vix:.1f} ({spike.rise_pct:.0f} % over "
                     f"{spike.low_vix:.1f}): loss {usd(spike.unhedged_loss_usd)} unhedged / "
                     f"{usd(spike.hedged_loss_usd)} hedged ({_change(spike.loss_reduction_pct)}); "
                     f"recovery {_sessions(spike.unhedged.sessions_to_recover)} / "
                     f"{_sessions(spike.hedged.sessions_to_recover)}")
    lines.append(f"  {CLOSE_TO_CLOSE_NOTE}")
    lines.append(f"  ran in {outcome.seconds:.1f} s")
    return "\n".join(lines)


def _change(reduction_pct: float | None) -> str:
    if reduction_pct is None:
        return "no unhedged loss"
    return f"{reduction_pct:.0f} % smaller hedged" if reduction_pct >= 0 else f"{-reduction_pct:.0f} % larger hedged"


def _sessions(value: int | None) -> str:
    if value is None:
        return "not recovered"
    return f"{value} session" if value == 1 else f"{value} sessions"


def command(args: argparse.Namespace, settings: Settings, stderr: TextIO | None = None,
            vx_settlements: VxSettlements | None = None) -> tuple[dict, str | Callable[[], str]]:
    """The CLI's ``backtest``: (JSON value, text or a function making it). Progress goes to ``stderr``, never stdout."""
    if getattr(args, "plot", None):
        raise InputError("--plot", "is drawn by the window layer: run it as `planner backtest ... --plot FILE.png`",
                         args.plot)
    options = options_from_args(args)
    if getattr(args, "sweep", None) or getattr(args, "paths", None) is not None:
        from planner.app import sweep

        paths = None if args.paths is None else _number("--paths", args.paths, int)
        grid = sweep.plan(options, settings, args.sweep or (), paths, vx_settlements=vx_settlements)
        done = sweep.run_plan(grid, progress=progress_printer(stderr or sys.stderr, label="sweep"))
        return done.to_json(), lambda: sweep.result_text(done)
    outcome = run_backtest(options, settings, progress=progress_printer(stderr or sys.stderr),
                           vx_settlements=vx_settlements)
    return outcome.to_json(), summary_text(outcome)
