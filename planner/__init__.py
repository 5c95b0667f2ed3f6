"""Hedge planner: SPX iron condors protected by layered VIX hedges."""

# The one place the version is written; pyproject.toml reads it from here
# (setuptools dynamic attr), so `planner --version` and the bundle agree.
__version__ = "0.1.0"
