"""The VIX response to an SPX move: its shape, its fit to DOMAIN.md's episodes, and the futures' damping."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.domain import Settings
from planner.risk.spot_vol import futures_damping, term_structure_future
from planner.risk.vix_response import dvix_dspx, vix_central, vix_response

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = Settings()
UNCAPPED = Settings(vix_cap=1e9)  # the shape of the response itself, before the cap clips it
falls = st.floats(0.001, 0.45)
levels = st.floats(9.0, 80.0)
sessions = st.floats(1.0, 250.0)


def _fit_tool():
    spec = importlib.util.spec_from_file_location("fit_vix_response", ROOT / "tools" / "fit_vix_response.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@given(falls, falls, levels, sessions)
def test_a_larger_fall_never_gives_a_lower_vix_and_a_rise_never_a_higher_one(a, b, vix0, n):
    small, large = sorted((a, b))
    assert vix_central(1 - large, 1.0, vix0, n, SETTINGS) >= vix_central(1 - small, 1.0, vix0, n, SETTINGS)
    assert vix_central(1 + large, 1.0, vix0, n, SETTINGS) <= vix_central(1 + small, 1.0, vix0, n, SETTINGS)


def test_the_response_saturates_twice_the_fall_lifts_log_vix_less_than_twice():
    settings = Settings(vix_cap=1e9)
    for move in (0.02, 0.05, 0.10, 0.20):
        once = np.log(vix_central(1 - move, 1.0, 16.5, 1, settings) / 16.5)
        twice = np.log(vix_central((1 - move) ** 2, 1.0, 16.5, 1, settings) / 16.5)
        assert once < twice < 2 * once
    # Bounded: no fall lifts ln VIX by more than a s (ref / VIX0)^p.
    bound = SETTINGS.vix_response_slope * SETTINGS.vix_response_saturation * (20 / 16.5) ** 0.56
    assert np.log(vix_central(1e-9, 1.0, 16.5, 1, settings) / 16.5) == pytest.approx(bound, rel=1e-6)


@given(st.floats(-0.45, 0.45), levels, sessions)
def test_the_band_is_ordered_and_holds_the_central_path(move, vix0, n):
    path = vix_response(1 + move, 1.0, vix0, n, SETTINGS)
    assert SETTINGS.vix_floor <= path.low <= path.central <= path.high <= SETTINGS.vix_cap
    if SETTINGS.vix_floor < path.central < SETTINGS.vix_cap:
        assert path.low < path.central < path.high  # a band, not a line


@given(st.floats(0.005, 0.45), levels, levels, sessions)
def test_a_higher_vix_rises_by_a_smaller_factor(move, a, b, n):
    calm, stressed = sorted((a, b))
    if stressed - calm < 1e-6:
        return
    factor_calm = vix_central(1 - move, 1.0, calm, n, SETTINGS) / calm
    factor_stressed = vix_central(1 - move, 1.0, stressed, n, SETTINGS) / stressed
    if vix_central(1 - move, 1.0, calm, n, SETTINGS) < SETTINGS.vix_cap:
        assert factor_stressed < factor_calm


@given(st.floats(0.005, 0.45), levels, sessions, sessions)
def test_the_same_fall_over_more_sessions_lifts_vix_less(move, vix0, a, b):
    quick, slow = sorted((a, b))
    if slow - quick < 1e-6:
        return
    assert vix_central(1 - move, 1.0, vix0, slow, UNCAPPED) < vix_central(1 - move, 1.0, vix0, quick, UNCAPPED)


def test_at_vix_16_5_a_ten_percent_day_and_a_twenty_percent_month_stay_plausible():
    assert float(vix_central(0.90, 1.0, 16.5, 1, SETTINGS)) < 80.0
    assert float(vix_central(0.80, 1.0, 16.5, 21, SETTINGS)) < 90.0
    # The starting point: the old model had VIX 25 at -2 %, 50 at -5 % and the 150 cap at -10 %.
    assert float(vix_central(0.98, 1.0, 16.5, 1, SETTINGS)) < 22.0
    assert float(vix_central(0.95, 1.0, 16.5, 1, SETTINGS)) < 30.0


def test_no_fall_of_up_to_25_percent_from_vix_30_or_less_reaches_the_cap():
    moves = np.linspace(0.0, 0.25, 101)
    for vix0 in np.linspace(SETTINGS.vix_floor, 30.0, 85):
        for n in (1, 5, 21, 195):
            assert vix_central(1 - moves, 1.0, vix0, n, SETTINGS).max() < SETTINGS.vix_cap


def test_every_domain_episode_within_30_percent_and_ten_inside_the_band():
    tool = _fit_tool()
    table, within, inside = tool.fit_table(SETTINGS)
    assert within == 12 and inside >= 10
    # docs/model.md shows exactly what the script prints for the shipped defaults.
    assert table in (ROOT / "docs" / "model.md").read_text()


def test_futures_damping_matches_the_documented_points():
    damping = futures_damping(np.array([30, 60, 90]) / 365, SETTINGS)
    assert damping == pytest.approx([0.70, 0.49, 0.34], abs=0.01)  # DOMAIN rounds to 2 places


def test_term_structure_is_mean_reverting():
    assert float(term_structure_future(0.0, 30.0, SETTINGS)) == pytest.approx(30.0)
    assert float(term_structure_future(5.0, 30.0, SETTINGS)) == pytest.approx(20.0, abs=1e-6)


def test_dvix_dspx_is_the_local_slope_of_a_one_session_fall():
    step = 0.01
    numeric = (float(vix_central(5900 - step, 5900, 18.0, 1, SETTINGS)) - 18.0) / -step
    assert dvix_dspx(5900, 18.0, SETTINGS) == pytest.approx(numeric, rel=1e-4)


def test_old_beta_settings_carry_over_when_chosen_and_give_way_to_the_fit_when_default():
    chosen = Settings.from_dict({"beta_scale": 12.0, "beta_exponent": 1.5, "beta_up_fraction": 0.5,
                                 "beta_ref_vix": 20.0})
    assert chosen.vix_response_slope == 12.0 and chosen.vix_response_up_fraction == 0.5
    assert chosen.vix_response_level_exponent == Settings().vix_response_level_exponent
    defaults = Settings.from_dict({"beta_scale": 16.0, "beta_ref_vix": 20.0, "beta_exponent": 1.5,
                                   "beta_up_fraction": 1 / 3})
    assert defaults == Settings()
