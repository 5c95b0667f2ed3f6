"""Entering, closing and rolling positions: validate everything first, then
write in one change (one transaction, one undo step).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TypeVar

from planner.app import entry_iv, price_checks
from planner.app.inputs import (
    check_listed,
    check_not_before_open,
    check_not_future,
    check_spx_expiry,
    parse_date,
    parse_fee_cents,
    parse_id_list,
    parse_moment,
    parse_note,
    parse_position_id,
    parse_price,
    parse_quantity,
    parse_settlement,
    spread_cents,
)
from planner.app.requests import CloseRequest, CondorRequest, Day, LayerRequest, RollRequest, Strikes
from planner.domain import LayerKind, Leg, Position, PositionKind, Settlement, Status, Tier
from planner.domain.bounds import check_close_price, check_open_price, confirm
from planner.domain.errors import InputError, NotFoundError, StateError
from planner.domain.instruments import require_positive
from planner.domain.limits import MAX_POINTS, require_below
from planner.domain.positions import condor_legs, layer_legs, parse_strikes, validate_condor_credit
from planner.storage import Repository

Choice = TypeVar("Choice", Tier, LayerKind)


def _choice(field: str, enum: type[Choice], value: object) -> Choice:
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        allowed = "|".join(str(member) for member in enum)
        raise InputError(field, f"must be one of {allowed}", value) from None


def _moment(field: str, value: object, now: datetime) -> datetime:
    if value is None or value == "":
        return now
    moment = parse_moment(field, value)
    check_not_future(field, moment, now)
    return moment


def _with_fees(legs: Sequence[Leg], fee_cents: int) -> tuple[Leg, ...]:
    shares = spread_cents(fee_cents, len(legs))
    return tuple(leg.with_changes(fees=round(leg.fees + share, 2)) for leg, share in zip(legs, shares, strict=True))


def _check_fill(repo: Repository, position: Position, price: float, at: datetime, force: bool,
                field: str = "price") -> None:
    """Doubts of the stored quote about a fill (planner.domain.bounds), unless the user confirmed."""
    if force:
        return
    doubts = price_checks.price_doubts(position, price, repo.latest_snapshot(), repo.load_settings(), at, field)
    confirm(doubts, force)


def _strikes(value: Strikes) -> tuple[float, ...]:
    if value is None or value == "":
        return ()
    return parse_strikes(value if isinstance(value, str) else list(value))


def add_condor(repo: Repository, request: CondorRequest, now: datetime) -> Position:
    """Sell ``qty`` iron condors K1<K2<K3<K4 for ``credit`` points each (``force``: keep a doubted credit)."""
    strike_values = _strikes(request.strikes)
    expiry_date = parse_date("expiry", request.expiry)
    settle = parse_settlement(request.settlement)
    legs = condor_legs(expiry_date, strike_values, parse_quantity("qty", request.qty), settle)
    credit_value = validate_condor_credit(strike_values, require_positive("credit", request.credit))
    check_spx_expiry(expiry_date, settle)
    opened_at = _moment("opened", request.opened, now)
    check_not_before_open(expiry_date, opened_at)
    fee_cents = parse_fee_cents(request.fees)
    position = Position(
        kind=PositionKind.CONDOR,
        legs=_with_fees(legs, fee_cents),
        quantity=abs(legs[0].quantity),
        open_price=credit_value,
        opened_at=opened_at.astimezone(UTC),
        note=parse_note(request.note),
    )
    _check_fill(repo, position, credit_value, opened_at, request.force, "credit")
    entry_iv.load_pricing()  # outside the write lock
    with repo.change(f"add condor {expiry_date.isoformat()}") as tx:
        stored = repo.insert_position(tx, position)
        stored = entry_iv.fill_position(repo, tx, stored, repo.load_settings())
        tx.label = f"add condor {stored.id}"
    return stored


def layer_position(
    *,
    tier: object,
    kind: object,
    expiry: Day,
    strikes: Strikes,
    qty: int,
    price: object,
    opened_at: datetime,
    fee_cents: int,
    protects: tuple[int, ...],
    note: str,
    rolled_from: int | None = None,
) -> Position:
    """A validated, unsaved hedge layer (shared by ``add_layer`` and ``roll_layer``)."""
    tier_value = _choice("tier", Tier, tier)
    kind_value = _choice("kind", LayerKind, kind)
    expiry_date = parse_date("expiry", expiry)
    strike_values = _strikes(strikes)
    if kind_value is LayerKind.SPX_PUT_SPREAD:
        legs = layer_legs(kind_value, expiry_date, strike_values, qty, Settlement.PM)
        check_spx_expiry(expiry_date, Settlement.PM)
    else:
        legs = layer_legs(kind_value, expiry_date, strike_values, qty, Settlement.AM)
        check_listed("expiry", "vix", expiry_date)
    price_value = check_open_price(PositionKind.LAYER, kind_value, strike_values, price)
    require_below("price", price_value, MAX_POINTS)
    check_not_before_open(expiry_date, opened_at)
    if len(legs) == 1:  # one leg: its fill is the package's
        legs = (legs[0].with_changes(open_price=price_value),)
    return Position(
        kind=PositionKind.LAYER,
        legs=_with_fees(legs, fee_cents),
        quantity=abs(legs[0].quantity),
        open_price=price_value,
        opened_at=opened_at.astimezone(UTC),
        tier=tier_value,
        layer_kind=kind_value,
        protects=protects,
        note=note,
        rolled_from=rolled_from,
    )


def _check_protects(repo: Repository, protects: tuple[int, ...]) -> None:
    for condor_id in protects:
        target = repo.load_position(condor_id)
        if target is None:
            raise NotFoundError("position", condor_id, "--protects takes condor ids from 'planner list'")
        if target.kind is not PositionKind.CONDOR:
            raise InputError("protects", "must name condors, not hedge layers", condor_id)


def add_layer(repo: Repository, request: LayerRequest, now: datetime) -> Position:
    """Buy ``qty`` hedge layers (VIX call / call spread / future, SPX put spread) at ``price`` points
    (``force``: keep a price the stored quote doubts)."""
    qty_value = parse_quantity("qty", request.qty)
    opened_at = _moment("opened", request.opened, now)
    position = layer_position(
        tier=request.tier, kind=request.kind, expiry=request.expiry, strikes=request.strikes, qty=qty_value,
        price=request.price, opened_at=opened_at, fee_cents=parse_fee_cents(request.fees),
        protects=parse_id_list(request.protects), note=parse_note(request.note),
    )
    _check_fill(repo, position, position.open_price, opened_at, request.force)
    entry_iv.load_pricing()  # outside the write lock
    with repo.change("add layer") as tx:
        _check_protects(repo, position.protects)
        stored = repo.insert_position(tx, position)
        stored = entry_iv.fill_position(repo, tx, stored, repo.load_settings())
        tx.label = f"add {stored.tier} layer {stored.id}"
    return stored


def _load_open(repo: Repository, position_id: int, verb: str) -> Position:
    position = repo.load_position(position_id)
    if position is None:
        raise NotFoundError("position", position_id, "see 'planner list --all'")
    if position.status is not Status.OPEN:
        raise StateError(f"position {position_id} must be open to {verb} it, got status {position.status}")
    return position


def closed_version(position: Position, price: float, fee_cents: int, at: datetime, status: Status) -> Position:
    legs = _with_fees(position.legs, fee_cents)
    if len(legs) == 1:
        legs = (legs[0].with_changes(close_price=price),)
    return position.with_changes(legs=legs, status=status, close_price=price, closed_at=at.astimezone(UTC))


def close_position(repo: Repository, request: CloseRequest, now: datetime) -> Position:
    """Close an open position at ``price`` points per package (what a condor cost to buy back).

    ``qty`` N below the position's M closes N of them (``partial_close``); ``force`` keeps a
    price the stored quote doubts.
    """
    pid = parse_position_id(request.position_id)
    price_value = parse_price("price", request.price)
    fee_cents = parse_fee_cents(request.fees)
    closed_at = _moment("at", request.at, now)
    position = _load_open(repo, pid, "close")
    qty = request.qty
    quantity = position.quantity if qty is None or qty == "" else parse_quantity("qty", qty)
    if quantity > position.quantity:
        raise InputError("qty", f"must be at most the {position.quantity} contracts held", quantity)
    price_value = check_close_price(position, price_value)
    _check_not_before(position, closed_at)
    _check_fill(repo, position, price_value, closed_at, request.force)
    if quantity < position.quantity:
        return partial_close(repo, pid, quantity, price_value, fee_cents, closed_at)
    with repo.change(f"close {pid}") as tx:
        position = _load_open(repo, pid, "close")
        _check_not_before(position, closed_at)
        stored = repo.update_position(tx, position, closed_version(position, price_value, fee_cents, closed_at,
                                                                   Status.CLOSED))
    return stored


def partial_close(repo: Repository, position_id: int, quantity: int, price: float, fee_cents: int,
                  closed_at: datetime) -> Position:
    """Close ``quantity`` of an open position's contracts at ``price`` in one change.

    The part closed becomes its own closed position (``split_from`` the original) carrying its
    share of the entry fees, pro rata to the nearest cent per leg, and all of the closing fees; the
    rest stays open with the remaining fees. The realized P&L is the part's alone.
    """
    with repo.change(f"close {quantity} of {position_id}") as tx:
        position = _load_open(repo, position_id, "close")
        held = position.quantity
        part_legs, rest_legs = [], []
        for leg in position.legs:
            sign = 1 if leg.quantity > 0 else -1
            part_fees = round(leg.fees * quantity / held, 2)
            part_legs.append(leg.with_changes(id=None, quantity=sign * quantity, fees=part_fees))
            rest_legs.append(leg.with_changes(quantity=sign * (held - quantity), fees=round(leg.fees - part_fees, 2)))
        rest = position.with_changes(legs=tuple(rest_legs), quantity=held - quantity)
        part = position.with_changes(id=None, legs=tuple(part_legs), quantity=quantity, split_from=position.id,
                                     rolled_from=None)  # its history is the position it came out of
        repo.update_position(tx, position, rest)
        stored_part = repo.insert_position(tx, part)
        stored = repo.update_position(tx, stored_part, closed_version(stored_part, price, fee_cents, closed_at,
                                                                      Status.CLOSED))
        tx.label = f"close {quantity} of {held} of {position_id} (the part closed is #{stored.id})"
    return stored


def _check_not_before(position: Position, moment: datetime) -> None:
    if moment < position.opened_at:
        raise InputError("at", f"must not be before the position was opened ({position.opened_at.isoformat()})",
                         moment.isoformat())


def roll_layer(repo: Repository, request: RollRequest, now: datetime) -> tuple[Position, Position]:
    """Close a layer and open its successor in one change: (old, new).

    The new layer keeps the old one's tier, kind, strikes, quantity, links and
    note unless given. ``fees`` is the roll ticket's total, spread over the
    legs of both (closing and opening) in cents.
    """
    pid = parse_position_id(request.position_id)
    close_value = parse_price("close-price", request.close_price)
    fee_cents = parse_fee_cents(request.fees)
    rolled_at = _moment("at", request.at, now)
    force, strikes, qty, tier, protects, note = (request.force, request.strikes, request.qty, request.tier,
                                                 request.protects, request.note)
    held = _load_open(repo, pid, "roll")
    close_value = check_close_price(held, close_value, "close-price")
    _check_fill(repo, held, close_value, rolled_at, force, "close-price")
    entry_iv.load_pricing()  # outside the write lock
    with repo.change(f"roll {pid}") as tx:
        old = _load_open(repo, pid, "roll")
        if old.kind is not PositionKind.LAYER:
            raise InputError("id", "must be a hedge layer to roll (close a condor and add a new one)", pid)
        if rolled_at < old.opened_at:
            raise InputError("at", f"must not be before the layer was opened ({old.opened_at.isoformat()})",
                             rolled_at.isoformat())
        same_strikes = tuple(leg.strike for leg in old.legs if leg.strike is not None)
        new_protects = old.protects if protects is None else parse_id_list(protects)
        new = layer_position(
            tier=old.tier if tier is None else tier,
            kind=old.layer_kind,
            expiry=request.expiry,
            strikes=same_strikes if strikes is None or strikes == "" else strikes,
            qty=old.quantity if qty is None else parse_quantity("qty", qty),
            price=request.price,
            opened_at=rolled_at,
            fee_cents=0,
            protects=new_protects,
            note=old.note if note is None else parse_note(note),
            rolled_from=old.id,
        )
        _check_protects(repo, new.protects)
        _check_fill(repo, new, new.open_price, rolled_at, force)
        shares = spread_cents(fee_cents, len(old.legs) + len(new.legs))
        close_cents = round(sum(shares[: len(old.legs)]) * 100)
        new = new.with_changes(legs=_with_fees(new.legs, fee_cents - close_cents))
        old_after = closed_version(old, close_value, close_cents, rolled_at, Status.ROLLED)
        stored_old = repo.update_position(tx, old, old_after)
        stored_new = repo.insert_position(tx, new)
        stored_new = entry_iv.fill_position(repo, tx, stored_new, repo.load_settings())
        tx.label = f"roll {pid} into {stored_new.id}"
    return stored_old, stored_new


def parse_position_ids(values: Sequence[object]) -> list[int]:
    return [parse_position_id(v) for v in values]
