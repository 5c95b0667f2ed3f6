"""Daily closes lined up on the NYSE calendar, with every gap and holiday reported.

Input: (date, close) pairs per symbol, as ``planner.app.history_import``
parses them from the user's files (Cboe ``DATE,OPEN,HIGH,LOW,CLOSE`` or
``date,symbol,close``); this module reads no files, so the one parser stays
the app's. Output: a ``MarketPath`` with one row per session from the first
to the last day both SPX and VIX have, and a ``DataReport`` saying what was
done to get there:

* a close dated on a weekend or an exchange holiday is dropped (no session to
  trade it on);
* a session one series lacks takes that series' previous close (carried
  forward, so the day is flat for it), up to ``max_gap_sessions`` in a row; a
  longer hole is refused with the dates, because weeks of carried closes would
  show a calm market that never was;
* a session both SPX and VIX lack is skipped;
* VVIX is optional: inside its own first..last range gaps are carried
  forward like the others, outside it the row has NaN and the model estimates
  VVIX from VIX (``risk.vix_option_vol``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from planner import calendars
from planner.domain.errors import InputError
from planner.risk.vx_curve import VxSettlements

REQUIRED = ("SPX", "VIX")
OPTIONAL = ("VVIX",)
DEFAULT_MAX_GAP_SESSIONS = 5
MIN_SESSIONS = 30  # fewer closes than this cannot hold even one condor from entry to exit


@dataclass(frozen=True, eq=False)
class MarketPath:
    """Aligned closes, oldest first, one row per NYSE session.

    spx, vix: closes in index points; vvix: VVIX in points, NaN where unknown.
    name: what the data is (a file name, or the generator's seed), for titles.
    vx_settlements: stored Cboe VX settlements when the book has them, trade date ->
    {expiry: settlement}; the backtest prices those futures (and the options on them) there.
    """

    name: str
    dates: tuple[date, ...]
    spx: np.ndarray
    vix: np.ndarray
    vvix: np.ndarray
    vx_settlements: VxSettlements | None = None

    def __post_init__(self) -> None:
        sizes = {len(self.dates), self.spx.size, self.vix.size, self.vvix.size}
        if len(sizes) != 1:
            raise InputError("path", "must have one SPX, VIX and VVIX value per date", sorted(sizes))

    def __len__(self) -> int:
        return len(self.dates)

    @property
    def has_vvix(self) -> bool:
        return bool(np.isfinite(self.vvix).any())

    def vvix_at(self, index: int) -> float | None:
        value = float(self.vvix[index])
        return value if np.isfinite(value) else None

    def between(self, start: date | None, end: date | None) -> MarketPath:
        """The rows from ``start`` to ``end`` inclusive (either may be None)."""
        keep = [i for i, d in enumerate(self.dates) if (start is None or d >= start) and (end is None or d <= end)]
        if not keep:
            raise InputError("--from/--to", "must overlap the data", f"{start} .. {end}")
        low, high = keep[0], keep[-1] + 1
        return MarketPath(self.name, self.dates[low:high], self.spx[low:high], self.vix[low:high],
                          self.vvix[low:high], self.vx_settlements)

    def rows(self) -> list[tuple[date, str, float]]:
        """(date, symbol, close) rows, the shape the history import and the rules read."""
        found = []
        for i, day in enumerate(self.dates):
            found.append((day, "SPX", float(self.spx[i])))
            found.append((day, "VIX", float(self.vix[i])))
            if np.isfinite(self.vvix[i]):
                found.append((day, "VVIX", float(self.vvix[i])))
        return found


@dataclass(frozen=True)
class DataReport:
    """What aligning the files did. Dates are sessions unless said otherwise.

    not_sessions: per symbol, closes dated on a weekend or holiday (dropped).
    carried: per symbol, sessions with no close of their own (previous close used).
    skipped: sessions neither SPX nor VIX had (left out of the path).
    outside: per symbol, closes before the first or after the last day SPX and VIX share.
    longest_carry: per symbol, the longest run of carried sessions.
    """

    first: date
    last: date
    sessions: int
    not_sessions: dict[str, tuple[date, ...]] = field(default_factory=dict)
    carried: dict[str, tuple[date, ...]] = field(default_factory=dict)
    skipped: tuple[date, ...] = ()
    outside: dict[str, int] = field(default_factory=dict)
    longest_carry: dict[str, int] = field(default_factory=dict)
    vvix_sessions: int = 0

    @property
    def clean(self) -> bool:
        return not (any(self.not_sessions.values()) or any(self.carried.values()) or self.skipped)

    def lines(self) -> list[str]:
        """One sentence per finding, for the command line and the window."""
        vvix = f"; VVIX on {self.vvix_sessions}" if self.vvix_sessions else "; no VVIX (estimated from VIX)"
        out = [f"{self.sessions} sessions from {self.first} to {self.last}" + vvix]
        for symbol, days in self.not_sessions.items():
            if days:
                out.append(f"{symbol}: {len(days)} close(s) on weekends or holidays dropped ({_sample(days)})")
        for symbol, days in self.carried.items():
            if days:
                out.append(f"{symbol}: {len(days)} session(s) missing, previous close carried "
                           f"({_sample(days)}; longest run {self.longest_carry.get(symbol, 0)})")
        if self.skipped:
            out.append(f"{len(self.skipped)} session(s) in neither SPX nor VIX skipped ({_sample(self.skipped)})")
        for symbol, count in self.outside.items():
            if count:
                out.append(f"{symbol}: {count} close(s) outside the common range left out")
        return out

    def to_json(self) -> dict:
        return {
            "first": self.first.isoformat(), "last": self.last.isoformat(), "sessions": self.sessions,
            "vvix_sessions": self.vvix_sessions,
            "not_sessions": {s: [d.isoformat() for d in days] for s, days in self.not_sessions.items()},
            "carried": {s: [d.isoformat() for d in days] for s, days in self.carried.items()},
            "longest_carry": dict(self.longest_carry),
            "skipped": [d.isoformat() for d in self.skipped],
            "outside": dict(self.outside),
            "notes": self.lines(),
        }


def _sample(days: tuple[date, ...], count: int = 3) -> str:
    shown = ", ".join(d.isoformat() for d in days[:count])
    return shown + (f" and {len(days) - count} more" if len(days) > count else "")


def closes_by_symbol(rows: Iterable[tuple[date, str, float]]) -> dict[str, list[tuple[date, float]]]:
    """Group (date, symbol, close) rows by upper-case symbol."""
    grouped: dict[str, list[tuple[date, float]]] = {}
    for day, symbol, close in rows:
        grouped.setdefault(str(symbol).upper(), []).append((day, float(close)))
    return grouped


def align(
    closes: Mapping[str, Iterable[tuple[date, float]]],
    *,
    name: str,
    start: date | None = None,
    end: date | None = None,
    max_gap_sessions: int = DEFAULT_MAX_GAP_SESSIONS,
    vx_settlements: VxSettlements | None = None,
) -> tuple[MarketPath, DataReport]:
    """Line SPX, VIX and (optional) VVIX closes up on the sessions both SPX and VIX cover.

    vx_settlements: stored VX settlements (trade date -> {expiry: price}), carried by the path.
    """
    series = {s: dict(sorted(closes.get(s, ()))) for s in (*REQUIRED, *OPTIONAL)}
    for symbol in REQUIRED:
        if not series[symbol]:
            raise InputError(f"--{symbol.lower()}", f"must hold daily {symbol} closes", "none found")
    overlap_first = max(max(min(series[s]) for s in REQUIRED), calendars.FIRST_SUPPORTED_DATE)
    overlap_last = min(max(series[s]) for s in REQUIRED)
    first = max(overlap_first, start or overlap_first)
    last = min(overlap_last, end or overlap_last)
    if first > last:
        raise InputError("--from/--to", "must leave days that both SPX and VIX cover",
                         f"SPX and VIX overlap {overlap_first} .. {overlap_last}")
    sessions = calendars.spx_daily_expirations(first, last)
    session_set = set(sessions)
    not_sessions = {s: tuple(d for d in series[s] if first <= d <= last and d not in session_set)
                    for s in series if series[s]}
    # Closes outside the SPX-VIX overlap (not those left out by --from / --to, which the user chose).
    outside = {s: sum(1 for d in series[s] if d < overlap_first or d > overlap_last) for s in series if series[s]}
    kept_days = [d for d in sessions if d in series["SPX"] or d in series["VIX"]]
    skipped = tuple(d for d in sessions if d not in series["SPX"] and d not in series["VIX"])
    if len(kept_days) < MIN_SESSIONS:
        raise InputError("--from/--to", f"must cover at least {MIN_SESSIONS} sessions with SPX and VIX closes",
                         len(kept_days))
    carried: dict[str, tuple[date, ...]] = {}
    longest: dict[str, int] = {}
    values: dict[str, np.ndarray] = {}
    for symbol in (*REQUIRED, *OPTIONAL):
        known = series[symbol]
        if not known:
            values[symbol] = np.full(len(kept_days), np.nan)
            continue
        own_first, own_last = min(known), max(known)
        filled, out, run, worst, previous = [], np.full(len(kept_days), np.nan), 0, 0, np.nan
        for i, day in enumerate(kept_days):
            if day in known:
                previous, run = known[day], 0
            elif not own_first <= day <= own_last:
                continue  # only VVIX can start late or end early: NaN, the default vol applies
            else:
                filled.append(day)
                run += 1
                worst = max(worst, run)
                if symbol in REQUIRED and run > max_gap_sessions:
                    raise InputError(f"--{symbol.lower()}", f"must not miss more than {max_gap_sessions} sessions "
                                     "in a row (fill the file, or start --from after the gap)",
                                     f"no closes from {filled[-run]} for {run}+ sessions")
            out[i] = previous
        carried[symbol], longest[symbol], values[symbol] = tuple(filled), worst, out
    if not np.isfinite(values["SPX"][0]) or not np.isfinite(values["VIX"][0]):
        raise InputError("data", "must have SPX and VIX closes on the first common session", kept_days[0])
    path = MarketPath(name, tuple(kept_days), values["SPX"], values["VIX"], values["VVIX"], vx_settlements)
    report = DataReport(
        first=kept_days[0], last=kept_days[-1], sessions=len(kept_days),
        not_sessions={s: d for s, d in not_sessions.items() if d},
        carried={s: d for s, d in carried.items() if d},
        skipped=skipped, outside={s: n for s, n in outside.items() if n},
        longest_carry={s: n for s, n in longest.items() if n},
        vvix_sessions=int(np.isfinite(values["VVIX"]).sum()),
    )
    return path, report
