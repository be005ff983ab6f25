"""Shared fixtures: the bundled library is loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DISCRETION_NO_CACHE", "1")

import discretion
from discretion.library import Library

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def library() -> Library:
    return discretion.load(cache=False)
