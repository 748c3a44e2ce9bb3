"""The marketer's console for back-in-stock, inside the admin: what shoppers wait for,
the campaigns with their live progress and funnel, the alert as each channel and language
shows it, a test send to oneself, and a CSV export. Marketers (and admins) only; it shows
counts and products, never a conversation. Thin: check, parse, call, render."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from campaigns import selectors, services, texts
from campaigns.models import Campaign
from commerce.models import Variant
from core.formatting import LANGUAGES

VIEW = "campaigns.view_campaign"
ACT = "campaigns.change_campaign"
CHANNELS = (("whatsapp", "WhatsApp"), ("email", "Email"), ("telegram", "Telegram"))


def _needs(permission: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return staff_member_required(checked)

    return decorate


@_needs(VIEW)
def console(request: HttpRequest) -> HttpResponse:
    variant = _variant(request.GET.get("sku"))
    channel = request.GET.get("channel") or "whatsapp"
    language = request.GET.get("language") or "en"
    preview = _preview(variant, channel, language) if variant else None
    return render(request, "campaigns/console.html", {
        **admin.site.each_context(request), "title": "Back in stock",
        "demand": selectors.demand_list(), "campaigns": selectors.campaign_list(),
        "variants": Variant.objects.select_related("product").order_by("product__name",
                                                                       "sku")[:500],
        "preview": preview, "preview_variant": variant, "channel": channel,
        "language": language, "channels": CHANNELS, "languages": LANGUAGES,
        "may_act": request.user.has_perm(ACT), "test_to": request.user.email,
    })


def _variant(sku: str | None) -> Variant | None:
    if not sku:
        return None
    return Variant.objects.select_related("product").filter(sku=sku).first()


def _preview(variant: Variant, channel: str, language: str) -> dict[str, Any]:

    alert = texts.alert(channel, language, first_name="Maya", product=str(variant),
                        price=variant.price, stock=max(variant.stock, 1),
                        link=services.product_url(variant),
                        unsubscribe=f"{settings.SITE_URL.rstrip('/')}/alerts/stop/…/")
    template = settings.WHATSAPP_TEMPLATES.get(f"{services.PURPOSE}.{language}") or \
        settings.WHATSAPP_TEMPLATES.get(services.PURPOSE, "")
    return {"text": alert.text, "subject": alert.subject if channel == "email" else "",
            "template": template if channel == "whatsapp" else "",
            "params": alert.params if channel == "whatsapp" else []}


@_needs(VIEW)
def progress(request: HttpRequest) -> JsonResponse:
    """The campaigns' live figures, for the console's progress bars."""
    return JsonResponse({"campaigns": [
        {"id": c.pk, "status": c.get_status_display(), "progress": f.progress,
         **{k: str(getattr(f, k)) for k in selectors.FUNNEL_KEYS}, "queued": f.queued}
        for c, f in selectors.campaign_list()]})


@_needs(ACT)
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    variant = get_object_or_404(Variant, sku=request.POST.get("sku", ""))
    try:
        campaign = services.campaign_start(variant, trigger=Campaign.Trigger.MANUAL,
                                           by=request.user)
    except services.CampaignRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Campaign #{campaign.pk} for {variant} started.")
    return redirect("campaigns:console")


ACTIONS = {"pause": services.campaign_pause, "resume": services.campaign_resume,
           "cancel": services.campaign_cancel}


@_needs(ACT)
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    if action not in ACTIONS:
        raise PermissionDenied
    try:
        ACTIONS[action](campaign)
    except services.CampaignRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Campaign #{pk}: {action}d." if action != "cancel"
                         else f"Campaign #{pk} cancelled.")
    return redirect("campaigns:console")


@_needs(ACT)
@require_POST
def test_send(request: HttpRequest) -> HttpResponse:
    variant = get_object_or_404(Variant, sku=request.POST.get("sku", ""))
    channel = request.POST.get("channel", "email")
    language = request.POST.get("language", "en")
    to = request.POST.get("to", "").strip()
    try:
        services.test_send(request.user, variant, channel, language, to)
    except services.CampaignRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Test alert for {variant} queued to {to} ({channel}).")
    return redirect(f"{request.path.rsplit('test-send/', 1)[0]}?sku={variant.sku}"
                    f"&channel={channel}&language={language}")


@_needs(VIEW)
def export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="back-in-stock-campaigns.csv"'
    csv.writer(response).writerows(selectors.csv_rows())
    return response
