"""Rerunnable checks of the market models against published figures (output goes into docs/model.md).

    .venv/bin/python tools/model_checks.py                          # print
    .venv/bin/python tools/model_checks.py --write docs/model.md    # refresh the doc's marked blocks

1. VX curve: the model's futures beside published Cboe figures (date, spot VIX, days to
   expiry, settlement), and its calm month-on-month contango.
2. VIX option vol: the model's own 30-day strip index (Cboe's VIX formula over the model
   smile) over VVIX, i.e. whether c, skew and curvature fit together.
3. Generator jump response: b = ref (20 / VIX0) ** p fitted to DOMAIN.md's one-day crashes.
4. Generated paths: statistics of 20 ten-year paths beside published statistics of real VIX.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import sys
from datetime import date

import numpy as np

from planner.backtest.generator import generate
from planner.domain import Settings
from planner.pricing.prices import black76_price
from planner.risk.vix_option_vol import vix_option_iv
from planner.risk.vx_curve import modelled_futures

# (trade date, spot VIX close, VX expiry, VX settlement, source)
VX_PUBLISHED = (
    (date(2017, 7, 27), 10.80, date(2017, 9, 20), 12.80, "Cboe Options Hub, 2017-07-29"),
    (date(2013, 9, 13), 14.16, date(2013, 9, 18), 14.80, "Cboe Options Hub, 2013-09-15"),
    (date(2012, 2, 24), 17.31, date(2012, 3, 21), 21.20, "record-steep curve, 2012 (not typical)"),
    (date(2012, 2, 24), 17.31, date(2012, 4, 18), 24.30, "record-steep curve, 2012 (not typical)"),
    (date(2016, 1, 20), 27.59, date(2016, 2, 17), 24.725, "Cboe Options Hub, 2016-01-21"),
    (date(2015, 8, 21), 28.03, date(2015, 8, 26), 24.775, "Cboe Options Hub, 2015-08-29 (weekly)"),
)
# DOMAIN.md one-day crashes: (SPX before, SPX after, VIX before, VIX after)
ONE_DAY = ((1970.89, 1893.21, 28.03, 40.74), (1972.18, 1913.85, 28.43, 31.40), (2113.32, 2037.41, 17.25, 25.76),
           (2762.13, 2648.94, 17.31, 37.32), (2711.93, 2643.69, 17.86, 23.34), (2711.02, 2386.13, 57.83, 82.69),
           (5346.56, 5186.33, 23.39, 38.57))


def vx_curve_table(settings: Settings) -> None:
    print("| date | VIX | days | published F | model F | error | source |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for day, vix, expiry, settle, source in VX_PUBLISHED:
        days = (expiry - day).days
        model = float(modelled_futures(days / 365, vix, settings))
        print(f"| {day} | {vix:.2f} | {days} | {settle:.2f} | {model:.2f} | {100 * (model / settle - 1):+.1f} % |"
              f" {source} |")
    print()
    print("kappa each published point 14+ days out (the hedges' tenors) implies, ln(ln(F/m) / ln(VIX/m)) / -T:")
    for day, vix, expiry, settle, _ in VX_PUBLISHED:
        days = (expiry - day).days
        if days >= 14 and day.year != 2012:  # 2012's record-steep curve is shown, not fitted
            mean = settings.vx_curve_mean_vix
            kappa = -math.log(math.log(settle / mean) / math.log(vix / mean)) / (days / 365)
            print(f"- {day}: VIX {vix:.2f}, {days} days: kappa {kappa:.2f} a year "
                  f"({'calm' if vix <= mean else 'spike'} side)")
    print()
    print("Calm contango of the model, month on month (VX curve at 1..6 months):")
    print("| VIX | F(1m)..F(6m) | month-on-month |")
    print("|---:|---|---|")
    for vix in (10.0, 12.0, 15.0):
        curve = modelled_futures(np.arange(0, 7) / 12, vix, settings)
        steps = ", ".join(f"{100 * r:.1f} %" for r in curve[1:] / curve[:-1] - 1)
        print(f"| {vix:g} | {', '.join(f'{f:.2f}' for f in curve[1:])} | {steps} |")
    print()
    print("Spike backwardation of the model:")
    for vix in (40.0, 82.69):
        curve = modelled_futures(np.arange(1, 7) / 12, vix, settings)
        print(f"- VIX {vix:g}: F(1m)..F(6m) = {', '.join(f'{f:.1f}' for f in curve)}")
    print()


def strip_over_vvix(settings: Settings) -> None:
    print("| VVIX | ATM 30 d (c x VVIX) | model strip index | strip / VVIX |")
    print("|---:|---:|---:|---:|")
    years, future = 30 / 365, 18.0
    strikes = np.linspace(0.3 * future, 6.0 * future, 20001)
    for vvix in (70.0, 90.0, 110.0, 140.0):
        vols = vix_option_iv(strikes, future, years, 16.0, vvix, settings)
        otm = black76_price(strikes >= future, future, strikes, years, vols, 0.0)
        strip = 100 * math.sqrt(2 / years * np.trapezoid(otm / strikes**2, strikes))
        print(f"| {vvix:g} | {settings.vix_option_atm_vvix_ratio * vvix:.1f} | {strip:.1f} | {strip / vvix:.3f} |")
    print()
    print("Term structure (ATM, VVIX 90):",
          ", ".join(f"{d} d {100 * float(vix_option_iv(18.0, 18.0, d / 365, 16.0, 90.0, settings)):.0f} %"
                    for d in (7, 14, 30, 60, 90, 150, 180)))
    print("Smile (30 d, VVIX 90, F 18):",
          ", ".join(f"K {k:g} {100 * float(vix_option_iv(k, 18.0, 30 / 365, 16.0, 90.0, settings)):.0f} %"
                    for k in (14, 16, 18, 20, 23, 27, 36)))
    print()


def jump_response_fit() -> None:
    x, y = [], []
    print("| VIX0 | SPX move | VIX after | b = -ln(VIX1/VIX0) / ln(SPX1/SPX0) |")
    print("|---:|---:|---:|---:|")
    for s0, s1, v0, v1 in ONE_DAY:
        b = -math.log(v1 / v0) / math.log(s1 / s0)
        x.append(math.log(20 / v0))
        y.append(math.log(b))
        print(f"| {v0:.2f} | {100 * (s1 / s0 - 1):+.1f} % | {v1:.2f} | {b:.1f} |")
    design = np.vstack([np.ones(len(x)), x]).T
    coef, *_ = np.linalg.lstsq(design, np.array(y), rcond=None)
    spread = float(np.std(np.array(y) - design @ coef))  # maximum likelihood, as the generator uses
    print(f"\nFit: b = {math.exp(coef[0]):.1f} x (20 / VIX0) ** {coef[1]:.2f}, log-dispersion {spread:.2f}\n")


def implied_over_realized(paths) -> float:
    """Mean model ATM 30-day IV over the realized vol of one 30-day future held a session, pooled over paths."""
    settings = Settings()
    years, session = 30 / 365, 1 / 252
    implied, moves = [], []
    for path in paths:
        today = np.log([float(modelled_futures(years, v, settings)) for v in path.vix[:-1]])
        tomorrow = np.log([float(modelled_futures(years - session, v, settings)) for v in path.vix[1:]])
        moves.append(tomorrow - today)
        implied.extend(float(vix_option_iv(1.0, 1.0, years, v, w, settings)) for v, w in zip(path.vix, path.vvix,
                                                                                         strict=True))
    return float(np.mean(implied) / (np.concatenate(moves).std() * math.sqrt(252)))


def generated_statistics() -> None:
    paths = [generate(seed, 10.0) for seed in range(1, 21)]
    years = sum(len(p) for p in paths) / 252
    vix = np.concatenate([p.vix for p in paths])
    up20 = sum(int(np.sum(np.diff(p.vix) / p.vix[:-1] >= 0.20)) for p in paths) / years
    up30 = sum(int(np.sum(np.diff(p.vix) / p.vix[:-1] >= 0.30)) for p in paths) / years
    spikes, after3 = 0, []
    for p in paths:
        v = p.vix
        for i in range(10, len(v) - 3):
            if i > 10 and v[i] >= 1.2 * v[i - 10:i].mean() and not v[i - 1] >= 1.2 * v[i - 11:i - 1].mean():
                spikes += 1
            if v[i] / v[i - 1] >= 1.2:
                after3.append(v[i + 3] / v[i] - 1)
    half_lives = []
    for p in paths:
        lv = np.log(p.vix)
        slope = np.polyfit(lv[:-1], np.diff(lv), 1)[0]
        half_lives.append(math.log(2) / -slope)
    corr = [np.corrcoef(np.diff(np.log(p.vix)), np.diff(np.log(p.vvix)))[0, 1] for p in paths]
    print("| statistic | real VIX (source) | 20 generated 10-year paths |")
    print("|---|---|---:|")
    print(f"| mean VIX | 19.8 (1990-2016, Cboe via Futures mag. 2017) | {vix.mean():.1f} |")
    print(f"| median VIX | 18.3 (1990-2014, Cboe Options Hub 2014) | {np.median(vix):.1f} |")
    print(f"| closes >= 20 % above their 10-day mean, episodes a year | 2.6 (75 since 1986, Volatility Made Simple)"
          f" | {spikes / years:.1f} |")
    print(f"| one-day VIX rises >= 20 %, a year | 1.2 (20 in 1990-2007, VIX and More) | {up20:.2f} |")
    print(f"| one-day VIX rises >= 30 %, a year | 0.47 (8 in 1990-2007, VIX and More) | {up30:.2f} |")
    print(f"| mean VIX change 3 sessions after a +20 % day | about -10 % (VIX and More 2007) | "
          f"{100 * np.mean(after3):+.1f} % |")
    print("| half-life of log VIX (AR(1) on daily closes), sessions | no published figure used "
          f"(calm OU 5 a year: 35) | "
          f"{np.median(half_lives):.0f} |")
    print(f"| correlation of daily VIX and VVIX log changes | 0.81 (median 20-day, 2007-2020, Harbourfront) | "
          f"{np.mean(corr):.2f} |")
    print(f"| VVIX range | 60-212 (2007-2022, vixfaq) | {min(p.vvix.min() for p in paths):.0f}-"
          f"{max(p.vvix.max() for p in paths):.0f} |")
    print(f"| model 30-day ATM VIX option vol over the realized vol of a 30-day future | above 1: Cboe, \"selling a "
          f"VVIX portfolio on a consistent basis can capture a volatility risk premium\" | "
          f"{implied_over_realized(paths):.2f} |")
    print()


SECTIONS = ("vix_option_vol", "vx_curve", "generator")


def section_text(name: str, settings: Settings) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        if name == "vix_option_vol":
            strip_over_vvix(settings)
        elif name == "vx_curve":
            vx_curve_table(settings)
        else:
            jump_response_fit()
            generated_statistics()
    return out.getvalue().strip()


def write(doc_path: str, settings: Settings) -> None:
    """Replace each ``<!-- model_checks NAME ... -->`` .. ``<!-- /model_checks -->`` block of the doc."""
    with open(doc_path, encoding="utf-8") as handle:
        text = handle.read()
    for name in SECTIONS:
        pattern = re.compile(rf"(<!-- model_checks {name}:[^\n]*-->\n).*?(\n<!-- /model_checks -->)", re.S)
        body = section_text(name, settings)
        text, count = pattern.subn(lambda m, body=body: m.group(1) + body + m.group(2), text)
        if count != 1:
            raise SystemExit(f"{doc_path}: expected one marked block for {name}, found {count}")
    with open(doc_path, "w", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    settings = Settings()
    if len(sys.argv) == 3 and sys.argv[1] == "--write":
        write(sys.argv[2], settings)
    else:
        for name in SECTIONS:
            print(f"## {name}\n")
            print(section_text(name, settings) + "\n")
