from __future__ import annotations

from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """The tools that drive the whole product from outside: the demo shop and seed_demo,
    the scenario runner (run_scenarios), the benchmark (bench) and the webhook load
    generator (load). It sits on top of every other app; none of them imports it."""

    name = "devtools"
    verbose_name = "Developer tools"
