"""Market inputs at one moment. Rates, yields and vols are decimals (0.045)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from planner.domain.errors import InputError
from planner.domain.instruments import require_finite, require_positive
from planner.domain.limits import MAX_POINTS, MAX_VIX_POINTS, require_below


@dataclass(frozen=True, slots=True)
class MarketSnapshot:
    """SPX and VIX in index points; rate and div_yield as decimals a year.

    vix_futures: (expiry, price in VIX points) pairs, sorted by expiry, one per
    listed expiry the user knows.
    asof: timezone-aware moment of the quotes.
    """

    asof: datetime
    spx: float
    vix: float
    rate: float = 0.045
    div_yield: float = 0.013
    vvix: float | None = None
    vix_futures: tuple[tuple[date, float], ...] = ()
    source: str = "manual"
    id: int | None = None

    def __post_init__(self) -> None:
        if self.asof.tzinfo is None:
            raise InputError("asof", "must carry a time zone", self.asof.isoformat())
        require_positive("spx", self.spx)
        require_positive("vix", self.vix)
        if self.vvix is not None:
            require_positive("vvix", self.vvix)
        for name in ("rate", "div_yield"):
            value = require_finite(name, getattr(self, name))
            if abs(value) > 1:
                raise InputError(name, "must be a decimal between -1 and 1 (0.045 for 4.5 %)", value)
        expiries = [d for d, _ in self.vix_futures]
        if expiries != sorted(set(expiries)):
            raise InputError("vix_futures", "must have one price per expiry, sorted by expiry", expiries)
        for expiry, price in self.vix_futures:
            require_positive(f"future {expiry.isoformat()}", price)
        self._check_store_bounds()

    def _check_store_bounds(self) -> None:
        require_below("spx", self.spx, MAX_POINTS)
        require_below("vix", self.vix, MAX_VIX_POINTS)
        require_below("vvix", self.vvix, MAX_VIX_POINTS)
        for expiry, price in self.vix_futures:
            require_below(f"future {expiry.isoformat()}", price, MAX_VIX_POINTS)

    def future_price(self, expiry: date) -> float | None:
        """The VX future for that expiry, or None when the curve does not list it."""
        for listed, price in self.vix_futures:
            if listed == expiry:
                return price
        return None
