"""A run computed in a forked child process while the caller computes another.

The unhedged and hedged runs over one path are independent, and each is one
Python thread of work: on a machine with two cores the unhedged run (about a
tenth of the hedged one's time) can run beside it instead of before it.

Only ``fork`` makes that cheap (the child starts with the path, the settings and
the shared setup already in memory, no imports to repeat), and forking is only
safe while the caller's process runs a single Python thread (a lock held by
another thread at the fork stays held forever in the child) and no Qt (whose
own threads and event-dispatcher file descriptors the child would share).
``available()`` says whether all that holds, as on the command line; elsewhere
(the window, a test session that has loaded Qt) the runs go in turn.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any


def available() -> bool:
    """True when a child may be forked safely here: fork exists, two cores, one Python thread, no Qt."""
    return ("fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1
            and threading.active_count() == 1 and "PySide6" not in sys.modules)


class SideRunFailed(RuntimeError):
    """The child raised: its exception's type and message, with its traceback text."""


class SideRun:
    """``work()`` started in a forked child; ``result()`` waits for its return value (pickled back)."""

    def __init__(self, work: Callable[[], Any]) -> None:
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_child, args=(work, sender), name="planner-side-run", daemon=True)
        self._process.start()
        sender.close()  # the child holds the only writing end: a dead child reads as end of file

    def result(self) -> Any:
        try:
            outcome, value = self._receiver.recv()
        except EOFError:
            self._process.join()
            raise SideRunFailed(f"the child process ended without a result (exit code {self._process.exitcode})"
                                ) from None
        finally:
            self._receiver.close()
        self._process.join()
        if outcome != "ok":
            raise SideRunFailed(value)
        return value

    def stop(self) -> None:
        """End the child now (the caller gave up: cancelled or failed)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receiver.close()


def _child(work: Callable[[], Any], sender) -> None:
    try:
        value = work()
    except BaseException as error:  # every failure goes back to the parent, which raises it
        sender.send(("error", f"{type(error).__name__}: {error}\n{traceback.format_exc()}"))
    else:
        sender.send(("ok", value))
    finally:
        sender.close()
