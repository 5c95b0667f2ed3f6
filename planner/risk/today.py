"""Each distinct contract's value and Greeks today, and the day's P&L since the previous snapshot.

The first step of every analysis: the curves, the matrix, the risk used and the
stress table all start from today's values (a typed mark's gap to the model is
carried into today's scenarios as ``Today.offset``).
"""

from __future__ import annotations

import numpy as np

from planner.domain.market import MarketSnapshot
from planner.risk.contracts import SPX, VIX_FUTURE, ContractTable, Layouts, build_contracts


class Today:
    """Per contract today: model value, the value used (mark or model), Greeks per unit."""

    def __init__(self, model_value, value, delta, gamma, vega, theta):
        self.model_value, self.value = model_value, value
        self.delta, self.gamma, self.vega, self.theta = delta, gamma, vega, theta

    @property
    def offset(self) -> np.ndarray:
        return self.value - self.model_value


def today_values(table: ContractTable, market: MarketSnapshot) -> Today:
    from planner.pricing import black76_greeks, bsm_greeks

    n = table.size
    price, delta, gamma, vega, theta = (np.zeros(n) for _ in range(5))
    spx = table.kind == SPX
    if np.count_nonzero(spx):
        g = bsm_greeks(table.is_call[spx], market.spx, table.strike[spx], table.years[spx], table.iv[spx],
                       market.rate, market.div_yield)
        price[spx], delta[spx], gamma[spx], vega[spx], theta[spx] = g.price, g.delta, g.gamma, g.vega, g.theta
    option = (table.kind != SPX) & (table.kind != VIX_FUTURE)
    if np.count_nonzero(option):
        g = black76_greeks(table.is_call[option], table.future[option], table.strike[option], table.years[option],
                           table.iv[option], market.rate)
        price[option], delta[option], gamma[option] = g.price, g.delta, g.gamma
        vega[option], theta[option] = g.vega, g.theta
    future = table.kind == VIX_FUTURE
    price[future] = table.future[future]
    delta[future] = 1.0
    value = np.where(np.isnan(table.mark), price, table.mark)
    return Today(price, value, delta, gamma, vega, theta)


def pnl_since_previous(positions, pnl, previous, settings, layouts: Layouts | None = None) -> np.ndarray | None:
    """P&L now minus P&L at the previous snapshot; a position opened since counts from its cost."""
    if previous is None or not positions:
        return None
    then = tuple(p for p in positions if p.opened_at <= previous.asof)
    result = pnl.copy()
    if then:
        table = build_contracts(then, previous, settings, previous.asof, layouts=layouts)
        past = today_values(table, previous)
        pnl_then = table.weights @ past.value - table.fixed
        index = {id(p): i for i, p in enumerate(positions)}
        for j, p in enumerate(then):
            result[index[id(p)]] -= pnl_then[j]
    return result
