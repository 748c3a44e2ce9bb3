"""System checks: an enabled channel or integration names every setting it still needs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def channel_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from channels_adapters.registry import ADAPTERS, adapter_class

    errors = []
    for channel in ADAPTERS:
        if channel == "web" or not getattr(settings, f"{channel.upper()}_ENABLED", False):
            continue
        try:
            missing = adapter_class(channel)().missing_settings()
        except LookupError as exc:
            errors.append(Error(str(exc), id=f"onethread.{channel}.E000"))
            continue
        if missing:
            errors.append(Error(
                f"{channel.upper()}_ENABLED is set but {', '.join(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} missing.",
                hint="Set them in the environment; .env.example lists every variable.",
                id=f"onethread.{channel}.E001"))
    return errors


@register()
def carrier_tracking_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from commerce import tracking

    if not tracking.is_enabled() or not tracking.missing_settings():
        return []
    return [Error(f"AFTERSHIP_ENABLED is set but {', '.join(tracking.missing_settings())} "
                  "is missing.",
                  hint="Set it in the environment; .env.example lists every variable.",
                  id="onethread.aftership.E001")]


@register()
def allowed_hosts_named(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return hosts_errors(list(settings.ALLOWED_HOSTS), debug=settings.DEBUG,
                        local=settings.LOCAL_MODE)


def hosts_errors(hosts: list[str], *, debug: bool, local: bool) -> list[Error]:
    """Outside the local demo, the site answers only to the host names it is given: a "*"
    (or no host at all) would let any Host header through, and with it any WebSocket
    origin (core/asgi.py checks origins against ALLOWED_HOSTS)."""
    if debug or local or (hosts and "*" not in hosts):
        return []
    return [Error(
        "ALLOWED_HOSTS is " + ("'*'" if hosts else "empty") + " with a DATABASE_URL set: "
        "a deployment must name the host names it answers to.",
        hint="Set ALLOWED_HOSTS to a comma-separated list, e.g. shop.example,www.shop.example.",
        id="onethread.E001")]
