from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation


def site_chat(request: HttpRequest) -> HttpResponse:
    """The shop's page with its chat, the chat's own words in the browser's language."""
    from core.formatting import language_or_default
    from replies.render import site_chat_texts

    language = language_or_default(translation.get_language_from_request(request))
    return render(request, "site/index.html", {
        "shop_name": settings.SHOP_NAME, "chat": site_chat_texts(language),
        "chat_language": language})


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer; 503 naming the part that is down."""
    from core.health import health_report, is_healthy

    report = health_report()
    healthy = is_healthy(report)
    return JsonResponse({"ok": healthy, **report}, status=200 if healthy else 503)


def return_label(request: HttpRequest, token: str) -> HttpResponse:
    from pathlib import Path

    from django.http import FileResponse, Http404

    from commerce.labels_url import label_number
    from commerce.models import Return

    number = label_number(token)
    ret = Return.objects.filter(number=number).first() if number else None
    if ret is None or not ret.label_file:
        raise Http404("No such label")
    path = Path(settings.MEDIA_ROOT) / ret.label_file
    if not path.exists():
        from commerce.labels import return_label_render

        path = return_label_render(ret)
    return FileResponse(path.open("rb"), content_type="application/pdf",
                        filename=f"{ret.number}.pdf")
