"""Fit the VIX response (planner/risk/vix_response.py) to DOMAIN.md's episodes and print the fit.

Run: python tools/fit_vix_response.py            (the fit, then the table with the shipped defaults)
     python tools/fit_vix_response.py --markdown (only the tables docs/model.md includes)

The fit: a, s, p, h and u minimise the largest relative error of the central
path over the twelve episodes (plus a twentieth of the sum of squared log
errors, which picks one optimum among near-ties), under one design constraint
from the issue: from any VIX0 in [9, 30] a one-session fall of 25 % stays under
140 points (the cap is a guard, not a model output). The band's width w is the
smallest multiple of 0.05 that puts at least 80 % of the episodes (the share a
10th-90th percentile band should hold) inside it; its floor is fixed at 0.03.
The shipped defaults are the fit rounded; the table is computed with them
through the planner's own function, so it shows what the application does.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import replace

import numpy as np

from planner.domain.settings import Settings
from planner.risk.vix_response import band_z, log_response, vix_response

# DOMAIN.md, "How SPX and VIX move together": (episode, sessions, SPX before, after, VIX before, after).
EPISODES: tuple[tuple[str, int, float, float, float, float], ...] = (
    ("2015-08-24", 1, 1970.89, 1893.21, 28.03, 40.74),
    ("2015-09-01", 1, 1972.18, 1913.85, 28.43, 31.40),
    ("2016-06-24 (Brexit)", 1, 2113.32, 2037.41, 17.25, 25.76),
    ("2018-02-05", 1, 2762.13, 2648.94, 17.31, 37.32),
    ("2018-03-22", 1, 2711.93, 2643.69, 17.86, 23.34),
    ("2020-03-16", 1, 2711.02, 2386.13, 57.83, 82.69),
    ("2024-08-05", 1, 5346.56, 5186.33, 23.39, 38.57),
    ("2022-11-10 (up day)", 1, 3748.57, 3956.37, 25.86, 23.53),
    ("2011-07-22 -> 08-08", 11, 1345.02, 1119.46, 17.52, 48.00),
    ("2020-02-19 -> 03-16", 18, 3386.15, 2386.13, 14.38, 82.69),
    ("2022-01-03 -> 10-12", 195, 4796.56, 3577.03, 16.60, 33.57),
    ("1987-10-19 (VXO)", 1, 1000.0, 795.0, 36.0, 150.0),
)
FITTED = ("vix_response_slope", "vix_response_saturation", "vix_response_level_exponent",
          "vix_response_horizon_exponent", "vix_response_up_fraction")
CHECK_VIX = 16.5


def _arrays():
    n = np.array([e[1] for e in EPISODES], dtype=float)
    spx0 = np.array([e[2] for e in EPISODES])
    spx1 = np.array([e[3] for e in EPISODES])
    vix0 = np.array([e[4] for e in EPISODES])
    vix1 = np.array([e[5] for e in EPISODES])
    return n, spx0, spx1, vix0, vix1


def _central_log(settings: Settings, spx1, spx0, vix0, n) -> np.ndarray:
    return log_response(spx1, spx0, vix0, n, settings)[0]  # type: ignore[arg-type]  # broadcasts over episodes


def _with(values) -> Settings:
    return replace(Settings(), **dict(zip(FITTED, (float(v) for v in values), strict=True)))


def objective(values) -> float:
    if values[1] <= 0.0 or values[3] < 0.0 or not 0.0 <= values[4] <= 1.0:
        return 1e9
    settings = _with(values)
    n, spx0, spx1, vix0, vix1 = _arrays()
    r = _central_log(settings, spx1, spx0, vix0, n)
    actual = np.log(vix1 / vix0)
    worst = float(np.max(np.abs(np.expm1(r - actual))))
    penalty = 0.0
    for start in (9.0, 10.0, 12.0, 16.5, 20.0, 30.0):
        crash = float(log_response(0.75, 1.0, start, 1, settings)[0])  # SPX -25 % in one session
        penalty += max(0.0, crash - math.log(140.0 / start)) ** 2 * 100.0
    return worst + 0.05 * float(np.sum((r - actual) ** 2)) + penalty


def fit() -> np.ndarray:
    from scipy.optimize import minimize

    best = None
    for a in (8.0, 12.0, 16.0):
        for s in (0.05, 0.1, 0.2):
            for p in (0.5, 1.0, 1.5, 2.0):
                for h in (0.2, 0.4, 0.6):
                    result = minimize(objective, [a, s, p, h, 0.3], method="Nelder-Mead",
                                      options={"maxiter": 20000, "xatol": 1e-8, "fatol": 1e-10})
                    if best is None or result.fun < best.fun:
                        best = result
    return best.x


def band_width(settings: Settings) -> float:
    """Smallest multiple of 0.05 putting at least 80 % of the episodes inside the band."""
    n, spx0, spx1, vix0, vix1 = _arrays()
    r = _central_log(settings, spx1, spx0, vix0, n)
    residual = np.abs(np.log(vix1 / vix0) - r)
    needed = np.sort((residual / band_z(settings) - settings.vix_band_floor) / np.maximum(np.abs(r), 1e-12))
    quantile = needed[math.ceil(0.8 * len(EPISODES)) - 1]
    return math.ceil(max(quantile, 0.0) / 0.05 - 1e-9) * 0.05


def fit_table(settings: Settings) -> tuple[str, int, int]:
    """The markdown fit table with ``settings``, episodes within 30 % and inside the band."""
    lines = ["| episode | sessions | SPX move | VIX0 | actual VIX | central | band (P10-P90) | error | in band |",
             "|---|---:|---:|---:|---:|---:|---|---:|:---:|"]
    within = inside = 0
    for name, sessions, spx0, spx1, vix0, vix1 in EPISODES:
        path = vix_response(spx1, spx0, vix0, sessions, settings)
        central, low, high = (float(v) for v in path)
        error = central / vix1 - 1.0
        ok = low <= vix1 <= high
        within += abs(error) <= 0.30
        inside += ok
        lines.append(f"| {name} | {sessions} | {100 * (spx1 / spx0 - 1):+.1f} % | {vix0:.2f} | {vix1:.2f} | "
                     f"{central:.2f} | {low:.2f} - {high:.2f} | {100 * error:+.1f} % | {'yes' if ok else 'no'} |")
    lines.append("")
    lines.append(f"{within} of {len(EPISODES)} episodes within +-30 % on the central path; "
                 f"{inside} of {len(EPISODES)} inside the band.")
    return "\n".join(lines), within, inside


def checks_table(settings: Settings) -> str:
    """Central VIX (band) from VIX 16.5 for a few moves and horizons, and the largest one-session -25 % fall."""
    lines = ["| SPX move | 1 session | 5 sessions | 21 sessions | 63 sessions |", "|---:|---|---|---|---|"]
    for move in (-0.02, -0.05, -0.10, -0.20, -0.25, 0.05):
        cells = []
        for sessions in (1, 5, 21, 63):
            central, low, high = (float(v) for v in vix_response(1 + move, 1.0, CHECK_VIX, sessions, settings))
            cells.append(f"{central:.1f} ({low:.1f}-{high:.1f})")
        lines.append(f"| {100 * move:+.0f} % | " + " | ".join(cells) + " |")
    lines.append("")
    starts = np.linspace(settings.vix_floor, 30.0, 43)
    crash = [float(vix_response(0.75, 1.0, v, 1, settings).central) for v in starts]
    lines.append(f"Central VIX after a one-session -25 % fall, over VIX0 from {settings.vix_floor:g} to 30: "
                 f"at most {max(crash):.1f} (cap {settings.vix_cap:g}).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="only the tables docs/model.md includes")
    args = parser.parse_args(argv)
    shipped = Settings()
    if not args.markdown:
        values = fit()
        fitted = _with(values)
        print("fitted:", ", ".join(f"{k} = {v:.4g}" for k, v in zip(FITTED, values, strict=True)))
        print(f"band width for 80 % coverage: {band_width(fitted):.2f} (fitted), {band_width(shipped):.2f} (shipped)")
        print("shipped:", ", ".join(f"{k} = {getattr(shipped, k):g}" for k in FITTED),
              f"vix_band_width = {shipped.vix_band_width:g}, vix_band_floor = {shipped.vix_band_floor:g}")
        print()
    table, _, _ = fit_table(shipped)
    print(table)
    print()
    print(checks_table(shipped))
    return 0


if __name__ == "__main__":
    sys.exit(main())
