"""Suggestion ids are remembered per (rule, action, targets, tier, condition): the same twelve hex digits."""

from __future__ import annotations

import hashlib
import json

from planner.domain.suggestions import Action, suggestion_id


def _fresh(rule, action, targets, tier, condition) -> str:
    payload = json.dumps([rule, str(action), sorted(targets), tier, condition], separators=(",", ":"))
    return hashlib.sha1(payload.encode()).hexdigest()[:12]


def test_remembered_ids_equal_freshly_hashed_ones() -> None:
    cases = [("ladder", Action.ADD, (), "mid", "vix>=22"), ("coverage", Action.TRIM, (7, 3), None, "above|2"),
             ("risk-cap", "WARN", (3, 7), "short", "")]
    for case in cases * 2:  # the second round is served from the cache
        assert suggestion_id(*case) == _fresh(*case)
    assert suggestion_id("ladder", "ADD", (), "mid", "vix>=22") == "2cf0e774a0c8"
    assert suggestion_id("x", "ADD", [2, 1], None, "") == _fresh("x", "ADD", [2, 1], None, "")
