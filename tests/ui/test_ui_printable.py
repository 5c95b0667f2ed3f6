"""A note is shown in the window as the text it is: a tooltip never renders it as rich text."""

from __future__ import annotations


def test_window_tooltip_shows_a_note_as_plain_text():
    from planner.ui.portfolio_tree import plain_tooltip

    assert plain_tooltip("<img src=x> & <b>bold</b>\nnext") == \
        "<qt>&lt;img src=x&gt; &amp; &lt;b&gt;bold&lt;/b&gt;<br>next</qt>"
