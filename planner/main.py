"""Console entry point: `planner gui ...` opens the window, anything else is the CLI.

Each side is imported only when asked for, so `planner list` never pays for Qt
and `planner gui` never pays for the command-line parser's imports.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--version"]:
        from planner import __version__

        print(f"planner {__version__}")
        return 0
    if args[:1] == ["gui"]:
        from planner.ui.launch import main as gui_main

        return gui_main(args[1:])
    if args[:1] == ["backtest"] and any(a == "--plot" or a.startswith("--plot=") for a in args):
        from planner.ui.backtest_plot import main as plot_main  # drawn offscreen by the window layer

        return plot_main(args[1:])
    from planner.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
