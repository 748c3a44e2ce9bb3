"""The staff roles: who may read and answer conversations, and who may not.

- Agents read and act on conversations (claim, reply, note, approve, hand back) and read
  the customer's orders, returns and refunds; they read the shop policy but never change
  it. Changing policy and settings stays with superusers (the shop's admins).
- Marketers work on the catalogue, articles, discount codes and back-in-stock campaigns,
  and get no permission on anything in the conversations app: the inbox answers them 403.

A data migration calls `roles_ensure` with the historical models; the same function can
run again at any time (tests call it after a database flush) and only adds what is missing.
"""

from __future__ import annotations

from typing import Any

AGENTS = "Agents"
MARKETERS = "Marketers"

# app label -> model -> actions
AGENT_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "conversations": {
        "conversation": ("view", "change"),
        "message": ("view", "change"),
        "handoff": ("view", "change"),
        "internalnote": ("view", "add"),
        "cannedresponse": ("view", "add", "change"),
        "policydecision": ("view",),
        "actionrecord": ("view",),
    },
    "core": {
        "customer": ("view",),
        "channelidentity": ("view",),
    },
    "commerce": {
        "order": ("view",),
        "orderitem": ("view",),
        "payment": ("view",),
        "shipment": ("view",),
        "trackingevent": ("view",),
        "return": ("view",),
        "returnitem": ("view",),
        "refund": ("view",),
        "product": ("view",),
        "variant": ("view",),
        "discountcode": ("view",),
        "loyaltytransaction": ("view",),
        "article": ("view",),
        "shoppolicy": ("view",),
    },
    "alerts": {
        "shipmentalert": ("view",),
    },
}

MARKETER_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "commerce": {
        "product": ("view", "change"),
        "variant": ("view",),
        "review": ("view",),
        "article": ("view", "add", "change"),
        "discountcode": ("view", "add", "change"),
        "backinstocksubscription": ("view",),
    },
    # The back-in-stock console: demand, campaigns and their funnel, start, pause,
    # resume, cancel, test sends (campaigns.console).
    "campaigns": {
        "campaign": ("view", "change"),
    },
}


def roles_ensure(apps: Any = None) -> None:
    """Create the Agents and Marketers groups with their permissions (idempotent)."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    _permissions_create(apps)
    group_model = apps.get_model("auth", "Group")
    for name, spec in ((AGENTS, AGENT_PERMISSIONS), (MARKETERS, MARKETER_PERMISSIONS)):
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, spec))


def _permissions(apps: Any, spec: dict[str, dict[str, tuple[str, ...]]]) -> list[Any]:
    permission_model = apps.get_model("auth", "Permission")
    wanted = [(app, f"{action}_{model}") for app, models in spec.items()
              for model, actions in models.items() for action in actions]
    found = []
    for app, codename in wanted:
        permission = permission_model.objects.filter(
            content_type__app_label=app, codename=codename).first()
        if permission is not None:
            found.append(permission)
    return found


def _permissions_create(apps: Any) -> None:
    # On a fresh database Django creates permissions only after every migration has run
    # (post_migrate); a data migration that grants them has to create them first.
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for app_config in apps.get_app_configs():
        if app_config.label not in {"conversations", "core", "commerce", "alerts", "campaigns"}:
            continue
        # Historical app configs carry no models module, which both functions take for
        # "this app has no models".
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_contenttypes(app_config, verbosity=0, apps=apps)
            create_permissions(app_config, verbosity=0, apps=apps)
        finally:
            app_config.models_module = models_module
