"""Shared test fixtures: paths to the real-world files and tiny site builders."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
REAL_WORLD = FIXTURES / "real-world"


@pytest.fixture
def real_world() -> Path:
    """Folder of exports and API responses from other projects' test suites."""
    return REAL_WORLD


@pytest.fixture
def fixtures() -> Path:
    """Folder of small files written for these tests."""
    return FIXTURES
