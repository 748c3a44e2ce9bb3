from __future__ import annotations

from django.db import migrations


def watch(apps: object, schema_editor: object) -> None:
    from alerts.services import shipments_watch_refresh

    shipments_watch_refresh()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]

    operations = [migrations.RunPython(watch, migrations.RunPython.noop)]
