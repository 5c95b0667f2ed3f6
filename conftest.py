"""Collection rules for the doctest run over planner/ (pytest's --doctest-modules), and the tests' cache folder."""

import os
import tempfile

# planner.calendars keeps its session table in the user's cache folder: the tests use a folder of their own.
os.environ.setdefault("PLANNER_CACHE_DIR", tempfile.mkdtemp(prefix="planner-test-cache-"))
