"""Collection rules for the doctest run over planner/ (pytest's --doctest-modules), and the tests' cache folder."""

import atexit
import os
import shutil
import tempfile

# planner.calendars keeps its session table in the user's cache folder: the tests use a folder of their own,
# removed when the run ends.
if "PLANNER_CACHE_DIR" not in os.environ:
    _cache = tempfile.mkdtemp(prefix="planner-test-cache-")
    os.environ["PLANNER_CACHE_DIR"] = _cache
    atexit.register(shutil.rmtree, _cache, ignore_errors=True)
