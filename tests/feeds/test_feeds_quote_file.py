"""Quote files: JSON and both CSV shapes parse; every bad file is one InputError naming the problem."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from planner.domain.errors import InputError
from planner.feeds import Quote, parse_quote_text, read_quote_file
from planner.feeds.quote_file import ET


def test_json_with_every_field():
    quote = parse_quote_text(
        '{"spx": 5912.4, "vix": 16.8, "vvix": 91.2, "asof": "2026-11-20T15:30", "rate": 0.045, "div": 0.013,'
        ' "futures": {"2027-01-20": 18.1, "2026-12-16": 17.45}}', ".json", "file q.json")
    assert quote == Quote(5912.4, 16.8, 91.2, ((date(2026, 12, 16), 17.45), (date(2027, 1, 20), 18.1)), 0.045,
                          0.013, datetime(2026, 11, 20, 15, 30, tzinfo=ET), "file q.json")


def test_symbol_value_csv_and_wide_csv_agree():
    long = parse_quote_text("symbol,value\nSPX,5900\nVIX,16\nVVIX,90\nVX 2026-12-16,17\nASOF,2026-11-20T16:00Z\n")
    wide = parse_quote_text("spx,vix,vvix,vx:2026-12-16,asof\n5900,16,90,17,2026-11-20T16:00Z\n")
    assert long == wide
    assert long.futures == ((date(2026, 12, 16), 17.0),) and long.asof.utcoffset().total_seconds() == 0


def test_market_fields_are_what_set_market_takes():
    fields = Quote(5900.0, 16.0, futures=((date(2026, 12, 16), 17.0),), rate=0.04, source="file").market_fields()
    assert fields == {"spx": 5900.0, "vix": 16.0, "rate": 0.04, "futures": [(date(2026, 12, 16), 17.0)],
                      "source": "file"}


@pytest.mark.parametrize(("text", "suffix", "field", "words"), [
    ("", ".json", "quote file", "must not be empty"),
    ('{"spx": 5900', ".json", "quote file", "valid JSON"),
    ("[5900, 16]", ".json", "quote file", "one JSON object"),
    ('{"spx": 5900}', ".json", "vix", "must be in the quote file"),
    ('{"spx": -1, "vix": 16}', ".json", "spx", "greater than 0"),
    ('{"spx": "abc", "vix": 16}', ".json", "spx", "must be a number"),
    ('{"spx": 5900, "vix": 16, "rate": 4.5}', ".json", "rate", "decimal between -1 and 1"),
    ('{"spx": 5900, "vix": 16, "asof": "yesterday"}', ".json", "asof", "ISO date-time"),
    ('{"spx": 5900, "vix": 16, "futures": {"Dec": 17}}', ".json", "future", "YYYY-MM-DD"),
    ('{"spx": 5900, "vix": 16, "bid": 3}', ".json", "quote file", "must name only"),
    ("symbol,value\nSPX\n", ".csv", "line 2", "symbol,value"),
    ("a,b\n1,2\n3,4\n", ".csv", "quote file", "one row of values"),
])
def test_bad_files_are_one_line_input_errors(text, suffix, field, words):
    with pytest.raises(InputError) as caught:
        parse_quote_text(text, suffix)
    assert caught.value.field == field
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_reading_from_disk(tmp_path):
    path = tmp_path / "quotes.csv"
    path.write_text("\ufeffsymbol,value\r\nSPX,5900\r\nVIX,16\r\n", encoding="utf-8")  # Excel's BOM and CRLF
    assert read_quote_file(path).source == "file quotes.csv"
    with pytest.raises(InputError, match="must exist"):
        read_quote_file(tmp_path / "missing.json")
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InputError, match="UTF-8"):
        read_quote_file(path)
