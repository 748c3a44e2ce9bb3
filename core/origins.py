"""WebSocket origin checks. A browser sends the page's Origin with every WebSocket it
opens, and the session cookie along with it, whatever page opened it: so a socket that
acts with the staff member's session must come from a page of this very site."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings

_DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443"}


def _netloc(scheme: str, host: str) -> str:
    host = host.strip().lower()
    port = _DEFAULT_PORTS.get(scheme.lower())
    if port and host.endswith(f":{port}"):
        host = host[: -len(port) - 1]
    return host


def same_origin(scope: dict[str, Any]) -> bool:
    """Is the Origin header the very address (scheme's host and port) the socket was
    opened on, or one of CSRF_TRUSTED_ORIGINS (a proxy that rewrites Host)?"""
    headers = {name.lower(): value for name, value in scope.get("headers") or []}
    try:
        origin = headers.get(b"origin", b"").decode("ascii").strip()
        host = headers.get(b"host", b"").decode("ascii").strip()
    except UnicodeDecodeError:
        return False
    if not origin or origin == "null":
        return False
    if origin.rstrip("/") in [o.rstrip("/") for o in settings.CSRF_TRUSTED_ORIGINS]:
        return True
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc or not host:
        return False
    return _netloc(parts.scheme, parts.netloc) == _netloc(parts.scheme, host)


class SameOriginValidator:
    """ASGI middleware: refuse (403 at the handshake) a WebSocket from another origin,
    including another port of the same host."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope.get("type") == "websocket" and not same_origin(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
