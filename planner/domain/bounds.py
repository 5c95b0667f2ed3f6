"""Price bounds and quote sanity: the one place every way in (tickets, CLI, feeds) asks.

Two kinds of rule:

- **Hard bounds** hold whatever the market does, so breaking one is refused
  (``InputError``): a price above 0; a spread's debit at most its width (a
  spread can never pay more than its width, and has no intrinsic floor the
  trader could not have met); a condor's credit below its widest wing and its
  close (the buy-back) at most that wing, the most a condor can cost.
- **Doubts** depend on the stored quote or on the last quote, so a real fill in
  a fast market may break them: an option below its discounted intrinsic value
  or above its discounted underlying, a VX future far from the curve, a fill far
  from the model's fair value, and a quote far from the last one. They are
  returned as ``Doubt``s; a user confirms them (``--force`` on the command
  line), a feed's quote that raises one is not stored.

Bounds on options (no-arbitrage, European): with F the forward of the
underlying (a VX future for a VIX option; S e^((r-q)T) for SPX) and
D = e^(-rT), a call C satisfies D max(F - K, 0) <= C <= D F, and a vertical
spread of width W is worth between 0 and D W. A spread has no intrinsic floor:
its payoff min(max(F_T - K1, 0), W) is capped, so its value can sit well under
its intrinsic value on F (a 5/6 call spread with F = 6, one year at 100 % vol,
is worth 0.34, not 1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from planner.domain.errors import InputError, PlannerError
from planner.domain.instruments import require_positive
from planner.domain.payoff import widest_wing
from planner.domain.positions import LayerKind, Position, PositionKind, validate_condor_credit
from planner.domain.settings import Settings

EPSILON_PTS = 1e-9  # float noise on a bound compared in points


@dataclass(frozen=True, slots=True)
class Doubt:
    """A price or quote that may be a typo: ``field`` ``value`` ``rule`` (one line)."""

    field: str
    value: float
    rule: str

    def __str__(self) -> str:
        return f"{self.field} {self.value:g} {self.rule}"


class ConfirmationNeeded(PlannerError):
    """Doubts the user has not confirmed. The CLI exits 2 naming ``--force``; a ticket asks."""

    def __init__(self, doubts: Sequence[Doubt]) -> None:
        self.doubts = tuple(doubts)
        super().__init__("; ".join(str(d) for d in self.doubts)
                         + ": needs confirming (add --force to keep it anyway)")


def confirm(doubts: Sequence[Doubt], force: bool) -> None:
    """Raise ``ConfirmationNeeded`` for unconfirmed doubts; nothing when forced or clean."""
    if doubts and not force:
        raise ConfirmationNeeded(doubts)


# -- hard bounds ----------------------------------------------------------------------------
def spread_width(layer_kind: LayerKind | None, strikes: Sequence[float]) -> float | None:
    """Points between a vertical spread's strikes (None for a single option or a future).

    >>> spread_width(LayerKind.VIX_CALL_SPREAD, (20.0, 30.0))
    10.0
    """
    if layer_kind in (LayerKind.VIX_CALL_SPREAD, LayerKind.SPX_PUT_SPREAD) and len(strikes) == 2:
        return abs(strikes[1] - strikes[0])
    return None


def check_open_price(kind: PositionKind, layer_kind: LayerKind | None, strikes: Sequence[float], price: object,
                     field: str = "price") -> float:
    """The opening price per unit within the bounds any market respects; returns it as a float."""
    if kind is PositionKind.CONDOR:
        return validate_condor_credit(strikes, price)
    value = require_positive(field, price)
    width = spread_width(layer_kind, strikes)
    if width is not None and value > width + EPSILON_PTS:
        raise InputError(field, f"must be at most the spread's width {width:g} (a spread never pays more)", value)
    return value


def check_close_price(position: Position, price: object, field: str = "price") -> float:
    """A closing price per unit within the bounds any market respects; returns it as a float."""
    value = require_positive(field, price)
    strikes = tuple(leg.strike for leg in position.legs if leg.strike is not None)
    if position.kind is PositionKind.CONDOR:
        widest = widest_wing(strikes)
        if value > widest + EPSILON_PTS:
            raise InputError(field, f"must be at most the condor's widest wing {widest:g} "
                                    "(a buy-back above it loses more than the max loss)", value)
        return value
    width = spread_width(position.layer_kind, strikes)
    if width is not None and value > width + EPSILON_PTS:
        raise InputError(field, f"must be at most the spread's width {width:g} (a spread is never worth more)",
                         value)
    return value


# -- doubts that depend on the stored quote ---------------------------------------------------
def option_bounds(layer_kind: LayerKind | None, strikes: Sequence[float], forward: float, discount: float
                  ) -> tuple[float, float] | None:
    """(lowest, highest) no-arbitrage value per unit of a layer's package, points.

    forward: the VX future of the expiry (VIX options) or SPX's forward; discount: e^(-rT).

    >>> option_bounds(LayerKind.VIX_CALL, (20.0,), 25.0, 1.0)
    (5.0, 25.0)
    >>> option_bounds(LayerKind.VIX_CALL_SPREAD, (20.0, 30.0), 25.0, 1.0)
    (0.0, 10.0)
    """
    if layer_kind is LayerKind.VIX_CALL:
        (strike,) = strikes
        return discount * max(forward - strike, 0.0), discount * forward
    if layer_kind in (LayerKind.VIX_CALL_SPREAD, LayerKind.SPX_PUT_SPREAD):
        return 0.0, discount * abs(strikes[0] - strikes[1])
    return None


def option_price_doubts(layer_kind: LayerKind | None, strikes: Sequence[float], price: float, forward: float,
                        discount: float, field: str = "price") -> list[Doubt]:
    bounds = option_bounds(layer_kind, strikes, forward, discount)
    if bounds is None:
        return []
    low, high = bounds
    what = "VX future" if layer_kind is not LayerKind.SPX_PUT_SPREAD else "SPX forward"
    if price < low - EPSILON_PTS:
        return [Doubt(field, price, f"is below the discounted intrinsic value {low:.2f} "
                                    f"(on the stored {what} {forward:.2f})")]
    if price > high + EPSILON_PTS:
        limit = "discounted width" if layer_kind is not LayerKind.VIX_CALL else f"discounted {what}"
        return [Doubt(field, price, f"is above the {limit} {high:.2f} (on the stored {what} {forward:.2f})")]
    return []


def future_price_doubt(price: float, curve_price: float, settings: Settings, field: str = "price") -> Doubt | None:
    """A VX future fill farther from the stored curve's price than ``future_curve_tolerance_pct``."""
    tolerance = settings.future_curve_tolerance_pct
    if abs(price / curve_price - 1.0) * 100.0 > tolerance:
        return Doubt(field, price, f"is more than {tolerance:g} % from the stored VX future {curve_price:.2f}")
    return None


def fair_value_doubt(price: float, fair: float, settings: Settings, field: str = "price") -> Doubt | None:
    """A fill ``fill_fair_ratio_max`` times the model's fair value or more, or that fraction of it or
    less, and ``fill_fair_tolerance_pts`` away. A ratio, so a slipped decimal point (x 10 or / 10)
    shows either way, while a model that is off by a normal margin for a skewed market does not.

    >>> str(fair_value_doubt(11.0, 1.1, Settings()))
    "price 11 is 10 times the model's fair value 1.10 (confirm beyond 3 times or a third, and 0.5 pts)"
    >>> fair_value_doubt(1.4, 1.1, Settings()) is None
    True
    """
    if not math.isfinite(fair) or fair <= 0 or price <= 0:
        return None
    ratio, limit = price / fair, settings.fill_fair_ratio_max
    if (1 / limit < ratio < limit) or abs(price - fair) <= settings.fill_fair_tolerance_pts:
        return None
    times = f"{ratio:.3g} times" if ratio >= 1 else f"{ratio:.2g} of"
    fraction = "a third" if limit == 3 else f"1/{limit:g}"
    return Doubt(field, price, f"is {times} the model's fair value {fair:.2f} (confirm beyond {limit:g} times or "
                               f"{fraction}, and {settings.fill_fair_tolerance_pts:g} pts)")


# -- quotes ---------------------------------------------------------------------------------------
def curve_doubts(vix: float, futures: Sequence[tuple[object, float]], settings: Settings) -> list[Doubt]:
    """VX futures far from the curve: a future farther than ``future_curve_tolerance_pct`` from every
    neighbour (the futures before and after it, and spot VIX). A real curve moves together, even in a
    spike (2020-03-16: VIX 82.69, April future about 47, May about 40)."""
    tolerance = settings.future_curve_tolerance_pct
    prices = [float(p) for _, p in futures]
    doubts = []
    for i, (expiry, price) in enumerate(futures):
        neighbours = [vix] + ([prices[i - 1]] if i else []) + ([prices[i + 1]] if i + 1 < len(prices) else [])
        if all(abs(price / other - 1.0) * 100.0 > tolerance for other in neighbours):
            shown = ", ".join(f"{n:.2f}" for n in neighbours)
            doubts.append(Doubt(f"future {expiry}", price, f"is more than {tolerance:g} % from its neighbours "
                                                           f"on the curve ({shown})"))
    return doubts


def quote_doubts(spx: float, vix: float, futures: Sequence[tuple[object, float]], last_spx: float | None,
                 last_vix: float | None, settings: Settings) -> list[Doubt]:
    """A quote far from the last stored one, or from what VIX has ever been, or a broken curve."""
    doubts = []
    if last_spx is not None and abs(spx / last_spx - 1.0) * 100.0 > settings.quote_spx_move_pct:
        doubts.append(Doubt("spx", spx, f"is more than {settings.quote_spx_move_pct:g} % from the last quote "
                                        f"{last_spx:,.2f}"))
    if not settings.quote_vix_min <= vix <= settings.quote_vix_max:
        doubts.append(Doubt("vix", vix, f"is outside {settings.quote_vix_min:g} to {settings.quote_vix_max:g}"))
    elif last_vix is not None:
        ratio = settings.quote_vix_jump_ratio
        if vix >= last_vix * ratio or vix <= last_vix / ratio:
            doubts.append(Doubt("vix", vix, f"is {ratio:g} times or more away from the last quote {last_vix:.2f}"))
    return doubts + curve_doubts(vix, futures, settings)
