"""The satisfaction link in an email: a page with the score to confirm and room for a
comment. Opening the link stores nothing (mail scanners open links); sending the form
stores the score once."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from conversations.lifecycle import csat_conversation_from_token, rating_record
from conversations.models import SatisfactionRating
from core.formatting import language_or_default
from core.models import Channel
from replies.render import Say
from replies.render import render as render_reply
from replies.selectors import reply_text_overrides

# The page's own words, by the name the template uses for each.
PAGE_KEYS = {"title": "csat.subject", "ask": "csat.page.ask", "done": "csat.page.done",
             "invalid": "csat.page.invalid", "error": "csat.page.error",
             "comment": "csat.page.comment", "send": "csat.page.send"}


def rate(request: HttpRequest, token: str) -> HttpResponse:
    conversation = csat_conversation_from_token(token)
    # In the language of the customer asked (the browser's for a link that names none).
    language = language_or_default(
        conversation.customer.language if conversation is not None
        else translation.get_language_from_request(request))
    overrides = reply_text_overrides(language)
    words = {name: render_reply(Say(key), language, overrides)
             for name, key in PAGE_KEYS.items()}
    context: dict[str, object] = {"shop_name": settings.SHOP_NAME, "scores": range(5, 0, -1),
                                  "language": language, "words": words}
    if conversation is None:
        return render(request, "alerts/rate.html", {**context, "invalid": True}, status=404)
    if SatisfactionRating.objects.filter(conversation=conversation).exists():
        return render(request, "alerts/rate.html", {**context, "done": True})
    if request.method == "POST":
        score = request.POST.get("score", "")
        if score not in {"1", "2", "3", "4", "5"}:
            return render(request, "alerts/rate.html", {
                **context, "error": words["error"],
                "comment": request.POST.get("comment", "")}, status=400)
        rating_record(conversation, int(score), channel=Channel.EMAIL,
                      comment=request.POST.get("comment", "").strip())
        return render(request, "alerts/rate.html", {**context, "done": True})
    chosen = request.GET.get("score", "")
    return render(request, "alerts/rate.html", {
        **context, "chosen": int(chosen) if chosen in {"1", "2", "3", "4", "5"} else None})
