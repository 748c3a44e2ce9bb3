"""Marketers run back-in-stock campaigns (conversations.inbox.roles)."""

from __future__ import annotations

from django.db import migrations

from conversations.inbox.roles import roles_ensure


def setup(apps, schema_editor) -> None:
    roles_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("conversations", "0006_conversation_close_and_ratings"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(setup, migrations.RunPython.noop)]
