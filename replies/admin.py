"""The shop's wording: every message of the catalogue, per language, editable by the owner.

One page lists each key with its text in every language (the shop's own where it has one),
the facts it may use and those it must keep; a key and language open an editor that
checks the text, previews it with example facts, saves it (in use from the next message
on) or resets it to the catalogue's wording."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse

from core.formatting import LANGUAGES
from core.models import LANGUAGE_CHOICES
from replies.messages import MESSAGES
from replies.models import ReplyText
from replies.render import catalogue_text, fill
from replies.selectors import reply_text_overrides
from replies.services import reply_text_reset, reply_text_set, text_problems

LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)


@admin.register(ReplyText)
class ReplyTextAdmin(admin.ModelAdmin):
    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<str:key>/<str:language>/edit/", view(self.edit_view),
                 name="replies_replytext_edit"),
            *super().get_urls(),
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def changelist_view(self, request: HttpRequest,
                        extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        overrides = reply_text_overrides()
        query = request.GET.get("q", "").strip().lower()
        rows = []
        for key, spec in MESSAGES.items():
            texts = [{"language": lang, "name": LANGUAGE_NAMES[lang],
                      "text": overrides.get((key, lang), catalogue_text(key, lang)),
                      "overridden": (key, lang) in overrides,
                      "url": reverse("admin:replies_replytext_edit", args=[key, lang])}
                     for lang in LANGUAGES]
            if query and query not in key and query not in spec.note.lower() and not any(
                    query in t["text"].lower() for t in texts):
                continue
            rows.append({"key": key, "spec": spec, "texts": texts})
        return render(request, "admin/replies/catalogue.html", {
            **self.admin_site.each_context(request), "title": "Reply texts",
            "opts": self.model._meta, "rows": rows, "query": query,
            "overridden": len(overrides)})

    def edit_view(self, request: HttpRequest, key: str, language: str) -> HttpResponse:
        if key not in MESSAGES or language not in LANGUAGES:
            raise Http404("No such message or language.")
        if not self.has_view_permission(request):
            raise PermissionDenied
        spec = MESSAGES[key]
        override = ReplyText.objects.filter(key=key, language=language).first()
        default = catalogue_text(key, language)
        text = override.text if override else default
        problems: list[str] = []
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            action = request.POST.get("action", "preview")
            if action == "reset":
                reply_text_reset(key, language)
                messages.success(request, f"{key} [{language}] is back to the catalogue's "
                                          "wording.")
                return HttpResponseRedirect(request.path)
            text = request.POST.get("text", "")
            if action == "save":
                try:
                    reply_text_set(key, language, text, by=request.user.get_username())
                except ValidationError as exc:
                    problems = list(exc.messages)
                else:
                    messages.success(request, f"{key} [{language}] saved: the next message "
                                              "uses it.")
                    return HttpResponseRedirect(request.path)
            else:
                problems = text_problems(key, text)
        preview = "" if problems else fill(text, spec.example, language)
        return render(request, "admin/replies/edit.html", {
            **self.admin_site.each_context(request),
            "title": f"{key} in {LANGUAGE_NAMES[language]}", "opts": self.model._meta,
            "spec": spec, "key": key, "language": language,
            "language_name": LANGUAGE_NAMES[language], "text": text, "default": default,
            "override": override, "problems": problems, "preview": preview,
            "english": catalogue_text(key, "en"),
            "can_change": self.has_change_permission(request),
            "catalogue_url": reverse("admin:replies_replytext_changelist")})
