"""Quote change -> risk recomputed -> every visible chart redrawn and painted,
driving the real window offscreen with a typical 300-leg book (target: p95 at
most 50 ms).

Each sample starts when a new quote is stored through the workspace (what the
market ticket and the watched file do) and ends when every chart and table of
the shown tab has painted the report made from it: on ``--tab risk`` (the
default) the risk graph, the P&L history and the positions table; on
``--tab scenarios`` the SPX x VIX map (each quote then brings its own matrix)
and the stress table; on ``--tab timeline`` the layer timeline and its VIX
panel. The book is benchmarks/sample_books.py ``typical_book()``
(60 condors and 40 VIX layers, about 300 legs) written into a temporary
database, with its clock pinned to the book's "now".

Wall-clock figures depend on what else the machine runs (the load average is
printed); the CPU-time columns (each thread's own CPU: the GUI thread storing,
applying and painting, the worker computing) do not, and show what the same
quote costs on an idle machine.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py [--quotes 50] [--tab risk|scenarios|timeline]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import describe
from sample_books import NOW, leg_count, market, typical_book

from planner.app import Workspace
from planner.app.requests import QuoteRequest
from planner.storage import Repository

TIMEOUT_S = 30.0
# What each tab shows that a quote redraws: the viewports that must paint before a sample ends.
WATCHED = {
    "risk": lambda w: [w.risk_graph.plot.viewport(), w.pnl_chart.plot.viewport(), w.positions.table.viewport()],
    "scenarios": lambda w: [w.planning.view("scenarios").plot.viewport(),
                            w.planning.view("scenarios").stress.viewport()],
    "timeline": lambda w: [w.planning.view("timeline").plot.viewport(),
                           w.planning.view("timeline").vix_plot.viewport()],
}


def write_book(path: Path, clock) -> Workspace:
    repo = Repository.open(path)  # the book is written straight into the store, as fast as it goes
    snapshot = market()
    with repo.change("benchmark book") as tx:
        for position in typical_book().positions:
            repo.insert_position(tx, position.with_changes(id=None))
        repo.insert_snapshot(tx, snapshot)
    return Workspace(repo, clock=clock)


class PaintWatch:
    """Records when each watched widget paints after ``arm()``."""

    def __init__(self, widgets) -> None:
        from PySide6.QtCore import QEvent, QObject

        watch = self

        class Filter(QObject):
            def eventFilter(self, watched, event):
                if event.type() == QEvent.Type.Paint and watch.armed:
                    watch.painted.add(watched)
                    watch.last = time.perf_counter()
                return False

        self.filter = Filter()
        self.widgets = list(widgets)
        for widget in self.widgets:
            widget.installEventFilter(self.filter)
        self.armed = False
        self.painted: set = set()
        self.last = 0.0

    def arm(self) -> None:
        self.armed, self.painted = True, set()

    def done(self) -> bool:
        return len(self.painted) == len(self.widgets)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quotes", type=int, default=50)
    parser.add_argument("--tab", choices=tuple(WATCHED), default="risk")
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop, QSettings

    from planner.ui import session as session_module
    from planner.ui.main_window import MainWindow
    from planner.ui.qt_env import application

    worker_cpu: list[float] = []
    run_risk = session_module.run_risk

    def timed_run_risk(request):
        start = time.thread_time()
        result = run_risk(request)
        worker_cpu.append((time.thread_time() - start) * 1000)
        return result

    session_module.run_risk = timed_run_risk  # one run per quote: curves, table and matrix together

    app = application()
    started = time.monotonic()

    def clock():
        return NOW + timedelta(seconds=time.monotonic() - started + 60)

    with tempfile.TemporaryDirectory() as folder:
        workspace = write_book(Path(folder) / "typical.db", clock)
        state = QSettings(str(Path(folder) / "window.ini"), QSettings.Format.IniFormat)
        window = MainWindow(state=state, restore_state=False)
        window.resize(1400, 900)
        window.open_workspace(workspace)
        window.show()
        window.show_tab(args.tab)
        session = window.session
        deadline = time.monotonic() + 120
        while (session.reports_applied < 1 or session.runner.busy) and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.005)
        applied_at = {}

        def applied(_report) -> None:
            applied_at["t"] = time.perf_counter()
            applied_at["cpu"] = time.thread_time()

        session.report_ready.connect(applied)
        watch = PaintWatch(WATCHED[args.tab](window))
        base = market()
        total, stored, computed, drawn, runs_before = [], [], [], [], session.runner.started_runs
        store_cpu, gui_cpu, total_cpu = [], [], []
        worker_cpu.clear()
        for i in range(args.quotes):
            spx = base.spx * (1 + 0.004 * ((i % 7) - 3))
            vix = base.vix + 0.3 * ((i % 5) - 2)
            seen = session.reports_applied
            applied_at.clear()
            watch.arm()
            start, start_cpu = time.perf_counter(), time.thread_time()
            workers_before = len(worker_cpu)
            workspace.set_market(QuoteRequest(
                spx=round(spx, 2), vix=round(vix, 2), vvix=base.vvix, futures=list(base.vix_futures), rate=base.rate,
                div=base.div_yield))
            after_store, after_store_cpu = time.perf_counter(), time.thread_time()
            limit = time.monotonic() + TIMEOUT_S
            while not (session.reports_applied > seen and watch.done() and watch.last >= applied_at.get("t", 1e99)):
                # Block until the next event (the worker's result, a paint): no busy loop stealing the GIL.
                app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
                if time.monotonic() > limit:
                    raise RuntimeError(f"quote {i}: not drawn within {TIMEOUT_S:g} s")
            end = watch.last
            end_cpu = time.thread_time()
            watch.armed = False
            store_cpu.append((after_store_cpu - start_cpu) * 1000)
            gui_cpu.append((end_cpu - after_store_cpu) * 1000)  # applying and painting (the loop idles blocked)
            total_cpu.append(store_cpu[-1] + gui_cpu[-1] + sum(worker_cpu[workers_before:]))
            total.append((end - start) * 1000)
            stored.append((after_store - start) * 1000)
            computed.append((applied_at["t"] - after_store) * 1000)
            drawn.append((end - applied_at["t"]) * 1000)
        runs = session.runner.started_runs - runs_before
        window.shutdown()
        workspace.close()

    book = typical_book()
    print(f"Typical book: {len(book.positions)} positions, {leg_count(book)} legs; {args.quotes} quote changes, "
          f"{runs} risk runs; tab {args.tab}; window 1400x900 offscreen\n{describe()}")
    print("| step (ms) | wall p50 | wall p95 | wall max | CPU p50 | CPU p95 |")
    print("|---|---|---|---|---|---|")
    rows = (("store the quote (SQLite, one commit)", stored, store_cpu),
            ("risk recomputed (worker) and handed back", computed, worker_cpu),
            ("views updated and painted (GUI thread)", drawn, gui_cpu),
            ("**quote change to painted charts**", total, total_cpu))
    for name, wall, cpu in rows:
        print(f"| {name} | {statistics.median(wall):.1f} | {percentile(wall, 95):.1f} | {max(wall):.1f} | "
              f"{statistics.median(cpu):.1f} | {percentile(cpu, 95):.1f} |")
    verdict = "within" if percentile(total, 95) <= 50 else "OVER"
    print(f"wall p95 {percentile(total, 95):.1f} ms: {verdict} the 50 ms target; "
          f"CPU p95 {percentile(total_cpu, 95):.1f} ms")


if __name__ == "__main__":
    main()
