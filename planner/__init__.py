"""Hedge planner: SPX iron condors protected by layered VIX hedges."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hedge-planner")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
