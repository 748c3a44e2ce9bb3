from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from core import clock
from tests import shop

WEBHOOK_SECRET = "aftership-webhook-secret-3c1f"


@pytest.fixture
def now() -> datetime:
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def store(now: datetime, settings: Any) -> Any:
    """The small test shop, WhatsApp and email switched on (sends are captured or faked by
    each test), the clock frozen."""
    settings.WHATSAPP_ENABLED = True
    settings.EMAIL_ENABLED = True
    settings.AFTERSHIP_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with clock.frozen_at(now):
        yield shop.build(now)
