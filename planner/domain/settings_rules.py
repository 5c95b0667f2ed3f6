"""Rules between settings: each value alone may be in range while two of them disagree.

One place for the window's Settings tab (marks as you type) and the use case that writes
settings (refuses the change, naming the rule), so the command line and the window agree.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

# The account's own figures: never reset by "Method defaults" (they are the trader's, not the method's).
ACCOUNT_KEYS = ("equity", "risk_cap_pct", "high_roe", "high_roe_cap_pct")

ORDERED: tuple[tuple[tuple[str, ...], str, bool], ...] = (
    (("near_vix_threshold", "mid_vix_threshold", "long_vix_threshold"),
     "tier thresholds must rise from near to mid to long", True),
    (("coverage_low_pct", "coverage_target_pct", "coverage_high_pct"), "coverage floor ≤ target ≤ ceiling", False),
    (("backstop_upper_otm_pct", "backstop_lower_otm_pct"),
     "the backstop's long put must sit closer to spot than its short put", True),
    (("vix_floor", "vix_cap"), "the VIX floor must be below the VIX cap", True),
    (("near_min_days", "mid_target_days", "long_min_days"), "tier expiries must lengthen from near to long", True),
    (("quote_vix_min", "quote_vix_max"), "the lowest believable VIX quote must be below the highest", True),
)


def conflicts(values: Mapping[str, object]) -> dict[str, str]:
    """{key: rule it breaks, with the figures} where settings disagree with each other.

    >>> conflicts({"near_share_pct": 70.0, "mid_share_pct": 40.0, "long_share_pct": 20.0})["mid_share_pct"]
    'tier shares must add up to 100 % (now 130 %)'
    >>> conflicts({"coverage_low_pct": 40, "coverage_target_pct": 50, "coverage_high_pct": 45})["coverage_high_pct"]
    'coverage floor ≤ target ≤ ceiling (now 40, 50, 45)'
    """
    errors: dict[str, str] = {}

    def number(key: str) -> float | None:
        value = values.get(key)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    shares = [share for t in ("near", "mid", "long") if (share := number(f"{t}_share_pct")) is not None]
    if len(shares) == 3 and abs(sum(shares) - 100.0) > 1e-6:
        for tier in ("near", "mid", "long"):
            errors[f"{tier}_share_pct"] = f"tier shares must add up to 100 % (now {sum(shares):g} %)"
    for keys, rule, strict in ORDERED:
        numbers = [n for k in keys if (n := number(k)) is not None]
        if len(numbers) < len(keys):
            continue
        if not all((a < b) if strict else (a <= b) for a, b in itertools.pairwise(numbers)):
            now = ", ".join(f"{n:g}" for n in numbers)
            for key in keys:
                errors.setdefault(key, f"{rule} (now {now})")
    return errors
