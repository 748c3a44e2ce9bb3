"""Campaigns in the admin's index lead to the marketer's console (campaigns.console)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from campaigns.models import Campaign


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("pk", "variant", "trigger", "status", "created_at")

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return redirect("campaigns:console")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A campaign starts from the console, for a variant people wait for.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
