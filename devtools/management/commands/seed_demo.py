"""`python manage.py seed_demo [--anchor YYYY-MM-DD] [--seed N]`: load the demo shop."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from devtools.demo import demo_shop_seed, shoppers_save


def _anchor(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError as exc:
        raise CommandError(f"--anchor must be a date like 2026-11-20, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Create the demo shop (catalogue, 1,000 customers, 5,000 orders with shipments, "
        "returns and refunds, codes, articles) for a seed and an anchor day. Running it again "
        "with the same seed and anchor changes nothing; another anchor replaces the demo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            type=_anchor,
            default=None,
            help="The demo's 'today', as YYYY-MM-DD (midnight UTC). Default: today.",
        )
        parser.add_argument("--seed", type=int, default=7, help="Random seed (default 7).")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo_shop_seed(anchor=options["anchor"], seed=options["seed"], stdout=self.stdout)
        self.stdout.write(summary.render())
        # `manage.py run` prints these again on every start (the README shows them).
        shoppers_save(settings.DATA_DIR, [asdict(e) for e in summary.examples])
