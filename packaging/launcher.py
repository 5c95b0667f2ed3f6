"""The bundle's entry point: the same ``planner.main:main`` as the ``planner`` command."""

import sys

from planner.main import main

if __name__ == "__main__":
    import multiprocessing

    # Backtest sweeps start their worker processes with "spawn": in the bundle a worker is this
    # executable again, and freeze_support() turns it into the worker instead of a second window.
    multiprocessing.freeze_support()
    sys.exit(main())
