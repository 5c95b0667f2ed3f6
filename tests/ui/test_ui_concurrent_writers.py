"""Three command-line writers and the window storing quotes, a few seconds (`make soak`: 30 s).

Nothing lost or duplicated, the window shows every command-line change, and no undo takes another
program's change (tests/torture/concurrency.py says how).
"""

from __future__ import annotations

from concurrency import check, run_with_window

SECONDS = 4.0


def test_three_writers_and_the_window(qtbot, tmp_path):
    db = tmp_path / "shared.db"
    result = run_with_window(qtbot, db, SECONDS, tmp_path)
    problems, slowest = check(db, result)
    print(f"{len(result['outcome'].cli_added)} command-line adds, {len(result['window_added'])} window adds; "
          f"the window showed each within {slowest:.2f} s")
    assert problems == []
    assert result["outcome"].cli_added and result["window_added"]
    assert result["stored_quote"] > 5900  # the window kept storing quotes meanwhile
