"""Indicators against hand-computed values and straightforward independent loops."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from planner.rules.indicators import (
    crossovers,
    ema,
    last_crossover,
    macd,
    realized_vol,
    recent_spike,
    rolling_high,
    rolling_low,
    sma,
    wilder_rsi,
)

# A short VIX-like series: up, down, flat and up again.
CLOSES = [16.0, 17.0, 16.5, 18.0, 19.5, 18.5, 18.5, 20.0, 19.0, 17.5, 18.0, 21.0]


def test_sma_is_the_mean_of_the_last_closes_and_none_without_enough():
    assert sma(CLOSES, 4) == pytest.approx((19.0 + 17.5 + 18.0 + 21.0) / 4)
    assert sma(CLOSES, 12) == pytest.approx(sum(CLOSES) / 12)
    assert sma(CLOSES[:150], 200) is None
    assert sma([], 1) is None


def test_wilder_rsi_by_hand_on_a_three_day_window():
    # Changes: +1, -0.5, +1.5, +1.5, -1, 0, +1.5, -1, -1.5, +0.5, +3.
    # First averages (n = 3) over +1, -0.5, +1.5: gain 2.5/3, loss 0.5/3 -> RS 5 -> RSI 100 - 100/6.
    rsi = wilder_rsi(CLOSES, 3)
    assert np.isnan(rsi[:3]).all()
    assert rsi[3] == pytest.approx(100 - 100 / 6)
    # Next change +1.5: gain (2.5/3 * 2 + 1.5) / 3 = 19/18, loss (0.5/3 * 2 + 0) / 3 = 1/9 -> RS 9.5.
    assert rsi[4] == pytest.approx(100 - 100 / (1 + 9.5))
    # Then -1: gain (19/18 * 2) / 3 = 19/27, loss (1/9 * 2 + 1) / 3 = 11/27 -> RS 19/11.
    assert rsi[5] == pytest.approx(100 - 100 / (1 + 19 / 11))


def reference_rsi(closes, n):
    """Wilder's RSI as a plain loop, written from his definition."""
    out = [math.nan] * len(closes)
    gains = [max(closes[i] - closes[i - 1], 0.0) for i in range(1, len(closes))]
    losses = [max(closes[i - 1] - closes[i], 0.0) for i in range(1, len(closes))]
    avg_gain, avg_loss = sum(gains[:n]) / n, sum(losses[:n]) / n
    for i in range(n, len(closes)):
        if i > n:
            avg_gain = (avg_gain * (n - 1) + gains[i - 1]) / n
            avg_loss = (avg_loss * (n - 1) + losses[i - 1]) / n
        out[i] = 100.0 if avg_loss == 0 else 100 - 100 / (1 + avg_gain / avg_loss)
    return out


def test_wilder_rsi_14_matches_an_independent_loop_on_a_longer_series():
    rng = np.random.default_rng(3)
    closes = list(16 + np.cumsum(rng.normal(0, 0.8, 60)))
    np.testing.assert_allclose(wilder_rsi(closes, 14), reference_rsi(closes, 14), rtol=1e-12, equal_nan=True)


def test_rsi_edges_all_gains_is_100_flat_is_50_short_is_undefined():
    assert wilder_rsi([1, 2, 3, 4], 3)[-1] == 100.0
    assert wilder_rsi([5, 5, 5, 5], 3)[-1] == 50.0
    assert np.isnan(wilder_rsi([1, 2, 3], 3)).all()


def test_ema_seeds_with_the_simple_mean_then_smooths_by_hand():
    # n = 3, alpha = 0.5: seed mean(16, 17, 16.5) = 16.5; then 16.5 + 0.5 (18 - 16.5) = 17.25; 18.375.
    values = ema(CLOSES, 3)
    assert np.isnan(values[:2]).all()
    assert values[2:5].tolist() == pytest.approx([16.5, 17.25, 18.375])


def reference_macd(closes, fast, slow, signal):
    """MACD with SMA-seeded EMAs, one plain loop per average."""

    def ema_loop(values, n):
        out = [math.nan] * len(values)
        start = next(i for i, v in enumerate(values) if not math.isnan(v))
        if len(values) - start < n:
            return out
        level = sum(values[start:start + n]) / n
        out[start + n - 1] = level
        for i in range(start + n, len(values)):
            level = level + 2 / (n + 1) * (values[i] - level)
            out[i] = level
        return out

    line = [a - b for a, b in zip(ema_loop(closes, fast), ema_loop(closes, slow), strict=True)]
    sig = ema_loop(line, signal)
    return line, sig


def test_macd_small_periods_by_hand():
    # MACD(2, 3, 2) on 1, 2, 4, 8, 16: EMA2 = -, 1.5, 3.1667, 6.3889, 12.7963;
    # EMA3 = -, -, 2.3333, 5.1667, 10.5833; line from index 2: 0.8333, 1.2222, 2.2130;
    # signal (n = 2) seeded at index 3 with mean(0.8333, 1.2222) = 1.0278, then 1.0278 + 2/3 (2.2130 - 1.0278).
    result = macd([1, 2, 4, 8, 16], 2, 3, 2)
    assert result.line[2:].tolist() == pytest.approx([5 / 6, 11 / 9, 239 / 108], rel=1e-12)
    assert np.isnan(result.signal[:3]).all()
    seed = (5 / 6 + 11 / 9) / 2
    assert result.signal[3:].tolist() == pytest.approx([seed, seed + 2 / 3 * (239 / 108 - seed)], rel=1e-12)
    assert result.histogram[4] == pytest.approx(result.line[4] - result.signal[4])


def test_macd_12_26_9_matches_an_independent_loop():
    rng = np.random.default_rng(5)
    closes = list(90 + np.cumsum(rng.normal(0, 2.0, 80)))
    result = macd(closes)
    line, sig = reference_macd(closes, 12, 26, 9)
    np.testing.assert_allclose(result.line, line, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(result.signal, sig, rtol=1e-12, equal_nan=True)
    assert np.isnan(result.signal[:33]).all() and not np.isnan(result.signal[33])


def test_crossovers_mark_bullish_and_bearish_days():
    line = np.array([np.nan, -1.0, -0.5, 0.5, 1.0, 0.0, -0.2, 0.3])
    signal = np.zeros(8)
    # Touching zero at 5 is not yet a cross: it counts at 6, where the line is strictly below.
    assert crossovers(line, signal).tolist() == [0, 0, 0, 1, 0, 0, -1, 1]
    assert last_crossover(line, signal) == (7, 1)
    assert last_crossover(np.ones(4), np.zeros(4)) is None


def test_realized_vol_is_the_sample_stdev_of_log_returns_times_sqrt_252():
    closes = [5000, 5030, 4990, 5010, 5075, 5050, 5040, 5100, 5080, 5120, 5110, 5060, 5090, 5150, 5140, 5130,
              5170, 5160, 5200, 5180, 5210, 5190]
    returns = [math.log(closes[i] / closes[i - 1]) for i in range(len(closes) - 20, len(closes))]
    assert realized_vol(closes, 20) == pytest.approx(statistics.stdev(returns) * math.sqrt(252), rel=1e-12)
    assert realized_vol(closes[:20], 20) is None


def test_rolling_low_and_high_look_back_over_the_window_including_today():
    assert rolling_low(CLOSES, 3).tolist() == [16, 16, 16, 16.5, 16.5, 18, 18.5, 18.5, 18.5, 17.5, 17.5, 17.5]
    assert rolling_high(CLOSES, 3).tolist() == [16, 17, 17, 18, 19.5, 19.5, 19.5, 20, 20, 20, 19, 21]


def test_spike_at_exactly_the_threshold_counts_and_just_below_does_not():
    flat = [15.0] * 25
    assert recent_spike([*flat, 19.5, 17.0], 20, 30.0).rise_pct == pytest.approx(30.0)
    assert recent_spike([*flat, 19.49, 17.0], 20, 30.0) is None
    # A spike older than the window is forgotten.
    assert recent_spike(flat + [19.5] + [15.0] * 20, 20, 30.0) is None
    spike = recent_spike([*flat, 20.0, 17.0, 16.0], 20, 30.0)
    assert (spike.index, spike.close, spike.low) == (25, 20.0, 15.0)


def test_rolling_low_and_high_match_a_plain_loop_over_each_window():
    values = np.random.default_rng(3).normal(20.0, 5.0, 60)
    values[7] = np.nan  # a NaN close spoils the windows holding it, as numpy's min and max do
    for window in (1, 2, 5, 59, 60, 100):
        low = [values[max(0, i - window + 1):i + 1].min() for i in range(values.size)]
        high = [values[max(0, i - window + 1):i + 1].max() for i in range(values.size)]
        np.testing.assert_array_equal(rolling_low(values, window), low)
        np.testing.assert_array_equal(rolling_high(values, window), high)
    assert rolling_low([], 5).shape == (0,) and rolling_high([], 5).shape == (0,)
    with pytest.raises(ValueError, match="window"):
        rolling_low(values, 0)
