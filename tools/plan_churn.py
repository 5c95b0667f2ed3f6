"""Round trips and hedge trades of the rules' plan over a generated path.

A *round trip* (DOMAIN.md "No round trips") is a buy in a tier within
``--hold`` sessions of a sale in it made at another review, or the reverse; a
ROLL never counts. Every review's plan is read through the backtest's
observer: ADD is a buy, TRIM / CLOSE / TAKE_PROFIT of a layer a sale.

Run: python tools/plan_churn.py --seed 7 --years 5 [--json]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

from planner.backtest.engine import BacktestConfig, run_path
from planner.backtest.generator import generate
from planner.domain.settings import Settings

SELL_ACTIONS = {"TRIM", "CLOSE", "TAKE_PROFIT"}


def churn(seed: int, years: float, hold: int = 5, settings: Settings | None = None) -> dict:
    settings = settings or Settings()
    path = generate(seed, years)
    trades: list[tuple[int, str, str]] = []  # (session, tier, "buy" | "sell" | "roll")
    actions: Counter[str] = Counter()

    def observe(i, book, market, history, result) -> None:
        for s in result.suggestions:
            trade = s.proposal
            if trade is None or trade.instrument == "condor" or str(s.action) == "WARN":
                continue
            action = str(s.action)
            actions[action] += 1
            side = "roll" if action == "ROLL" else "buy" if action == "ADD" else "sell"
            trades.append((i, s.tier or trade.tier or "", side))

    run = run_path(path, settings, BacktestConfig(), hedged=True, observer=observe)
    round_trips = 0
    for i, tier, side in trades:
        if side == "roll":
            continue
        opposite = "sell" if side == "buy" else "buy"
        if any(j < i and i - j <= hold and t == tier and o == opposite for j, t, o in trades):
            round_trips += 1
    held_short = sum(1 for layer in run.layers if layer.close_day is not None
                     and (layer.close_day - layer.open_day).days <= 7)
    return {"seed": seed, "years": years, "hedge_trades": len(trades), "round_trips": round_trips,
            "round_trip_pct": 100.0 * round_trips / len(trades) if trades else 0.0, "actions": dict(actions),
            "layers": len(run.layers), "layers_held_a_week_or_less": held_short, "warnings": run.warnings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--years", type=float, default=5.0)
    parser.add_argument("--hold", type=int, default=5, help="sessions that make a buy after a sale a round trip")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    found = churn(args.seed, args.years, args.hold)
    print(json.dumps(found, indent=1) if args.json else
          "\n".join(f"{key}: {value}" for key, value in found.items()))


if __name__ == "__main__":
    main()
