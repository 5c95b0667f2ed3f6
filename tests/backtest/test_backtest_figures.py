"""The figures of ``planner backtest --json``, recomputed here from its ``equity`` alone, by plain loops.

Each reference below is written from the definition in DOMAIN.md / ``metrics``'s docstring with Python
lists, no numpy and no code of the planner's, so a slip in the vectorised figures shows as a mismatch.
"""

from __future__ import annotations

import io
import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.backtest import metrics
from planner.cli import run

DEMO = (Path(__file__).parents[2] / "resources" / "demo").as_posix()


def backtest_json(tmp_path, *argv: str) -> dict:
    out, err = io.StringIO(), io.StringIO()
    code = run(["backtest", *argv, "--json", "--db", str(tmp_path / "book.db")], out, err)
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def demo_payload(tmp_path_factory):
    return backtest_json(tmp_path_factory.mktemp("demo"), "--spx", f"{DEMO}/SPX_History.csv",
                         "--vix", f"{DEMO}/VIX_History.csv", "--vvix", f"{DEMO}/VVIX_History.csv",
                         "--from", "2018-01-01", "--to", "2020-12-31")


@pytest.fixture(scope="module")
def generated_payload(tmp_path_factory):
    return backtest_json(tmp_path_factory.mktemp("gen"), "--generate", "11", "--years", "2")


# -- independent references -----------------------------------------------------------------------------------
def ref_max_drawdown(curve: list[float], start: float) -> tuple[float, float]:
    peak, worst_usd, worst_pct = start, 0.0, 0.0
    for value in curve:
        peak = max(peak, value)
        worst_usd = max(worst_usd, peak - value)
        worst_pct = max(worst_pct, 100.0 * (peak - value) / peak)
    return worst_usd, worst_pct


def ref_mar(curve: list[float], start: float) -> float | None:
    years = len(curve) / 252.0
    annual = 100.0 * ((curve[-1] / start) ** (1.0 / years) - 1.0)
    _, dd_pct = ref_max_drawdown(curve, start)
    return None if dd_pct == 0 else annual / dd_pct


def ref_cvar95_21(curve: list[float], start: float) -> float:
    full = [start, *curve]
    windows = sorted(full[k + 21] - full[k] for k in range(len(full) - 21))
    tail = max(1, math.ceil(0.05 * len(windows) - 1e-9))
    return sum(windows[:tail]) / tail


def ref_risk_matched(unhedged: list[float], hedged: list[float], start: float) -> tuple[float, float] | None:
    u_return, h_return = unhedged[-1] - start, hedged[-1] - start
    if u_return <= 0 or h_return <= 0:
        return None
    scale = h_return / u_return
    equity, peak, worst = start, start, 0.0
    previous = start
    for value in unhedged:  # the unhedged daily P&L, scaled, added up
        equity += scale * (value - previous)
        previous = value
        peak = max(peak, equity)
        worst = max(worst, peak - equity)
    return scale, worst


def ref_spike_loss(curve: list[float], start: float, first: int, peak: int) -> tuple[float, int | None]:
    """From the highest close of the 20 sessions up to the first spike day (the start counts) to the lowest
    close up to 30 sessions after the VIX peak; sessions from that trough back to the peak's equity."""
    full = [start, *curve]
    candidates = range(max(0, first + 1 - 20), first + 2)
    top = max(candidates, key=lambda k: (full[k], -k))  # the first of equal highs
    window = range(top, min(len(full) - 1, peak + 31) + 1)
    trough = min(window, key=lambda k: (full[k], k))
    back = next((k - trough for k in range(trough, len(full)) if full[k] >= full[top]), None)
    return full[top] - full[trough], back


def check_figures(payload: dict) -> None:
    start = payload["starting_equity_usd"]
    curves = payload["equity"]
    assert len(curves["dates"]) == len(curves["unhedged"]) == len(curves["hedged"]) == payload["data"]["sessions"]
    for name in ("unhedged", "hedged"):
        curve, figures = curves[name], payload[name]
        assert figures["return_usd"] == pytest.approx(curve[-1] - start, abs=1e-6)
        dd_usd, dd_pct = ref_max_drawdown(curve, start)
        assert figures["max_drawdown_usd"] == pytest.approx(dd_usd, abs=1e-6)
        assert figures["max_drawdown_pct"] == pytest.approx(dd_pct, abs=1e-9)
        expected_mar = ref_mar(curve, start)
        assert figures["mar"] == (None if expected_mar is None else pytest.approx(expected_mar, rel=1e-9))
        assert figures["cvar95_21d_usd"] == pytest.approx(ref_cvar95_21(curve, start), abs=1e-6)
        worst = figures["worst_drawdowns"]
        assert worst[0]["depth_usd"] == pytest.approx(dd_usd, abs=1e-6)
        assert [w["depth_usd"] for w in worst] == sorted((w["depth_usd"] for w in worst), reverse=True)
        for w in worst:  # each depth is the fall from the equity at its peak to the equity at its trough
            at = dict(zip(curves["dates"], curve, strict=True))
            top = start if w["peak"] is None else at[w["peak"]]
            assert top - at[w["trough"]] == pytest.approx(w["depth_usd"], abs=1e-6)
            if w["recovery"] != "not recovered":
                assert at[w["recovery"]] >= top
    index = {day: i for i, day in enumerate(curves["dates"])}
    for spike in payload["spikes"]:
        first, peak = index[spike["first_spike_day"]], index[spike["peak_day"]]
        for name in ("unhedged", "hedged"):
            loss, back = ref_spike_loss(curves[name], start, first, peak)
            assert spike[f"{name}_loss_usd"] == pytest.approx(loss, abs=1e-6)
            assert spike[f"{name}_sessions_to_recover"] == back
    matched = ref_risk_matched(curves["unhedged"], curves["hedged"], start)
    if matched is None:
        assert payload["risk_matched"]["scale"] is None
    else:
        assert payload["risk_matched"]["scale"] == pytest.approx(matched[0], rel=1e-12)
        assert payload["risk_matched"]["max_drawdown_usd"] == pytest.approx(matched[1], abs=1e-6)


def test_the_demo_data_figures_recompute_from_the_equity_curves(demo_payload):
    check_figures(demo_payload)
    assert demo_payload["data"]["vvix"] and demo_payload["spikes"]
    for spike in demo_payload["spikes"]:
        assert spike["unhedged_loss_usd"] >= 0 and spike["hedged_loss_usd"] >= 0


def test_a_generated_path_figures_recompute_from_the_equity_curves(generated_payload):
    check_figures(generated_payload)


def test_the_risk_matched_row_is_defined_only_with_two_positive_returns():
    start = 100.0
    down = np.array([99.0, 98.0])
    up = np.array([101.0, 104.0])
    assert metrics.risk_matched(down, up, start).scale is None
    matched = metrics.risk_matched(np.array([90.0, 102.0]), np.array([104.0]), start)
    assert matched.scale == pytest.approx(2.0)  # more than 1: the unhedged program levered up
    assert matched.max_drawdown_usd == pytest.approx(20.0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-500.0, 500.0, allow_nan=False), min_size=1, max_size=80))
def test_drawdowns_and_cvar_match_plain_loops(steps):
    start = 10_000.0
    curve = list(np.cumsum(steps) + start)
    days = [date.fromordinal(730_000 + i) for i in range(len(curve))]
    dd = metrics.max_drawdown(np.array(curve), days, start)
    usd, pct = ref_max_drawdown(curve, start)
    assert dd.usd == pytest.approx(usd, abs=1e-6) and dd.pct == pytest.approx(pct, abs=1e-9)
    episodes = metrics.worst_drawdowns(np.array(curve), days, start)
    assert (episodes[0].usd if episodes else 0.0) == pytest.approx(usd, abs=1e-6)
    if len(curve) >= 21:
        assert metrics.cvar95_21d(np.array(curve), start) == pytest.approx(ref_cvar95_21(curve, start), abs=1e-6)


def test_round_trips_count_reversals_within_five_sessions_at_another_review_and_never_rolls():
    trades = [
        (10, "near", "sell"), (12, "near", "buy"),    # bought back 2 sessions after a sale: one
        (20, "mid", "buy"), (25, "mid", "sell"),      # sold 5 sessions after a buy: one
        (30, "long", "buy"), (36, "long", "sell"),    # 6 sessions: none
        (40, "near", "roll"), (41, "near", "roll"),   # rolls never count
        (50, "mid", "sell"), (50, "mid", "buy"),      # the same review: none
        (60, "near", "buy"), (61, "mid", "sell"),     # other tiers: none
    ]
    assert metrics.round_trips(trades) == 2


def test_a_spike_loss_runs_from_the_pre_spike_peak_to_the_trough_and_counts_sessions_to_recover():
    start = 100.0
    equity = np.array([101.0, 103.0, 102.0, 95.0, 90.0, 97.0, 103.5, 104.0])
    loss = metrics.spike_loss(equity, start, first=3, peak=4, lookback=5, after=2)
    assert (loss.peak_index, loss.trough_index, loss.loss_usd, loss.sessions_to_recover) == (1, 4, 13.0, 2)
    never = metrics.spike_loss(equity[:6], start, first=3, peak=4, lookback=5, after=2)
    assert never.sessions_to_recover is None
