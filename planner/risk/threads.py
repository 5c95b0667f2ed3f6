"""BLAS on one thread: the risk engine's matrix products are small, and its own pool does the parallel work.

numpy's OpenBLAS starts a thread per core for every product. The engine's
products (a hundred positions by a hundred contracts by a few hundred points)
finish in well under a millisecond on one core, while OpenBLAS's threads spin
and wait for each other: on a two-core machine with anything else running, the
same analysis measured 130 ms with them and 37 ms without (cProfile, typical
book). The heavy pricing runs on ``grid.pool`` with the GIL released instead.
threadpoolctl sets the limit through the BLAS library's own API, so it works
whenever numpy was imported.
"""

from __future__ import annotations

_limited = False


def single_threaded_blas() -> None:
    """Limit every loaded BLAS to one thread, once per process."""
    global _limited
    if not _limited:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
        _limited = True
