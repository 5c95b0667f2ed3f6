"""The spot-vol model against the historical shocks DOMAIN.md lists."""

import numpy as np
import pytest

from planner.domain import Settings
from planner.risk.spot_vol import dvix_dspx, futures_damping, term_structure_future, vix_after_spx_move

# (SPX before, SPX after, VIX before, VIX actually after): real closes.
SHOCKS = [
    ("24 Aug 2015", 1970.89, 1893.21, 28.03, 40.74),
    ("5 Feb 2018", 2762.13, 2648.94, 17.31, 37.32),
    ("16 Mar 2020", 2711.02, 2386.13, 57.83, 82.69),
    ("5 Aug 2024", 5346.56, 5186.33, 23.39, 38.57),
]


@pytest.mark.parametrize(("day", "spx0", "spx1", "vix0", "vix1"), SHOCKS)
def test_model_reproduces_real_shocks_within_eleven_percent(day, spx0, spx1, vix0, vix1):
    modelled = float(vix_after_spx_move(spx1, spx0, vix0, Settings()))
    assert abs(modelled / vix1 - 1) <= 0.11, f"{day}: model {modelled:.2f} vs real {vix1}"


@pytest.mark.parametrize(
    ("spx0", "spx1", "vix0", "expected"),
    # The "model" column of DOMAIN.md's table, to its one decimal.
    [(1970.89, 1893.21, 28.03, 41.3), (2762.13, 2648.94, 17.31, 39.8),
     (2711.02, 2386.13, 57.83, 87.6), (5346.56, 5186.33, 23.39, 34.4)],
)
def test_model_column_of_the_domain_table(spx0, spx1, vix0, expected):
    assert float(vix_after_spx_move(spx1, spx0, vix0, Settings())) == pytest.approx(expected, abs=0.05)


def test_up_moves_use_a_third_of_the_beta_and_vix_stays_in_bounds():
    settings = Settings()
    down = float(vix_after_spx_move(5900 * 0.99, 5900, 20.0, settings))
    up = float(vix_after_spx_move(5900 / 0.99, 5900, 20.0, settings))
    assert np.log(down / 20) == pytest.approx(3 * -np.log(up / 20))
    assert float(vix_after_spx_move(100.0, 5900, 20.0, settings)) == 150.0
    assert float(vix_after_spx_move(59000.0, 5900, 20.0, settings)) == 9.0


def test_futures_damping_matches_the_documented_points():
    damping = futures_damping(np.array([30, 60, 90]) / 365, Settings())
    assert damping == pytest.approx([0.70, 0.49, 0.34], abs=0.01)  # DOMAIN rounds to 2 places


def test_term_structure_is_mean_reverting():
    assert float(term_structure_future(0.0, 30.0, Settings())) == pytest.approx(30.0)
    assert float(term_structure_future(5.0, 30.0, Settings())) == pytest.approx(20.0, abs=1e-6)


def test_dvix_dspx_is_the_local_slope_of_the_down_move():
    settings = Settings()
    step = 0.01
    numeric = (float(vix_after_spx_move(5900 - step, 5900, 18.0, settings)) - 18.0) / -step
    assert dvix_dspx(5900, 18.0, settings) == pytest.approx(numeric, rel=1e-4)
