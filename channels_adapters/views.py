from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def site_chat(request: HttpRequest) -> HttpResponse:
    return render(request, "site/index.html", {"shop_name": settings.SHOP_NAME})


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})
