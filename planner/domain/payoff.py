"""What a position can lose or gain at expiry, fees included: each rule written once.

DOMAIN.md ("Instruments and conventions"): an iron condor K1 < K2 < K3 < K4 sold
for a net credit C loses at most (max(K2-K1, K4-K3) - C) x multiplier per condor
plus fees, and breaks even at expiry at K2 - C and K3 + C. Fees are dollars for
the whole trade (opening and closing), so they lower the credit kept per condor
by fees / (multiplier x quantity) points and move both break-evens inward: a
$9 trade fee on one SPX condor sold for 5.00 leaves 4.91 points, break-evens
K2 - 4.91 and K3 + 4.91. The condor ticket, the risk engine, the rules, the
alerts and the backtest all call these functions, so they cannot disagree.

Prices are points per unit of the underlying; the multiplier
(``planner.domain.instruments.multiplier``) turns them into dollars.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from planner.domain.instruments import Instrument, multiplier

if TYPE_CHECKING:
    from planner.domain.positions import Position

SPX_MULTIPLIER = multiplier(Instrument.SPX_OPTION)
# Break-evens are kept to a millionth of a point: exact for any price typed to the cent, free of
# float noise such as 5544.200000000001.
BREAK_EVEN_DIGITS = 6


def widest_wing(strikes: Sequence[float]) -> float:
    """Points: max(K2 - K1, K4 - K3) of a condor's strikes K1 < K2 < K3 < K4.

    >>> widest_wing((5400, 5450, 6300, 6375))
    75
    """
    k1, k2, k3, k4 = strikes
    return max(k2 - k1, k4 - k3)


def condor_net_credit(credit: float, quantity: int, fees: float = 0.0, per_point: int = SPX_MULTIPLIER) -> float:
    """Points per condor kept after fees: C - fees / (multiplier x quantity).

    >>> round(condor_net_credit(4.5, 2, 20.0), 6)  # $20 of fees on 2 SPX condors is 0.10 pts each
    4.4
    """
    return credit - fees / (per_point * quantity)


def condor_break_evens(strikes: Sequence[float], credit: float, quantity: int, fees: float = 0.0,
                       per_point: int = SPX_MULTIPLIER) -> tuple[float, float] | None:
    """(K2 - C', K3 + C') in SPX points at the condor's expiry, C' the credit net of fees per condor.

    None when the fees eat the whole credit: the condor then loses wherever SPX settles.

    >>> condor_break_evens((5400, 5450, 6300, 6350), 4.5, 2, 20.0)
    (5445.6, 6304.4)
    >>> condor_break_evens((5400, 5450, 6300, 6350), 0.05, 1, 5.0) is None
    True
    """
    net = condor_net_credit(credit, quantity, fees, per_point)
    if net <= 0:
        return None
    k2, k3 = sorted(strikes)[1:3]
    return round(k2 - net, BREAK_EVEN_DIGITS), round(k3 + net, BREAK_EVEN_DIGITS)


def condor_max_loss(strikes: Sequence[float], credit: float, quantity: int, fees: float = 0.0,
                    per_point: int = SPX_MULTIPLIER) -> float:
    """Dollars: (max(K2 - K1, K4 - K3) - C) x multiplier x quantity + fees.

    >>> condor_max_loss((5400, 5450, 6300, 6375), 4.2, 3, 12.0)  # (75 - 4.2) x 100 x 3 + 12
    21252.0
    """
    return (widest_wing(strikes) - credit) * per_point * quantity + fees


def condor_max_profit(credit: float, quantity: int, fees: float = 0.0, per_point: int = SPX_MULTIPLIER) -> float:
    """Dollars: C x multiplier x quantity - fees, kept when SPX settles between K2 and K3.

    >>> condor_max_profit(4.2, 3, 12.0)
    1248.0
    """
    return credit * per_point * quantity - fees


def position_break_evens(position: Position) -> tuple[float, ...]:
    """A condor's expiry break-evens (``condor_break_evens``); () for a layer or when fees eat the credit."""
    if position.kind != "condor":
        return ()
    found = condor_break_evens(_strikes(position), position.open_price, position.quantity, position.fees,
                               position.multiplier)
    return found or ()


def max_loss(position: Position) -> float:
    """Dollars at worst, fees included: a condor's ``condor_max_loss``; a bought layer its debit
    (price x multiplier x quantity) plus fees."""
    if position.kind == "condor":
        return condor_max_loss(_strikes(position), position.open_price, position.quantity, position.fees,
                               position.multiplier)
    return position.open_price * position.multiplier * position.quantity + position.fees


def max_profit(position: Position) -> float | None:
    """Dollars at best, fees included: a condor's ``condor_max_profit``; None for a layer (unbounded)."""
    if position.kind != "condor":
        return None
    return condor_max_profit(position.open_price, position.quantity, position.fees, position.multiplier)


def _strikes(position: Position) -> list[float]:
    # Plain floats: a strike made with numpy arithmetic would make every step below a numpy scalar operation,
    # ten times the cost, on every position of every analysis.
    return sorted(float(leg.strike) for leg in position.legs)  # type: ignore[arg-type]  # a condor's legs all have one
