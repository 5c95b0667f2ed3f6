"""The checks of a typed position, for a whole position from anywhere else.

``positions.add_condor`` and ``positions.layer_position`` build a position
from typed fields through the domain's builders (``condor_legs``,
``layer_legs``, ``validate_condor_credit``) and the listing checks. A position
read from a file arrives whole; ``check_position`` rebuilds the legs a typed
position of the same kind, strikes, expiry and quantity would have, with the
same functions, and refuses any difference. (The store's outer bounds are
checked by the domain objects themselves, domain/limits.py.) So an imported book holds only
positions the app itself could have written, and every later command (export,
risk, suggest, the window) can read it.

Errors name the position's field as the domain does ("strikes", "qty",
"legs", ...); ``transfer`` maps them to the file's line and column.
"""

from __future__ import annotations

from planner.app.inputs import check_listed, check_not_before_open, check_spx_expiry, parse_note
from planner.domain import Instrument, LayerKind, Position, PositionKind, Settlement, Status
from planner.domain.errors import InputError
from planner.domain.positions import condor_legs, layer_legs, validate_condor_credit


def _contract(leg) -> tuple:
    return (leg.instrument, leg.right, leg.strike, leg.expiry, leg.settlement, leg.quantity, leg.multiplier)


def expected_legs(position: Position) -> tuple:
    """The legs a typed position of this kind, strikes, expiry and quantity has (InputError if none can)."""
    legs = position.legs
    if not legs:
        raise InputError("legs", "must not be empty", "no legs")
    expiry = legs[0].expiry
    strikes = [leg.strike for leg in legs if leg.strike is not None]
    if position.kind is PositionKind.CONDOR:
        if len(legs) != 4:
            raise InputError("legs", "must be four for an iron condor (long put, short put, short call, long call)",
                             len(legs))
        return condor_legs(expiry, strikes, position.quantity, legs[0].settlement)
    kind = position.layer_kind
    if kind is None:
        raise InputError("layer_kind", "must be given for a layer", "nothing")
    count = 1 if kind in (LayerKind.VIX_CALL, LayerKind.VIX_FUTURE) else 2
    if len(legs) != count:
        raise InputError("legs", f"must be {count} for a {kind}", len(legs))
    # Tickets settle SPX put spreads PM (SPXW) and VIX layers AM (the SOQ).
    typed = Settlement.PM if kind is LayerKind.SPX_PUT_SPREAD else Settlement.AM
    return layer_legs(kind, expiry, strikes, position.quantity, typed)


def check_position(position: Position) -> None:
    """InputError unless ``position`` is one the app's own tickets could have made."""
    if position.quantity < 1:
        raise InputError("qty", "must be a whole number of contracts, at least 1", position.quantity)
    expected = expected_legs(position)
    for seq, (leg, wanted) in enumerate(zip(position.legs, expected, strict=True)):
        if _contract(leg) != _contract(wanted):
            shown = f"{leg.instrument} {leg.right or ''}{leg.strike or ''} x{leg.quantity} {leg.expiry}"
            raise InputError(
                f"leg {seq}",
                f"must be {wanted.instrument} {wanted.right or ''}{wanted.strike or ''} x{wanted.quantity} "
                f"{wanted.expiry} {wanted.settlement} (the shape of a {position.layer_kind or 'condor'})",
                shown,
            )
    first = expected[0]
    if position.kind is PositionKind.CONDOR:
        validate_condor_credit([leg.strike or 0.0 for leg in position.legs], position.open_price)
        check_spx_expiry(first.expiry, first.settlement)
    elif first.instrument is Instrument.SPX_OPTION:
        check_spx_expiry(first.expiry, Settlement.PM)
    else:
        check_listed("expiry", "vix", first.expiry)
    check_not_before_open(first.expiry, position.opened_at)
    if position.closed_at is not None and position.closed_at < position.opened_at:
        raise InputError("closed_at", "must not be before the open time", position.closed_at.isoformat())
    if (position.status is Status.OPEN) != (position.close_price is None):
        raise InputError("status", "must be open exactly when there is no close price", position.status)
    parse_note(position.note)
