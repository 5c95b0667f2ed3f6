"""Time what the calendar costs the app: import, first use (library load + build), and a risk refresh.

Run by `make bench`; prints one line per measurement, in milliseconds.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

FRESH_PROCESS = """
import time
from datetime import date, datetime
started = time.perf_counter()
import planner.calendars as calendars
imported = time.perf_counter()
calendars.time_to_expiry(datetime(2026, 11, 22, 12, tzinfo=calendars.ET), date(2026, 12, 18))
used = time.perf_counter()
print(1e3 * (imported - started), 1e3 * (used - imported))
"""

PRELOADED_DOMAIN = """
import time
import planner.domain
started = time.perf_counter()
import planner.calendars
print(1e3 * (time.perf_counter() - started))
"""


def fresh(script: str) -> list[float]:
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    return [float(number) for number in output.split()]


def main() -> None:
    runs = [fresh(FRESH_PROCESS) for _ in range(5)]
    own = [fresh(PRELOADED_DOMAIN)[0] for _ in range(5)]
    print(f"import planner.calendars (fresh process, median of 5): {statistics.median(r[0] for r in runs):.1f} ms")
    print(f"import planner.calendars after planner.domain:         {statistics.median(own):.1f} ms")
    print(f"first time_to_expiry (loads exchange_calendars, builds): {statistics.median(r[1] for r in runs):.0f} ms")

    from planner import calendars

    now = datetime(2026, 11, 22, 12, 0, tzinfo=calendars.ET)
    expiries = calendars.spx_daily_expirations(date(2026, 11, 23), date(2027, 6, 30))[:100]
    calendars.times_to_expiry(now, expiries)  # warm the per-date cache, as after the first refresh
    repeats = 1000
    started = time.perf_counter()
    for _ in range(repeats):
        for expiry in expiries:
            calendars.time_to_expiry(now, expiry)
    scalar = (time.perf_counter() - started) / repeats
    started = time.perf_counter()
    for _ in range(repeats):
        calendars.times_to_expiry(now, expiries)
    vector = (time.perf_counter() - started) / repeats
    print(f"100 x time_to_expiry (warm):                            {1e3 * scalar:.3f} ms")
    print(f"times_to_expiry of 100 expiries (warm):                 {1e3 * vector:.3f} ms")
    sys.path.insert(0, str(Path(__file__).parent))
    from machine import describe

    print(describe())


if __name__ == "__main__":
    main()
