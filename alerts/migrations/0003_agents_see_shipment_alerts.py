from __future__ import annotations

from typing import Any

from django.db import migrations


def grant(apps: Any, schema_editor: Any) -> None:
    from conversations.inbox.roles import roles_ensure

    roles_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [("alerts", "0002_watch_existing_shipments"),
                    ("conversations", "0006_conversation_close_and_ratings")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
