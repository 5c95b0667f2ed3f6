"""Fixtures of the use-case tests."""

from __future__ import annotations

import pytest

from planner.storage import Repository


@pytest.fixture
def repo():
    """An in-memory store; a test builds its ``Workspace(repo, clock)`` over it to read back exactly what was
    written (the workspace itself keeps its store to itself)."""
    store = Repository.open(":memory:")
    yield store
    store.close()
