"""``planner list --json`` and ``planner export`` on one book, in-process (what bench_book_growth.py and
bench_store.py time), for ``bench_ab_revisions.py`` to compare two revisions on the same file.

    python benchmarks/bench_list_export.py build-growth BOOK   # 3,000 open positions with a quote
    python benchmarks/bench_list_export.py build-store BOOK    # 10,000 positions, no quote
    python benchmarks/bench_list_export.py time BOOK [RUNS]    # median seconds of each command

Building imports those benchmarks (which put their own checkout first on sys.path); timing imports only
``planner``, so the revision on PYTHONPATH is the one timed.
"""

from __future__ import annotations

import io
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

NOW = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)  # bench_book_growth's clock (its quote is then current)


def timed(book: Path, argv: list[str], runs: int) -> float:
    from planner.cli import run

    times = []
    for _ in range(runs):
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        code = run([*argv, "--db", str(book)], out, err, clock=lambda: NOW)
        times.append(time.perf_counter() - started)
        if code:
            raise SystemExit(f"{' '.join(argv)} failed: {err.getvalue()}")
    return statistics.median(times)


def main() -> None:
    action, book = sys.argv[1], Path(sys.argv[2])
    sys.path.insert(0, str(Path(__file__).parent))
    if action == "build-growth":
        from bench_book_growth import build

        build(book, 3_000)
    elif action == "build-store":
        from bench_store import build

        build(book)
    else:
        runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
        with tempfile.TemporaryDirectory() as folder:  # a copy: settling or a migration never changes the shared file
            copy = Path(folder) / book.name
            shutil.copy(book, copy)
            print(f"list {timed(copy, ['list', '--json'], runs):.3f} s, export {timed(copy, ['export'], runs):.3f} s")


if __name__ == "__main__":
    main()
