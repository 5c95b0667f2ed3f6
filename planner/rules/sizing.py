"""Sizing a proposed layer and measuring the book with it (DOMAIN.md, "Sizing a proposed layer").

Target protection of tier t = coverage_target_pct x |condor exposure| x share(t).
Contracts = (target - protection the tier already has) / protection of one
contract, rounded down, at least 1. The book with the layer added is measured
by ``what_if`` (equal to ``analyze`` of the changed book) for the coverage and
risk used after it; a
quantity that breaks the risk cap is cut to the largest that fits, and when
not even one contract fits the rule's ADD becomes a WARN.

"Breaks the cap" means: the worst condor's risk used goes from within the cap
in force to above it. A book already over the cap is not "broken" again by a
hedge (the risk-cap rule warns about it on its own); otherwise no hedge could
ever be proposed to a book in that state, since the scenario matrix's worst
cell (SPX down with VIX low) is one where VIX hedges only cost their premium.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from planner.domain.settings import Settings
from planner.rules.proposals import LayerSpec
from planner.rules.what_if import Addition, Measured, WhatIf

RISK_TOLERANCE_PCT = 1e-9  # risk-used comparisons ignore float noise below this


def tier_target_usd(exposure_usd: float, tier: str, settings: Settings) -> float:
    """Protection the tier should carry, dollars per VIX point.

    >>> tier_target_usd(-10_000.0, "mid", Settings())
    2000.0
    """
    return settings.coverage_target_pct / 100.0 * abs(exposure_usd) * settings.tier_share_pct(tier) / 100.0


def contracts_short(target_usd: float, have_usd: float, per_contract_usd: float) -> int:
    """floor((target - have) / per contract): may be 0 or negative when the tier is full.

    >>> contracts_short(2000.0, 500.0, 140.0)
    10
    """
    if per_contract_usd <= 0:
        return 0
    return math.floor((target_usd - have_usd) / per_contract_usd + 1e-9)


@dataclass(frozen=True, slots=True)
class Base:
    """The plan's trades so far: layers bought (``additions``) and held positions kept at a fraction (``scale``)."""

    additions: tuple[Addition, ...] = ()
    scale: dict[int, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Sized:
    """A layer quantity checked against the risk cap.

    wanted: what the sizing rule asked for. quantity: what fits (<= wanted),
    0 when not even one contract fits. after: the book with ``quantity``
    contracts (or with one, when none fits).
    """

    spec: LayerSpec
    wanted: int
    quantity: int
    after: Measured
    risk_before_pct: float | None

    @property
    def blocked(self) -> bool:
        return self.quantity == 0

    @property
    def capped(self) -> bool:
        return 0 < self.quantity < self.wanted


class Sizer:
    """Checks layer quantities against the risk cap on a ``WhatIf`` of the book."""

    def __init__(self, what_if: WhatIf, settings: Settings) -> None:
        self.what_if, self.settings = what_if, settings
        self._additions: dict[tuple, Addition] = {}

    def addition(self, spec: LayerSpec, quantity: int) -> Addition:
        if spec.key not in self._additions:
            self._additions[spec.key] = self.what_if.addition(spec.position(1, self.what_if.at), spec.protection_usd)
        return replace(self._additions[spec.key], quantity=quantity)

    def with_layer(self, spec: LayerSpec, quantity: int, remove: tuple[int, ...] = (),
                   base: Base | None = None) -> Measured:
        scale = dict.fromkeys(remove, 0.0)
        if base is None:
            return self.what_if.measure(self.addition(spec, quantity), scale, key=(spec.key, quantity))
        return self.what_if.measure((*base.additions, self.addition(spec, quantity)), {**base.scale, **scale})

    def breaks_cap(self, after: Measured, before: Measured) -> bool:
        """From within the cap to beyond it. A book already over the cap is the risk-cap rule's to flag."""
        cap = self.settings.risk_cap_in_force_pct + RISK_TOLERANCE_PCT
        if after.risk_used_pct is None or after.risk_used_pct <= cap:
            return False
        return before.risk_used_pct is None or before.risk_used_pct <= cap

    def size(self, spec: LayerSpec, wanted: int, remove: tuple[int, ...] = (), base: Base | None = None) -> Sized:
        """Check ``wanted`` contracts against the cap; cut to the largest quantity that fits.

        base: the plan's other trades, done first (the book the layer is sized against)."""
        if base is None:
            before = self.what_if.measure(scale=dict.fromkeys(remove, 0.0), key=("without",))
        else:
            before = self.what_if.measure(base.additions or None, {**base.scale, **dict.fromkeys(remove, 0.0)})
        after = self.with_layer(spec, wanted, remove, base)
        if not self.breaks_cap(after, before):
            return Sized(spec, wanted, wanted, after, before.risk_used_pct)
        one = self.with_layer(spec, 1, remove, base) if wanted != 1 else after
        if self.breaks_cap(one, before):
            return Sized(spec, wanted, 0, one, before.risk_used_pct)
        low, high = 1, wanted  # low fits, high breaks
        while high - low > 1:
            middle = (low + high) // 2
            if self.breaks_cap(self.with_layer(spec, middle, remove, base), before):
                high = middle
            else:
                low = middle
        return Sized(spec, wanted, low, self.with_layer(spec, low, remove, base), before.risk_used_pct)
