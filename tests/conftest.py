"""Shared fixtures: the bundled library is loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DISCRETION_NO_CACHE", "1")

import discretion  # noqa: E402
from discretion.library import Library  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def library() -> Library:
    return discretion.load(cache=False)
