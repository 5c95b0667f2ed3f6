"""Risk engine against hand formulas and independent pricing."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from risk_books import NOW, VIX_JAN, book, condor, market, vix_call, vix_future
from scipy.stats import norm

from planner.domain import Settings
from planner.risk import analyze

SETTINGS = Settings()


def black76_call(forward, strike, years, vol, rate):
    """Textbook Black-76, written here from the formula, independent of planner.pricing."""
    d1 = (math.log(forward / strike) + 0.5 * vol * vol * years) / (vol * math.sqrt(years))
    d2 = d1 - vol * math.sqrt(years)
    return math.exp(-rate * years) * (forward * norm.cdf(d1) - strike * norm.cdf(d2))


def condor_payoff(spx, strikes, credit, qty):
    k1, k2, k3, k4 = strikes
    value = (np.maximum(k1 - spx, 0) - np.maximum(k2 - spx, 0) - np.maximum(spx - k3, 0) + np.maximum(spx - k4, 0))
    return (value + credit) * 100 * qty


def test_single_condor_expiry_curve_is_its_payoff():
    strikes, credit, qty = (5500, 5550, 6250, 6300), 6.0, 2
    report = analyze(book(condor(strikes, qty, credit)), market(), SETTINGS, at=NOW)
    curves = report.curves
    assert curves.spx.size == 401
    np.testing.assert_allclose(curves.expiry, condor_payoff(curves.spx, strikes, credit, qty), atol=1e-6)
    np.testing.assert_allclose(curves.expiry_condors, curves.expiry, atol=1e-9)


def test_condor_expiry_break_evens_and_max_loss():
    strikes, credit, qty, fees = (5500, 5550, 6250, 6325), 6.0, 3, 18.0
    report = analyze(book(condor(strikes, qty, credit, fees=fees)), market(), SETTINGS, at=NOW)
    position = report.positions[0]
    # With fees the zero crossings move by fees / (100 x qty) points inward.
    shift = fees / (100 * qty)
    assert position.break_evens_expiry == pytest.approx((5550 - credit + shift, 6250 + credit - shift), abs=1e-6)
    assert position.max_loss_usd == pytest.approx((75 - credit) * 100 * qty + fees)
    no_fees = analyze(book(condor(strikes, qty, credit)), market(), SETTINGS, at=NOW)
    assert no_fees.positions[0].break_evens_expiry == pytest.approx((5550 - credit, 6250 + credit), abs=1e-6)
    assert no_fees.break_evens_expiry == pytest.approx((5550 - credit, 6250 + credit), abs=1e-6)


def test_leg_greeks_sum_to_positions_and_totals():
    the_book = book(condor(position_id=1), condor((5400, 5450, 6350, 6400), 1, 4.0, position_id=2),
                    vix_call(position_id=10), vix_future(position_id=20))
    report = analyze(the_book, market(), SETTINGS, at=NOW)
    fields = ("delta_spx_usd", "delta_vix_usd", "delta_spx_equiv_usd", "gamma_usd", "vega_usd", "theta_usd",
              "protection_usd")
    for position in report.positions:
        for name in fields:
            assert getattr(position.greeks, name) == pytest.approx(
                sum(getattr(leg.greeks, name) for leg in position.legs), abs=1e-9)
        assert position.value_usd == pytest.approx(sum(leg.value_usd for leg in position.legs))
    for name in fields:
        book_total = getattr(report.totals["book"].greeks, name)
        assert book_total == pytest.approx(sum(getattr(p.greeks, name) for p in report.positions), abs=1e-9)
        assert book_total == pytest.approx(getattr(report.totals["condors"].greeks, name)
                                           + getattr(report.totals["hedges"].greeks, name), abs=1e-9)
    assert report.totals["book"].pnl_usd == pytest.approx(sum(p.pnl_usd for p in report.positions))


def test_matrix_cell_at_zero_move_and_todays_vix_is_todays_pnl():
    the_book = book(condor(), vix_call(), vix_future())
    report = analyze(the_book, market(), SETTINGS, at=NOW)
    m = report.matrix
    assert m.spx_moves.size == 101 and m.vix_levels.size == 62  # today's VIX 16 inserted
    assert m.spx_moves[m.spot_index] == 0.0 and m.vix_levels[m.vix_index] == 16.0
    assert m.hedged[m.vix_index, m.spot_index] == pytest.approx(report.totals["book"].pnl_usd, abs=1e-6)
    assert m.unhedged[m.vix_index, m.spot_index] == pytest.approx(report.totals["condors"].pnl_usd, abs=1e-6)
    # The today curve at today's SPX agrees too.
    centre = report.curves.spx.size // 2
    assert report.curves.today[centre] == pytest.approx(report.totals["book"].pnl_usd, abs=1e-6)


def test_vix_call_is_valued_from_its_future_not_spot_vix():
    future = 19.4
    report = analyze(book(vix_call(strike=20.0, qty=1, price=1.0, iv=0.85)),
                     market(vix=16.0, futures={VIX_JAN: future}), SETTINGS, at=NOW)
    leg = report.positions[0].legs[0]
    expected = black76_call(future, 20.0, leg.years, 0.85, 0.045)
    assert leg.mark == pytest.approx(expected, rel=1e-9)
    assert abs(leg.mark - black76_call(16.0, 20.0, leg.years, 0.85, 0.045)) > 0.3


def test_vx_future_delta_is_1000_dollars_per_point_and_protection_is_damped():
    report = analyze(book(condor(), vix_future(qty=1)), market(), SETTINGS, at=NOW)
    future = report.position(20)
    assert future.greeks.delta_vix_usd == pytest.approx(1000.0)
    years = future.legs[0].years
    assert future.greeks.protection_usd == pytest.approx(1000.0 * math.exp(-4.3 * years))
    assert future.pnl_usd == pytest.approx(0.0)  # opened at the curve's price, no fees


def test_coverage_is_protection_over_condor_vega():
    report = analyze(book(condor(), vix_call()), market(), SETTINGS, at=NOW)
    condor_vega = report.position(1).greeks.vega_usd
    assert condor_vega < 0
    assert report.condor_exposure_usd == pytest.approx(condor_vega)
    assert report.coverage_pct == pytest.approx(100 * report.hedge_protection_usd / abs(condor_vega))
    assert report.position(1).coverage_pct == pytest.approx(report.coverage_pct)


def test_linked_layer_protects_only_its_condors():
    the_book = book(condor(position_id=1), condor((5400, 5450, 6350, 6400), 2, 4.0, position_id=2),
                    vix_call(position_id=10, protects=(2,)))
    report = analyze(the_book, market(), SETTINGS, at=NOW)
    assert report.position(1).coverage_pct == pytest.approx(0.0)
    assert report.position(2).coverage_pct > 0


def test_risk_used_is_the_worst_plausible_loss_and_the_light_report_agrees():
    full = analyze(book(condor()), market(), SETTINGS, at=NOW)
    light = analyze(book(condor()), market(), SETTINGS, at=NOW, light=True)
    worst = light.plausible.position_pnl.sum(axis=0).min()
    assert light.risk_used_pct == pytest.approx(-worst / SETTINGS.equity * 100)
    # The full report's finer axis holds the light one's moves: it finds at least as large a loss.
    assert full.risk_used_pct >= light.risk_used_pct - 1e-9
    assert full.risk_cap_pct == 1.5


def test_stress_applies_each_day_to_todays_levels():
    report = analyze(book(condor(), vix_call(qty=20)), market(), SETTINGS, at=NOW)
    names = [row.name for row in report.stress]
    assert "Black Monday 1987" in names and "Volmageddon 2018" in names
    black_monday = report.stress[names.index("Black Monday 1987")]
    assert black_monday.spx == pytest.approx(5900 * (224.84 / 282.70))
    assert black_monday.vix == 16.0 * 150.19 / 36.37
    for row in report.stress:
        assert row.pnl_unhedged_usd < 0
        assert row.pnl_hedged_usd > row.pnl_unhedged_usd  # long VIX calls gain on every crash day
        assert row.loss_reduction_pct == pytest.approx(100 * (1 - row.pnl_hedged_usd / row.pnl_unhedged_usd))


def test_vix_moves_with_spx_on_the_curve():
    report = analyze(book(condor(), vix_call()), market(), SETTINGS, at=NOW)
    curves = report.curves
    assert curves.vix[0] > 16.0 > curves.vix[-1]
    # The hedge helps on the way down: book above condors alone at -20 %.
    assert curves.today[0] > curves.today_condors[0]


def test_day_pnl_against_the_previous_snapshot():
    previous = market(spx=5950.0, vix=15.0, asof=NOW.replace(day=20, hour=16))
    the_book = book(condor())
    report = analyze(the_book, market(), SETTINGS, at=NOW, previous=previous)
    then = analyze(the_book, previous, SETTINGS, at=previous.asof)
    assert report.positions[0].day_pnl_usd == pytest.approx(report.positions[0].pnl_usd - then.positions[0].pnl_usd)


def test_empty_book_gives_zeros_not_errors():
    report = analyze(book(), market(), SETTINGS, at=NOW)
    assert report.positions == () and report.coverage_pct is None and report.risk_used_pct is None
    assert report.to_json()["totals"]["book"]["pnl_usd"] == 0


def test_json_contract_has_the_documented_keys():
    payload = analyze(book(condor(), vix_call()), market(), SETTINGS, at=NOW).to_json()
    for key in ("asof", "totals", "positions", "break_evens", "coverage_pct", "risk_used_pct", "curves", "matrix",
                "stress"):
        assert key in payload
    position = payload["positions"][0]
    for key in ("id", "mark", "pnl", "delta_spx_usd", "gamma_usd", "vega_usd", "theta_usd", "break_evens",
                "max_loss"):
        assert key in position
    assert VIX_JAN.isoformat() == payload["positions"][1]["expiry"]


def test_without_the_matrix_everything_but_the_map_and_stress_equals_one_full_analysis():
    the_book = book(condor(position_id=1), condor((5400, 5450, 6350, 6400), 1, 4.0, position_id=2),
                    vix_call(position_id=10), vix_future(position_id=20))
    full = analyze(the_book, market(), SETTINGS, at=NOW, legs=False)  # leg rows compare by identity
    bare = analyze(the_book, market(), SETTINGS, at=NOW, legs=False, matrix=False)
    assert bare.matrix is None and bare.stress == ()
    assert full.matrix is not None and full.stress
    assert bare.risk_used_pct is not None and bare.risk_used_pct > 0  # risk used does not need the map
    assert replace(bare, matrix=full.matrix, stress=full.stress) == replace(full, curves=bare.curves,
                                                                            plausible=bare.plausible)
    np.testing.assert_array_equal(bare.curves.today, full.curves.today)
    assert [p.risk_used_pct for p in bare.positions] == [p.risk_used_pct for p in full.positions]


def test_light_mode_keeps_what_loops_read():
    the_book = book(condor(strikes=(5500, 5550, 6250, 6300), credit=6.0), vix_call())
    full = analyze(the_book, market(), SETTINGS, at=NOW)
    light = analyze(the_book, market(), SETTINGS, at=NOW, light=True)
    assert light.curves is None and light.stress == ()
    assert light.matrix.spx_moves.size < full.matrix.spx_moves.size
    assert light.risk_used_pct == pytest.approx(full.risk_used_pct, rel=0.05)  # coarser grid, same worst corner
    assert light.positions[0].break_evens_expiry == (5544.0, 6256.0)
    assert light.coverage_pct == pytest.approx(full.coverage_pct)
    assert light.totals["book"].pnl_usd == pytest.approx(full.totals["book"].pnl_usd)
    assert [p.greeks for p in light.positions] == [p.greeks for p in full.positions]
    assert all(p.legs == () for p in light.positions) and all(p.legs for p in full.positions)


def test_without_legs_only_the_leg_rows_are_missing():
    the_book = book(condor(strikes=(5500, 5550, 6250, 6300), credit=6.0), vix_call())
    full = analyze(the_book, market(), SETTINGS, at=NOW)
    bare = analyze(the_book, market(), SETTINGS, at=NOW, legs=False)
    assert all(p.legs == () for p in bare.positions)
    assert [replace(p, legs=()) for p in full.positions] == list(bare.positions)
    assert bare.totals == full.totals and bare.break_evens_today == full.break_evens_today


def test_leg_rows_read_from_several_threads_at_once_are_the_same_rows():
    """Leg rows are built when first read; the window's worker and GUI threads may both read them."""
    import threading

    the_book = book(condor(strikes=(5500, 5550, 6250, 6300), credit=6.0), vix_call())
    report = analyze(the_book, market(), SETTINGS, at=NOW)
    start, seen = threading.Barrier(4), []

    def read():
        start.wait()
        seen.append([tuple(p.legs) for p in report.positions])

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = [tuple(p.legs) for p in analyze(the_book, market(), SETTINGS, at=NOW).positions]
    assert seen == [expected] * 4
    assert [len(p.legs) for p in report.positions] == [4, 1]  # a condor and a single VIX call


def test_group_minima_refuses_indices_outside_the_grid():
    from planner.pricing import _kernel

    if _kernel.NATIVE is None:
        pytest.skip("the compiled kernels (planner/pricing/_native.c) are not built")
    values, out = np.zeros((3, 2, 4)), np.empty((1, 2))
    with pytest.raises(ValueError, match="index out of range"):
        _kernel.NATIVE.group_minima(values, 2, np.array([0, 1]), np.array([3]), np.array([1.0]), out)
    with pytest.raises(ValueError, match="rows"):
        _kernel.NATIVE.group_minima(values, 3, np.array([0, 1]), np.array([0]), np.array([1.0]), np.empty((1, 3)))


def test_a_book_layout_holds_each_contract_once_in_read_only_arrays():
    from planner.risk.contracts import build_contracts

    # Two condors on the same strikes and IV share their four contracts; the VIX call is the fifth.
    positions = (condor(qty=2, position_id=1), condor(qty=1, position_id=2), vix_call(qty=5))
    table = build_contracts(positions, market(), SETTINGS, NOW)
    assert table.size == 5
    np.testing.assert_array_equal(table.weights, [[200, -200, -200, 200, 0], [100, -100, -100, 100, 0],
                                                  [0, 0, 0, 0, 500]])
    with pytest.raises(ValueError):
        table.weights[0, 0] = 1.0  # shared by every table made from the layout: read-only
    assert build_contracts(positions, market(spx=6000.0), SETTINGS, NOW).size == 5


def test_analysing_other_books_in_between_changes_nothing():
    """No cache a second book could evict or confuse: the same book gives the same report after 40 others."""
    the_book = book(condor(), vix_call(), vix_future())
    first = analyze(the_book, market(), SETTINGS, at=NOW)
    for k in range(40):
        analyze(book(condor(strikes=(5400 + k, 5450 + k, 6300, 6350), credit=5.0)), market(), SETTINGS, at=NOW,
                light=True)
    again = analyze(the_book, market(), SETTINGS, at=NOW)
    assert again.to_json() == first.to_json()
