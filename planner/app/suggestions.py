"""Suggestions over the stored book: compute, accept, dismiss, snooze, and the decision history.

Accepting opens (or closes, or rolls) the proposed trade through the very use
cases of manual entry (``positions.add_layer``, ``roll_layer``,
``close_position``) with the trader's own fill price and quantity, then
records the decision. A decision keeps the ids of every rule-level part of the
suggestion (``component_ids``), the proposal and the figures it showed, so the
same suggestion stays quiet until its condition changes materially.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from planner.app import positions, settlement
from planner.app.inputs import ET, parse_date, parse_price, parse_quantity
from planner.app.requests import CloseRequest, FillRequest, LayerRequest, RollRequest
from planner.domain import Position
from planner.domain.errors import InputError, NotFoundError, StateError
from planner.domain.records import Decision, DecisionKind
from planner.domain.suggestions import Action, Suggestion
from planner.rules import SuggestionResult, options_from_settings, suggest
from planner.rules.engine import COMPONENTS_KEY
from planner.storage import Repository

ID_HINT = "run 'planner suggest' for the current list"
MIN_PREFIX = 4  # characters of an id enough to name a suggestion when no other one shares them


def compute(repo: Repository, now: datetime, *, settle: bool = True) -> SuggestionResult:
    """Every rule on the stored book, the latest snapshot, history, events, signals and decisions."""
    snapshot = repo.latest_snapshot()
    if snapshot is None:
        raise StateError("no market snapshot yet: store one with 'planner market set --spx X --vix Y'")
    if settle:
        settlement.settle_expired(repo, now)  # an expired layer is settled, not "rolled with 0 days left"
    settings = repo.load_settings()
    history = repo.history_frame() if repo.history_symbols() else None
    return suggest(repo.load_book(), snapshot, settings, history=history, events=repo.events(),
                   signals=repo.signals(), decisions=repo.decisions(), at=now, options=options_from_settings(settings))


def _found(repo: Repository, now: datetime, suggestion_id: object) -> Suggestion:
    """The suggestion, as `planner suggest` shows it; an unknown id is refused before the
    settlement that listing would write, so the refusal leaves the book as it was."""
    if settlement.due_positions(repo, now):
        find(compute(repo, now, settle=False), suggestion_id)
    return find(compute(repo, now), suggestion_id)


def find(result: SuggestionResult, suggestion_id: object) -> Suggestion:
    """The shown suggestion with this id, or the only one whose id starts with it (at least 4 characters)."""
    text = str(suggestion_id).strip().lower()
    exact = result.by_id(text)
    if exact is not None:
        return exact
    matches = [s for s in result if len(text) >= MIN_PREFIX and s.id.startswith(text)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise InputError("id", "must name one suggestion; give more of its characters", text)
    raise NotFoundError("suggestion", text, ID_HINT)


@dataclass(frozen=True, slots=True)
class Accepted:
    """The recorded decision and the positions the trade opened, closed or rolled (as stored now)."""

    suggestion: Suggestion
    decision: Decision
    positions: tuple[Position, ...]


def accept(repo: Repository, suggestion_id: object, fill: FillRequest, now: datetime) -> Accepted:
    """Do what the suggestion proposes at the trader's fill ``price`` (points per unit) and ``qty``.

    ADD (and a WARN that carries a layer to buy): buy the layer. ROLL: sell the
    held layer at ``close_price`` and buy its successor at ``price``. CLOSE and
    TAKE_PROFIT: close the position at ``price``. TRIM: sell ``qty`` of the
    layer at ``price``, a partial close (the rest stays open, untouched). A WARN
    without a trade is only acknowledged. ``force`` keeps a fill the stored
    quote doubts (planner.domain.bounds).
    """
    price, qty, close_price, fees, at, force = fill.price, fill.qty, fill.close_price, fill.fees, fill.at, fill.force
    if price not in (None, ""):
        parse_price("price", price)  # a typo is refused before anything is settled
    suggestion = _found(repo, now, suggestion_id)
    trade = suggestion.proposal
    if trade is None:
        return _record(repo, suggestion, DecisionKind.ACCEPT, now, extra={})
    if price is None or price == "":
        raise InputError("price", "is required to accept a trade: the fill price per unit, points", "none")
    fill_price = parse_price("price", price)
    quantity = trade.quantity if qty is None or qty == "" else parse_quantity("qty", qty)
    note = f"suggestion {suggestion.id} ({suggestion.rule})"
    held = None if trade.position_id is None else repo.load_position(trade.position_id)
    held_id = str(trade.position_id)  # parsed and checked like a typed id
    opened: tuple[Position, ...]
    if trade.side == "buy" and trade.position_id is None:
        opened = (positions.add_layer(repo, LayerRequest(
            tier=str(trade.tier), kind=trade.instrument, expiry=trade.expiry.isoformat(),
            strikes=list(trade.strikes) or None, qty=quantity, price=fill_price, fees=fees, note=note, opened=at,
            force=force), now),)
    elif suggestion.action is Action.ROLL or (trade.side == "buy" and held is not None):
        if close_price is None or close_price == "":
            raise InputError("close-price", "is required to accept a roll: the price the held layer was sold at",
                             "none")
        opened = positions.roll_layer(repo, RollRequest(
            position_id=held_id, close_price=close_price, expiry=trade.expiry.isoformat(),
            strikes=list(trade.strikes) or None, price=fill_price, qty=quantity, fees=fees, note=note, at=at,
            force=force), now)
    elif suggestion.action is Action.TRIM and held is not None and quantity < held.quantity:
        opened = (positions.close_position(repo, CloseRequest(
            position_id=held_id, price=fill_price, fees=fees, at=at, qty=quantity, force=force), now),)
    else:
        if held is not None and quantity != held.quantity:
            raise InputError("qty", f"must be the whole position ({held.quantity}) to close it", quantity)
        opened = (positions.close_position(repo, CloseRequest(
            position_id=held_id, price=fill_price, fees=fees, at=at, force=force), now),)
    extra = {"fill_price_pts": fill_price, "quantity": quantity, "position_ids": [p.id for p in opened]}
    return _record(repo, suggestion, DecisionKind.ACCEPT, now, extra=extra, opened=tuple(opened))


def dismiss(repo: Repository, suggestion_id: object, *, now: datetime, why: object = "") -> Decision:
    """Keep the suggestion quiet until its condition changes materially; ``why`` is kept with it."""
    suggestion = _found(repo, now, suggestion_id)
    return _record(repo, suggestion, DecisionKind.DISMISS, now, reason=str(why or "").strip()).decision


def snooze(repo: Repository, suggestion_id: object, *, now: datetime, until: object) -> Decision:
    """Keep the suggestion quiet until the start of day ``until`` (New York)."""
    day = parse_date("until", until)
    today = now.astimezone(ET).date()
    if day <= today:
        raise InputError("until", f"must be a date after today ({today.isoformat()})", day.isoformat())
    suggestion = _found(repo, now, suggestion_id)
    moment = datetime.combine(day, time(0, 0), tzinfo=ET)
    return _record(repo, suggestion, DecisionKind.SNOOZE, now, until=moment).decision


def history(repo: Repository) -> list[dict[str, Any]]:
    """Every decision, oldest first, as plain dictionaries (``planner suggest history --json``)."""
    return [decision_dict(d) for d in repo.decisions()]


def decision_dict(decision: Decision) -> dict[str, Any]:
    return {
        "id": decision.id,
        "suggestion_id": decision.suggestion_id,
        "rule": decision.rule,
        "action": decision.action,
        "decision": str(decision.decision),
        "decided_at": decision.decided_at.isoformat(),
        "reason": decision.reason,
        "until": None if decision.until is None else decision.until.isoformat(),
        "figures": decision.figures,
    }


def _record(repo: Repository, suggestion: Suggestion, kind: DecisionKind, now: datetime, *, reason: str = "",
            until: datetime | None = None, extra: dict | None = None, opened: tuple[Position, ...] = ()) -> Accepted:
    shown = suggestion.to_json()
    figures = {**shown["figures"], COMPONENTS_KEY: list(suggestion.components), "proposal": shown["proposal"],
               **(extra or {})}
    decision = Decision(suggestion.id, suggestion.rule, str(suggestion.action), kind, now, reason, until, figures)
    with repo.change(f"{kind} suggestion {suggestion.id}") as tx:
        stored = repo.record_decision(tx, decision)
    current = tuple((None if p.id is None else repo.load_position(p.id)) or p for p in opened)
    return Accepted(suggestion, stored, current)


# -- text for the command line ---------------------------------------------------------------------------------------
def suggestions_text(result: SuggestionResult) -> str:
    lines = []
    for number, s in enumerate(result, 1):
        what = " ".join(part for part in (str(s.action), s.tier or "", f"({s.rule})") if part)
        lines.append(f"{number:>2}. [{s.severity}] {what}  id {s.id}")
        lines.append(f"    {s.reason}")
    if not lines:
        lines.append("no suggestions")
    quiet = len(result.suppressed)
    if quiet:
        lines.append(f"{quiet} more kept quiet by earlier decisions (see 'planner suggest history')")
    lines += [f"skipped {rule}: {why}" for rule, why in result.skipped]
    return "\n".join(lines)


def accepted_text(done: Accepted) -> str:
    s = done.suggestion
    if not done.positions:
        return f"accepted {s.id} ({s.rule} {s.action}): acknowledged"
    ids = ", ".join(str(p.id) for p in done.positions)
    return f"accepted {s.id} ({s.rule} {s.action} {s.tier or ''}): positions {ids}".replace(" )", ")")


def decisions_text(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no decisions yet"
    lines = []
    for row in rows:
        when = datetime.fromisoformat(row["decided_at"]).astimezone(ET).strftime("%Y-%m-%d %H:%M ET")
        until = f" until {row['until'][:10]}" if row["until"] else ""
        why = f": {row['reason']}" if row["reason"] else ""
        lines.append(f"{when}  {row['decision']:<7} {row['suggestion_id']}  {row['rule']} {row['action']}{until}{why}")
    return "\n".join(lines)
