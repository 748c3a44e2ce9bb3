"""The project's own pages: the shop's home page (the site chat) and /healthz."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation

from core.formatting import language_or_default
from core.health import health_report, is_healthy
from replies.render import site_chat_texts


def site_chat(request: HttpRequest) -> HttpResponse:
    """The shop's page with its chat, the chat's own words in the browser's language."""
    language = language_or_default(translation.get_language_from_request(request))
    return render(request, "site/index.html", {
        "shop_name": settings.SHOP_NAME, "chat": site_chat_texts(language),
        "chat_language": language})


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer; 503 naming the part that is down."""
    report = health_report()
    healthy = is_healthy(report)
    response = JsonResponse({"ok": healthy, **report}, status=200 if healthy else 503)
    if not healthy and {k: v for k, v in report.items() if v != "ok"} == {"bot": "warming"}:
        # Expected while a server process starts (`manage.py run` polls it meanwhile):
        # not an error for the log; a part that is down still is.
        response._has_been_logged = True  # type: ignore[attr-defined]
    return response
