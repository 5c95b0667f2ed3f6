"""One plan per review: the rules' suggestions are intents, the plan makes one net trade per tier of them.

Each rule says why it wants a trade (its reason, figures, tier and target).
The plan (DOMAIN.md, "The hedge method as rules"):

* per tier, one trade. A take-profit wins its tier (the tier then rests, so
  buys in it wait). Else a ROLL, which absorbs every ADD into the same tier:
  closing the layer and opening its successor, sized to the largest goal
  among them, is one trade; a CLOSE (expiry, carry) with an ADD wanted in
  its tier becomes that ROLL. Else the ADDs merge into one, sized to the
  largest goal; a TRIM in a tier the plan buys gives way. Else one sale;
* never a sale on an expiry the plan buys in another tier (the ROLL's own
  close excepted): the sale waits;
* after a sale in a tier, no buy in it for ``rebuy_hold_sessions`` sessions
  unless VIX crosses the tier's threshold upward (``RuleContext.rebuy_hold``);
* trades are sized in order against the book *after* the plan's earlier
  ones: condor closes and sales first, then the event rule's SPX put-spread
  backstop (its own suggestion), then near, mid and long; a top-up or trim
  smaller than ``min_trade_coverage_pct`` of the condor exposure is not worth
  its spread and is left out; a buy cut by the risk cap says so, and one that
  cannot fit even one contract becomes a WARN;
* with ``hedge_budget_pct`` on, new layers' cost per 30 days stays within
  that share of the open condors' credit: ADDs are cut to fit and say so.

Every intent that fed a suggestion is one of its ``reasons`` and ``components``
(a decision covers them all); an intent the plan left out is in the skipped
list with the reason.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field, replace
from datetime import timedelta

from planner.domain.positions import LayerKind, Position, PositionKind
from planner.domain.suggestions import Action, ProposedTrade, Severity, Suggestion
from planner.domain.units import percent, usd
from planner.rules.common import buy_trade, close_value, describe_layer, describe_position, trade_words
from planner.rules.context import TIERS, RuleContext
from planner.rules.maintenance import CARRY
from planner.rules.sizing import Base, contracts_short
from planner.rules.what_if import Addition

SELLS = frozenset({Action.TRIM, Action.CLOSE, Action.TAKE_PROFIT})
BUDGET_DAYS = 30  # the hedge spend budget is per month


@dataclass
class _Tier:
    buys: list[Suggestion] = field(default_factory=list)  # open a layer of the tier table
    rolls: list[Suggestion] = field(default_factory=list)  # close a held layer and open its successor
    sells: list[Suggestion] = field(default_factory=list)  # TRIM, CLOSE, TAKE_PROFIT of a held layer


@dataclass
class _Decided:
    tier: str
    kind: str  # "sell", "roll" or "buy"
    parts: list[Suggestion]
    layer: Position | None = None  # the held layer a sale or roll acts on

    @property
    def primary(self) -> Suggestion:
        return self.parts[0]

    @property
    def held(self) -> Position:
        """The layer a roll acts on: a roll is always of a held layer its suggestion names."""
        assert self.layer is not None, f"a {self.kind} in the {self.tier} tier without its layer"
        return self.layer


def _trade(s: Suggestion) -> ProposedTrade:
    """The trade of an intent the plan sorted into a tier or the condor trades (only those with one are)."""
    assert s.proposal is not None, f"{s.rule} {s.action} without a trade"
    return s.proposal


class Planner:
    """Turns one review's intents into its plan; ``skipped`` gathers (rule, why) for intents left out."""

    def __init__(self, ctx: RuleContext, order) -> None:
        self.ctx, self.order = ctx, order
        self.skipped: list[tuple[str, str]] = []
        self.additions: list[Addition] = []
        self.scale: dict[int, float] = {}
        self.added_usd: dict[str, float] = dict.fromkeys(TIERS, 0.0)  # protection the plan adds per tier
        self.spent_usd = 0.0  # cost of the plan's new layers
        self.budget: tuple[float, float] | None = None  # (per 30 days, spent before this plan), dollars

    # -- sorting the intents -------------------------------------------------------------------------------------
    def plan(self, intents: list[Suggestion]) -> list[Suggestion]:
        shown: list[Suggestion] = []
        tiers = {t: _Tier() for t in TIERS}
        backstops: list[Suggestion] = []
        condor_trades: list[Suggestion] = []
        for s in sorted(intents, key=self.order):
            trade = s.proposal
            tier = s.tier or (trade.tier if trade else None)
            if trade is None or tier not in tiers:
                (condor_trades if trade is not None and trade.instrument == "condor" else shown).append(s)
            elif trade.side == "buy" and trade.position_id is None:
                (backstops if trade.instrument == str(LayerKind.SPX_PUT_SPREAD) else tiers[tier].buys).append(s)
            elif trade.side == "buy":
                tiers[tier].rolls.append(s)
            else:
                tiers[tier].sells.append(s)
        decided = [d for t in TIERS if (d := self._decide(t, tiers[t])) is not None]
        decided = self._no_sale_on_a_bought_expiry(decided, backstops)
        for s in condor_trades:  # the condor program's own exits: the hedges are sized for the book without them
            closed = _trade(s).position_id
            if closed is not None:
                self.scale[closed] = 0.0
            shown.append(s)
        for d in decided:
            if d.kind == "sell" and d.primary.action is not Action.TRIM:
                shown += self._sell(d)
        hold = self.ctx.rebuy_hold("long")
        for s in backstops:
            if hold:
                self._skip(s, hold)
            else:
                shown += self._buy(_Decided("long", "buy", [s]), backstop=True)
        for d in decided:
            if d.kind != "sell":
                shown += self._buy(d)
        trims = [d for d in decided if d.kind == "sell" and d.primary.action is Action.TRIM]
        # Trims last, sized back to the target with the plan's buys counted, the tier most over its share first
        # (an inactive tier's share is nil).
        trims.sort(key=lambda d: (self.ctx.tier_target_usd(d.tier) if d.tier in self.ctx.active_tiers else 0.0)
                   - self._tier_protection_usd(d.tier))
        for d in trims:
            shown += self._trim(d)
        return self._with_the_whole_plan(shown)

    def _with_the_whole_plan(self, shown: list[Suggestion]) -> list[Suggestion]:
        """Each trade says the book after it (the plan's earlier trades counted); with several, also the book
        after the whole plan, which is what the trader ends with."""
        traded = [s for s in shown if s.proposal is not None and s.action is not Action.WARN]
        if len(traded) < 2 or not (self.additions or self.scale):
            return shown
        after = self.ctx.what_if.measure(tuple(self.additions) or None, dict(self.scale))
        words = (f" With the whole plan ({len(traded)} trades): coverage {percent(after.coverage_pct, 1)}, "
                 f"risk used {percent(after.risk_used_pct)} of equity.")
        return [replace(s, reason=s.reason + words, figures={**s.figures, "plan_coverage_after_pct": after.coverage_pct,
                                                              "plan_risk_used_after_pct": after.risk_used_pct})
                if any(s is t for t in traded) else s for s in shown]

    def _skip(self, s: Suggestion, why: str) -> None:
        self.skipped.append((s.rule, f"{s.action} {s.tier or ''} left out of the plan: {why}".replace("  ", " ")))

    def _layer(self, s: Suggestion) -> Position | None:
        trade = s.proposal
        return self.ctx.book.get(trade.position_id) if trade is not None and trade.position_id is not None else None

    def _decide(self, tier: str, t: _Tier) -> _Decided | None:
        """The tier's one trade. Buys wait out the hold after a sale (a ROLL still replaces its layer, without
        absorbing them); discretionary sales (a TRIM, a carry CLOSE) wait out the hold after a buy."""
        hold = self.ctx.rebuy_hold(tier)
        if hold:
            for s in t.buys:
                self._skip(s, hold)
            t = _Tier([], t.rolls, t.sells)
        if self.ctx.bought_lately(tier):
            for s in [s for s in t.sells if s.action is Action.TRIM or s.rule == CARRY]:
                self._skip(s, f"a {tier} layer was bought within {self.ctx.settings.rebuy_hold_sessions} sessions: "
                              f"selling in the tier now would be a round trip")
            t = _Tier(t.buys, t.rolls, [s for s in t.sells if s.action is not Action.TRIM and s.rule != CARRY])
        profits = [s for s in t.sells if s.action is Action.TAKE_PROFIT]
        closes = [s for s in t.sells if s.action is Action.CLOSE]
        if profits:
            chosen = _Decided(tier, "sell", [profits[0]], self._layer(profits[0]))
            why = f"the {tier} tier takes its profit in this plan and rests until VIX crosses its threshold upward"
        elif t.rolls or (closes and t.buys):
            primary = t.rolls[0] if t.rolls else closes[0]
            chosen = _Decided(tier, "roll", [primary, *t.buys], self._layer(primary))
            why = f"one trade per tier: the {tier} tier rolls {describe_position(chosen.held)} in this plan"
        elif t.buys:
            chosen = _Decided(tier, "buy", list(t.buys))
            why = f"the plan buys in the {tier} tier: selling in it too would be a round trip"
        elif t.sells:
            chosen = _Decided(tier, "sell", [t.sells[0]], self._layer(t.sells[0]))
            why = f"one trade per tier: the {tier} tier sells in this plan; the next review sees the rest"
        else:
            return None
        for s in [*t.rolls, *t.sells, *t.buys]:
            if not any(s is part for part in chosen.parts):
                self._skip(s, why)
        return chosen

    def _no_sale_on_a_bought_expiry(self, decided: list[_Decided], backstops: list[Suggestion]) -> list[_Decided]:
        """A sale (or a roll's close) on an expiry another tier buys in this plan waits for a later review."""
        bought = {}
        for d in decided:
            if d.kind != "sell":
                bought[_trade(d.primary).expiry] = d.tier
        for s in backstops:
            bought[_trade(s).expiry] = "long"
        kept = []
        for d in decided:
            if d.kind == "buy" or d.layer is None:
                kept.append(d)
                continue
            other = bought.get(d.layer.expiry)
            if other is None or other == d.tier:
                kept.append(d)
                continue
            why = (f"the plan buys the {d.layer.expiry.isoformat()} expiry in the {other} tier; selling it in the "
                   f"same plan would be a round trip")
            self._skip(d.primary, why)
            buys = d.parts[1:]
            if buys:
                kept.append(_Decided(d.tier, "buy", buys))
        return kept

    # -- the book after the plan so far ---------------------------------------------------------------------------
    def _base(self) -> Base:
        return Base(tuple(self.additions), dict(self.scale))

    def _exposure_usd(self) -> float:
        """|condor vega| after the plan's condor closes, dollars per vol point."""
        what_if = self.ctx.what_if
        total = 0.0
        for c in what_if.condors:
            position = what_if.positions[c]
            total += what_if.vega[c] * self.scale.get(position.saved_id, 1.0)
        return abs(total)

    def _tier_protection_usd(self, tier: str, without: int | None = None) -> float:
        held = sum(self.ctx.position_protection_usd(p) * self.scale.get(p.saved_id, 1.0)
                   for p in self.ctx.tier_layers(tier) if p.id != without)
        return held + self.added_usd[tier]

    def _tier_holds_layers(self, tier: str, without: int | None = None) -> bool:
        return self.added_usd[tier] > 0 or any(self.scale.get(p.saved_id, 1.0) > 0 and p.id != without
                                               for p in self.ctx.tier_layers(tier))

    # -- sales ------------------------------------------------------------------------------------------------------
    def _sell(self, d: _Decided) -> list[Suggestion]:
        """A take-profit or a close: all of the layer."""
        if d.layer is not None:
            self.scale[d.layer.saved_id] = 0.0
        return [d.primary]

    def _book_protection_usd(self) -> float:
        held = sum(self.ctx.position_protection_usd(p) * self.scale.get(p.saved_id, 1.0) for p in self.ctx.layers)
        return held + sum(self.added_usd.values())

    def _trim(self, d: _Decided) -> list[Suggestion]:
        """The coverage rule's TRIM, resized so the book *after the plan's buys* lands on the target: the
        whole-contract quantity nearest it, never under the floor, an active tier keeping its share."""
        ctx, s, layer = self.ctx, d.primary, d.layer
        settings = ctx.settings
        exposure = self._exposure_usd()
        if layer is None or exposure <= 0:
            return [s]
        protection = self._book_protection_usd()
        excess = protection - settings.coverage_target_pct / 100.0 * exposure
        per_contract = ctx.position_protection_usd(layer) / layer.quantity
        nearest = int(excess / per_contract + 0.5) if per_contract > 0 and excess > 0 else 0
        if d.tier in ctx.active_tiers and per_contract > 0:
            # An active tier never goes under its share, or the ladder and coverage buy it back.
            ratio = exposure / abs(ctx.exposure_usd)
            over = self._tier_protection_usd(d.tier) - ctx.tier_target_usd(d.tier) * ratio
            nearest = min(nearest, max(0, math.floor(over / per_contract + 1e-9)))
        floor_room = protection - settings.coverage_low_pct / 100.0 * exposure
        while nearest > 0 and per_contract * nearest > floor_room + 1e-9:
            nearest -= 1
        quantity = min(layer.quantity, nearest)
        if quantity < 1:
            self._skip(s, f"with the plan's other trades coverage is {percent(100 * protection / exposure, 1)}: "
                          f"nothing of {describe_position(layer)} to sell without passing the target or the floor")
            return []
        if per_contract * quantity < settings.min_trade_coverage_pct / 100.0 * exposure:
            self._skip(s, f"it moves {usd(per_contract * quantity)} per VIX point, under the "
                          f"{percent(settings.min_trade_coverage_pct, 0)} of exposure worth trading")
            return []
        self.scale[layer.saved_id] = 1.0 - quantity / layer.quantity
        after = ctx.what_if.measure(tuple(self.additions) or None, dict(self.scale))
        old = _trade(s)
        trade = replace(old, quantity=quantity, cost_usd=old.cost_usd * quantity / old.quantity,
                        protection_usd=-per_contract * quantity, coverage_after_pct=after.coverage_pct,
                        risk_used_after_pct=after.risk_used_pct)
        others = " with the plan's other trades" if self.additions or len(self.scale) > 1 else ""
        reason = (f"{s.reasons[0]}: sell {quantity} of {describe_position(layer)} at about {trade.price_pts:.2f} pts "
                  f"({usd(-trade.cost_usd)}), toward the {percent(settings.coverage_target_pct, 0)} target{others}; "
                  f"coverage after {percent(trade.coverage_after_pct, 1)}.")
        return [replace(s, proposal=trade, reason=reason,
                        figures={**s.figures, "coverage_after_pct": after.coverage_pct})]

    # -- buys and rolls ---------------------------------------------------------------------------------------------
    def _spec(self, d: _Decided, backstop: bool):
        if backstop:
            return self.ctx.backstop_spec()
        if d.kind == "roll":
            return self.ctx.roll_spec(d.held)
        return self.ctx.tier_spec(d.tier)

    def _goal_usd(self, d: _Decided) -> float:
        """The largest tier protection any part aims for, rescaled to the exposure after the plan's condor closes."""
        ctx = self.ctx
        before = abs(ctx.exposure_usd)
        ratio = self._exposure_usd() / before if before > 0 else 1.0
        goals = [s.figures.get("tier_goal_usd", ctx.tier_target_usd(d.tier)) for s in d.parts]
        return max(goals) * ratio

    def _budget_left_usd(self) -> float | None:
        percent_of_credit = self.ctx.settings.hedge_budget_pct
        if percent_of_credit <= 0:
            return None
        ctx = self.ctx
        credit = sum(c.open_price * c.multiplier * c.quantity for c in ctx.condors)
        since = ctx.at - timedelta(days=BUDGET_DAYS)
        spent = sum(p.open_price * p.multiplier * p.quantity for p in ctx.book.positions
                    if p.kind is PositionKind.LAYER and since < p.opened_at <= ctx.at)
        self.budget = (percent_of_credit / 100.0 * credit, spent + self.spent_usd)
        return self.budget[0] - self.budget[1]

    def _buy(self, d: _Decided, backstop: bool = False) -> list[Suggestion]:
        ctx = self.ctx
        spec = self._spec(d, backstop)
        rolled = d.held.saved_id if d.kind == "roll" else None
        have = self._tier_protection_usd(d.tier, without=rolled)
        goal = self._goal_usd(d)
        need = contracts_short(goal, have, spec.protection_usd)
        exposure = self._exposure_usd()
        notes: list[str] = []
        if d.kind == "roll":
            quantity = max(1, need) if ctx.has_condor_exposure else d.held.quantity
        elif not self._tier_holds_layers(d.tier):
            quantity = max(1, need)  # a tier's first layer: at least one contract
        else:
            if need < 1:
                for s in d.parts:
                    self._skip(s, f"the {d.tier} tier already holds {usd(have)} per VIX point after the plan's "
                                  f"other trades, its goal {usd(goal)}")
                return []
            minimum = ctx.settings.min_trade_coverage_pct / 100.0 * exposure
            if need * spec.protection_usd < minimum:
                for s in d.parts:
                    self._skip(s, f"a top-up of {need} adds {usd(need * spec.protection_usd)} per VIX point, under "
                                  f"the {percent(ctx.settings.min_trade_coverage_pct, 0)} of exposure worth trading")
                return []
            quantity = need
        left = self._budget_left_usd() if d.kind == "buy" else None
        per_contract_cost = spec.price_pts * spec.multiplier
        if left is not None and per_contract_cost > 0 and quantity * per_contract_cost > left:
            fits = int(max(0.0, left) // per_contract_cost)
            assert self.budget is not None  # _budget_left_usd set it with ``left``
            if fits < 1:
                for s in d.parts:
                    self._skip(s, f"the hedge spend budget of {usd(self.budget[0])} per {BUDGET_DAYS} days "
                                  f"({percent(ctx.settings.hedge_budget_pct, 0)} of the condors' credit) has "
                                  f"{usd(max(0.0, left))} left, less than one contract at {usd(per_contract_cost)}")
                return []
            notes.append(f"cut from {quantity} to {fits} by the hedge spend budget ({usd(max(0.0, left))} left of "
                         f"{usd(self.budget[0])} per {BUDGET_DAYS} days)")
            quantity = fits
        sized = ctx.sizer.size(spec, quantity, remove=(rolled,) if rolled is not None else (), base=self._base())
        if sized.blocked:
            return [self._blocked(d, sized, spec)]
        if sized.capped:
            notes.append(f"cut from {sized.wanted} to stay under the "
                         f"{percent(ctx.settings.risk_cap_in_force_pct)} risk cap")
        quantity = sized.quantity
        self.additions.append(ctx.sizer.addition(spec, quantity))
        self.added_usd[d.tier] += spec.protection_usd * quantity
        if rolled is not None:
            self.scale[rolled] = 0.0
        if d.kind == "buy":
            self.spent_usd += per_contract_cost * quantity
        trade = buy_trade(sized, quantity)
        if rolled is not None:
            trade = replace(trade, position_id=rolled)
        figures = self._figures(d, sized, goal, have)
        return [self._suggestion(d, trade, figures, notes)]

    def _figures(self, d: _Decided, sized, goal: float, have: float) -> dict:
        figures = dict(d.primary.figures)
        for s in d.parts[1:]:
            figures.update({k: v for k, v in s.figures.items() if k not in figures})
        figures.update({"tier_goal_usd": goal, "tier_protection_after_plan_usd": have,
                        "protection_per_contract_usd": sized.spec.protection_usd, "contracts_wanted": sized.wanted,
                        "coverage_before_pct": self.ctx.report.coverage_pct})
        if len(d.parts) > 1:
            figures["plan_reasons"] = ", ".join(f"{s.rule} {s.action}" for s in d.parts)
        if self.budget is not None:
            figures.update({"budget_month_usd": self.budget[0], "budget_spent_usd": self.budget[1]})
        return figures

    def _suggestion(self, d: _Decided, trade: ProposedTrade, figures: dict, notes: list[str]) -> Suggestion:
        ctx = self.ctx
        whys = tuple(s.reasons[0] for s in d.parts)
        capped = f" ({'; '.join(notes)})" if notes else ""
        after = (f"coverage {percent(ctx.report.coverage_pct, 1)} -> {percent(trade.coverage_after_pct, 1)}, "
                 f"risk used {percent(trade.risk_used_after_pct)} of equity")
        if d.kind == "roll":
            mark, value = close_value(ctx, d.held)
            act = (f"sell {describe_position(d.held)} at about {mark:.2f} pts ({usd(value)}) and buy "
                   f"{trade_words(trade)}{capped}")
            action = Action.ROLL
        else:
            act = f"buy {trade_words(trade)}{capped}"
            action = Action.ADD
        if len(whys) == 1:
            reason = f"{whys[0]}: {act}; {after}."
        else:
            listed = " ".join(f"({i}) {why}." for i, why in enumerate(whys, 1))
            reason = (f"{len(whys)} reasons for one {action} in the {d.tier} tier: {listed} "
                      f"{act[0].upper()}{act[1:]}; {after}.")
        return _combined(d, action, reason, trade, figures, whys)

    def _blocked(self, d: _Decided, sized, spec) -> Suggestion:
        ctx = self.ctx
        trade = buy_trade(sized, 1)
        if d.layer is not None and d.kind == "roll":
            trade = replace(trade, position_id=d.layer.id)
        whys = tuple(s.reasons[0] for s in d.parts)
        reason = (f"{'; '.join(whys)}, but even one {describe_layer(spec.layer_kind, spec.expiry, spec.strikes)} "
                  f"would take risk used to {percent(trade.risk_used_after_pct)} of equity, over the "
                  f"{percent(ctx.settings.risk_cap_in_force_pct)} cap.")
        figures = {**d.primary.figures, "risk_cap_pct": ctx.settings.risk_cap_in_force_pct}
        blocked = _combined(d, Action.WARN, reason, trade, figures, whys)
        return replace(blocked, severity=Severity.HIGH)


def _combined(d: _Decided, action: Action, reason: str, trade: ProposedTrade, figures: dict,
              whys: tuple[str, ...]) -> Suggestion:
    primary = d.primary
    components = tuple(sorted({c for s in d.parts for c in s.components}))
    severity = min((s.severity for s in d.parts), key=lambda sev: sev.rank)
    if len(d.parts) == 1 and action is primary.action:
        return replace(primary, reason=reason, proposal=trade, figures=figures, reasons=whys, severity=severity)
    condition = primary.condition if action is primary.action else f"{primary.condition}|{action}"
    merged = Suggestion(primary.rule, action, severity, reason, tuple(sorted({t for s in d.parts for t in s.targets})),
                        d.tier, trade, figures, condition, components=components if len(components) > 1 else (),
                        reasons=whys)
    if len(components) > 1:
        merged = replace(merged, id=hashlib.sha1("+".join(components).encode()).hexdigest()[:12])
    return merged
