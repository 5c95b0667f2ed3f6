"""``planner backtest``: the JSON's shape, stdout carrying nothing else, progress on stderr, bad input."""

from __future__ import annotations

import io
import json

import pytest

from planner.app.backtest import write_demo_files
from planner.cli import run


def cli(*argv: str, db) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([*argv, "--db", str(db)], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    return write_demo_files(tmp_path_factory.mktemp("demo"), 5, 1.0)


def test_json_has_both_runs_the_reduction_and_the_spikes_and_nothing_else_on_stdout(tmp_path, capsys):
    code, out, err = cli("backtest", "--generate", "3", "--years", "0.4", "--json", db=tmp_path / "book.db")
    progress = capsys.readouterr()
    assert (code, err) == (0, "")
    payload = json.loads(out)  # the whole of stdout is one JSON document
    assert out.count("\n") == 1
    for run_name in ("unhedged", "hedged"):
        figures = payload[run_name]
        assert isinstance(figures["max_drawdown"], float) and figures["max_drawdown"] >= 0
        assert 0 <= figures["max_drawdown_pct"] < 100
        for key in ("return_pct", "hedge_cost_pct_of_credit", "worst_month", "credit_collected", "exits"):
            assert key in figures
    unhedged, hedged = payload["unhedged"]["max_drawdown"], payload["hedged"]["max_drawdown"]
    assert payload["drawdown_reduction_pct"] == pytest.approx(100 * (1 - hedged / unhedged))
    assert isinstance(payload["spikes"], list)
    assert payload["data"]["name"] == "generated path, seed 3, 0.4 years"
    assert "backtest" in progress.err and "100 %" in progress.err and progress.out == ""


def test_files_with_dates_and_program_knobs_in_text(tmp_path, demo_files, capsys):
    spx, vix, vvix = (str(p) for p in demo_files)
    code, out, err = cli("backtest", "--spx", spx, "--vix", vix, "--vvix", vvix, "--from", "2015-03-02",
                         "--to", "2015-07-31", "--entry-every", "10", "--profit-target", "50", db=tmp_path / "b.db")
    assert (code, err) == (0, ""), err
    folder = demo_files[0].parent.as_posix()
    assert f"Backtest on SPX_History.csv + VIX_History.csv + VVIX_History.csv in {folder}: 2015-03-02 to " \
        "2015-07-31" in out
    assert "max drawdown $" in out and "max drawdown reduction" in out
    assert "backtest" not in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "words"), [
    (("backtest", "--spx", "nowhere.csv"), "--spx/--vix must both name a file"),
    (("backtest", "--generate", "1", "--spx", "a.csv"), "--generate replaces --spx"),
    (("backtest", "--generate", "1", "--years", "0"), "--years must be between 0 and 60 years"),
    (("backtest", "--generate", "1", "--years", "1", "--delta", "0.7"), "short-delta must be between"),
    (("backtest", "--spx", "a.csv", "--vix", "b.csv"), "--spx must name an existing file"),
    (("backtest", "--generate", "1", "--from", "2015-06-01", "--to", "2015-01-01"), "--from must not be after"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_code_2(tmp_path, argv, words):
    code, out, err = cli(*argv, "--json", db=tmp_path / "book.db")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and words in err and err.count("\n") == 1


def test_the_books_stored_vx_settlements_reach_a_file_backtest(demo_files, tmp_path):
    from datetime import date

    from planner.app import Workspace
    from planner.app.backtest import BacktestOptions, load_path

    spx, vix = (str(p) for p in demo_files[:2])
    book = tmp_path / "book.db"
    vx = tmp_path / "VX_2030-01-16.csv"
    path, _ = load_path(BacktestOptions(spx=spx, vix=vix))
    first = path.dates[0]
    vx.write_text(f"Trade Date,Futures,Open,High,Low,Close,Settle\n{first.isoformat()},F (Jan 2030),0,0,0,0,21.5\n",
                  encoding="utf-8")
    assert cli("history", "import", str(vx), db=book)[0] == 0
    with Workspace.open(book) as ws:
        curves = ws.vx_settlement_curves()
    assert curves == {first: {date(2030, 1, 16): 21.5}}
    assert path.vx_settlements is None
    assert load_path(BacktestOptions(spx=spx, vix=vix), curves)[0].vx_settlements == curves
