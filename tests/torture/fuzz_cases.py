"""A seeded fuzz run over the command line, CSV import, history import and the quote file.

Each case starts from a copy of one demo book and runs one hostile command in-process under an
alarm (a hang is a failure). What must hold, whatever the input:
- no traceback and no "unexpected" error; exit 0 or 2 (1 is for failures that are not the user's);
- a refusal (exit 2) is one line on stderr and leaves every file of the book byte-identical;
- an accepted input never breaks a later command: `list --all`, `export --all` and `risk` still exit 0;
- a quote file either raises InputError or gives a quote that the store accepts or refuses cleanly.

``run_cases(seed, count, folder)`` returns a ``Summary``; `make test` runs a short seeded run,
`make soak` a long one (tests/torture/test_torture_soak.py).
"""

from __future__ import annotations

import contextlib
import csv
import io
import random
import shutil
import signal
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from planner.app.requests import QuoteRequest
from planner.cli import run

NOW = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)  # a Friday afternoon, New York time
CASE_SECONDS = 30  # longer than any honest command on the demo book: a hang

HOSTILE = [
    "", " ", "0", "-0", "0e0", "-1", "1e-320", "5e-324", "1e308", "1e309", "-1e309", "inf", "-inf", "nan", "NaN",
    "9" * 30, "-" + "9" * 30, "18446744073709551616", "0x10", "1_000", "1,5", "½", "٣", "abc", "true", "None",
    "\x1b[2J\x1b[H", "line\rover", "tab\there", "\x00", "é" * 3, "2026-02-30", "0001-01-01", "9999-12-31",
    "10000-01-01", "2026-11-20T25:00", "2026-11-20T15:30+25:00", "1970-01-01T00:00:00Z", "2100-01-01",
    "-5,5", "5400,5450", "5400,5450,6300,6350,6400", "1,2,3,4", "3,2,1", "nan,1,2,3", "=cmd|' /C calc'!A0",
    "../../etc/passwd", "x" * 5000, "1e9", "999999999", "1000000000", "0.000001", "100000",
]

BASE_COMMANDS: list[list[str]] = [
    ["condor", "add", "--expiry", "2026-12-22", "--strikes", "5400,5450,6300,6350", "--qty", "10", "--credit", "4.5",
     "--fees", "12.5", "--opened", "2026-11-20T10:00", "--settlement", "PM", "--note", "n"],
    ["layer", "add", "--tier", "near", "--kind", "vix-call", "--expiry", "2026-12-16", "--strikes", "20", "--qty",
     "20", "--price", "0.85", "--fees", "3", "--opened", "2026-11-20T10:00", "--protects", "1", "--note", "n"],
    ["layer", "add", "--tier", "mid", "--kind", "vix-call-spread", "--expiry", "2027-01-20", "--strikes", "20,30",
     "--qty", "5", "--price", "1.2"],
    ["layer", "add", "--tier", "long", "--kind", "vix-future", "--expiry", "2027-02-17", "--qty", "1", "--price",
     "19.5"],
    ["layer", "add", "--tier", "near", "--kind", "spx-put-spread", "--expiry", "2026-12-31", "--strikes",
     "5600,5500", "--qty", "2", "--price", "9.5"],
    ["close", "1", "--price", "2.5", "--fees", "4", "--at", "2026-11-20T14:00"],
    ["roll", "3", "--close-price", "0.5", "--expiry", "2027-01-20", "--strikes", "21", "--price", "1.1", "--qty",
     "10", "--fees", "2", "--at", "2026-11-20T14:00", "--note", "r"],
    ["market", "set", "--spx", "5900", "--vix", "16.5", "--vvix", "90", "--future", "2026-12-16=17.4", "--rate",
     "0.045", "--div", "0.013", "--asof", "2026-11-20T14:00"],
    ["settings", "set", "equity", "250000"],
    ["settings", "set", "risk_cap_pct", "3"],
    ["settings", "get", "equity"],
    ["risk", "--at", "2026-11-20T14:00", "--days", "7", "--spx", "5800", "--vix", "20"],
    ["suggest", "dismiss", "x", "--why", "because"],
    ["suggest", "snooze", "x", "--until", "2026-12-01"],
    ["list", "--all"],
    ["undo"],
    ["redo"],
]

FOLLOW_UPS = (["list", "--all"], ["export", "--all"], ["risk"])


@dataclass
class Summary:
    cases: int = 0
    exits: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.cases} cases ({dict(self.kinds)}): exits {dict(sorted(self.exits.items()))}, "
                f"{len(self.problems)} problems")


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang


@contextlib.contextmanager
def deadline(seconds: int):
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def cli(argv: list[str]) -> tuple[int, str, str]:
    """Run in-process; a Python warning (numpy's overflow, say) counts as text on stderr."""
    out, err = io.StringIO(), io.StringIO()
    with deadline(CASE_SECONDS), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = run(list(argv), out, err, clock=lambda: NOW)
    for warning in caught:
        err.write(f"warning on the terminal: {warning.category.__name__}: {warning.message}\n")
    return code, out.getvalue(), err.getvalue()


def make_template(folder: Path) -> Path:
    """The demo book (positions, a quote, a year of history), closed: one complete file."""
    folder.mkdir(parents=True, exist_ok=True)
    book = folder / "template.db"
    code, _, err = cli(["init", "--demo", "--db", str(book)])
    assert code == 0, err
    return book


def book_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and ".db" in p.name}


# -- case generators --------------------------------------------------------------------------------------------
def cli_case(rng: random.Random, folder: Path) -> list[str]:
    argv = list(rng.choice(BASE_COMMANDS))
    values = [i for i in range(1, len(argv)) if not argv[i].startswith("--") and argv[i - 1].startswith("--")]
    positionals = [i for i in range(len(argv)) if argv[i].isdigit() and not argv[i - 1].startswith("--")]
    slots = values + positionals
    for _ in range(rng.choice((1, 1, 1, 2))):
        if slots:
            argv[rng.choice(slots)] = rng.choice(HOSTILE)
    return argv


def _mutate_rows(rng: random.Random, rows: list[list[str]]) -> list[list[str]]:
    rows = [list(r) for r in rows]
    header, body = rows[0], rows[1:]
    action = rng.choice(("cell", "cell", "cell", "drop", "duplicate", "swap", "column"))
    if action == "cell" and body:
        row = rng.choice(body)
        row[rng.randrange(len(row))] = rng.choice(HOSTILE)
    elif action == "drop" and body:
        body.pop(rng.randrange(len(body)))
    elif action == "duplicate" and body:
        body.insert(rng.randrange(len(body) + 1), list(rng.choice(body)))
    elif action == "swap" and len(body) > 1:
        row = rng.choice(body)
        i, j = rng.randrange(len(row)), rng.randrange(len(row))
        row[i], row[j] = row[j], row[i]
    elif action == "column":
        header[rng.randrange(len(header))] = rng.choice(HOSTILE)
    return [header, *body]


def _write_rows(path: Path, rows: list[list[str]], rng: random.Random) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode("utf-8", "surrogatepass")
    if rng.random() < 0.1:  # raw damage: cut or garbage
        cut = rng.randrange(len(data) + 1)
        data = data[:cut] + (bytes(rng.randrange(256) for _ in range(rng.randrange(8))) if rng.random() < 0.5 else b"")
    path.write_bytes(data)


def import_case(rng: random.Random, folder: Path, exported: list[list[str]]) -> list[str]:
    path = folder / "in.csv"
    _write_rows(path, _mutate_rows(rng, exported), rng)
    return ["import", str(path)]


def history_rows(rng: random.Random) -> list[list[str]]:
    start = date(2025, 1, 2)
    days = [start + timedelta(days=i) for i in range(rng.randrange(1, 40))]
    if rng.random() < 0.5:
        return [["DATE", "OPEN", "HIGH", "LOW", "CLOSE"],
                *[[d.strftime("%m/%d/%Y"), "17", "18", "16", f"{17 + rng.random():.2f}"] for d in days]]
    return [["date", "symbol", "close"], *[[d.isoformat(), "SPX", f"{5900 + 10 * rng.random():.2f}"] for d in days]]


def history_case(rng: random.Random, folder: Path) -> list[str]:
    path = folder / rng.choice(("VIX_History.csv", "closes.csv"))
    rows = history_rows(rng)
    if rng.random() < 0.9:
        rows = _mutate_rows(rng, rows)
    _write_rows(path, rows, rng)
    return ["history", "import", str(path)]


QUOTE_VALUES: list[object] = [0, -1, 1e-320, 1e308, float("inf"), True, False, None, "", "abc", [], {}, [1, 2],
                              "5900", 5900, 16.5, 1e9, "nan", "2026-11-20T15:30", "2030-01-01"]


def quote_text(rng: random.Random) -> str:
    import json

    quote: dict[str, object] = {"spx": 5900.5, "vix": 16.8, "vvix": 91.2, "rate": 0.045, "div": 0.013,
                                "asof": "2026-11-20T14:30:00-05:00", "futures": {"2026-12-16": 17.45}}
    for _ in range(rng.choice((1, 1, 2, 3))):
        key = rng.choice([*quote, "futures", "VX 2026-12-16", "extra"])
        if key == "futures":
            quote[key] = rng.choice([{"2026-12-16": rng.choice(QUOTE_VALUES)}, {"x": 1}, [["2026-12-16", 17]],
                                     rng.choice(QUOTE_VALUES)])
        else:
            quote[key] = rng.choice(QUOTE_VALUES)
    if rng.random() < 0.3:
        rows = [["symbol", "value"], *[[k, str(v)] for k, v in quote.items() if k != "futures"]]
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        return buffer.getvalue()
    text = json.dumps(quote, allow_nan=True)
    if rng.random() < 0.1:
        text = text[: rng.randrange(len(text) + 1)]
    return text


def check_quote(text: str, folder: Path, book: Path) -> tuple[str, list[str]]:
    """A quote file: InputError, or a quote the workspace stores or refuses with a PlannerError."""
    from planner.app import Workspace
    from planner.domain.errors import InputError, PlannerError
    from planner.feeds import read_quote_file

    path = folder / "quote.json"
    path.write_text(text, encoding="utf-8")
    try:
        with deadline(CASE_SECONDS):
            quote = read_quote_file(path)
    except InputError:
        return "quote refused", []
    except Exception as exc:
        return "quote raised", [f"quote file {text!r}: {type(exc).__name__}: {exc}"]
    for name in ("spx", "vix", "vvix", "rate", "div"):
        value = getattr(quote, name)
        if value is not None and type(value) is not float:
            return "quote mistyped", [f"quote file {text!r}: {name} came out as {type(value).__name__} {value!r}"]
    try:
        with Workspace.open(book, clock=lambda: NOW) as ws, deadline(CASE_SECONDS):
            ws.set_market(QuoteRequest(**quote.market_fields()))
    except PlannerError:
        return "quote refused by the store", []
    except Exception as exc:
        return "quote raised", [f"quote file {text!r} stored: {type(exc).__name__}: {exc}"]
    return "quote stored", []


# -- the run ---------------------------------------------------------------------------------------------------
def check_cli(argv: list[str], book: Path) -> tuple[object, list[str]]:
    """(exit code or "hang", problems)."""
    folder = book.parent
    before = book_files(folder)
    shown = " ".join(a if len(a) < 40 else a[:37] + "..." for a in argv)
    try:
        code, _, err = cli([*argv, "--db", str(book)])
    except Hang:
        return "hang", [f"hang: {shown}"]
    except Exception:
        return "raised", [f"raised: {shown}: {traceback.format_exc(limit=3)}"]
    problems = []
    if "Traceback" in err or "unexpected" in err or "warning on the terminal" in err:
        problems.append(f"internal error: {shown}: {err.strip()}")
    if code not in (0, 2):
        problems.append(f"exit {code}: {shown}: {err.strip()}")
    if code == 2:
        if err.count("\n") != 1:
            problems.append(f"not one line: {shown}: {err!r}")
        if book_files(folder) != before:
            problems.append(f"refused yet changed the book: {shown}: {err.strip()}")
    if code == 0:
        for follow in FOLLOW_UPS:
            try:
                later, _, later_err = cli([*follow, "--db", str(book)])
            except Hang:
                later, later_err = -1, "hang"
            if later != 0:
                problems.append(f"accepted {shown}, then {' '.join(follow)} exits {later}: {later_err.strip()}")
    return code, problems


def run_cases(seed: int, count: int, folder: Path, on_case: Callable[[str], None] | None = None) -> Summary:
    rng = random.Random(seed)
    template = make_template(folder / "template")
    exported_csv = folder / "template" / "all.csv"
    code, _, err = cli(["export", "--all", "--out", str(exported_csv), "--db", str(template)])
    assert code == 0, err
    with open(exported_csv, newline="", encoding="utf-8") as handle:
        exported = list(csv.reader(handle))
    summary = Summary()
    for number in range(count):
        work = folder / f"case{number}"
        work.mkdir()
        book = work / "book.db"
        shutil.copyfile(template, book)
        kind = rng.choice(("cli", "cli", "cli", "import", "history", "quote"))
        if kind == "quote":
            outcome, problems = check_quote(quote_text(rng), work, book)
        else:
            argv = (cli_case(rng, work) if kind == "cli" else import_case(rng, work, exported) if kind == "import"
                    else history_case(rng, work))
            outcome, problems = check_cli(argv, book)
        summary.exits[str(outcome)] += 1
        summary.cases += 1
        summary.kinds[kind] += 1
        summary.problems += problems
        if on_case is not None:
            on_case(f"{number} {kind}: {'; '.join(problems) or 'ok'}")
        shutil.rmtree(work, ignore_errors=True)
    return summary

