"""Numbered schema migrations, as raw SQL (sqlite-utils' create() has no CHECK).

Each migration runs once, in order, inside one BEGIN IMMEDIATE transaction
that also bumps ``PRAGMA user_version``; never edit a released one, add the
next number instead.
"""

from __future__ import annotations

SCHEMA_V1 = """
-- Schema version 1. CHECK constraints repeat the domain's rules so that no
-- code path (or hand edit through the sqlite3 shell) can store a broken row.

CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL CHECK (json_valid(value))
) WITHOUT ROWID;

CREATE TABLE positions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('condor', 'layer')),
    tier TEXT CHECK (tier IN ('near', 'mid', 'long')),
    layer_kind TEXT CHECK (layer_kind IN ('vix-call', 'vix-call-spread', 'vix-future', 'spx-put-spread')),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'rolled', 'expired')),
    quantity INTEGER NOT NULL CHECK (typeof(quantity) = 'integer' AND quantity >= 1),
    open_price REAL NOT NULL CHECK (open_price >= 0 AND open_price < 1e9),
    close_price REAL CHECK (close_price >= 0 AND close_price < 1e9),
    opened_at TEXT NOT NULL CHECK (opened_at LIKE '____-__-__T__:__:__%'),
    closed_at TEXT CHECK (closed_at LIKE '____-__-__T__:__:__%'),
    rolled_from INTEGER REFERENCES positions(id),
    note TEXT NOT NULL DEFAULT '',
    settled_estimated INTEGER NOT NULL DEFAULT 0 CHECK (settled_estimated IN (0, 1)),
    CHECK ((kind = 'condor' AND tier IS NULL AND layer_kind IS NULL AND open_price > 0)
        OR (kind = 'layer' AND tier IS NOT NULL AND layer_kind IS NOT NULL)),
    CHECK ((status = 'open') = (close_price IS NULL)),
    CHECK ((status = 'open') = (closed_at IS NULL))
);
CREATE INDEX positions_status ON positions(status);
CREATE INDEX positions_rolled_from ON positions(rolled_from);

CREATE TABLE legs (
    id INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES positions(id),
    seq INTEGER NOT NULL CHECK (seq >= 0),
    instrument TEXT NOT NULL CHECK (instrument IN ('spx-option', 'vix-option', 'vix-future')),
    option_right TEXT CHECK (option_right IN ('C', 'P')),
    strike REAL CHECK (strike > 0 AND strike < 1e9),
    expiry TEXT NOT NULL CHECK (expiry GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    settlement TEXT NOT NULL CHECK (settlement IN ('AM', 'PM')),
    quantity INTEGER NOT NULL CHECK (typeof(quantity) = 'integer' AND quantity <> 0),
    multiplier INTEGER NOT NULL CHECK (typeof(multiplier) = 'integer' AND multiplier > 0),
    open_price REAL CHECK (open_price >= 0 AND open_price < 1e9),
    close_price REAL CHECK (close_price >= 0 AND close_price < 1e9),
    fees REAL NOT NULL DEFAULT 0 CHECK (fees >= 0 AND fees < 1e12),
    iv REAL CHECK (iv > 0 AND iv < 100),
    mark REAL CHECK (mark >= 0 AND mark < 1e9),
    iv_vix REAL CHECK (iv_vix > 0 AND iv_vix < 1e4),
    CHECK ((instrument = 'vix-future' AND option_right IS NULL AND strike IS NULL)
        OR (instrument <> 'vix-future' AND option_right IS NOT NULL AND strike IS NOT NULL)),
    UNIQUE (position_id, seq)
);

CREATE TABLE protects (
    layer_id INTEGER NOT NULL REFERENCES positions(id),
    condor_id INTEGER NOT NULL REFERENCES positions(id),
    PRIMARY KEY (layer_id, condor_id),
    CHECK (layer_id <> condor_id)
) WITHOUT ROWID;
CREATE INDEX protects_condor ON protects(condor_id);

CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asof TEXT NOT NULL CHECK (asof LIKE '____-__-__T__:__:__%'),
    spx REAL NOT NULL CHECK (spx > 0 AND spx < 1e9),
    vix REAL NOT NULL CHECK (vix > 0 AND vix < 1e4),
    vvix REAL CHECK (vvix > 0 AND vvix < 1e4),
    rate REAL NOT NULL CHECK (rate BETWEEN -1 AND 1),
    div_yield REAL NOT NULL CHECK (div_yield BETWEEN -1 AND 1),
    source TEXT NOT NULL DEFAULT 'manual'
);
CREATE INDEX snapshots_asof ON snapshots(asof, id);

CREATE TABLE snapshot_futures (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
    expiry TEXT NOT NULL CHECK (expiry GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    price REAL NOT NULL CHECK (price > 0 AND price < 1e4),
    PRIMARY KEY (snapshot_id, expiry)
) WITHOUT ROWID;
CREATE INDEX snapshot_futures_expiry ON snapshot_futures(expiry);

CREATE TABLE history (
    date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    symbol TEXT NOT NULL CHECK (length(symbol) BETWEEN 1 AND 32),
    close REAL NOT NULL CHECK (close > 0 AND close < 1e9),
    PRIMARY KEY (date, symbol)
) WITHOUT ROWID;
CREATE INDEX history_symbol ON history(symbol, date);

CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    kind TEXT NOT NULL CHECK (kind IN ('FOMC', 'CPI', 'PPI', 'custom')),
    label TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_date ON events(date);

CREATE TABLE signals (
    name TEXT PRIMARY KEY NOT NULL CHECK (length(name) >= 1),
    value REAL,
    note TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    suggestion_id TEXT NOT NULL,
    rule TEXT NOT NULL,
    action TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('accept', 'dismiss', 'snooze')),
    reason TEXT NOT NULL DEFAULT '',
    until TEXT,
    figures TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(figures)),
    decided_at TEXT NOT NULL,
    CHECK (decision <> 'snooze' OR until IS NOT NULL)
);
CREATE INDEX decisions_suggestion ON decisions(suggestion_id, decided_at);

CREATE TABLE journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    label TEXT NOT NULL,
    position_ids TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(position_ids)),
    undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1))
);

CREATE TABLE journal_rows (
    entry_id INTEGER NOT NULL REFERENCES journal(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    table_name TEXT NOT NULL,
    row_key TEXT NOT NULL CHECK (json_valid(row_key)),
    before TEXT CHECK (before IS NULL OR json_valid(before)),
    after TEXT CHECK (after IS NULL OR json_valid(after)),
    PRIMARY KEY (entry_id, seq)
) WITHOUT ROWID;
"""

SCHEMA_V2 = """
-- Schema version 2: the exchange's own numbers.
-- A day's OPEN, HIGH and LOW beside its CLOSE (NULL where a file has only closes).
ALTER TABLE history ADD COLUMN open REAL CHECK (open IS NULL OR (open > 0 AND open < 1e9));
ALTER TABLE history ADD COLUMN high REAL CHECK (high IS NULL OR (high > 0 AND high < 1e9));
ALTER TABLE history ADD COLUMN low REAL CHECK (low IS NULL OR (low > 0 AND low < 1e9));

-- Official settlement values: SET (SPX AM special opening quotation), VRO (VIX's).
-- origin: 'file' from an imported file, 'typed' entered by hand.
CREATE TABLE settlement_values (
    date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    symbol TEXT NOT NULL CHECK (symbol IN ('SET', 'VRO')),
    value REAL NOT NULL CHECK (value > 0 AND value < 1e9),
    origin TEXT NOT NULL DEFAULT 'file' CHECK (origin IN ('file', 'typed')),
    PRIMARY KEY (date, symbol)
) WITHOUT ROWID;

-- Settlement values stored as history closes by earlier versions move to their own table.
INSERT INTO settlement_values (date, symbol, value, origin)
    SELECT date, symbol, close, 'file' FROM history WHERE symbol IN ('SET', 'VRO');
DELETE FROM history WHERE symbol IN ('SET', 'VRO');

-- Each VX contract's daily settlement price (VIX points), by trade date and contract expiry.
CREATE TABLE vx_settlements (
    date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    expiry TEXT NOT NULL CHECK (expiry GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    settle REAL NOT NULL CHECK (settle > 0 AND settle < 1e4),
    PRIMARY KEY (date, expiry),
    CHECK (expiry >= date)
) WITHOUT ROWID;
CREATE INDEX vx_settlements_expiry ON vx_settlements(expiry, date);

-- What settled each expired position, and on which value: the position's settlement history.
-- Not journaled (settlement is derived from the values, not an undo step), so no foreign key:
-- undoing the position's creation must not be refused by its log.
CREATE TABLE settlement_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    position_id INTEGER NOT NULL,
    logged_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'expired')),
    close_price REAL,
    estimated INTEGER NOT NULL CHECK (estimated IN (0, 1)),
    basis TEXT NOT NULL
);
CREATE INDEX settlement_log_position ON settlement_log(position_id, id);
"""

# A partial close (N of a position's M contracts) is its own closed position, linked to the one it
# was closed out of, so the history shows one partial close rather than a close and a re-open.
SPLIT_FROM_V5 = """
ALTER TABLE positions ADD COLUMN split_from INTEGER REFERENCES positions(id);
CREATE INDEX positions_split_from ON positions(split_from);
"""

SCHEMA_V4 = """
-- Schema version 4: each journal entry records the program that made it ('cli', or
-- 'window:<id>' for one open window), so that undo takes back only that program's changes.
ALTER TABLE journal ADD COLUMN origin TEXT NOT NULL DEFAULT 'cli' CHECK (length(origin) >= 1);
CREATE INDEX journal_origin ON journal(origin, undone, id);
-- Quotes are no longer undo steps: entries that only stored a quote leave the undo stack.
DELETE FROM journal WHERE label LIKE 'market set %'
    AND NOT EXISTS (SELECT 1 FROM journal_rows r WHERE r.entry_id = journal.id
                    AND r.table_name NOT IN ('snapshots', 'snapshot_futures'));
"""

# There is no version 3: the partial close's column was written after books had been migrated to
# version 4, so it came as version 5 (a migration only runs above a book's version).
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "positions, legs, market snapshots, history, events, signals, decisions, journal", SCHEMA_V1),
    (2, "history OHLC, settlement values, VX settlements, settlement log", SCHEMA_V2),
    (4, "journal entries record the program that made them; quotes leave the undo stack", SCHEMA_V4),
    (5, "positions.split_from: the position a partial close was taken out of", SPLIT_FROM_V5),
)
