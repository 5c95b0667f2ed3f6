"""Use case: ``planner backtest --sweep KEY=V1,V2,...`` and ``--paths N``, and the Backtest tab's grid runs.

A sweep runs the backtest once per configuration of a grid: the product of
each ``--sweep`` axis's values, an axis being a setting (a key ``planner
settings`` lists) or a program flag (a name ``planner backtest --help`` gives,
without its dashes: ``profit-target``, ``dte``, ``hedge``...). ``--paths N``
with ``--generate SEED`` runs each configuration over the N generated paths of
seeds SEED to SEED+N-1 (``--years`` each) and reports the distribution of the
drawdown reduction and of MAR: median, 10th and 90th percentile.

Every configuration is built and validated here, in the caller's process,
before any work starts: a bad spec is one line naming the field, exit 2.
The runs go to a process pool over all cores (``ProcessPoolExecutor`` with the
``spawn`` start method: a fresh interpreter per worker, never a fork of a
process holding a SQLite connection, Qt or threads). Workers ignore Ctrl+C; the
caller's ``cancel`` (or its Ctrl+C) sets one shared event that every running
backtest polls between sessions, so a cancel stops all of them within a few
sessions, and no worker prints a traceback.
"""

from __future__ import annotations

import concurrent.futures as futures
import contextlib
import itertools
import math
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from planner.app.backtest import KNOBS, BacktestOptions, config_for, load_path, parse_switch
from planner.domain.errors import InputError, PlannerError
from planner.domain.settings import SPEC_BY_KEY, Settings, parse_setting

MAX_CONFIGURATIONS = 10_000
MAX_PATHS = 10_000
POLL_SECONDS = 0.2
PERCENTILES = (10.0, 50.0, 90.0)

# Program flags a sweep may vary: (name without dashes, field of BacktestOptions.knobs, type).
FLAGS: dict[str, tuple[str, type]] = {flag.lstrip("-"): (name, kind) for flag, name, kind, _ in KNOBS}
FLAGS["hedge"] = ("hedge", bool)


def sweep_keys() -> list[str]:
    """Every key a sweep accepts: the settings keys, then the program flags."""
    return [*SPEC_BY_KEY, *FLAGS]


@dataclass(frozen=True)
class Axis:
    """One ``--sweep`` axis: its key as typed and its values, parsed and checked."""

    key: str
    values: tuple[Any, ...]

    @property
    def is_setting(self) -> bool:
        return self.key in SPEC_BY_KEY


def parse_axis(spec: str) -> Axis:
    """``KEY=V1,V2,...`` -> an Axis; InputError naming ``--sweep KEY`` for anything wrong."""
    key, sep, raw = str(spec).partition("=")
    key = key.strip()
    if not sep or not key:
        raise InputError("--sweep", "must be KEY=V1,V2,... (a settings key or a program flag)", spec)
    if key not in SPEC_BY_KEY and key not in FLAGS:
        raise InputError("--sweep", "must name a settings key (planner settings) or a program flag "
                         "(planner backtest --help, without dashes)", key)
    texts = [t.strip() for t in raw.split(",")]
    if not raw.strip() or any(not t for t in texts):
        raise InputError(f"--sweep {key}", "must list values separated by commas, none empty", raw)
    values = tuple(_value(key, t) for t in texts)
    if len(set(values)) != len(values):
        raise InputError(f"--sweep {key}", "must not list a value twice", raw)
    return Axis(key, values)


def _value(key: str, text: str) -> Any:
    try:
        if key in SPEC_BY_KEY:
            return parse_setting(key, text)
        kind = FLAGS[key][1]
        if kind is bool:
            return parse_switch(f"--{key}", text)
        value = float(text)
        if not math.isfinite(value):
            raise InputError(key, "must be a finite number", text)
        if kind is int:
            if value != int(value):
                raise InputError(key, "must be a whole number", text)
            return int(value)
        return value
    except ValueError as error:
        if isinstance(error, InputError):
            raise InputError(f"--sweep {key}", error.rule, error.value) from None
        raise InputError(f"--sweep {key}", "must be a number", text) from None


@dataclass(frozen=True)
class Job:
    """One backtest of the grid: which configuration and path, and everything its worker needs."""

    config_index: int
    seed: int | None
    options: BacktestOptions
    settings: Settings


@dataclass(frozen=True)
class Plan:
    """The grid: one ``config`` dict (key -> value) per configuration, and the jobs to run (paths x configs)."""

    axes: tuple[Axis, ...]
    configs: tuple[dict[str, Any], ...]
    jobs: tuple[Job, ...]
    paths: int | None = None
    vx_settlements: Any = None  # the book's stored VX settlements, for paths read from files


def plan(options: BacktestOptions, settings: Settings, specs: Sequence[str] = (), paths: int | None = None,
         vx_settlements: Any = None) -> Plan:
    """Every configuration of the grid (checked) and its jobs; raises InputError naming the field.
    vx_settlements: the book's stored VX settlements, as ``run_backtest`` takes them (files only)."""
    axes = tuple(parse_axis(spec) for spec in specs)
    keys = [a.key for a in axes]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise InputError("--sweep", "must name each key once", repeated[0])
    if paths is not None:
        if options.seed is None:
            raise InputError("--paths", "goes with --generate SEED (generated paths)", paths)
        if not 1 <= paths <= MAX_PATHS:
            raise InputError("--paths", f"must be between 1 and {MAX_PATHS}", paths)
    if options.seed is None:
        load_path(options, vx_settlements)  # the files' errors now, before any process starts
    count = math.prod(len(a.values) for a in axes)
    if count * (paths or 1) > MAX_CONFIGURATIONS:
        raise InputError("--sweep", f"must make at most {MAX_CONFIGURATIONS} runs", count * (paths or 1))
    configs, jobs = [], []
    for index, values in enumerate(itertools.product(*(a.values for a in axes))):
        config = dict(zip(keys, values, strict=True))
        run_settings, run_options = configure(options, settings, config)
        configs.append(config)
        seeds: list[int | None] = [None]
        if paths is not None and options.seed is not None:  # plan() refused paths without a seed above
            seeds = [options.seed + k for k in range(paths)]
        for seed in seeds:
            job_options = run_options if seed is None else replace(run_options, seed=seed)
            jobs.append(Job(index, seed, job_options, run_settings))
    return Plan(axes, tuple(configs), tuple(jobs), paths, vx_settlements if options.seed is None else None)


def configure(options: BacktestOptions, settings: Settings, config: dict[str, Any]) -> tuple[Settings, BacktestOptions]:
    """The settings and options of one configuration, validated as a whole (a program's DTE against its exit
    days, say); InputError naming ``--sweep`` and the field."""
    changed = {k: v for k, v in config.items() if k in SPEC_BY_KEY}
    knobs = dict(options.knobs)
    knobs.update({FLAGS[k][0]: v for k, v in config.items() if k not in SPEC_BY_KEY})
    run_settings = replace(settings, **changed) if changed else settings
    run_options = replace(options, knobs=knobs)
    try:
        config_for(run_options)
    except InputError as error:
        where = ", ".join(f"{k}={v}" for k, v in config.items())
        raise InputError(f"--sweep {error.field}", f"{error.rule} (in the configuration {where})",
                         error.value) from None
    return run_settings, run_options


# -- running -------------------------------------------------------------------------------------------------------
class SweepCancelled(PlannerError):
    """The caller cancelled the sweep (or pressed Ctrl+C)."""


class SweepRunFailed(PlannerError):
    """A backtest of the grid raised a planner error (its message, with the configuration). A plain
    one-argument exception: it crosses back from the worker process by pickling."""


@dataclass
class Outcome:
    """What ``run_plan`` returns: per configuration, its figures; the wall and summed CPU seconds."""

    plan: Plan
    figures: list[dict[str, Any]]
    seconds: float
    cpu_seconds: float
    workers: int
    per_job: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"sweep": [{"config": c, "figures": f} for c, f in zip(self.plan.configs, self.figures, strict=True)],
                "paths": self.plan.paths, "runs": len(self.plan.jobs), "workers": self.workers,
                "seconds": self.seconds, "cpu_seconds": self.cpu_seconds}


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def run_plan(grid: Plan, *, progress: Callable[[float, str], None] | None = None,
             cancel: Callable[[], bool] | None = None, workers: int | None = None) -> Outcome:
    """Run every job on a pool over all cores (``workers`` to choose); raises SweepCancelled on cancel."""
    started = time.perf_counter()
    count = len(grid.jobs)
    workers = max(1, min(workers or cores(), count))
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    results: list[dict | None] = [None] * count
    done = 0
    pool = futures.ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                                       initargs=(stop, grid.vx_settlements))
    try:
        with _workers_ignore_ctrl_c():
            pending = {pool.submit(run_job, job): i for i, job in enumerate(grid.jobs)}
        if progress is not None:
            progress(0.0, f"0/{count} runs on {workers} processes")
        while pending:
            finished, _ = futures.wait(pending, timeout=POLL_SECONDS, return_when=futures.FIRST_COMPLETED)
            if cancel is not None and cancel():
                raise SweepCancelled(f"sweep cancelled after {done} of {count} runs")
            for future in finished:
                index = pending.pop(future)
                results[index] = future.result()
                done += 1
                if progress is not None:
                    progress(done / count, f"{done}/{count} runs")
    except BaseException:  # cancel, Ctrl+C or a failure: stop every worker before going
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    per_job = [r for r in results if r is not None]
    figures = [summarize_config(grid, index, per_job) for index in range(len(grid.configs))]
    return Outcome(grid, figures, time.perf_counter() - started, sum(r["cpu_seconds"] for r in per_job),
                   workers, per_job)


@contextlib.contextmanager
def _workers_ignore_ctrl_c():
    """While the pool starts its workers (on the first submits), the parent ignores Ctrl+C, so the workers
    inherit "ignore" from their very first instruction: a Ctrl+C while a worker still imports would otherwise
    print its traceback. Only the main thread may change signal handlers (the window's sweep runs on
    another thread and has no Ctrl+C to fear)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


_STOP = None
_VX_SETTLEMENTS = None


def _start_worker(stop, vx_settlements) -> None:
    global _STOP, _VX_SETTLEMENTS
    _STOP, _VX_SETTLEMENTS = stop, vx_settlements  # sent once per worker, not with every job
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle: it sets ``stop``
    _leave_with_the_sweep()


def _leave_with_the_sweep() -> None:
    """End this worker as soon as the process running the sweep is gone (killed, crashed).

    Nobody would read its runs, and nothing else ends it: each worker holds both ends of the
    pool's queues, so a worker waiting for the next job never sees the queue close, and one in
    the middle of a run goes on to the end of it. The parent's sentinel (a pipe on POSIX, a
    process handle on Windows) becomes ready when the parent dies.
    """
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None:  # not a pool's worker (a test calling this in process)
        return
    sentinel = parent.sentinel

    def watch() -> None:
        wait([sentinel])
        os._exit(1)  # no cleanup to run: the runs in flight belong to a sweep nobody is waiting for

    threading.Thread(target=watch, name="sweep-parent-watch", daemon=True).start()


_PATHS: dict[tuple, Any] = {}


def _path(options: BacktestOptions):
    """The path of these options, loaded once per worker (a sweep over files reads them once)."""
    key = (options.spx, options.vix, options.vvix, options.start, options.end, options.seed, options.years)
    if key not in _PATHS:
        _PATHS.clear()
        try:
            _PATHS[key] = load_path(options, _VX_SETTLEMENTS)[0]
        except PlannerError as error:
            raise SweepRunFailed(str(error)) from None
    return _PATHS[key]


def run_job(job: Job) -> dict[str, Any]:
    """One backtest (both runs) of the grid: its figures without the curves, and its CPU seconds."""
    from planner.backtest.engine import Cancelled, run_both
    from planner.backtest.results import report

    started = time.process_time()
    path = _path(job.options)
    stop = _STOP
    try:
        runs = run_both(path, job.settings, config_for(job.options),
                        cancel=None if stop is None else stop.is_set)
    except Cancelled as why:
        raise SweepCancelled(str(why)) from None
    except PlannerError as error:
        seed = "" if job.seed is None else f", seed {job.seed}"
        raise SweepRunFailed(f"configuration {job.config_index + 1}{seed}: {error}") from None
    figures = report(runs).to_json(with_equity=False)
    return {"config_index": job.config_index, "seed": job.seed, "figures": figures,
            "cpu_seconds": time.process_time() - started}


FIGURE_KEYS = ("return_usd", "max_drawdown_usd", "max_drawdown_pct", "mar", "cvar95_21d_usd",
               "hedge_cost_per_year_usd", "hedge_cost_pct_of_credit", "trades", "trades_per_year", "round_trips")


def summarize_config(grid: Plan, index: int, per_job: list[dict]) -> dict[str, Any]:
    """One configuration's figures: the run's own (one path), or the distribution over the paths."""
    runs = [r for r in per_job if r["config_index"] == index]
    if grid.paths is None:
        [only] = runs
        figures = only["figures"]
        return {"unhedged": figures["unhedged"], "hedged": figures["hedged"],
                "drawdown_reduction_pct": figures["drawdown_reduction_pct"],
                "risk_matched": figures["risk_matched"], "spikes": figures["spikes"]}
    per_path = [path_figures(r) for r in runs]
    return {
        "paths": len(runs), "seeds": [r["seed"] for r in runs],
        "drawdown_reduction_pct": distribution([p["drawdown_reduction_pct"] for p in per_path]),
        "mar_unhedged": distribution([p["mar_unhedged"] for p in per_path]),
        "mar_hedged": distribution([p["mar_hedged"] for p in per_path]),
        "mar_difference": distribution([p["mar_difference"] for p in per_path]),
        "return_usd_unhedged": distribution([r["figures"]["unhedged"]["return_usd"] for r in runs]),
        "return_usd_hedged": distribution([r["figures"]["hedged"]["return_usd"] for r in runs]),
        "hedge_cost_per_year_usd": distribution([p["hedge_cost_per_year_usd"] for p in per_path]),
        "round_trip_share_pct": distribution([p["round_trip_share_pct"] for p in per_path]),
        "round_trips": sum(p["round_trips"] for p in per_path),
        "hedge_trades": sum(p["hedge_trades"] for p in per_path),
        "per_path": per_path,
    }


def path_figures(run: dict) -> dict[str, Any]:
    """One path's row: the drawdown reduction, both MARs and their difference (hedged - unhedged), and the
    hedged run's hedge cost, hedge trades and round trips (their share of the hedge trades, undefined
    without a hedge trade)."""
    unhedged, hedged = run["figures"]["unhedged"], run["figures"]["hedged"]
    mar_u, mar_h = unhedged["mar"], hedged["mar"]
    trades, trips = hedged["hedge_trades"], hedged["round_trips"]
    return {"seed": run["seed"], "drawdown_reduction_pct": run["figures"]["drawdown_reduction_pct"],
            "mar_unhedged": mar_u, "mar_hedged": mar_h,
            "mar_difference": None if mar_u is None or mar_h is None else mar_h - mar_u,
            "hedge_cost_per_year_usd": hedged["hedge_cost_per_year_usd"],
            "hedge_trades": trades, "round_trips": trips,
            "round_trip_share_pct": 100.0 * trips / trades if trades else None}


def distribution(values: Sequence[float | None]) -> dict[str, float | int | None]:
    """Median, 10th and 90th percentile (linear interpolation) of the defined values, and how many were defined.

    >>> distribution([1.0, 2.0, None, 3.0, 4.0, 5.0])
    {'p10': 1.4, 'median': 3.0, 'p90': 4.6, 'count': 5}
    """
    import numpy as np

    kept = np.array([v for v in values if v is not None], dtype=float)
    if kept.size == 0:
        return {"p10": None, "median": None, "p90": None, "count": 0}
    p10, median, p90 = (round(float(v), 10) for v in np.percentile(kept, PERCENTILES))
    return {"p10": p10, "median": median, "p90": p90, "count": int(kept.size)}


# -- text ----------------------------------------------------------------------------------------------------------
SWEEP_COLUMNS = (
    ("unhedged_return_usd", ("unhedged", "return_usd")), ("hedged_return_usd", ("hedged", "return_usd")),
    ("unhedged_max_drawdown_usd", ("unhedged", "max_drawdown_usd")),
    ("hedged_max_drawdown_usd", ("hedged", "max_drawdown_usd")),
    ("unhedged_max_drawdown_pct", ("unhedged", "max_drawdown_pct")),
    ("hedged_max_drawdown_pct", ("hedged", "max_drawdown_pct")),
    ("drawdown_reduction_pct", ("drawdown_reduction_pct",)),
    ("unhedged_mar", ("unhedged", "mar")), ("hedged_mar", ("hedged", "mar")),
    ("unhedged_cvar95_21d_usd", ("unhedged", "cvar95_21d_usd")),
    ("hedged_cvar95_21d_usd", ("hedged", "cvar95_21d_usd")),
    ("hedge_cost_per_year_usd", ("hedged", "hedge_cost_per_year_usd")),
    ("hedge_cost_pct_of_credit", ("hedged", "hedge_cost_pct_of_credit")),
    ("hedged_trades_per_year", ("hedged", "trades_per_year")), ("round_trips", ("hedged", "round_trips")),
    ("risk_matched_scale", ("risk_matched", "scale")),
    ("risk_matched_max_drawdown_usd", ("risk_matched", "max_drawdown_usd")),
)
PATH_COLUMNS = tuple(
    (f"{name}_{stat}", (name, stat))
    for name in ("drawdown_reduction_pct", "mar_unhedged", "mar_hedged") for stat in ("median", "p10", "p90")
)


def columns(grid: Plan) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return PATH_COLUMNS if grid.paths is not None else SWEEP_COLUMNS


def figure(figures: dict, where: tuple[str, ...]) -> Any:
    value: Any = figures
    for part in where:
        value = None if value is None else value.get(part)
    return value


def table_rows(outcome: Outcome) -> tuple[list[str], list[list[Any]]]:
    """The table: a column per swept key then the figures; one row per configuration."""
    grid = outcome.plan
    header = [a.key for a in grid.axes] + [name for name, _ in columns(grid)]
    rows = []
    for config, figures in zip(grid.configs, outcome.figures, strict=True):
        rows.append([config[a.key] for a in grid.axes] + [figure(figures, where) for _, where in columns(grid)])
    return header, rows


def csv_text(outcome: Outcome) -> str:
    import csv
    import io

    header, rows = table_rows(outcome)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _cell(v) for v in row])
    return buffer.getvalue().rstrip("\n")


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.2f}"
    return str(value)


def result_text(outcome: Outcome) -> str:
    """The CSV table; for ``--paths`` alone, the distribution in words and one CSV row per path."""
    grid = outcome.plan
    lines = []
    if grid.paths is not None and not grid.axes:
        figures = outcome.figures[0]
        lines.append(f"Over {grid.paths} generated paths (seeds {figures['seeds'][0]} to {figures['seeds'][-1]}):")
        for label, key in (("max drawdown reduction %", "drawdown_reduction_pct"), ("MAR unhedged", "mar_unhedged"),
                           ("MAR hedged", "mar_hedged"), ("MAR hedged - unhedged", "mar_difference"),
                           ("round trips % of hedge trades", "round_trip_share_pct")):
            d = figures[key]
            lines.append(f"  {label:<30} median {_stat(d['median'])}, P10 {_stat(d['p10'])}, P90 {_stat(d['p90'])}"
                         f" ({d['count']} paths with a figure)")
        lines.append("seed,drawdown_reduction_pct,mar_unhedged,mar_hedged")
        for row in figures["per_path"]:
            lines.append(",".join("" if row[k] is None else _cell(row[k])
                                  for k in ("seed", "drawdown_reduction_pct", "mar_unhedged", "mar_hedged")))
    else:
        lines.append(csv_text(outcome))
    lines.append(f"# {len(grid.jobs)} runs on {outcome.workers} processes in {outcome.seconds:.1f} s "
                 f"({outcome.cpu_seconds:.1f} s of CPU)")
    return "\n".join(lines)


def _stat(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
