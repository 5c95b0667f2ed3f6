"""Importing the pricing package stays light: the app's cold start pays for numpy only."""

from __future__ import annotations

import subprocess
import sys


def test_import_loads_neither_scipy_nor_pandas_nor_numba() -> None:
    code = (
        "import sys, planner.pricing\n"
        "heavy = sorted(m for m in ('scipy', 'pandas', 'numba', 'PySide6') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.strip() == ""
