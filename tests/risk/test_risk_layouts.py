"""A caller's memo of layouts (``contracts.Layouts``) never changes a figure: it finds a book's layout by
the positions' values, so an edited position (a typed mark, another quantity) gets its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from risk_books import NOW, book, condor, market, vix_call, vix_future

from planner.domain import Settings
from planner.risk import analyze
from planner.risk.contracts import Layouts

SETTINGS = Settings()


def figures(report):
    rows = [(p.id, p.value_usd, p.pnl_usd, p.day_pnl_usd, p.greeks, p.max_loss_usd, p.mark, p.risk_used_pct,
             p.break_evens_today, p.break_evens_expiry) for p in report.positions]
    return rows, report.totals, report.risk_used_pct, report.curves.today.tolist(), report.break_evens_today


def test_the_memo_gives_the_same_report_quote_after_quote():
    the_book = book(condor(position_id=1), condor((5400, 5450, 6350, 6400), 1, 4.0, position_id=2),
                    vix_call(position_id=10), vix_future(position_id=20))
    layouts = Layouts()
    previous = market()
    for step, (spx, vix) in enumerate(((5900.0, 16.0), (5880.0, 16.6), (5925.0, 15.4))):
        quote = market(spx=spx, vix=vix, asof=NOW + timedelta(minutes=step))
        at = quote.asof
        plain = analyze(the_book, quote, SETTINGS, at=at, previous=previous, legs=False)
        kept = analyze(the_book, quote, SETTINGS, at=at, previous=previous, legs=False, layouts=layouts)
        assert figures(kept) == figures(plain)
        previous = quote


def test_an_edited_position_is_not_valued_with_the_old_layout():
    first = condor(position_id=1)
    layouts = Layouts()
    analyze(book(first, vix_call()), market(), SETTINGS, at=NOW, layouts=layouts)
    marked = replace(first, legs=tuple(leg.with_changes(mark=9.0) if i == 0 else leg
                                      for i, leg in enumerate(first.legs)))
    more = replace(first, quantity=3, legs=tuple(leg.with_changes(quantity=leg.quantity // 2 * 3)
                                                 for leg in first.legs))
    for edited in (marked, more):
        kept = analyze(book(edited, vix_call()), market(), SETTINGS, at=NOW, layouts=layouts)
        plain = analyze(book(edited, vix_call()), market(), SETTINGS, at=NOW)
        assert figures(kept) == figures(plain)
    assert figures(analyze(book(first, vix_call()), market(), SETTINGS, at=NOW, layouts=layouts)) == figures(
        analyze(book(first, vix_call()), market(), SETTINGS, at=NOW))


def test_an_equal_book_read_again_finds_its_layout():
    layouts = Layouts()
    positions = (condor(position_id=1), vix_call())
    found = layouts.of(positions)
    again = (condor(position_id=1), vix_call())  # new objects, the same values (a book read back from the file)
    assert layouts.of(again) is found
    assert layouts.of((condor(position_id=1, qty=3), vix_call())) is not found
