from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from conversations.inbox.urls import websocket_urlpatterns as inbox_websockets  # noqa: E402
from conversations.routing import websocket_urlpatterns  # noqa: E402
from core.health import warm_up_in_background  # noqa: E402
from core.webhook_asgi import with_webhooks  # noqa: E402


def _serve_static() -> bool:
    """Whether Django serves /static/ itself (SERVE_STATIC; default: in the embedded mode).

    Daphne serves no files, and the embedded mode has no proxy in front of it, so
    the admin's CSS and JS come from the apps' static folders through Django's
    handler (no collectstatic needed). Behind a proxy or CDN, set SERVE_STATIC=false.
    """
    return bool(settings.SERVE_STATIC)


site_app = ASGIStaticFilesHandler(django_asgi_app) if _serve_static() else django_asgi_app
http_app = with_webhooks(site_app)

application = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns + inbox_websockets))
        ),
    }
)


# Load the language model as the server starts, so the first shopper doesn't wait for it.
warm_up_in_background()
