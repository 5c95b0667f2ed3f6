"""Rule 10: scheduled events (FOMC, CPI, PPI, the user's own) close to open condors.

An event ``event_window_days`` trading days away or closer (0 = today) that
falls on or before a condor's expiry -> WARN naming those condors (an event on
the expiry day itself still lands before a PM settlement). With no open
long-tier layer -> also ADD the long tier's SPX put-spread backstop, sized to
the tier's share.
"""

from __future__ import annotations

from planner import calendars
from planner.domain.records import Event
from planner.domain.suggestions import Action, Severity, Suggestion
from planner.rules.common import add_or_warn, layer_quantity
from planner.rules.context import RuleContext

EVENT_RISK = "event_risk"
LONG = "long"


def _label(event: Event) -> str:
    return f"{event.kind} ({event.label})" if event.label else str(event.kind)


def event_risk(ctx: RuleContext) -> list[Suggestion]:
    window = ctx.settings.event_window_days
    found = []
    first: tuple[Event, int, tuple[int, ...]] | None = None
    for event in sorted(ctx.events, key=lambda e: (e.date, str(e.kind), e.label)):
        if event.date < ctx.today:
            continue
        sessions = calendars.trading_days_between(ctx.today, event.date)
        if sessions > window:
            continue
        exposed = tuple(c.saved_id for c in ctx.condors if event.date <= c.expiry)
        if not exposed:
            continue
        first = first or (event, sessions, exposed)
        names = ", ".join(str(i) for i in exposed)
        when = "today" if sessions == 0 else f"in {sessions} trading day{'s' if sessions != 1 else ''}"
        reason = (f"{_label(event)} on {event.date.isoformat()} is {when}, within the {window}-day window and before "
                  f"the expiry of condor{'s' if len(exposed) > 1 else ''} {names}: expect a move and mind their "
                  f"break-evens.")
        figures = {"trading_days_to_event": sessions, "event_window_days": window, "condors": len(exposed)}
        found.append(Suggestion(EVENT_RISK, Action.WARN, Severity.MEDIUM, reason, exposed, None, None, figures,
                                f"event={event.date.isoformat()}|{event.kind}|{event.label}"))
    if first is not None and not ctx.tier_layers(LONG) and ctx.has_condor_exposure:
        event, sessions, exposed = first
        spec = ctx.backstop_spec()
        why = (f"{_label(event)} on {event.date.isoformat()} is {sessions} trading days away and no long-tier layer "
               f"is open")
        figures = {"trading_days_to_event": sessions, "event_window_days": window}
        found.append(add_or_warn(ctx, rule=EVENT_RISK, spec=spec, quantity=layer_quantity(ctx, spec),
                                 severity=Severity.MEDIUM, why=why, figures=figures,
                                 condition=f"backstop|event={event.date.isoformat()}|{event.kind}"))
    return found
