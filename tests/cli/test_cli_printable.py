"""Text from the book is shown safely: a note holding terminal escapes or a carriage return is printed
escaped by `planner list` (tests/ui/test_ui_printable.py: the window's tooltips)."""

from __future__ import annotations

from datetime import UTC, datetime

from cli_runner import runner_at

NOW = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
HOSTILE = "ok\x1b[2J\x1b]0;owned\x07\rfake line\u202e"
cli = runner_at(NOW)


def test_notes_are_printed_escaped(tmp_path):
    db = str(tmp_path / "book.db")
    code, out, err = cli("condor", "add", "--expiry", "2026-12-22", "--strikes", "5400,5450,6300,6350", "--qty",
                         "1", "--credit", "4.5", "--note", HOSTILE, "--db", db)
    assert code == 0, err
    for argv in (["list"], ["undo"], ["redo"], ["settings", "get", HOSTILE]):
        code, out, err = cli(*argv, "--db", db)
        shown = out + err
        assert not any(ch in shown for ch in "\x1b\x07\r\u202e"), (argv, shown)
    code, out, _ = cli("list", "--db", db)
    assert "ok\\x1b[2J\\x1b]0;owned\\x07\\x0dfake line\\u202e" in out
    code, out, _ = cli("list", "--json", "--db", db)  # JSON keeps the exact note (escaped by JSON itself)
    assert "\\u001b[2J" in out

