"""The seeded regime-switching generator: deterministic, realistic, and readable as Cboe files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from planner.app.backtest import read_closes, write_demo_files
from planner.backtest.generator import GeneratorSettings, crash_shocks, generate


def test_same_seed_same_path_and_another_seed_another():
    first, again, other = generate(11, 2.0), generate(11, 2.0), generate(12, 2.0)
    assert first.dates == again.dates
    assert np.array_equal(first.spx, again.spx) and np.array_equal(first.vix, again.vix)
    assert not np.array_equal(first.vix, other.vix)
    assert first.name == "generated path, seed 11, 2 years"


def test_ten_years_look_like_the_index_and_its_volatility():
    path = generate(7, 10.0)
    returns = np.diff(np.log(path.spx))
    assert 2500 < len(path) < 2530  # NYSE sessions
    assert path.vix.min() >= 9.0 and path.vix.max() <= 90.0
    assert 13.0 < np.median(path.vix) < 22.0  # VIX has spent most of its history in the teens
    assert 0.10 < returns.std() * np.sqrt(252) < 0.30
    assert returns.min() < -0.04  # jumps happen
    assert (path.vix > 30).mean() < 0.2  # stress is the exception
    # VIX rises when SPX falls.
    assert np.corrcoef(returns, np.diff(np.log(path.vix)))[0, 1] < -0.5
    assert np.isfinite(path.vvix).all() and path.vvix.min() >= 55 and path.vvix.max() <= 210


def test_a_calm_only_market_has_no_jumps_and_a_scripted_crash_moves_vix_by_the_jump_response():
    calm = generate(3, 1.0, GeneratorSettings().calm_only())
    assert np.diff(np.log(calm.spx)).min() > -0.035
    crashed = generate(3, 1.0, GeneratorSettings().calm_only(), shocks=crash_shocks(100, 4.0, 1))
    assert np.array_equal(calm.spx[:100], crashed.spx[:100])
    assert round(crashed.spx[100] / crashed.spx[99], 4) == 0.96
    # The crash day's VIX: the day's mean reversion, then b = 11.3 (20 / VIX) ** 1.37 on the SPX fall.
    vix0 = crashed.vix[99]
    response_only = vix0 * math.exp(-11.3 * (20.0 / vix0) ** 1.37 * math.log(0.96))
    assert abs(crashed.vix[100] / response_only - 1.0) < 0.03


def test_the_generator_does_not_use_the_risk_engines_spot_vol_model():
    import planner.backtest.generator as generator

    assert "spot_vol" not in Path(generator.__file__).read_text()  # its own documented jump response


def test_demo_files_are_cboe_history_files_the_import_reads_back(tmp_path):
    written = write_demo_files(tmp_path, 5, 1.0)
    assert [p.name for p in written] == ["SPX_History.csv", "VIX_History.csv", "VVIX_History.csv"]
    assert written[0].read_text().splitlines()[:2] == ["DATE,OPEN,HIGH,LOW,CLOSE",
                                                       "01/02/2015,2050.0,2050.0,2050.0,2050.0"]
    assert written[2].read_text().splitlines()[0] == "DATE,VVIX"
    path = generate(5, 1.0)
    for file, role, values in zip(written, ("SPX", "VIX", "VVIX"), (path.spx, path.vix, path.vvix), strict=True):
        closes = read_closes(str(file), role)
        assert [d for d, _ in closes] == list(path.dates)
        assert np.allclose([c for _, c in closes], values)


def test_spikes_give_back_part_of_their_rise_within_days_and_vvix_moves_with_vix():
    # Real VIX: after a one-day rise of 20 % or more, about 10 % lower three sessions later (docs/model.md).
    after, correlations = [], []
    for seed in range(1, 7):
        path = generate(seed, 10.0)
        vix = path.vix
        jumps = np.flatnonzero(vix[1:-3] / vix[:-4] >= 1.2) + 1
        after.extend(vix[jumps + 3] / vix[jumps] - 1)
        correlations.append(np.corrcoef(np.diff(np.log(vix)), np.diff(np.log(path.vvix)))[0, 1])
    assert len(after) > 30
    assert -0.16 < np.mean(after) < -0.05
    assert min(correlations) > 0.6  # real: a median 20-day correlation of 0.81 (2007-2020)
