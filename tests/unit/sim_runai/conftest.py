"""Fixtures for the Run:ai simulator tests (helpers live in runai_tiny.py)."""

from __future__ import annotations

import pytest
from runai_tiny import Tiny


@pytest.fixture
def tiny() -> Tiny:
    """An empty cluster with a fixed seed; each test builds the topology it talks about."""
    return Tiny(seed=1)
