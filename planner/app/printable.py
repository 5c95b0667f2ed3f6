"""Text from the book shown safely: control characters escaped, never obeyed.

A note typed or imported as ``"\\x1b[2J"`` (clear screen), ``"\\r"`` (overwrite the line) or a
right-to-left override would otherwise rewrite the user's terminal or reorder what a table shows.
Each such character is printed as its escape (``\\x1b``, ``\\u202e``); everything else is kept.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides and isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_WITH_NEWLINES = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, one_line: bool = False) -> str:
    """``text`` with every control character escaped; ``one_line`` escapes tab and newline too.

    >>> printable("hedge\\x1b[2J\\rdone")
    'hedge\\\\x1b[2J\\\\x0ddone'
    >>> printable("two\\nlines"), printable("two\\nlines", one_line=True)
    ('two\\nlines', 'two\\\\x0alines')
    """
    pattern = _UNSAFE_WITH_NEWLINES if one_line else _UNSAFE
    return pattern.sub(_escape, text) if pattern.search(text) else text
