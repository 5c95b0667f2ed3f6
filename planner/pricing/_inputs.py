"""Input coercion, broadcasting and validation shared by the pricing functions.

The pricing kernels flag suspicious chunks cheaply while they run (a non-finite
d1 or a non-positive vol * sqrt(t)); only then do the exact checks below run, so
valid inputs cost no extra pass over memory.
"""

from __future__ import annotations

import math

import numpy as np

from planner.domain.errors import InputError

Operand = np.ndarray | float

_IS_CALL_RULE = "must be booleans (True for a call, False for a put)"


def as_float(value: object, name: str) -> np.ndarray:
    """Return ``value`` as a float64 array (no copy when it already is one)."""
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(name, "must be a number or an array of numbers", value) from None


def as_is_call(value: object) -> np.ndarray:
    """Return ``is_call`` as a bool array: True for a call, False for a put; 0/1 integers are accepted."""
    flags = np.asarray(value)
    if flags.dtype == np.bool_:
        return flags
    if flags.dtype.kind in "iu":
        bad = (flags < 0) | (flags > 1)
        if not bad.any():
            return flags.astype(np.bool_)
        raise InputError("is_call", _IS_CALL_RULE, _first(flags, bad))
    raise InputError("is_call", _IS_CALL_RULE, value)


def broadcast_flat(*arrays: np.ndarray) -> tuple[tuple[int, ...], list[Operand]]:
    """Broadcast the inputs and return the common shape and each input flattened.

    Single-element inputs come back as Python scalars so the kernels broadcast
    them for free; full-size inputs come back as 1-d views when contiguous.
    Only inputs of an intermediate shape (a grid) are materialised.
    """
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    flat: list[Operand] = []
    for a in arrays:
        if a.size == 1:
            flat.append(a.reshape(-1)[0].item())
        elif a.shape == shape:
            flat.append(a.reshape(-1))
        else:
            flat.append(np.broadcast_to(a, shape).reshape(-1))
    return shape, flat


def take(operand: Operand, index: np.ndarray) -> Operand:
    """``operand[index]`` for a flat array, the operand itself for a scalar."""
    return operand[index] if isinstance(operand, np.ndarray) else operand


def require_positive(name: str, values: np.ndarray) -> None:
    """Raise InputError unless every value is finite and > 0 (NaN fails)."""
    bad = ~((values > 0) & (values < math.inf))
    if bad.any():
        raise InputError(name, "must be finite and > 0", _first(values, bad))


def require_non_negative(name: str, values: np.ndarray) -> None:
    """Raise InputError unless every value is finite and >= 0 (NaN fails)."""
    bad = ~((values >= 0) & (values < math.inf))
    if bad.any():
        raise InputError(name, "must be finite and >= 0", _first(values, bad))


def require_finite(name: str, values: np.ndarray) -> None:
    """Raise InputError unless every value is finite (negative values are fine)."""
    bad = ~np.isfinite(values)
    if bad.any():
        raise InputError(name, "must be finite", _first(values, bad))


def _first(values: np.ndarray, bad: np.ndarray) -> object:
    offending = np.asarray(values)[np.asarray(bad)]
    return offending.reshape(-1)[0].item() if offending.size else values
