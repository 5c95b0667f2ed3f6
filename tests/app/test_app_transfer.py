"""CSV export -> import gives back the same book (Hypothesis), formula-looking notes included."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import calendars
from planner.app import Workspace
from planner.app.inputs import ET
from planner.app.requests import CondorRequest, LayerRequest, RollRequest
from planner.app.transfer import COLUMNS
from planner.domain import Book, LayerKind, Position, PositionKind, Settlement, Status, Tier
from planner.domain.errors import InputError
from planner.domain.positions import LAYER_STRIKE_COUNT, condor_legs, layer_legs
from planner.storage import Repository

NOW = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
FORMULA_NOTES = st.sampled_from(["=SUM(A1:A3)", "+1", "-hedge", "@risk", "\tindent", "\rcr", "'quoted", "plain",
                                 "", "a,b \"c\"\nd", "énorme ✓"])
NOTES = st.one_of(FORMULA_NOTES, st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30))
PRICES = st.floats(min_value=0, max_value=1e5, allow_nan=False, allow_infinity=False)
MOMENTS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC))


def listed_after(listing: str, moment: datetime, draw) -> date:
    """A listed expiry on or after the open day, as a ticket allows (import checks the same)."""
    day = moment.astimezone(ET).date() + timedelta(days=draw(st.integers(0, 120)))
    return next(d for d in calendars.nearest_listed(listing, day, 8) if d >= moment.astimezone(ET).date())


@st.composite
def legs_with_details(draw, legs):
    return tuple(
        leg.with_changes(
            fees=draw(st.integers(0, 100_000)) / 100,
            open_price=draw(st.none() | PRICES),
            close_price=draw(st.none() | PRICES),
            iv=draw(st.none() | st.floats(min_value=0.001, max_value=5)),
            iv_vix=draw(st.none() | st.floats(min_value=5, max_value=150)),
            mark=draw(st.none() | PRICES),
        )
        for leg in legs
    )


@st.composite
def closing(draw, opened: datetime):
    status = draw(st.sampled_from(list(Status)))
    if status is Status.OPEN:
        return {"status": status}
    closed_at = opened + timedelta(minutes=draw(st.integers(0, 200_000)))
    return {"status": status, "close_price": draw(PRICES), "closed_at": closed_at,
            "settled_estimated": draw(st.booleans())}


@st.composite
def condors(draw):
    strikes = sorted(draw(st.sets(st.integers(1, 2000), min_size=4, max_size=4)))
    strikes = tuple(k * 5.0 for k in strikes)
    widest = max(strikes[1] - strikes[0], strikes[3] - strikes[2])
    qty = draw(st.integers(1, 50))
    opened = draw(MOMENTS)
    legs = draw(legs_with_details(condor_legs(listed_after("spx-daily", opened, draw), strikes, qty)))
    credit = draw(st.floats(min_value=0.01, max_value=widest - 0.01))
    return Position(PositionKind.CONDOR, legs, qty, credit, opened, note=draw(NOTES), **draw(closing(opened)))


@st.composite
def layers(draw, condor_ids, layer_ids):
    kind = draw(st.sampled_from(list(LayerKind)))
    count = LAYER_STRIKE_COUNT[kind]
    strikes = sorted(draw(st.sets(st.integers(1, 500), min_size=count, max_size=count)))
    if kind is LayerKind.SPX_PUT_SPREAD:
        strikes.reverse()
    qty = draw(st.integers(1, 100))
    opened = draw(MOMENTS)
    spx = kind is LayerKind.SPX_PUT_SPREAD
    expiry = listed_after("spx-daily" if spx else "vix", opened, draw)
    settlement = Settlement.PM if spx else Settlement.AM
    legs = draw(legs_with_details(layer_legs(kind, expiry, [float(k) for k in strikes], qty, settlement)))
    protects = tuple(sorted(draw(st.sets(st.sampled_from(condor_ids)) if condor_ids else st.just(set()))))
    rolled_from = draw(st.none() | st.sampled_from(layer_ids)) if layer_ids else None
    return Position(PositionKind.LAYER, legs, qty, draw(PRICES), opened, tier=draw(st.sampled_from(list(Tier))),
                    layer_kind=kind, protects=protects, rolled_from=rolled_from, note=draw(NOTES),
                    **draw(closing(opened)))


def without_leg_ids(book: Book) -> list[Position]:
    return [p.with_changes(legs=tuple(leg.with_changes(id=None) for leg in p.legs)) for p in book.positions]


def generated(data) -> Repository:
    """A store holding generated positions, written straight in (closed ones, odd notes, links)."""
    repo = Repository.open(":memory:")
    condor_ids, layer_ids = [], []
    with repo.change("generated") as tx:
        for _ in range(data.draw(st.integers(0, 4), label="condors")):
            condor_ids.append(repo.insert_position(tx, data.draw(condors())).id)
        for _ in range(data.draw(st.integers(0, 4), label="layers")):
            layer_ids.append(repo.insert_position(tx, data.draw(layers(condor_ids, layer_ids))).id)
    return repo


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.data())
def test_export_then_import_gives_the_same_book(tmp_path, data):
    out = tmp_path / "book.csv"
    with Workspace(generated(data), clock=lambda: NOW) as source, Workspace.open(":memory:", clock=lambda: NOW) as copy:
        source.export_csv(out, include_closed=True)
        copy.import_csv(out)
        assert without_leg_ids(copy.book()) == without_leg_ids(source.book())
        with out.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                assert not row["note"] or row["note"][0] not in "=+-@\t\r"


def test_import_into_a_busy_book_renumbers_and_keeps_links(tmp_path):
    out = tmp_path / "book.csv"
    with Workspace.open(":memory:", clock=lambda: NOW) as ws, Workspace.open(":memory:", clock=lambda: NOW) as busy:
        condor = ws.add_condor(CondorRequest(
            expiry="2026-12-22", strikes="5575,5625,6175,6225", qty=10, credit="12.95", note="=cmd|' /C calc'!A0"))
        ws.add_layer(LayerRequest(
            tier="near", kind="vix-call", expiry="2026-12-16", strikes="19", qty=20, price="0.85",
            protects=str(condor.id)))
        count, _ = ws.export_csv(out)
        assert count == 5
        # Another book whose ids 1 and 2 are other trades.
        busy.add_condor(CondorRequest(expiry="2026-12-22", strikes="5500,5550,6250,6300", qty=5, credit="11"))
        busy.add_layer(LayerRequest(tier="mid", kind="vix-call", expiry="2027-01-20", strikes="22", qty=4, price="1.2"))
        result = busy.import_csv(out)
        assert result.renumbered and result.dropped_links == 0 and result.skipped == ()
        new_condor, new_layer = result.positions
        assert new_condor.id not in (1, 2) and new_layer.protects == (new_condor.id,)
        assert new_condor.note == "=cmd|' /C calc'!A0"
        assert len(busy.journal()) == 3
        busy.undo()
        assert len(busy.book().positions) == 2


def test_importing_a_book_into_itself_adds_nothing(tmp_path):
    out = tmp_path / "book.csv"
    with Workspace.open(":memory:", clock=lambda: NOW) as ws:
        condor = ws.add_condor(CondorRequest(
            expiry="2026-12-22", strikes="5575,5625,6175,6225", qty=10, credit="12.95"))
        ws.add_layer(LayerRequest(
            tier="near", kind="vix-call", expiry="2026-12-16", strikes="19", qty=20, price="0.85",
            protects=str(condor.id)))
        ws.export_csv(out)
        journal = len(ws.journal())
        result = ws.import_csv(out)
        assert result.positions == () and result.skipped == ((1, 1), (2, 2))
        assert len(ws.book().positions) == 2 and len(ws.journal()) == journal


def test_open_only_export_drops_links_to_positions_left_out(tmp_path):
    out = tmp_path / "open.csv"
    with Workspace.open(":memory:", clock=lambda: NOW) as ws, Workspace.open(":memory:", clock=lambda: NOW) as copy:
        layer = ws.add_layer(LayerRequest(
            tier="near", kind="vix-call", expiry="2026-12-16", strikes="19", qty=20, price="0.85"))
        ws.roll_layer(RollRequest(
            position_id=layer.id, close_price="0.5", expiry="2027-01-20", strikes="20", price="1.1"))
        ws.export_csv(out)
        result = copy.import_csv(out)
        assert result.dropped_links == 1 and result.positions[0].rolled_from is None


def test_report_with_extra_columns_still_imports(tmp_path):
    out = tmp_path / "report.csv"
    with Workspace.open(":memory:", clock=lambda: NOW) as ws, Workspace.open(":memory:", clock=lambda: NOW) as copy:
        ws.add_condor(CondorRequest(expiry="2026-12-22", strikes="5575,5625,6175,6225", qty=10, credit="12.95"))
        text = out.read_text(encoding="utf-8") if out.exists() else ""
        assert text == ""
        from planner.storage import write_csv

        rows = [{**row, "mark_usd": 123.0, "delta_usd_per_pt": -4.5} for row in ws.export_rows()]
        write_csv(out, (*COLUMNS, "mark_usd", "delta_usd_per_pt"), rows)
        copy.import_csv(out)
        assert without_leg_ids(copy.book()) == without_leg_ids(ws.book())


def test_inconsistent_rows_name_the_line(tmp_path):
    out = tmp_path / "book.csv"
    with Workspace.open(":memory:", clock=lambda: NOW) as ws:
        ws.add_condor(CondorRequest(expiry="2026-12-22", strikes="5575,5625,6175,6225", qty=10, credit="12.95"))
        ws.export_csv(out)
        lines = out.read_text(encoding="utf-8").splitlines()
        lines[3] = lines[3].replace(",12.95,", ",13.95,")
        lines[4] = lines[4].replace(",6225.0,", ",abc,")
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with pytest.raises(InputError) as raised:
            ws.import_csv(out)
        assert str(raised.value).startswith(
            "book.csv line 4, column 7 (position_open_price_pts) must match the position's first row (line 2)")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_report_paths_equal_the_domain_paths(data):
    """``list --json`` and ``export`` read rows without domain objects; they must say the same."""
    from planner.app import transfer, views

    repo = generated(data)
    with Workspace(repo, clock=lambda: NOW) as ws:
        book = ws.book()
        records = repo.position_records()
        for include_closed in (False, True):
            fast = views.record_dicts(records, include_closed)
            assert fast == views.book_dicts(book, include_closed)
            assert [list(row) for row in fast] == [list(row) for row in views.book_dicts(book, include_closed)]
            expected_json = json.dumps(views.book_dicts(book, include_closed), ensure_ascii=False,
                                       separators=(",", ":"))
            assert views.list_json(records, include_closed) == expected_json
            fast_rows = [dict(zip(transfer.COLUMNS, row, strict=True)) for row in transfer.report_rows(repo,
                                                                                                    include_closed)]
            assert fast_rows == transfer.export_rows(book, include_closed)


def partly_closed(ws) -> tuple[Position, Position]:
    """A condor of 10 with 4 bought back: (the 6 still open, the closed part of 4)."""
    from planner.app.requests import CloseRequest, QuoteRequest

    condor = ws.add_condor(CondorRequest(expiry="2026-12-22", strikes="5575,5625,6175,6225", qty=10, credit="12.95"))
    ws.set_market(QuoteRequest(spx=5900, vix=16))
    part = ws.close_position(CloseRequest(position_id=condor.id, price="6.5", qty=4))
    assert part.split_from == condor.id and part.quantity == 4
    return ws.position(condor.id), part


def test_a_partial_close_keeps_the_position_it_came_from_through_export_and_import(tmp_path):
    from planner.app import transfer

    out = tmp_path / "book.csv"
    with Workspace.open(":memory:", clock=lambda: NOW) as ws, Workspace.open(":memory:", clock=lambda: NOW) as copy, \
            Workspace.open(":memory:", clock=lambda: NOW) as busy:
        rest, part = partly_closed(ws)
        ws.export_csv(out, include_closed=True)
        rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
        assert {(r["position_id"], r["split_from_id"]) for r in rows} == {(str(rest.id), ""), (str(part.id), "1")}
        assert ws.export_rows(include_closed=True) == transfer.export_rows(ws.book(), include_closed=True)  # SQL path
        copy.import_csv(out)  # ids kept
        assert without_leg_ids(copy.book()) == without_leg_ids(ws.book())
        busy.add_condor(CondorRequest(expiry="2026-12-22", strikes="5500,5550,6250,6300", qty=5, credit="11"))
        busy.add_layer(LayerRequest(tier="mid", kind="vix-call", expiry="2027-01-20", strikes="22", qty=4, price="1.2"))
        result = busy.import_csv(out)  # ids 1 and 2 taken: renumbered, the link follows
        assert result.renumbered and result.dropped_links == 0
        new_rest, new_part = result.positions
        assert new_part.split_from == new_rest.id and new_rest.id not in (1, 2)


def test_a_file_from_before_split_from_id_still_imports(tmp_path):
    out = tmp_path / "old.csv"
    with Workspace.open(":memory:", clock=lambda: NOW) as ws, Workspace.open(":memory:", clock=lambda: NOW) as copy:
        partly_closed(ws)
        from planner.storage import write_csv

        columns = tuple(c for c in COLUMNS if c != "split_from_id")  # what 'planner export' wrote before
        write_csv(out, columns, [{c: row[c] for c in columns} for row in ws.export_rows(include_closed=True)])
        result = copy.import_csv(out)
        assert [p.split_from for p in result.positions] == [None, None]  # the file does not say
        assert [p.quantity for p in result.positions] == [6, 4]
