"""``planner`` run in process for the command-line tests: argv in, (exit code, stdout, stderr) out, the
clock pinned, as the installed command would run it."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from planner.cli import run

Cli = Callable[..., tuple[int, str, str]]


def runner_at(now: datetime) -> Cli:
    """``cli(*argv, db=None, now=now)``: ``planner ARGV [--db DB]`` with the clock at ``now``."""

    def cli(*argv: str, db: Path | str | None = None, now: datetime = now) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        extra = [] if db is None else ["--db", str(db)]
        code = run([*argv, *extra], out, err, clock=lambda: now)
        return code, out.getvalue(), err.getvalue()

    return cli


def json_of(cli: Cli, *argv: str, **options) -> object:
    """The ``--json`` output of a command that must succeed and say nothing on stderr."""
    code, out, err = cli(*argv, "--json", **options)
    assert (code, err) == (0, ""), err
    return json.loads(out)


def with_value(argv: list[str], option: str, value: str) -> list[str]:
    """``argv`` with ``option``'s value replaced by ``value``."""
    argv = list(argv)
    argv[argv.index(option) + 1] = value
    return argv
