"""Collection rules for the doctest run over planner/ (pytest's --doctest-modules)."""

import importlib.util

# Modules that need an optional extra (pyproject's "fast"): skipped when it is not installed.
OPTIONAL_MODULES = {"planner/pricing/_compiled_kernel.py": "numba"}

collect_ignore = [path for path, package in OPTIONAL_MODULES.items() if importlib.util.find_spec(package) is None]
