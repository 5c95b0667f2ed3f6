"""The evidence behind the rules' defaults: a one-at-a-time sweep over generated paths, for docs/method.md.

Six named defaults, three values each, every other setting at its default,
each value over the same ``--paths`` generated paths (the same seeds, so the
comparison is fair: only the swept default differs); then the chosen
defaults over ``--final-paths`` paths. A default is never fitted to one
history. Single settings go through the backtest's own sweep
(``planner backtest --generate SEED --years Y --paths N --sweep KEY=V1,V2,V3
--json``, whose JSON holds a ``sweep`` list of {config, figures...}); a
default that moves two or three settings together (the band's width, the
tier thresholds shifted together) runs once per value on a scratch book
holding those settings.

Run:   python tools/method_sweep.py                    (prints the Markdown)
       python tools/method_sweep.py --write docs/method.md
The second form replaces the text between the two SWEEP markers of the file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median

BEGIN, END = "<!-- SWEEP:BEGIN (tools/method_sweep.py) -->", "<!-- SWEEP:END -->"

# name, why it matters, then per value: the settings it sets (one key: swept by the backtest itself).
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

WANTED = ("drawdown_reduction", "mar", "round_trip", "hedge_cost", "return")  # figure names worth a column


def planner(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"planner {' '.join(args)} failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout)


def backtest(db: Path, seed: int, years: float, paths: int, sweep: str | None = None) -> dict:
    args = ["backtest", "--db", str(db), "--generate", str(seed), "--years", f"{years:g}", "--paths", str(paths),
            "--json"]
    return planner(*args, *(["--sweep", sweep] if sweep else []))


def scratch_book(folder: Path, settings: dict[str, float]) -> Path:
    db = folder / f"book-{abs(hash(tuple(sorted(settings.items()))))}.db"
    if not db.exists():
        planner("init", "--db", str(db), "--json")
        for key, value in settings.items():
            planner("settings", "set", "--db", str(db), "--json", key, f"{value:g}")
    return db


def figures_of(result: dict) -> dict[str, float]:
    """The numeric figures worth a column, from a sweep entry or a whole ``--paths`` result."""
    source = result.get("figures", result)
    flat = {k: v for k, v in source.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    chosen = {k: v for k, v in flat.items() if any(word in k for word in WANTED)}
    return chosen or flat


def check_cli() -> None:
    help_text = subprocess.run([sys.executable, "-m", "planner", "backtest", "--help"], capture_output=True,
                               text=True).stdout
    missing = [flag for flag in ("--paths", "--sweep") if flag not in help_text]
    if missing:
        raise SystemExit(f"this planner's backtest lacks {', '.join(missing)}: the sweep needs the backtest over "
                         f"many generated paths")


def run(seed: int, years: float, paths: int, final_paths: int) -> str:
    check_cli()
    lines = [f"Each row: the same {paths} generated paths (seed {seed}, {years:g} years each), every setting at its "
             f"default but the one named. Rerun with `python tools/method_sweep.py --write docs/method.md`.", ""]
    with tempfile.TemporaryDirectory() as folder:
        base = scratch_book(Path(folder), {})
        for name, why, values in SWEEPS:
            rows: list[tuple[str, dict[str, float]]] = []
            if all(len(v) == 1 for v in values):
                key = next(iter(values[0]))
                result = backtest(base, seed, years, paths, f"{key}=" + ",".join(f"{v[key]:g}" for v in values))
                rows = [(json.dumps(entry.get("config", {}), sort_keys=True), figures_of(entry))
                        for entry in result["sweep"]]
            else:
                for settings in values:
                    db = scratch_book(Path(folder), settings)
                    label = ", ".join(f"{k} {v:g}" for k, v in settings.items())
                    rows.append((label, figures_of(backtest(db, seed, years, paths))))
            columns = sorted({k for _, f in rows for k in f})
            lines += [f"### {name}", "", why + ".", "", "| value | " + " | ".join(columns) + " |",
                      "|---|" + "---|" * len(columns)]
            lines += ["| " + label + " | " + " | ".join(f"{f.get(c, float('nan')):.2f}" for c in columns) + " |"
                      for label, f in rows]
            lines.append("")
        final = backtest(base, seed, years, final_paths)
        figures = figures_of(final)
        lines += [f"### The chosen defaults over {final_paths} paths", "",
                  "| figure | value |", "|---|---|", *[f"| {k} | {v:.2f} |" for k, v in sorted(figures.items())]]
        per_path = final.get("paths")
        if isinstance(per_path, list) and per_path and "drawdown_reduction_pct" in per_path[0]:
            values = [p["drawdown_reduction_pct"] for p in per_path if p.get("drawdown_reduction_pct") is not None]
            lines += ["", f"Median drawdown reduction over the {len(values)} paths: {median(values):.1f} %."]
    return "\n".join(lines) + "\n"


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
    parser.add_argument("--years", type=float, default=10.0)
    parser.add_argument("--paths", type=int, default=20, help="generated paths per swept value")
    parser.add_argument("--final-paths", type=int, default=100, help="paths for the chosen defaults")
    parser.add_argument("--write", type=Path, help="replace the SWEEP section of this Markdown file")
    args = parser.parse_args()
    text = run(args.seed, args.years, args.paths, args.final_paths)
    if args.write:
        write(args.write, text)
    else:
        print(text)


if __name__ == "__main__":
    main()
