"""python manage.py run_scenarios PATH [PATH ...] [--json REPORT]"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections, transaction

from devtools import scenarios


def scenario_database() -> None:
    """Point this process at an empty database of its own, so no scenario ever sees the
    demo shop or a real one, and migrate it."""
    import psycopg
    from django.core.management import call_command

    conn = connections["default"]
    settings_dict = conn.settings_dict
    name = f"{settings_dict['NAME']}_scenarios"
    conn.close()
    params = {"dbname": "postgres", "user": settings_dict.get("USER") or None,
              "password": settings_dict.get("PASSWORD") or None,
              "host": settings_dict.get("HOST") or None,
              "port": settings_dict.get("PORT") or None}
    # Made anew each run, so it always matches the code's migrations.
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg.execute(f'CREATE DATABASE "{name}"')
    settings_dict["NAME"] = name
    call_command("migrate", verbosity=0, interactive=False)


class Command(BaseCommand):
    help = "Run conversation scenarios (YAML) through the real inbound path."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--json", dest="report")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = []
        for raw in options["paths"]:
            path = Path(raw)
            if path.is_dir():
                files.extend(sorted(path.rglob("*.yaml")))
            elif path.is_file():
                files.append(path)
            else:
                self.stderr.write(f"{raw}: no such file or folder")
                sys.exit(2)
        # An invalid file is named and skipped: the valid ones still run, and the exit
        # status (2) says that something was not a scenario.
        invalid = 0
        loaded = []
        for f in files:
            try:
                loaded.append((f, scenarios.load(f)))
            except scenarios.ScenarioError as exc:
                self.stderr.write(f"{f}: not a valid scenario: {exc}")
                invalid += 1
            except (OSError, ValueError, TypeError, AttributeError, KeyError) as exc:
                self.stderr.write(f"{f}: not a valid scenario: {exc!r}")
                invalid += 1
        seen: dict[str, Path] = {}
        unique = []
        for f, data in loaded:
            if data["name"] in seen:
                self.stderr.write(f"{f}: not a valid scenario: name '{data['name']}' is "
                                  f"already used by {seen[data['name']]}")
                invalid += 1
                continue
            seen[data["name"]] = f
            unique.append((f, data))
        scenario_database()
        outcomes = []
        for path, data in unique:
            try:
                outcome = self._run_one(data)
            except scenarios.ScenarioError as exc:
                self.stderr.write(f"{path}: not a valid scenario: {exc}")
                invalid += 1
                continue
            outcomes.append(outcome)
            if outcome.passed:
                self.stdout.write(f"PASS {outcome.name}")
            else:
                self.stdout.write(f"FAIL {outcome.name}: {outcome.failure}")
        passed = sum(1 for o in outcomes if o.passed)
        failed = len(outcomes) - passed
        # Counted over the scenarios that state `actions`: a consequential write none of
        # them listed.
        wrong_writes = sum(len(o.wrong_writes) for o in outcomes)
        if options.get("report"):
            Path(options["report"]).write_text(json.dumps([{
                "name": o.name, "passed": o.passed, "failure": o.failure,
                "handoff": o.handoff, "actions": o.actions, "wrong_writes": o.wrong_writes,
                "sent": o.sent,
                "turns": [{**({"event": t.event} if t.event is not None else {"user": t.user}),
                           "replies": t.replies, "intent": t.intent,
                           "confidence": t.confidence, "language": t.language,
                           "failures": t.failures}
                          for t in o.turns],
            } for o in outcomes], indent=2, default=str))
        self.stdout.write(f"{passed} passed, {failed} failed, {wrong_writes} wrong writes")
        sys.exit(2 if invalid else 1 if failed else 0)

    def _run_one(self, data: dict[str, Any]) -> scenarios.Outcome:
        try:
            with transaction.atomic():
                outcome = scenarios.run(data)
                transaction.set_rollback(True)  # each scenario leaves nothing behind
        except scenarios.ScenarioError:
            raise
        except Exception as exc:
            import traceback

            return scenarios.Outcome(name=data["name"], passed=False,
                                     failure=f"crashed: {exc!r} "
                                             f"{traceback.format_exc().splitlines()[-3:]}")
        return outcome
