"""What README.md promises a first-time user matches what the product prints."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import datetime

from django.conf import settings

from core.management.commands.run import shopper_line
from devtools.demo import _normalise_anchor, _plan_shop

README = settings.BASE_DIR / "README.md"


def test_the_example_shoppers_in_the_readme_are_the_ones_run_prints_for_that_first_start():
    text = README.read_text()
    anchor = re.search(r"`seed_demo --anchor (\d{4}-\d{2}-\d{2})`", text).group(1)
    shown = re.findall(r"^    - ((?:in transit|delivered|shipment exception): .+)$", text,
                       re.MULTILINE)

    plan = _plan_shop(seed=7, anchor=_normalise_anchor(datetime.fromisoformat(anchor)))

    assert shown == [shopper_line(asdict(e)) for e in plan.examples]
