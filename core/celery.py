from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")

app = Celery("onethread")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _warm_up(**kwargs: object) -> None:
    # Load the language model when a worker process starts, not on a shopper's message.
    from agents.nlu import warm_up
    from core.health import heap_freeze

    warm_up()
    heap_freeze()
