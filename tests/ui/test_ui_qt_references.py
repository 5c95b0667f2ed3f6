"""The installed PySide6 keeps the references it owes to None and True.

PySide6 6.12.0 on Python 3.11 returned None from every void Qt call, and True from every
Python-side ``Signal.emit()``, without the reference it owed: the interpreter aborted
("none_dealloc") after some thousands of calls, minutes into a live window. pyproject.toml
pins PySide6 below 6.12; this fails if an installed version leaks again.
"""

from __future__ import annotations

import sys

import pytest

CALLS = 10_000


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None and True are immortal from Python 3.12")
def test_void_calls_and_emits_keep_the_references_of_none_and_true(qtbot):
    from PySide6.QtCore import QObject, Signal

    class Probe(QObject):
        ping = Signal()

    probe = Probe()
    before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(CALLS):
        probe.setObjectName("probe")
        probe.ping.emit()
    after = sys.getrefcount(None), sys.getrefcount(True)
    # Other code may take or drop a few references meanwhile; a leak loses one per call.
    assert before[0] - after[0] < CALLS // 10 and before[1] - after[1] < CALLS // 10, (before, after)
