"""A book stored with the first spot-vol model's beta settings opens and analyses under the VIX response."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from cli_runner import runner_at

NOW = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)
cli = runner_at(NOW)


def test_a_database_with_the_old_beta_settings_opens_and_analyses(tmp_path):
    db = tmp_path / "old.db"
    assert cli("init", "--demo", db=db)[0] == 0
    # What `planner settings set beta_scale 12` and friends stored before the VIX response existed:
    # one row per key, the value as JSON.
    with sqlite3.connect(db) as conn:
        conn.executemany("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                         [("beta_scale", json.dumps(12.0)), ("beta_ref_vix", json.dumps(20.0)),
                          ("beta_exponent", json.dumps(1.5)), ("beta_up_fraction", json.dumps(1 / 3))])
    code, out, err = cli("risk", "--json", "--spx", "5400", db=db)
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["positions"] and report["risk_used_pct"] is not None
    assert 16.0 < report["vix"] < report["vix_band"][1]
    code, out, _ = cli("settings", "--json", db=db)
    rows = {row["key"]: row for row in json.loads(out)}
    assert rows["vix_response_slope"]["value"] == 12.0  # the user's own beta carried over
    assert rows["vix_response_level_exponent"]["value"] == 0.56  # the old default gives way to the fit
    assert "beta_scale" not in rows
    with sqlite3.connect(db) as conn:  # nothing lost: the stored rows are still there
        assert conn.execute("SELECT value FROM settings WHERE key = 'beta_scale'").fetchone() == ("12.0",)
