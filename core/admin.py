"""The customer in the admin: who they are and where they write from. Their
conversations and their one history across every channel are added to the same page by
conversations.admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import connection
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from core.models import (
    ChannelIdentity,
    Customer,
    IdentityLinkCode,
    LanguageSource,
    MarketingConsent,
    VerificationFailure,
)

admin.site.site_header = "OneThread"
admin.site.site_title = "OneThread"
admin.site.index_title = "Support"


class TagFilter(admin.SimpleListFilter):
    title = "tag"
    parameter_name = "tag"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        table = connection.ops.quote_name(Customer._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT jsonb_array_elements_text(tags) AS tag FROM {table} "
                "WHERE jsonb_typeof(tags) = 'array' ORDER BY tag LIMIT 100"
            )
            return [(tag, tag) for (tag,) in cursor.fetchall()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value():
            return queryset.filter(tags__contains=[self.value()])
        return queryset


class ChannelIdentityInline(admin.TabularInline):
    model = ChannelIdentity
    extra = 0
    fields = ("channel", "external_id", "display_name", "verified_via", "verified_at",
              "last_seen_at")
    readonly_fields = ("last_seen_at",)


class MarketingConsentInline(admin.TabularInline):
    model = MarketingConsent
    extra = 0
    fields = ("channel", "purpose", "wording", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("__str__", "email", "phone", "is_guest", "tag_list", "preferred_channel",
                    "identity_count", "created_at")
    list_filter = ("is_guest", TagFilter, "preferred_channel", "identities__channel", "language",
                   "marketing_consent")
    search_fields = ("name", "email", "phone", "identities__external_id",
                     "identities__display_name", "orders__number")
    date_hierarchy = "created_at"
    inlines: tuple[type[admin.options.InlineModelAdmin], ...] = (
        ChannelIdentityInline, MarketingConsentInline)
    readonly_fields: tuple[str, ...] = ("created_at",)
    fieldsets: tuple[tuple[str | None, dict[str, Any]], ...] = (
        (None, {"fields": ("name", "email", "phone", "is_guest", "tags", "language",
                           "language_source", "preferred_channel", "marketing_consent",
                           "created_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        return super().get_queryset(request).annotate(
            identity_count=Count("identities", distinct=True))

    def save_model(self, request: HttpRequest, obj: Customer, form: Any, change: bool) -> None:
        # A language picked here is the shop's choice: what the customer writes next
        # doesn't change it, until "Detected from their messages" is chosen again.
        if "language" in form.changed_data and "language_source" not in form.changed_data:
            obj.language_source = LanguageSource.SHOP
        super().save_model(request, obj, form, change)

    @admin.display(description="tags")
    def tag_list(self, obj: Customer) -> str:
        return ", ".join(str(t) for t in obj.tags or [])

    @admin.display(description="channels", ordering="identity_count")
    def identity_count(self, obj: Customer) -> int:
        return obj.identity_count  # type: ignore[attr-defined]


@admin.register(ChannelIdentity)
class ChannelIdentityAdmin(admin.ModelAdmin):
    list_display = ("__str__", "customer", "display_name", "verified_via", "verified_at",
                    "last_seen_at")
    list_filter = ("channel", "verified_via")
    search_fields = ("external_id", "display_name", "customer__name", "customer__email",
                     "customer__phone")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)


@admin.register(IdentityLinkCode)
class IdentityLinkCodeAdmin(admin.ModelAdmin):
    """Audit only: codes are made and checked by conversations.identity_links, and only
    their hash is kept."""

    list_display = ("created_at", "identity", "customer", "channel", "contact", "expires_at",
                    "attempts", "used_at")
    list_filter = ("channel",)
    search_fields = ("contact", "identity__external_id", "customer__name", "customer__email",
                     "customer__phone")
    list_select_related = ("identity", "customer")
    date_hierarchy = "created_at"
    exclude = ("code_hash",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(VerificationFailure)
class VerificationFailureAdmin(admin.ModelAdmin):
    """Audit only: guesses at a shopper's identity that did not match, as
    core.services.knowledge_check counts them (one row per order number, contact detail
    and client guessed). Deleting rows lifts a lock early."""

    list_display = ("created_at", "kind", "key")
    list_filter = ("kind",)
    search_fields = ("key",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
