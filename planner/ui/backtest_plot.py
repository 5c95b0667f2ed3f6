"""``planner backtest ... --plot FILE.png``: run the backtest through ``planner.app`` and draw it offscreen.

``planner.main`` routes here (the command line never imports Qt). Output is
the command line's: the summary (or with ``--json`` only the JSON, which then
names the plot file) on stdout, progress on stderr, and one error line with
exit code 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
PLOT_SIZE_PX = (1600, 1000)


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, like the CLI
        raise UsageError(f"planner backtest: {message}")


def build_parser() -> argparse.ArgumentParser:
    from planner.app.backtest import add_arguments

    parser = _Parser(prog="planner backtest", description="Backtest the condor program, unhedged and hedged, "
                     "and draw the curves to a PNG.")
    parser.add_argument("--db", help="database whose settings to use (default: PLANNER_DB or the user data folder)")
    parser.add_argument("--json", action="store_true", help="print JSON only on stdout")
    add_arguments(parser)
    return parser


def render_png(report, path: str | Path, size: tuple[int, int] = PLOT_SIZE_PX) -> Path:
    """Draw ``report`` (a BacktestReport) into ``path`` with the Backtest tab's charts, offscreen."""
    from planner.ui.qt_env import application, prepare_environment

    prepare_environment(offscreen=True)
    app = application()
    from planner.ui.backtest_charts import BacktestCharts

    charts = BacktestCharts()
    charts.resize(*size)
    charts.update_report(report)
    charts.show()
    app.processEvents()
    target = Path(path)
    if not charts.grab().save(str(target), "PNG"):
        raise OSError(f"could not write {target}")
    charts.close()
    charts.deleteLater()
    app.processEvents()
    return target


def _settings(db: str | None):
    from planner.app import Workspace
    from planner.ui.window_state import default_db_path

    path = Path(db).expanduser() if db else default_db_path()
    if not path.exists():  # no book yet: the defaults, and no database created as a side effect
        from planner.domain import Settings

        return Settings()
    workspace = Workspace.open(path)
    try:
        return workspace.settings()
    finally:
        workspace.close()


def main(argv: list[str], stdout=None, stderr=None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    from planner.domain.errors import PlannerError

    try:
        args = build_parser().parse_args(argv)
        if not args.plot or not args.plot.lower().endswith(".png"):
            raise UsageError(f"planner backtest: --plot must name a .png file, got {args.plot}")
        if args.sweep or args.paths is not None:
            raise UsageError("planner backtest: --plot draws one run: leave out --sweep and --paths "
                             "(the window's Backtest tab draws a sweep)")
        from planner.app.backtest import options_from_args, progress_printer, run_backtest, summary_text

        options = options_from_args(args)
        outcome = run_backtest(options, _settings(args.db), progress=progress_printer(stderr))
        written = render_png(outcome.report, args.plot)
    except UsageError as error:
        print(f"error: {error}", file=stderr)
        return EXIT_BAD_INPUT
    except PlannerError as error:
        print(f"error: {' '.join(str(error).split())}", file=stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"error: {type(error).__name__}: {error}", file=stderr)
        return EXIT_FAILURE
    if args.json:
        stdout.write(json.dumps({**outcome.to_json(), "plot": str(written)}, allow_nan=False) + "\n")
    else:
        stdout.write(summary_text(outcome) + f"\nplot written: {written}\n")
    return EXIT_OK
