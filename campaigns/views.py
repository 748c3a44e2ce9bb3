"""The shop platform's stock webhook and the shopper's links: confirm an alert (double
opt-in), stop alerts (every alert email carries it), follow an alert to the product, and
the site's "notify me" form. Thin: parse, call one service, answer."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from campaigns import selectors, services, texts
from commerce import services as store_services
from commerce.models import Variant
from core.formatting import language_or_default
from replies.render import Say
from replies.render import render as render_reply
from replies.selectors import reply_text_overrides


@csrf_exempt
@require_POST
def stock_webhook(request: HttpRequest) -> JsonResponse:
    """POST /webhooks/shop/stock/: the shop platform says how many units of each SKU it
    has now. Signed (base64 HMAC-SHA256 of the body in X-Shop-Hmac-Sha256, or Shopify's
    X-Shopify-Hmac-Sha256): 403 and nothing stored without a valid signature; 400 naming
    the problem, and nothing stored, for a body that cannot be read whole."""
    if not _signed(request):
        return JsonResponse({"error": "Invalid or missing signature."}, status=403)
    try:
        levels = _stock_levels(request.body)
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    variants = {v.sku: v for v in Variant.objects.filter(sku__in=list(levels))}
    for sku, available in levels.items():
        if sku in variants:
            store_services.variant_stock_set(variants[sku], available)
    return JsonResponse({"updated": sorted(variants),
                         "unknown": sorted(set(levels) - set(variants))})


def _signed(request: HttpRequest) -> bool:
    secret = settings.SHOP_WEBHOOK_SECRET
    header = (request.headers.get("X-Shop-Hmac-Sha256")
              or request.headers.get("X-Shopify-Hmac-Sha256") or "")
    if not secret or not header:
        return False
    digest = base64.b64encode(hmac.new(secret.encode(), request.body, hashlib.sha256).digest())
    return hmac.compare_digest(digest, header.strip().encode(errors="replace"))


def _stock_levels(body: bytes) -> dict[str, int]:
    """{sku: units}: from {"sku", "available"}, {"inventory": [{"sku", "available"}, ...]}
    or a Shopify product ({"variants": [{"sku", "inventory_quantity"}, ...]})."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"The body is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError("The body must be a JSON object.")
    if "variants" in data:
        items, key = data["variants"], "inventory_quantity"
    elif "inventory" in data:
        items, key = data["inventory"], "available"
    else:
        items, key = [data], "available"
    if not isinstance(items, list) or not items:
        raise ValueError("No stock levels in the body.")
    levels: dict[str, int] = {}
    for i, item in enumerate(items):
        sku = item.get("sku") if isinstance(item, dict) else None
        units = item.get(key) if isinstance(item, dict) else None
        if not isinstance(sku, str) or not sku.strip():
            raise ValueError(f"Item {i} has no sku.")
        if isinstance(units, bool) or not isinstance(units, int):
            raise ValueError(f"Item {i} ({sku}): '{key}' must be a whole number.")
        levels[sku.strip()] = units
    return levels


@require_http_methods(["GET", "POST"])
def alert_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of a double opt-in email. GET shows a button (mail scanners open links);
    POST confirms."""
    try:
        if request.method == "POST":
            subscription = services.stock_alert_confirm(token)
            return _page(request, "campaign.page.confirmed.title",
                         Say("campaign.page.confirmed.text", product=str(subscription.variant)),
                         language=subscription.customer.language)
        language = services.confirmation_language(token)
    except (signing.BadSignature, ObjectDoesNotExist):
        return _page(request, "campaign.page.expired.title", Say("campaign.page.expired.text"),
                     status=400)
    return _page(request, "campaign.page.confirm.title", Say("campaign.page.confirm.text"),
                 button="campaign.page.confirm.button", language=language)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def alert_stop(request: HttpRequest, token: str) -> HttpResponse:
    """The unsubscribe link of every alert email; also the one-click List-Unsubscribe-Post
    target (RFC 8058), which carries no CSRF token: the signed token is the proof."""
    try:
        language = services.stop_link_language(token)
        if request.method == "POST":
            stopped = services.stock_alerts_stop_by_link(token)
            text = (Say("campaign.page.stopped.text_waiting", products=stopped.labels)
                    if stopped.labels else Say("campaign.page.stopped.text"))
            return _page(request, "campaign.page.stopped.title", text, language=language)
    except (signing.BadSignature, ObjectDoesNotExist):
        return _page(request, "campaign.page.invalid.title", Say("campaign.page.invalid.text"),
                     status=400)
    return _page(request, "campaign.page.stop.title", Say("campaign.page.stop.text"),
                 button="campaign.page.stop.button", language=language)


def alert_go(request: HttpRequest, token: str) -> HttpResponse:
    try:
        return HttpResponseRedirect(services.alert_click(token))
    except signing.BadSignature:
        return _page(request, "campaign.page.invalid.title", None, status=400)


def _page(request: HttpRequest, title: str, text: Say | None, *, button: str = "",
          language: str = "", status: int = 200) -> HttpResponse:
    """A page of the alert links, in the customer's language (the browser's when the link
    names no customer)."""
    language = language_or_default(language or translation.get_language_from_request(request))
    overrides = reply_text_overrides(language)

    def said(say: Say) -> str:
        return render_reply(say, language, overrides)

    return render(request, "campaigns/page.html", {
        "title": said(Say(title)), "text": said(text) if text else "",
        "button": said(Say(button)) if button else "", "language": language,
        "shop_name": settings.SHOP_NAME}, status=status)


@require_http_methods(["GET", "POST"])
def notify_me(request: HttpRequest) -> JsonResponse:
    """The site's notify-me form: GET lists what is sold out; POST {sku, email or
    whatsapp, consent: true, language (the page's; else the browser's)} takes a guest's
    wish, to be confirmed (a link by email, or a message from the number on WhatsApp),
    answered in that language."""
    if request.method == "GET":
        language = language_or_default(request.GET.get("language")
                                       or translation.get_language_from_request(request))
        return JsonResponse({"wording": texts.form_wording(language),
                             "variants": selectors.sold_out_variants()})
    try:
        data: Any = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError("Send a JSON object.")
        result = services.stock_alert_from_form(
            sku=str(data.get("sku") or ""), email=str(data.get("email") or "").strip(),
            whatsapp=str(data.get("whatsapp") or "").strip(),
            consent=data.get("consent") is True, client=_client(request),
            language=str(data.get("language") or "")
            or translation.get_language_from_request(request))
    except (ValueError, ValidationError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return JsonResponse({"error": message}, status=400)
    return JsonResponse(result)


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


