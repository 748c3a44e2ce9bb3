"""The platforms' webhooks at the ASGI level: served by a Django handler of their own,
without the site's middleware.

Webhooks use no session, cookie, CSRF token or login (each request is checked by its
platform's signature instead), and under ASGI each of the site's middleware classes is
a hop to a thread and back for every request: most of what a webhook cost. Everything
else (pages, the admin, static files, the sockets) goes to the site's application.
"""

from __future__ import annotations

from typing import Any

from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponseBase

WEBHOOK_PREFIX = "/webhooks/"


class WebhookHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        get_response = self._get_response_async if is_async else self._get_response
        self._middleware_chain = convert_exception_to_response(get_response)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        response = await super().get_response_async(request)
        # What CommonMiddleware would add: platforms' clients keep the connection alive.
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))
        return response


def with_webhooks(site: Any) -> Any:
    """The HTTP application: webhooks to their own handler, every other path to `site`."""
    webhooks = WebhookHandler()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith(WEBHOOK_PREFIX):
            await webhooks(scope, receive, send)
        else:
            await site(scope, receive, send)

    return app
