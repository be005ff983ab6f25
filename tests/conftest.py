"""Shared fixtures: the bundled library is loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("DISCRETION_NO_CACHE", "1")

import discretion
from discretion.library import Library

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Hypothesis profiles (README "Robustness"): the default and CI runs use a few hundred
# examples per fuzz test; HYPOTHESIS_PROFILE=deep runs tens of thousands, for a long run.
# Tests that pin max_examples themselves keep their own count.
settings.register_profile("default", max_examples=200, deadline=None)
settings.register_profile("ci", max_examples=200, deadline=None, print_blob=True)
settings.register_profile(
    "deep", max_examples=20_000, deadline=None, print_blob=True,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))


@pytest.fixture(scope="session")
def library() -> Library:
    return discretion.load(cache=False)
