"""The event calendar and the user's signals: their rules and the changes to them.

The event rule warns about condors expiring after an event in the calendar; a
signal is a named value the trader sets by hand (a macro view) that a rule can
be gated on. The window checks a form as it is typed with the same rules these
changes enforce, so a refused entry reads the same wherever it came from.
"""

from __future__ import annotations

import math
import re
from datetime import date

from planner.domain.errors import InputError, NotFoundError
from planner.domain.records import Event, EventKind, Signal
from planner.storage import Repository

SIGNAL_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LABEL_LIMIT = 80  # characters of an event's label or a signal's note: one line in the tables


def _length(field: str, text: str) -> InputError | None:
    if len(text) > LABEL_LIMIT:
        return InputError(field, f"must be at most {LABEL_LIMIT} characters", f"{len(text)} characters")
    return None


def event_problems(day: date, kind: EventKind, label: str, today: date) -> dict[str, InputError]:
    """What is wrong with an event (field -> error); ``today``: New York's date."""
    problems: dict[str, InputError] = {}
    if day < today:
        problems["date"] = InputError("date", "must be today or later", day.isoformat())
    text = label.strip()
    if kind == EventKind.CUSTOM and not text:
        problems["label"] = InputError("label", "is required for a custom event (what is it?)", "nothing")
    too_long = _length("label", text)
    if too_long is not None:
        problems["label"] = too_long
    return problems


def signal_problems(name: str, value: str, note: str) -> dict[str, InputError]:
    """What is wrong with a signal typed as text (field -> error); a value above 0 turns it on."""
    problems: dict[str, InputError] = {}
    name = name.strip()
    if not SIGNAL_NAME.match(name):
        problems["name"] = (InputError("name", "is required", "nothing") if not name else
                            InputError("name", "must be lower-case letters, digits and _, starting with a letter",
                                       repr(name)))
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        problems["value"] = InputError("value", "must be a number (above 0 = on)", repr(text) if text else "nothing")
    too_long = _length("note", note.strip())
    if too_long is not None:
        problems["note"] = too_long
    return problems


def _refuse(problems: dict[str, InputError]) -> None:
    if problems:
        raise next(iter(problems.values()))


def add_event(repo: Repository, event: Event, today: date) -> Event:
    """Put ``event`` in the calendar (one undoable change) unless it breaks a rule."""
    _refuse(event_problems(event.date, EventKind(event.kind), event.label, today))
    stored = Event(event.date, EventKind(event.kind), event.label.strip(), event.id)
    with repo.change(f"add event {stored.kind} {stored.date.isoformat()}") as tx:
        return repo.add_event(tx, stored)


def delete_event(repo: Repository, event: Event) -> None:
    """Take ``event`` out of the calendar (one undoable change)."""
    if event.id is None or all(e.id != event.id for e in repo.events()):
        raise NotFoundError("event", event.id, "it may have been deleted from another window")
    with repo.change(f"delete event {event.kind} {event.date.isoformat()}") as tx:
        repo.delete_event(tx, event.id)


def set_signal(repo: Repository, signal: Signal) -> Signal:
    """Store ``signal`` (a new name, or a new value for an existing one) unless it breaks a rule."""
    problems = signal_problems(signal.name, "0" if signal.value is None else repr(float(signal.value)), signal.note)
    _refuse(problems)  # a value of None: a name whose value is not set yet
    with repo.change(f"set signal {signal.name}") as tx:
        return repo.set_signal(tx, Signal(signal.name.strip(), signal.value, signal.note.strip(), signal.updated))


def delete_signal(repo: Repository, name: str) -> None:
    """Remove the signal called ``name`` (one undoable change)."""
    if all(s.name != name for s in repo.signals()):
        raise NotFoundError("signal", name, "it may have been deleted from another window")
    with repo.change(f"delete signal {name}") as tx:
        repo.delete_signal(tx, name)
