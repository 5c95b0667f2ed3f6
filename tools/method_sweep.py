"""The evidence behind the rules' defaults: a one-at-a-time sweep over generated paths, for docs/method.md.

Six named defaults, three values each, every other setting at its default,
each value over the same ``--paths`` generated paths (the same seeds, so the
comparison is fair: only the swept default differs); then the chosen
defaults over ``--final-paths`` paths. A default is never fitted to one
history. Each value runs as ``planner backtest --generate SEED --years Y
--paths N --json`` would on a book holding it (the same use case,
planner.app.sweep, called in this process), so a default that moves two or
three settings together (the band's width, the tier thresholds shifted
together) is one run per value like any other.

Run:   python tools/method_sweep.py                    (prints the Markdown)
       python tools/method_sweep.py --write docs/method.md --cache /tmp/sweep
The second form replaces the text between the two SWEEP markers of the file.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from planner.app import sweep
from planner.app.backtest import BacktestOptions
from planner.domain.settings import Settings

BEGIN, END = "<!-- SWEEP:BEGIN (tools/method_sweep.py) -->", "<!-- SWEEP:END -->"

# name, why it matters, then per value: the settings it sets (the default's value among them).
SWEEPS: tuple[tuple[str, str, tuple[dict[str, float], ...]], ...] = (
    ("coverage target", "how much condor vega the layers aim to offset",
     tuple({"coverage_target_pct": t, "coverage_low_pct": t - 10, "coverage_high_pct": t + 10}
           for t in (40.0, 50.0, 60.0))),
    ("band width", "how far coverage may drift before the plan trades (half-width around the 50 % target)",
     tuple({"coverage_low_pct": 50.0 - w, "coverage_high_pct": 50.0 + w} for w in (5.0, 10.0, 15.0))),
    ("tier thresholds, shifted together", "the VIX levels that activate near / mid / long (18 / 22 / 28 + s)",
     tuple({"near_vix_threshold": 18.0 + s, "mid_vix_threshold": 22.0 + s, "long_vix_threshold": 28.0 + s}
           for s in (-2.0, 0.0, 2.0))),
    ("hold after a sale", "sessions a tier waits before buying again",
     tuple({"rebuy_hold_sessions": h} for h in (2, 5, 10))),
    ("take-profit multiple", "the layer's worth, after exit costs, as a multiple of its cost",
     tuple({"take_profit_multiple": m} for m in (1.25, 1.5, 2.0))),
    ("near strike distance", "the near tier's call strike above its VIX future, %",
     tuple({"near_strike_otm_pct": k} for k in (5.0, 10.0, 15.0))),
)

DEFAULTS = Settings()


def outcome_of(settings: dict[str, float], seed: int, years: float, paths: int, cache: Path | None) -> dict:
    """The backtest over ``paths`` generated paths (seeds seed .. seed+paths-1) with these settings changed from
    their defaults: ``planner backtest --generate SEED --years Y --paths N --json`` on a book holding them, run
    in this process through the same use case (planner.app.sweep). With ``cache``, a result already there is
    read back instead of run again (the file is the command's own JSON)."""
    name = "defaults" if not settings else "-".join(f"{k}={v:g}" for k, v in sorted(settings.items()))
    target = None if cache is None else cache / f"{name}-s{seed}-y{years:g}-p{paths}.json"
    if target is not None and target.exists():
        return json.loads(target.read_text())
    run_settings = replace(DEFAULTS, **{k: type(getattr(DEFAULTS, k))(v) for k, v in settings.items()})
    grid = sweep.plan(BacktestOptions(seed=seed, years=years), run_settings, (), paths)
    done = sweep.run_plan(grid, progress=lambda share, text: print(f"{name}, {paths} paths: {text}", file=sys.stderr,
                                                                    flush=True))
    result = done.to_json()
    if target is not None:
        target.write_text(json.dumps(result))
    return result


def median_of(figures: dict, key: str) -> float | None:
    return figures[key]["median"]


def fmt(value: float | None, digits: int = 1, sign: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+.{digits}f}" if sign else f"{value:,.{digits}f}"


def usd(value: float | None) -> str:
    return "—" if value is None else f"{'-' if value < 0 else ''}${abs(value):,.0f}"


def beats(figures: dict, base: dict, key: str) -> str:
    """On how many of the shared paths this value's per-path figure is higher, and lower, than the defaults'
    (paired: same seeds, so only the swept setting differs; the rest are equal)."""
    mine = {p["seed"]: p[key] for p in figures["per_path"]}
    pairs = [(mine[p["seed"]], p[key]) for p in base["per_path"] if mine.get(p["seed"]) is not None
             and p[key] is not None]
    return f"{sum(a > b for a, b in pairs)} / {sum(a < b for a, b in pairs)}"


def row(label: str, figures: dict, base: dict | None) -> str:
    d = figures["drawdown_reduction_pct"]
    cells = [label, f"{fmt(d['median'])} ({fmt(d['p10'])}, {fmt(d['p90'])})",
             fmt(median_of(figures, "mar_difference"), 3, sign=True),
             fmt(median_of(figures, "mar_hedged"), 3), fmt(median_of(figures, "round_trip_share_pct")),
             usd(median_of(figures, "hedge_cost_per_year_usd"))]
    if base is not None:
        cells += ["(default)" if figures is base else beats(figures, base, "drawdown_reduction_pct"),
                  "(default)" if figures is base else beats(figures, base, "mar_difference")]
    return "| " + " | ".join(cells) + " |"


HEADER = ("| value | drawdown reduction %, median (P10, P90) | MAR difference, median | hedged MAR, median "
          "| round trips, % of hedge trades, median | hedge cost per year, median |")


def run(seed: int, years: float, paths: int, final_paths: int, cache: Path | None) -> str:
    command = f"planner backtest --generate {seed} --years {years:g} --paths {final_paths} --json"
    final = outcome_of({}, seed, years, final_paths, cache)["sweep"][0]["figures"]
    d, mar, share = final["drawdown_reduction_pct"], final["mar_difference"], final["round_trip_share_pct"]
    smaller = sum(p["drawdown_reduction_pct"] > 0 for p in final["per_path"] if p["drawdown_reduction_pct"] is not None)
    better = sum(p["mar_difference"] > 0 for p in final["per_path"] if p["mar_difference"] is not None)
    lines = [f"### The chosen defaults over {final_paths} generated paths", "",
             f"`{command}` (seeds {seed} to {seed + final_paths - 1}, {years:g} years each, every setting at its "
             "default). The drawdown reduction is the unhedged run's maximum drawdown less the hedged run's, as a "
             "% of the unhedged one (positive: the hedge made it smaller); the MAR difference is the hedged "
             "run's MAR less the unhedged run's, per path; a round trip is a buy in a tier within 5 sessions of "
             "a sale in it at another review (or the reverse), over the hedged run's hedge trades; the hedge "
             "cost is the hedge P&L's loss per year (negative: the hedges earned).", "",
             "| figure | median | P10 | P90 |", "|---|---:|---:|---:|",
             f"| drawdown reduction % | {fmt(d['median'])} | {fmt(d['p10'])} | {fmt(d['p90'])} |",
             f"| MAR difference (hedged - unhedged) | {fmt(mar['median'], 3, True)} | {fmt(mar['p10'], 3, True)} "
             f"| {fmt(mar['p90'], 3, True)} |",
             *[f"| {label} | {fmt(final[key]['median'], 3)} | {fmt(final[key]['p10'], 3)} "
               f"| {fmt(final[key]['p90'], 3)} |" for label, key in (("MAR unhedged", "mar_unhedged"),
                                                                    ("MAR hedged", "mar_hedged"))],
             f"| round trips, % of hedge trades | {fmt(share['median'])} | {fmt(share['p10'])} "
             f"| {fmt(share['p90'])} |",
             *[f"| {label} | {usd(final[key]['median'])} | {usd(final[key]['p10'])} "
               f"| {usd(final[key]['p90'])} |" for label, key in (
                   ("hedge cost per year", "hedge_cost_per_year_usd"),
                   ("return unhedged", "return_usd_unhedged"), ("return hedged", "return_usd_hedged"))],
             "",
             f"The hedge made the maximum drawdown smaller on {smaller} of {d['count']} paths and raised MAR on "
             f"{better} of {mar['count']}. Over all {final_paths} paths, {final['round_trips']:,} round trips in "
             f"{final['hedge_trades']:,} hedge trades "
             f"({100.0 * final['round_trips'] / max(final['hedge_trades'], 1):.1f} %).", "",
             "### One default at a time", "",
             f"Each row: the same {paths} generated paths (seeds {seed} to {seed + paths - 1}, {years:g} years "
             "each), every setting at its default but the one named, so a row differs from the default's row "
             "only by that setting. The last two columns compare path by path with the default's row: on how "
             f"many of the {paths} paths this value's drawdown reduction (then its MAR difference) is higher, and "
             "on how many lower, than the default's (the rest: equal).", ""]
    for name, why, values in SWEEPS:
        results = [(settings, outcome_of(settings if settings != default_of(settings) else {}, seed, years, paths,
                                         cache)["sweep"][0]["figures"]) for settings in values]
        base = next(f for settings, f in results if settings == default_of(settings))
        header = (HEADER[:-2] + " | paths: drawdown reduction higher / lower than the default's "
                  "| the same, MAR difference |")
        lines += [f"#### {name}", "", why[0].upper() + why[1:] + ".", "", header, "|---|" + "---:|" * 7]
        lines += [row(", ".join(f"`{k}` {v:g}" for k, v in settings.items()), figures, base)
                  for settings, figures in results]
        lines.append("")
    lines.append(f"Rerun: `python tools/method_sweep.py --seed {seed} --years {years:g} --paths {paths} "
                 f"--final-paths {final_paths} --write docs/method.md`.")
    return "\n".join(lines) + "\n"


def default_of(settings: dict[str, float]) -> dict[str, float]:
    """The same keys at their default values."""
    return {k: getattr(DEFAULTS, k) for k in settings}


def write(target: Path, text: str) -> None:
    document = target.read_text()
    if BEGIN not in document or END not in document:
        raise SystemExit(f"{target} has no {BEGIN} ... {END} section to replace")
    head, rest = document.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    target.write_text(f"{head}{BEGIN}\n{text}{END}{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--years", type=float, default=4.0)
    parser.add_argument("--paths", type=int, default=20, help="generated paths per swept value")
    parser.add_argument("--final-paths", type=int, default=100, help="paths for the chosen defaults")
    parser.add_argument("--write", type=Path, help="replace the SWEEP section of this Markdown file")
    parser.add_argument("--cache", type=Path, help="keep each backtest's JSON in this folder and reuse it")
    args = parser.parse_args()
    if args.cache is not None:
        args.cache.mkdir(parents=True, exist_ok=True)
    text = run(args.seed, args.years, args.paths, args.final_paths, args.cache)
    if args.write:
        write(args.write, text)
    else:
        print(text)


if __name__ == "__main__":
    main()
