"""`planner gui [--db PATH] [--screenshot FILE.png] [--tab NAME] [--size WxH]`.

With --screenshot the window is rendered offscreen once the risk has been
drawn, written to the PNG and the process exits: the same path makes README's
pictures and the tests' pictures. Without it the window paints first and opens
the book right after, so the heavy imports (charts, risk engine, calendars)
happen behind a window the user already sees.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

FIRST_PAINT_ENV = "PLANNER_EXIT_AFTER_FIRST_PAINT"
# Every tab --tab can show (the window's own names; a test holds the two lists together).
TABS = ("risk", "calculator", "timeline", "scenarios", "suggestions", "settings", "backtest")
SCREENSHOT_TIMEOUT_S = 60.0


class UsageError(Exception):
    pass


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size must be WIDTHxHEIGHT in pixels, got {text}") from None
    if not (320 <= width <= 8000 and 240 <= height <= 8000):
        raise UsageError(f"--size must be between 320x240 and 8000x8000 pixels, got {text}")
    return width, height


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like the CLI
        raise UsageError(f"planner gui: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="planner gui", description="Open the hedge planner window.")
    parser.add_argument("--db", help="book database file (default: PLANNER_DB or the user data folder)")
    parser.add_argument("--screenshot", metavar="FILE.png", help="render offscreen, write this PNG and exit")
    parser.add_argument("--tab", default=None, metavar="NAME",
                        help=f"tab to show first: {', '.join(TABS[:-1])} or {TABS[-1]}")
    parser.add_argument("--size", default="1400x900", help="window size WIDTHxHEIGHT (default 1400x900)")
    return parser


def main(argv: list[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
        size = parse_size(args.size)
        if args.screenshot and not args.screenshot.lower().endswith(".png"):
            raise UsageError(f"--screenshot must name a .png file, got {args.screenshot}")
    except UsageError as error:
        print(error, file=sys.stderr)
        return 2

    from planner.ui.qt_env import application, prepare_environment

    prepare_environment(offscreen=bool(args.screenshot))
    app = application()
    from planner.ui.palette import follow_system

    follow_system(app)  # light or dark, as the desktop is (offscreen: light)
    from planner.ui.main_window import MainWindow
    from planner.ui.window_state import default_db_path, window_settings

    db_path = Path(args.db).expanduser() if args.db else default_db_path()
    if args.screenshot:
        window = MainWindow(state=None, restore_state=False)
    else:
        window = MainWindow(state=window_settings())
        last = window.state.value("book/last")
        if not args.db and not os.environ.get("PLANNER_DB") and last and Path(str(last)).exists():
            db_path = Path(str(last))  # the book opened last time (File ▸ Open)
        if not window.state.value("window/geometry"):
            window.resize(*size)
    if args.screenshot or args.size != "1400x900":
        window.resize(*size)
    if args.tab:
        try:
            window.show_tab(args.tab)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
    if args.screenshot:
        if not window.open_path(db_path):
            print(f"could not open {db_path}", file=sys.stderr)
            return 1
        return write_screenshot(app, window, Path(args.screenshot))
    # The book (tree, market bar, status) is in the first paint; the charts, the
    # risk engine and the calendars load right after it.
    db_path.parent.mkdir(parents=True, exist_ok=True)
    window.open_path(db_path, offer_first_run=True, charts_later=True)
    from planner.ui.first_paint import on_first_paint

    if os.environ.get(FIRST_PAINT_ENV):
        # Benchmarks ask for this: report the wall-clock moment of the first
        # real paint and quit, so start-up is measured up to what a user sees.
        from planner.ui.first_paint import report_and_quit

        on_first_paint(window, report_and_quit)
    else:
        on_first_paint(window, window.after_first_paint)
    window.show()
    code = app.exec()
    window.shutdown()
    return code


def wait_until_drawn(app, window, timeout: float = SCREENSHOT_TIMEOUT_S) -> bool:
    """Process events until the risk has been drawn and the worker is idle."""
    deadline = time.monotonic() + timeout
    session = window.session
    while time.monotonic() < deadline:
        app.processEvents()
        if session is not None and session.reports_applied >= 1 and not session.runner.busy:
            for _ in range(3):  # layouts settle, the last paint happens
                app.processEvents()
            return True
        time.sleep(0.01)
    return False


def write_screenshot(app, window, path: Path) -> int:
    window.show()
    if not wait_until_drawn(app, window):
        print("warning: the risk was not drawn in time; writing the window as it is", file=sys.stderr)
    image = window.grab()
    window.shutdown()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        print(f"screenshot could not be written to {path}", file=sys.stderr)
        return 1
    print(f"wrote {path} ({image.width()}x{image.height()})")
    return 0
