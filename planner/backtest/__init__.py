"""Backtest lab: replay a condor program on daily SPX / VIX (/ VVIX) closes, unhedged and hedged.

The hedged run drives the live hedge rules (``planner.rules.suggest``) and the
risk engine in light mode day by day; nothing of the method is re-implemented.

* ``data``: aligned daily closes from parsed rows, with gaps and holidays reported;
* ``generator``: a seeded regime-switching path (calm / stressed, jumps, VIX mean reverting);
* ``model``: prices and costs (BSM with the skew rule, the VIX term structure, Black-76);
* ``strategy``: the condor program (entries, strikes, exits);
* ``engine``: the day loop, run twice over one path;
* ``results``: equity and drawdown curves, drawdown reduction, hedge cost, spikes.

Pure Python and numpy; no Qt, no storage. Modules import numpy on load, so
callers that care about start-up time import them inside functions.
"""
