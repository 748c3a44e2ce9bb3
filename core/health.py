"""What `/healthz` checks: the parts without which no message is stored or answered.

Each check answers "ok" or a short reason; a part that is down never raises.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
from pathlib import Path

from django.db import connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2.0

# The bot's readiness in this process: absent where nothing warms it up (a test client,
# a management command), "warming" while a server process loads it, then "ok".
_bot_state: dict[str, str] = {}


def database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means the database is down
        # Drop the broken connection, so the next request connects afresh once it is back.
        connection.close_if_unusable_or_obsolete()
        return f"down: {type(exc).__name__}: {str(exc).strip()[:200]}"
    return "ok"


def broker_check() -> str:
    from core.celery import app

    url = str(app.conf.broker_url or "")
    if url.startswith("filesystem://"):
        return _queue_folder_check(app.conf.broker_transport_options or {})
    try:
        with app.connection_for_write() as conn:
            # Opening a channel makes kombu's Redis transport PING the server.
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0,
                                   timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:  # any failure means the broker is down
        return f"down: {type(exc).__name__}: {str(exc).strip()[:200]}"
    return "ok"


def _queue_folder_check(options: dict[str, str]) -> str:
    folder = options.get("data_folder_in", "")
    if not folder or not Path(folder).is_dir() or not os.access(folder, os.W_OK):
        return f"down: the queue folder {folder or '(unset)'} is missing or not writable"
    return "ok"


def warm_up_in_background() -> None:
    """Load the language model and run one classification and the graph's build as a
    server process starts, so the first shopper gets an answer as fast as the next, and
    `/healthz` says "warming" (503) until then."""
    _bot_state["bot"] = "warming"
    threading.Thread(target=_warm_up, name="bot-warm-up", daemon=True).start()


def _warm_up() -> None:
    try:
        from agents import graph
        from agents.nlu import understand_many, warm_up

        warm_up()
        understand_many(["hello", "where is my order 100001?"])
        graph.build()
        heap_freeze()
    except Exception as exc:  # the first message will load it instead
        logger.exception("Warming up the bot failed")
        _bot_state["bot"] = f"down: warm-up failed: {type(exc).__name__}: {exc}"[:200]
        return
    _bot_state["bot"] = "ok"


def heap_freeze() -> None:
    """Leave what is loaded so far (the language model: some 600,000 objects) out of the
    garbage collector's full passes. Each pass walks every object, which with the model
    loaded takes 0.5 to 2 seconds, stalling every request or turn of the process meanwhile;
    those objects live as long as the process anyway."""
    gc.collect()
    gc.freeze()


def health_report() -> dict[str, str]:
    """"ok" or why not, for the database, the broker and (in a server process that warms
    it up) the bot."""
    bot = _bot_state.get("bot")
    return {"database": database_check(), "broker": broker_check(),
            **({"bot": bot} if bot else {})}


def is_healthy(report: dict[str, str]) -> bool:
    return all(value == "ok" for value in report.values())
