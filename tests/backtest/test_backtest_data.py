"""Closes from the user's files lined up on the NYSE calendar, every gap and holiday reported."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from planner import calendars
from planner.app.backtest import read_closes
from planner.backtest.data import align
from planner.domain.errors import InputError

SESSIONS = calendars.spx_daily_expirations(date(2024, 1, 2), date(2024, 3, 28))
MLK_DAY, SATURDAY = date(2024, 1, 15), date(2024, 1, 13)
SPX_MISSING = (date(2024, 1, 10), date(2024, 1, 11))
BOTH_MISSING = date(2024, 2, 7)


def series(level: float, skip=()) -> list[tuple[date, float]]:
    return [(d, level + i) for i, d in enumerate(SESSIONS) if d not in skip]


def test_holidays_weekends_and_gaps_are_handled_and_reported():
    spx = series(4700.0, skip=(*SPX_MISSING, BOTH_MISSING))
    vix = [*series(13.0, skip=(BOTH_MISSING,)), (MLK_DAY, 14.0), (SATURDAY, 14.5)]
    vvix = [(d, 90.0) for d in SESSIONS if d >= date(2024, 2, 1)]
    path, report = align({"SPX": spx, "VIX": sorted(vix), "VVIX": vvix}, name="test files")

    assert BOTH_MISSING not in path.dates and MLK_DAY not in path.dates and SATURDAY not in path.dates
    assert len(path) == len(SESSIONS) - 1 == report.sessions
    assert report.not_sessions == {"VIX": (SATURDAY, MLK_DAY)}
    assert report.carried["SPX"] == SPX_MISSING and report.longest_carry["SPX"] == 2
    assert report.skipped == (BOTH_MISSING,)
    # A carried close is the previous session's.
    before = path.dates.index(SPX_MISSING[0]) - 1
    assert path.spx[before + 1] == path.spx[before + 2] == path.spx[before]
    # VVIX only where its file has it; no carrying before its first close.
    assert np.isnan(path.vvix[path.dates.index(date(2024, 1, 31))])
    assert path.vvix_at(path.dates.index(date(2024, 2, 1))) == 90.0
    assert report.vvix_sessions == sum(1 for d in path.dates if d >= date(2024, 2, 1))
    text = "\n".join(report.lines())
    for words in ("weekends or holidays dropped", "2024-01-13", "previous close carried", "2024-02-07",
                  "in neither SPX nor VIX skipped"):
        assert words in text
    assert report.to_json()["skipped"] == ["2024-02-07"]


def test_the_path_covers_only_the_days_both_series_share_and_the_chosen_range():
    spx = series(4700.0)
    vix = [(d, c) for d, c in series(13.0) if d >= date(2024, 1, 22)]
    path, report = align({"SPX": spx, "VIX": vix}, name="x")
    assert path.dates[0] == date(2024, 1, 22) and report.outside == {"SPX": 13}
    assert not path.has_vvix and "no VVIX" in report.lines()[0]
    chosen, chosen_report = align({"SPX": spx, "VIX": vix}, name="x", start=date(2024, 2, 1), end=date(2024, 3, 15))
    assert (chosen.dates[0], chosen.dates[-1]) == (date(2024, 2, 1), date(2024, 3, 15))
    assert chosen_report.outside == {"SPX": 13}  # what --from/--to leaves out is the user's choice, not reported


def test_a_long_hole_is_refused_with_its_dates():
    hole = tuple(SESSIONS[30:37])
    with pytest.raises(InputError) as caught:
        align({"SPX": series(4700.0), "VIX": series(13.0, skip=hole)}, name="x")
    assert caught.value.field == "--vix" and str(hole[0]) in str(caught.value)
    with pytest.raises(InputError, match="--spx must hold daily SPX closes"):
        align({"VIX": series(13.0)}, name="x")
    with pytest.raises(InputError, match="at least 30 sessions"):
        align({"SPX": series(4700.0), "VIX": series(13.0)}, name="x", end=date(2024, 1, 20))


def test_files_are_read_with_the_history_import_parser(tmp_path):
    cboe = tmp_path / "prices.csv"  # Cboe layout, a name that says nothing: taken as the role asked for
    cboe.write_text("DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2024,1,1,1,4742.83\n01/03/2024,1,1,1,4704.81\n")
    assert read_closes(str(cboe), "SPX") == [(date(2024, 1, 2), 4742.83), (date(2024, 1, 3), 4704.81)]
    generic = tmp_path / "closes.csv"
    generic.write_text("date,symbol,close\n2024-01-02,SPX,4742.83\n2024-01-02,VIX,13.2\n2024-01-03,VIX,14.04\n")
    assert read_closes(str(generic), "VIX") == [(date(2024, 1, 2), 13.2), (date(2024, 1, 3), 14.04)]
    vix_file = tmp_path / "VIX_History.csv"
    vix_file.write_text("DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2024,1,1,1,13.2\n")
    with pytest.raises(InputError, match="--spx must hold SPX closes"):
        read_closes(str(vix_file), "SPX")
    with pytest.raises(InputError, match="--vvix must name an existing file"):
        read_closes(str(tmp_path / "missing.csv"), "VVIX")
    bad = tmp_path / "bad.csv"
    bad.write_text("DATE,OPEN,HIGH,LOW,CLOSE\n13/45/2024,1,1,1,13.2\n")
    with pytest.raises(InputError, match="line 2"):
        read_closes(str(bad), "VIX")
