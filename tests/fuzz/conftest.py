"""The fuzz tests' Hypothesis profile and their world (a commune with one account per role).

The profile is capped so that `make test` stays within its time: few examples per test, no deadline (a request may
take a while on a busy machine), derandomized (the same examples on every run, so CI is reproducible), and no
example database. Run more by hand: DOITHOAI_FUZZ_EXAMPLES=200 .venv/bin/pytest tests/fuzz (then the examples are
random, a new set on every run; `--hypothesis-seed=<n>` repeats one).
"""

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.fuzz.world import World

PROFILE = "doithoai-fuzz"
EXAMPLES = int(os.environ.get("DOITHOAI_FUZZ_EXAMPLES") or 0)

settings.register_profile(
    PROFILE,
    max_examples=EXAMPLES or 4,
    deadline=None,
    derandomize=not EXAMPLES,
    database=None,
    print_blob=True,
    # One world per test, shared by its examples (each example runs in a transaction rolled back after it); the
    # hostile values are large and rarely filtered.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


@pytest.fixture
def world(commune, frozen_demo_now) -> World:
    """Everything the forms need, built as of Friday 27/11/2026 09:00 (Asia/Ho_Chi_Minh)."""
    return World.create(commune)
