"""Values made ready for JSON: the one place NaN, numpy scalars and dates are converted."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np


def json_ready(value):
    """Nested dicts and lists with NaN and infinity as null, numpy scalars as Python numbers,
    dates and times in ISO 8601 (JSON has no NaN, and scripts read ISO dates).

    >>> json_ready({"a": [np.float64(1.5), float("nan")], "b": np.int64(3), "d": date(2026, 12, 18)})
    {'a': [1.5, None], 'b': 3, 'd': '2026-12-18'}
    """
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, (np.floating, float)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
