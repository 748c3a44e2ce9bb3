"""The Agents and Marketers groups, and a few canned responses to start from."""

from __future__ import annotations

from django.db import migrations

from conversations.inbox.roles import roles_ensure

CANNED = [
    ("greeting", "Greeting",
     "Hi {first_name}, this is {agent_name} from the {shop_name} team. I'm looking at this "
     "now and will get back to you in a moment."),
    ("tracking", "Tracking update",
     "Hi {first_name}, I've checked order #{order_number} with the carrier: the tracking "
     "number is {tracking_number}. I'll keep an eye on it and update you here."),
    ("refund-approved", "Refund approved",
     "Good news, {first_name}: I've approved the refund for order #{order_number}. It goes "
     "back to your original payment method and usually shows within 3–5 working days."),
    ("anything-else", "Anything else?",
     "Is there anything else I can help you with today, {first_name}?"),
]


def setup(apps, schema_editor) -> None:
    roles_ensure(apps)
    canned = apps.get_model("conversations", "CannedResponse")
    for shortcut, title, text in CANNED:
        canned.objects.get_or_create(shortcut=shortcut, defaults={"title": title, "text": text})


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0003_inbox_notes_canned"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_identitylinkcode"),
        ("commerce", "0001_initial"),
    ]

    operations = [migrations.RunPython(setup, migrations.RunPython.noop)]
