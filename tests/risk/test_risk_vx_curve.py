"""The VX curve: contango in calm markets, backwardation in spikes, stored settlements first."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from planner.domain import Settings
from planner.risk.spot_vol import term_structure_future
from planner.risk.vx_curve import day_futures, modelled_futures

MONTH = 1 / 12


def test_calm_contango_of_a_few_percent_a_month_and_vix_10_no_longer_gives_18_8_at_six_months():
    curve = modelled_futures(np.arange(0, 7) * MONTH, 12.0, Settings())
    monthly = curve[1:] / curve[:-1] - 1
    assert np.all(monthly > 0.02) and np.all(monthly < 0.10)  # rising, 2-10 % a month (published: 3-10 %)
    six_months = float(term_structure_future(0.5, 10.0, Settings()))
    assert 14.0 < six_months < 17.0  # the old F = m + (VIX - m) exp(-4.3 T) gave 18.8


def test_spike_backwardation_the_front_future_well_under_spot():
    curve = modelled_futures(np.array([0.0, MONTH, 3 * MONTH, 6 * MONTH]), 40.0, Settings())
    assert np.all(np.diff(curve) < 0) and curve[1] < 0.85 * 40.0 and curve[-1] > 20.0


def test_stored_settlements_win_and_a_missing_or_zero_one_falls_back_to_the_model():
    day, expiries = date(2018, 2, 5), [date(2018, 2, 14), date(2018, 3, 21), date(2018, 4, 18)]
    years = np.array([9, 44, 72]) / 365
    stored = {day: {expiries[0]: 33.3, expiries[1]: 0.0}}
    futures = day_futures(day, expiries, years, 37.32, Settings(), stored)
    model = modelled_futures(years, 37.32, Settings())
    assert futures[0] == 33.3 and futures[1] == pytest.approx(model[1]) and futures[2] == pytest.approx(model[2])
    assert np.array_equal(day_futures(date(2018, 2, 6), expiries, years, 37.32, Settings(), stored),
                          modelled_futures(years, 37.32, Settings()))
