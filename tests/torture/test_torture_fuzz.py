"""A short seeded fuzz run over the command line, CSV import, history import and the quote file.

`make soak` runs the long one (tests/torture/test_torture_soak.py). Seeded: a failure names its case
and reruns the same way.
"""

from __future__ import annotations

from fuzz_cases import run_cases

SEED = 21
CASES = 240


def test_fuzz_run_summary(tmp_path):
    summary = run_cases(SEED, CASES, tmp_path)
    print(summary.line())
    assert summary.cases == CASES
    assert summary.problems == [], "\n".join(summary.problems[:20])
    assert summary.exits["hang"] == 0 and summary.exits["raised"] == 0
    assert set(summary.kinds) == {"cli", "import", "history", "quote"}
    assert summary.exits["2"] > 0 and summary.exits["0"] > 0  # refusals and acceptances both exercised
