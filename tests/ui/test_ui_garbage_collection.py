"""Python's cyclic garbage collection runs on the GUI thread once the window's workers exist.

Left to run wherever a threshold falls due, a collection in the risk worker destroyed a closed
window's menus there and deadlocked with the GUI thread (a hang of the test suite).
"""

from __future__ import annotations

import gc
import threading
import weakref


def test_cycles_are_collected_on_the_gui_thread(qtbot):
    from planner.ui.runner import Runner

    runner = Runner()
    try:
        assert not gc.isenabled()  # no collection falls due on a worker thread any more
        collected_on = []

        class Node:
            pass

        node = Node()
        node.self = node  # a cycle: only the cyclic collector frees it
        weakref.finalize(node, lambda: collected_on.append(threading.current_thread()))
        del node
        # Allocations past generation 0's threshold, as a busy worker makes them, made on a worker thread.
        kept = []
        worker = threading.Thread(target=lambda: kept.extend(Node() for _ in range(5 * gc.get_threshold()[0])))
        worker.start()
        worker.join()
        assert not collected_on  # nothing collected on the worker
        qtbot.waitUntil(lambda: bool(collected_on), timeout=10_000)  # the one-second GUI timer
        assert collected_on == [threading.main_thread()]
    finally:
        runner.shutdown()


def test_the_open_book_is_left_out_of_collections_until_the_window_closes(qtbot, window):
    """A full collection walks only what came after the book was drawn (a stutter on a quote otherwise)."""
    assert gc.get_freeze_count() > 10_000
    window.shutdown()
    assert gc.get_freeze_count() == 0
