"""List what the reply catalogue lacks: missing translations per language, texts no code
uses, facts a text uses but its key doesn't give, compiled catalogues out of date."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from replies.checks import catalogue_check
from replies.messages import MESSAGES


class Command(BaseCommand):
    help = "Check the reply catalogue: every key in every language, nothing unused."

    def handle(self, *args: Any, **options: Any) -> None:
        report = catalogue_check()
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"The reply catalogue has {len(report.lines())} problem(s).")
        self.stdout.write(f"{len(MESSAGES)} messages, complete in every language.")
