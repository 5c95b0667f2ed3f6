"""Errors a user can cause, and how they are worded.

Every message names the field, the rule it broke and the value it got, so the
CLI and the window can show it as it is (one line, no traceback).
"""

from __future__ import annotations


class PlannerError(Exception):
    """Base of every error the planner raises on purpose."""


class InputError(PlannerError, ValueError):
    """Bad user input: ``field`` broke ``rule``; ``value`` is what was given.

    >>> str(InputError("strikes", "must satisfy K1 < K2 < K3 < K4", "5500,5400,6200,6300"))
    'strikes must satisfy K1 < K2 < K3 < K4, got 5500,5400,6200,6300'
    """

    def __init__(self, field: str, rule: str, value: object) -> None:
        self.field = field
        self.rule = rule
        self.value = value
        super().__init__(f"{field} {rule}, got {format_value(value)}")


class NotFoundError(PlannerError, LookupError):
    """An id or name that does not exist (unknown position, suggestion, key)."""

    def __init__(self, what: str, value: object, hint: str = "") -> None:
        self.what = what
        self.value = value
        message = f"{what} {format_value(value)} does not exist"
        super().__init__(f"{message}; {hint}" if hint else message)


class StateError(PlannerError):
    """A valid request that the current state forbids (closing a closed position)."""


def format_value(value: object) -> str:
    if isinstance(value, float):
        return repr(value) if value != value or value in (float("inf"), float("-inf")) else f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ",".join(format_value(v) for v in value)
    return str(value)
