"""Live IBKR quotes into the real window: quote-to-painted-chart latency, backlog, storage.

The fake TWS of the tests (tests/feeds/fake_tws.py, 127.0.0.1 only) streams ticks at
``--rate`` a second (SPX, VIX and an option line in turn) for ``--seconds`` to the
window on a copy of the demo book, through the real ib_async client, the feed's
coalescing (at most ``live_snapshots_per_s``) and the window's pipeline.

Each sample starts when the feed hands a snapshot to the window and ends when the risk
graph, the P&L chart and the positions table have painted the report priced from it
(README target: p95 at most 50 ms). A backlog would show as snapshots waiting: the
run reports the largest gap between snapshots handed over and reports painted. The
database may grow only by the sampled snapshots (one a minute, plus a session close):
the run counts the stored rows and the file's growth.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_ibkr_live.py [--rate 20] [--seconds 60] [--shots DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "feeds"))
sys.path.insert(0, str(ROOT))

from fake_tws import ASK, BID, LAST, FakeTws  # noqa: E402

from planner.app import Workspace  # noqa: E402


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def fair_prices(ws) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """The model's value of each option the book holds, by the fake exchange's contract key, and
    the stored SPX, VIX, VVIX and VX curve: the fake exchange quotes around them."""
    from planner.feeds.ibkr_plan import plan_subscriptions

    report = ws.analyze(scenarios=False)
    model = {leg.leg_id: leg.model_value for p in report.positions for leg in p.legs}
    settings = ws.settings()
    plan = plan_subscriptions(ws.book(), ws.now().date(), settings.ibkr_line_limit, settings.ibkr_vx_months)
    fair = {f"{s.trading_class} {s.expiry:%Y%m%d} {s.strike:g} {s.right}": model[s.leg_ids[0]]
            for s in plan.subscribed if s.sec_type == "OPT" and s.leg_ids}
    snap = ws.latest_snapshot()
    first = {"SPX": snap.spx, "VIX": snap.vix, "VVIX": snap.vvix or 95.0}
    curve = {f"VX {day:%Y%m%d}": price for day, price in snap.vix_futures}
    return fair, first, curve


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=20.0, help="ticks a second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--shots", type=Path, default=None, help="save screenshots of the session here")
    args = parser.parse_args()

    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from planner.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="bench-ibkr-"))
    path = folder / "demo.db"
    with Workspace.open(path) as ws:
        ws.init(demo_book=True)
    with Workspace.open(path) as ws:
        fair, first, curve = fair_prices(ws)

    def on_subscribe(tws, sub):
        if sub.key in first:
            tws.send_tick(sub, LAST, first[sub.key])
        elif sub.key.startswith("VX "):
            tws.send_tick(sub, LAST, curve.get(sub.key, first["VIX"] + 1.0))
        elif sub.key in fair:  # the exchange quotes 3 % over the model, 0.10 pts wide
            price = fair[sub.key] * 1.03
            tws.send_tick(sub, BID, max(round(price - 0.05, 2), 0.0), 0.0 if price < 0.05 else 1.0)
            tws.send_tick(sub, ASK, round(price + 0.05, 2))

    tws = FakeTws(accept_all=True, on_subscribe=on_subscribe).start()
    window = MainWindow()
    workspace = Workspace.open(path)
    workspace.set_setting("ibkr_port", tws.port)
    window.resize(1400, 900)
    window.open_workspace(workspace)
    window.show()

    def wait(predicate, timeout=60.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end and not predicate():
            app.processEvents()
            time.sleep(0.002)
        if not predicate():
            raise SystemExit("benchmark: condition not met in time")

    wait(lambda: window.session.reports_applied >= 1)
    stored_before = len(workspace.snapshots())
    workspace.checkpoint()
    size_before = path.stat().st_size
    window.connect_ibkr()
    wait(lambda: window.session.live_snapshot is not None and len(tws.subscriptions) > 3)

    watched = [window.risk_graph.plot.viewport(), window.pnl_chart.plot.viewport(),
               window.positions.table.viewport()]
    handed: dict[int, float] = {}  # generation -> when the snapshot reached the window
    latencies: list[float] = []
    painted: set = set()
    state = {"gen": None, "max_waiting": 0}

    class Filter(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and state["gen"] is not None:
                painted.add(obj)
            return False

    paint_filter = Filter()
    for widget in watched:
        widget.installEventFilter(paint_filter)
    session = window.session
    original_set_live = session.set_live

    def timed_set_live(snapshot, marks=None):
        original_set_live(snapshot, marks)
        handed[session.risk_requests] = time.perf_counter()
        state["max_waiting"] = max(state["max_waiting"], len(handed))

    session.set_live = timed_set_live

    def on_report(_report):
        generation = session.risk_applied
        if generation in handed:
            state["gen"] = (generation, handed.pop(generation))
            for older in [g for g in handed if g < generation]:
                handed.pop(older)  # superseded before it was drawn: coalesced, not a backlog
            painted.clear()

    session.report_ready.connect(on_report)
    option = next((k for k in tws.subscriptions if k in fair), None)
    keys = ["SPX", "VIX"] + ([option] if option else [])
    ticks = int(args.rate * args.seconds)
    start = time.perf_counter()
    spx = first["SPX"]
    for i in range(ticks):
        due = start + i / args.rate
        while time.perf_counter() < due:
            app.processEvents()
            if state["gen"] is not None and len(painted) == len(watched):
                latencies.append((time.perf_counter() - state["gen"][1]) * 1000.0)
                state["gen"] = None
            time.sleep(0.001)
        key = keys[i % len(keys)]
        if key == "SPX":
            spx += 0.25 if (i // 3) % 40 < 20 else -0.25
            tws.tick("SPX", LAST, spx)
        elif key == "VIX":
            tws.tick("VIX", LAST, first["VIX"] + 0.01 * (i % 50))
        else:
            price = fair[key] * (1.03 + 0.01 * (i % 4))
            tws.tick(key, BID, max(round(price - 0.05, 2), 0.0))
            tws.tick(key, ASK, round(price + 0.05, 2))
        if args.shots and i == int(args.rate * 5):
            args.shots.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(args.shots / "ibkr-connected.png"))
    elapsed = time.perf_counter() - start
    wait(lambda: not session.runner.busy, 30)
    app.processEvents()
    if args.shots:
        tws.tick("VIX", LAST, 29.0)  # past every tier: an alert

        def vix_alert():
            return any("VIX crossed" in window.alert_log.item(i).text() for i in range(window.alert_log.count()))

        wait(vix_alert, 30)
        wait(lambda: not session.runner.busy, 30)
        for _ in range(20):
            app.processEvents()
        window.grab().save(str(args.shots / "ibkr-alert.png"))
    updates = window.ibkr_source.sampler.offered
    stored = len(workspace.snapshots()) - stored_before
    sampled = window.ibkr_source.sampler.stored
    window.shutdown()
    workspace.checkpoint()
    growth = path.stat().st_size - size_before
    workspace.close()
    tws.stop()
    print(f"ticks sent {ticks} in {elapsed:.1f} s ({ticks / elapsed:.1f}/s); snapshots to the window {updates}; "
          f"reports painted {len(latencies)}")
    if latencies:
        print(f"quote to painted: p50 {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms,"
              f" max {max(latencies):.1f} ms (target p95 <= 50 ms)")
    print(f"snapshots waiting at the end: {len(handed)} (backlog: none when 0 or 1)")
    print(f"stored snapshots: {stored} (sampler chose {sampled}); database grew {growth:,} bytes")
    print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
