"""Quote sources as plain parsers and iterators (no Qt, no storage writes).

* ``quotes.Quote``: the levels one source delivers, ready for ``Workspace.set_market``;
* ``quote_file``: a CSV or JSON file that another program rewrites;
* ``replay``: stored daily closes played back one day at a time.

The window owns the timing (file watching, the replay clock); this package
only turns text and rows into checked quotes, so it is tested without Qt.
"""

from planner.feeds.quote_file import parse_quote_text, read_quote_file
from planner.feeds.quotes import Quote, SourceState
from planner.feeds.replay import Replay, ReplayDay, replay_days

__all__ = ["Quote", "Replay", "ReplayDay", "SourceState", "parse_quote_text", "read_quote_file", "replay_days"]
