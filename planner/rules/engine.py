"""`suggest`: run every hedge rule on the book once and hand back one plan.

Flow: one risk analysis (or the caller's report) -> each rule, a pure function
of the context, emits intents (suggestions with their reason, figures, tier
and target) -> gates -> decisions applied to the intents (accepted and
dismissed ones and acknowledged warnings stay quiet while their condition
holds, snoozed ones until their date; an accepted trade is in the book, which
the rules read instead) -> the plan (``planner.rules.plan``) merges what is left into one
net trade per tier, sized against the book after its other trades -> sorted
by severity. Because decisions apply before the plan, dismissing one of its
suggestions re-plans the rest, and so does accepting one (the book changed).

A planned suggestion made of several intents has an id hashing all of them
and lists them in ``components``; a decision covers every part it was made
on (kept as ``component_ids`` in the decision's figures), so after
dismissing it none of its parts returns alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from planner.domain.errors import InputError, PlannerError
from planner.domain.market import MarketSnapshot
from planner.domain.positions import Book
from planner.domain.records import Decision, DecisionKind, Event, Signal
from planner.domain.settings import Settings
from planner.domain.suggestions import Suggestion
from planner.risk import RiskReport, analyze
from planner.rules import breakeven, coverage, ladder, maintenance, mean_reversion, risk_cap
from planner.rules import events as event_rules
from planner.rules.context import RuleContext, RuleSkipped
from planner.rules.gates import Gates, RuleOptions
from planner.rules.history import DailyHistory
from planner.rules.plan import Planner

Rule = Callable[[RuleContext], list[Suggestion]]

# DOMAIN.md order: it breaks ties between equally severe suggestions.
RULES: tuple[tuple[str, Rule], ...] = (
    (ladder.LADDER, ladder.ladder),
    (coverage.COVERAGE, coverage.coverage),
    (breakeven.BREAKEVEN, breakeven.breakeven),
    (maintenance.DELTA_DECAY, maintenance.delta_decay),
    (maintenance.EXPIRY, maintenance.expiry),
    (maintenance.CARRY, maintenance.carry),
    (risk_cap.RISK_CAP, risk_cap.risk_cap),
    (ladder.TREND, ladder.trend),
    (mean_reversion.MEAN_REVERSION, mean_reversion.take_profit),
    (mean_reversion.CONDOR_TAKE_PROFIT, mean_reversion.close_winners),
    (event_rules.EVENT_RISK, event_rules.event_risk),
)
RULE_ORDER = {name: i for i, (name, _) in enumerate(RULES)}
TIER_ORDER = {"near": 0, "mid": 1, "long": 2}
COMPONENTS_KEY = "component_ids"  # in a Decision's figures: the parts of the suggestion it was made on


@dataclass(frozen=True)
class SuggestionResult:
    """What ``suggest`` returns; iterating it gives the suggestions.

    skipped: (rule, reason) for rules or suggestions that could not be judged
    or were held back by a gate. suppressed: (suggestion, decision) pairs kept
    quiet by an earlier accept, dismiss or snooze. report: the risk analysis
    the rules read.
    """

    suggestions: tuple[Suggestion, ...]
    skipped: tuple[tuple[str, str], ...]
    suppressed: tuple[tuple[Suggestion, Decision], ...]
    report: RiskReport

    def __iter__(self) -> Iterator[Suggestion]:
        return iter(self.suggestions)

    def __len__(self) -> int:
        return len(self.suggestions)

    def __getitem__(self, index: int) -> Suggestion:
        return self.suggestions[index]

    def by_id(self, suggestion_id: str) -> Suggestion | None:
        return next((s for s in self.suggestions if s.id == suggestion_id), None)

    def to_json(self) -> list[dict[str, Any]]:
        return [s.to_json() for s in self.suggestions]


def suggest(
    book: Book,
    market: MarketSnapshot,
    settings: Settings,
    *,
    history: Any = None,
    events: Iterable[Event] = (),
    signals: Iterable[Signal] = (),
    decisions: Iterable[Decision] = (),
    at: datetime | None = None,
    risk: RiskReport | None = None,
    options: RuleOptions | None = None,
) -> SuggestionResult:
    """Every rule's suggestions for ``book`` under ``market`` at ``at`` (default now).

    history: daily closes (SPX, VIX, VVIX) as the store's frame, (date,
    symbol, close) rows or {symbol: closes}; only days before ``at`` are read.
    risk: an analysis of this book and market at ``at`` to reuse; without one
    (or with one made without scenarios), ``analyze(light=True)`` runs once. Risk used, and every what-if of a
    proposal, is measured on that report's scenario matrix.
    """
    at = at or datetime.now(UTC)
    if at.tzinfo is None:
        raise InputError("at", "must carry a time zone", at.isoformat())
    # The rules measure risk on the report's scenario matrix: a report made without one is not enough.
    report = risk
    if report is None or report.matrix is None:
        report = analyze(book, market, settings, at=at, light=True)
    decisions = tuple(decisions)
    ctx = RuleContext(book, market, settings, report, at, DailyHistory.of(history, before=_day(at)),
                      tuple(events), {s.name: s for s in signals}, decisions)
    found: list[Suggestion] = []
    skipped: list[tuple[str, str]] = []
    for name, rule in RULES:
        try:
            found.extend(rule(ctx))
        except RuleSkipped as why:
            skipped.append((name, str(why)))
        except PlannerError as error:  # e.g. an expiry the calendar cannot place
            skipped.append((name, str(error)))
    gates = Gates(ctx, options or RuleOptions())
    passed = []
    for suggestion in found:
        held = gates.hold_back(suggestion)
        if held is None:
            passed.append(suggestion)
        else:
            skipped.append((suggestion.rule, f"{suggestion.action} {suggestion.tier or ''} held back by the {held}"
                            .replace("  ", " ")))
    intents, suppressed = apply_decisions(passed, decisions, at)
    planner = Planner(ctx, _order)
    shown = planner.plan(intents)
    skipped += planner.skipped
    return SuggestionResult(tuple(sorted(shown, key=_order)), tuple(skipped), tuple(suppressed), report)


def _day(at: datetime):
    from planner import calendars

    return at.astimezone(calendars.ET).date()


def _order(s: Suggestion) -> tuple:
    return (s.severity.rank, RULE_ORDER.get(s.rule, len(RULES)), TIER_ORDER.get(s.tier or "", 3), s.targets, s.id)


def decision_components(decision: Decision) -> frozenset[str]:
    parts = decision.figures.get(COMPONENTS_KEY) if isinstance(decision.figures, dict) else None
    return frozenset(parts) if parts else frozenset((decision.suggestion_id,))


def quieting(decisions: Iterable[Decision], at: datetime) -> list[Decision]:
    """The decisions that keep their suggestion quiet at ``at``: the latest per id, unless a lapsed snooze."""
    latest: dict[str, Decision] = {}
    for decision in sorted(decisions, key=lambda d: (d.decided_at, d.id or 0)):
        latest[decision.suggestion_id] = decision
    return [d for d in latest.values()
            if d.decision is not DecisionKind.SNOOZE or (d.until is not None and at < d.until)]


def made_a_trade(decision: Decision) -> bool:
    """An accepted suggestion whose trade was saved: the book now holds it, so the rules read it from there
    (a trade saved smaller than proposed leaves the rest to the next plan), rather than keep the intent quiet."""
    figures = decision.figures if isinstance(decision.figures, dict) else {}
    return decision.decision is DecisionKind.ACCEPT and isinstance(figures.get("proposal"), dict)


def apply_decisions(suggestions: list[Suggestion], decisions: Iterable[Decision], at: datetime
                    ) -> tuple[list[Suggestion], list[tuple[Suggestion, Decision]]]:
    active = [(d, decision_components(d)) for d in quieting(decisions, at) if not made_a_trade(d)]
    shown, suppressed = [], []
    for s in suggestions:
        parts = set(s.components)
        match = next((d for d, covered in active if d.suggestion_id == s.id or parts <= covered), None)
        if match is None:
            shown.append(s)
        else:
            suppressed.append((s, match))
    return shown, suppressed
