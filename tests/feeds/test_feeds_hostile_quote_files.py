"""Hostile quote files: each is an InputError naming the field, never another exception or a wrong number.

`{"spx": true}` was once stored as SPX 1, 32 of 333 hostile files raised uncaught exceptions, and a
FIFO as the quote file froze the window.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from planner.domain.errors import InputError
from planner.feeds import read_quote_file

HOSTILE = [
    ('{"spx": true, "vix": 16}', "spx must be a number"),
    ('{"spx": 5900, "vix": false}', "vix must be a number"),
    ('{"spx": [5900], "vix": 16}', "spx must be a number"),
    ('{"spx": {"v": 1}, "vix": 16}', "spx must be a number"),
    ('{"spx": 5900, "vix": 16, "asof": 5}', "asof must be an ISO date-time"),
    ('{"spx": 5900, "vix": 16, "vvix": true}', "vvix must be a number"),
    ('{"spx": 1e999, "vix": 16}', "spx must be a finite number"),
    ('{"spx": 5900, "vix": 16, "rate": true}', "rate must be a number"),
    ("[" * 100_000 + "]" * 100_000, "quote file"),
    ('{"spx": ' + "[" * 100_000 + "]" * 100_000 + ', "vix": 16}', "quote file"),
    (",,,\n,,\n", "quote file must hold spx and vix"),
    ('symbol,value\nSPX,"59\n', "quote file"),
    ('{"spx": 5900, "vix": 16}\x00', "quote file must be text"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE, ids=[t[:30] for t, _ in HOSTILE])
def test_a_hostile_quote_file_is_an_input_error(tmp_path, text, message):
    path = tmp_path / ("quotes.json" if text.startswith(("{", "[")) else "quotes.csv")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        read_quote_file(path)


def test_a_pipe_or_a_device_is_refused_at_once(tmp_path):
    fifo = tmp_path / "quotes.json"
    os.mkfifo(fifo)
    script = (
        "import sys\nfrom planner.domain.errors import InputError\nfrom planner.feeds import read_quote_file\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n        read_quote_file(path)\n    except InputError as error:\n        print(error)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(fifo), "/dev/zero"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("quote file must be a regular file") == 2, proc.stdout
