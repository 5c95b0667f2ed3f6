"""Spreadsheet-safe CSV: formula cells escaped, exact round trip, atomic writes, errors with line numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain import InputError
from planner.storage import escape_cell, read_csv, unescape_cell, write_csv


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1:A9)", "-2", "@cmd", "\tcell", "\rcell", "'already"])
def test_formula_starts_get_an_apostrophe_and_lose_it_again(text):
    assert escape_cell(text) == "'" + text
    assert unescape_cell(escape_cell(text)) == text


def test_numbers_stay_numbers_and_plain_text_is_untouched(tmp_path):
    path = tmp_path / "out.csv"
    write_csv(path, ["qty_contracts", "price_pts", "note"], [{"qty_contracts": -10, "price_pts": -1.5, "note": "ok"}])
    assert path.read_bytes() == b"qty_contracts,price_pts,note\r\n-10,-1.5,ok\r\n"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.characters(codec="utf-8", exclude_characters="\x00")), min_size=1, max_size=5))
def test_any_text_round_trips(tmp_path_factory, notes):
    path = tmp_path_factory.mktemp("csv") / "notes.csv"
    write_csv(path, ["n", "note"], [{"n": i, "note": note} for i, note in enumerate(notes)])
    table = read_csv(path)
    assert [unescape_cell(record["note"]) for _, record in table.rows] == notes
    for _, record in table.rows:
        assert not record["note"] or record["note"][0] not in "=+-@\t\r"


def test_write_is_atomic_when_the_rows_fail_midway(tmp_path):
    path = tmp_path / "report.csv"
    path.write_text("old report\n", encoding="utf-8")

    def rows():
        yield {"a": 1}
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_csv(path, ["a"], rows())
    assert path.read_text(encoding="utf-8") == "old report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]  # no temp file left behind


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a,b\n1,2\n3\n", "bad.csv line 3 must have 2 columns like the header, got 1"),
        (b"a,b\n1,2\n\"3,4\n", "bad.csv line 3 must be well-formed CSV"),
        (b"a,b\n1,\xff\n", "bad.csv line 2 must be UTF-8 text, got byte 0xff"),
        (b"", "bad.csv must have a header row, got an empty file"),
        (b"a,a\n1,2\n", "bad.csv line 1 must have unique column names, got a,a"),
        (b"a,b\n1,2\x00\n", "bad.csv line 2 must be text (found a NUL byte)"),
    ],
)
def test_malformed_files_name_the_line(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as raised:
        read_csv(path)
    assert message in str(raised.value)


def test_unreadable_file(tmp_path):
    with pytest.raises(InputError, match="file must be a readable file"):
        read_csv(tmp_path / "missing.csv")


def test_line_numbers_count_multiline_cells(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('a,b\n1,"two\nlines"\n3,4\n', encoding="utf-8")
    table = read_csv(path)
    assert [line for line, _ in table.rows] == [2, 4]
    assert table.error(4, "b", "must be odd", "4").args[0] == "multi.csv line 4, column 2 (b) must be odd, got 4"


def test_rows_as_tuples_or_mappings_and_mixed_columns(tmp_path):
    path = tmp_path / "mixed.csv"
    rows = [
        (1, "=HYPERLINK()", -2.5, True, None),
        {"id": 2, "text": "fine", "value": "-oops", "flag": False},  # a text cell in a numeric column
        [3, "", 4.0, False, "@x"],
    ]
    assert write_csv(path, ["id", "text", "value", "flag", "extra"], rows) == 3
    assert path.read_bytes().decode().splitlines() == [
        "id,text,value,flag,extra",
        "1,'=HYPERLINK(),-2.5,1,",
        "2,fine,'-oops,0,",
        "3,,4.0,0,'@x",
    ]
    assert rows[0] == (1, "=HYPERLINK()", -2.5, True, None)  # the caller's rows are not changed
    assert rows[2] == [3, "", 4.0, False, "@x"]
