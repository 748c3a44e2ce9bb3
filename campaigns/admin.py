"""Campaigns in the admin: a read-only list; they are run from the marketer's console
(campaigns.console), which the admin's front page links to."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from campaigns.models import Campaign


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("pk", "variant", "trigger", "status", "units", "audience", "batches",
                    "created_at", "finished_at")
    list_filter = ("status", "trigger")
    search_fields = ("variant__sku", "variant__product__name")
    list_select_related = ("variant__product",)
    readonly_fields = ("variant", "trigger", "status", "units", "audience", "batches",
                       "next_batch_at", "started_by", "created_at", "finished_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A campaign starts from the console, for a variant people wait for.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
