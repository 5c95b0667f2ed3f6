"""Values beyond what the store holds: exit 2 naming the field, never a raw database or overflow error.

Each once exited 1 with "unexpected OverflowError: Python int too large", "cannot convert float
infinity to integer", "IntegrityError: CHECK constraint failed" or "date value out of range".
"""

from __future__ import annotations

import shutil
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_runner import runner_at

NOW = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
RUN = runner_at(NOW)
BIG = "9" * 30
CONDOR = ["condor", "add", "--expiry", "2026-12-22", "--strikes", "5400,5450,6300,6350", "--qty", "10",
          "--credit", "4.5"]
LAYER = ["layer", "add", "--tier", "near", "--kind", "vix-call", "--expiry", "2026-12-16", "--strikes", "20",
         "--qty", "20", "--price", "0.85"]
MARKET = ["market", "set", "--spx", "5900", "--vix", "16.5"]


def cli(*argv: str) -> tuple[int, str, str]:
    """``planner ARGV``, with any Python warning it raised added to stderr (none may escape)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, out, err = RUN(*argv)
    return code, out, err + "".join(f"warning: {w.message}\n" for w in caught)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "book.db"
    for argv in (MARKET, CONDOR, LAYER):
        code, _, err = cli(*argv, "--db", str(path))
        assert code == 0, err
    return path


CASES = [
    ([*CONDOR[:-1], "1e300"], "credit"),
    ([*CONDOR[:7], BIG, *CONDOR[8:]], "qty"),
    ([*CONDOR, "--fees", "1e308"], "fees"),
    ([*CONDOR, "--fees", BIG], "fees"),
    ([*LAYER[:-1], BIG], "price"),
    ([*LAYER[:9], BIG, *LAYER[10:]], "strike"),
    ([*LAYER, "--protects", BIG], "protects"),
    (["close", "1", "--price", "2.5", "--fees", "1e308"], "fees"),
    (["close", BIG, "--price", "2.5"], "id"),
    (["market", "set", "--spx", "1e12", "--vix", "16"], "spx"),
    (["market", "set", "--spx", "5900", "--vix", "1e9"], "vix"),
    (["market", "set", "--spx", "5900", "--vix", "16", "--vvix", "1e300"], "vvix"),
    (["market", "set", "--spx", "5900", "--vix", "16", "--future", "2026-12-16=1e6"], "future 2026-12-16"),
    (["market", "set", "--spx", "5900", "--vix", "16", "--vvix", "0e0"], "vvix"),
    (["risk", "--at", "9999-12-31"], "at"),
    (["risk", "--spx", "1e-320"], "spx"),
    (["risk", "--vix", "0.000001"], "vix"),
    (["risk", "--spx", "0"], "spx"),
    (["risk", "--vix", "0"], "vix"),
    ([*CONDOR[:3], "9999-12-31", *CONDOR[4:]], "expiry"),
    ([*CONDOR, "--opened", "0001-01-01"], "opened"),
    (["suggest", "snooze", "x", "--until", "9999-12-31"], "until"),
]


@pytest.mark.parametrize(("argv", "field"), CASES, ids=[" ".join(a)[-50:] for a, _ in CASES])
def test_out_of_bounds_exits_2_naming_the_field(template, tmp_path, argv, field):
    book = tmp_path / "book.db"
    shutil.copyfile(template, book)
    before = book.read_bytes()
    code, out, err = cli(*argv, "--db", str(book))
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and err.startswith(f"error: {field} "), err
    assert "unexpected" not in err and "Error" not in err
    assert book.read_bytes() == before


def test_condor_with_one_strike_is_one_line(template, tmp_path):
    book = tmp_path / "book.db"
    shutil.copyfile(template, book)
    code, _, err = cli(*CONDOR[:5], "2", *CONDOR[6:], "--db", str(book))
    assert code == 2 and err == "error: strikes must be four strikes K1,K2,K3,K4, got 2\n"


def test_a_json_true_is_not_a_number():
    from planner.domain.errors import InputError
    from planner.domain.instruments import require_positive

    with pytest.raises(InputError, match="spx must be a number, got True"):
        require_positive("spx", True)
    with pytest.raises(InputError, match="must be a number"):
        require_positive("spx", 10**400)
