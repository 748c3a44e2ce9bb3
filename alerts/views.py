"""The satisfaction link in an email: a page with the score to confirm and room for a
comment. Opening the link stores nothing (mail scanners open links); sending the form
stores the score once."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from conversations.lifecycle import csat_conversation_from_token, rating_record
from conversations.models import SatisfactionRating
from core.models import Channel


def rate(request: HttpRequest, token: str) -> HttpResponse:
    conversation = csat_conversation_from_token(token)
    context: dict[str, object] = {"shop_name": settings.SHOP_NAME, "scores": range(5, 0, -1)}
    if conversation is None:
        return render(request, "alerts/rate.html", {**context, "invalid": True}, status=404)
    if SatisfactionRating.objects.filter(conversation=conversation).exists():
        return render(request, "alerts/rate.html", {**context, "done": True})
    if request.method == "POST":
        score = request.POST.get("score", "")
        if score not in {"1", "2", "3", "4", "5"}:
            return render(request, "alerts/rate.html", {
                **context, "error": "Please choose a score from 1 to 5.",
                "comment": request.POST.get("comment", "")}, status=400)
        rating_record(conversation, int(score), channel=Channel.EMAIL,
                      comment=request.POST.get("comment", "").strip())
        return render(request, "alerts/rate.html", {**context, "done": True})
    chosen = request.GET.get("score", "")
    return render(request, "alerts/rate.html", {
        **context, "chosen": int(chosen) if chosen in {"1", "2", "3", "4", "5"} else None})
