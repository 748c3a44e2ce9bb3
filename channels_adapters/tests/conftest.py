"""Hypothesis settings for the adapters' property tests.

The default profile is small and derandomised, so the suite stays quick and a failure
reproduces on every run; `HYPOTHESIS_PROFILE=explore` searches much further (and
differently on each run) when the parsers change."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "onethread", max_examples=50, deadline=None, derandomize=True, database=None,
    # Each example posts to the real view and writes to the real database: slower than
    # Hypothesis expects, and the fixtures (settings, the stand-in bot) are the same for
    # every example on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example])
settings.register_profile("explore", parent=settings.get_profile("onethread"),
                          max_examples=1000, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "onethread"))
