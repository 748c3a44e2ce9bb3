"""Conversations in the admin: each one with its messages in order, its handoffs and the
policy decisions the bot made, so whoever picks up a handoff sees the whole story.

Messages, decisions and action records are read-only here: a message typed into the
admin would never reach the shopper (sending goes through the outbox), and the
decisions and actions are the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from conversations.models import (
    ActionRecord,
    CannedResponse,
    Conversation,
    Handoff,
    Message,
    PolicyDecision,
)
from core.admin import CustomerAdmin
from core.models import Customer

# A long-standing customer can have thousands of messages; the page shows the latest.
HISTORY_LIMIT = 500


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MessageInline(ReadOnlyMixin, admin.TabularInline):
    model = Message
    extra = 0
    fields = ("created_at", "channel", "direction", "sender", "agent", "text", "language",
              "intent", "confidence", "delivery")
    readonly_fields = fields
    ordering = ("created_at", "id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return super().get_queryset(request).select_related("agent")


class HandoffInline(admin.TabularInline):
    model = Handoff
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ("reason", "status", "assigned_to", "created_at", "closed_at")
    readonly_fields = ("reason", "created_at", "closed_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Handoff]:
        return super().get_queryset(request).select_related("assigned_to")


class PolicyDecisionInline(ReadOnlyMixin, admin.TabularInline):
    model = PolicyDecision
    extra = 0
    fields = ("created_at", "order_number", "action", "allowed", "outcome", "rule",
              "explanation")
    readonly_fields = fields


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("id", "customer", "channel", "status", "mode", "is_verified",
                    "assigned_to", "message_count", "last_inbound_at", "updated_at")
    list_filter = ("status", "mode", "channel", "assigned_to")
    search_fields = ("customer__name", "customer__email", "customer__phone",
                     "customer__identities__external_id", "messages__text")
    list_select_related = ("customer", "assigned_to")
    date_hierarchy = "updated_at"
    fields = ("customer", "channel", "status", "mode", "assigned_to", "verified_at",
              "verified_via", "created_at", "updated_at", "last_inbound_at", "state")
    readonly_fields = ("customer", "channel", "verified_at", "verified_via", "created_at",
                       "updated_at", "last_inbound_at", "state")
    inlines = (MessageInline, HandoffInline, PolicyDecisionInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Conversation]:
        return super().get_queryset(request).annotate(message_count=Count("messages"))

    @admin.display(description="verified", boolean=True, ordering="verified_at")
    def is_verified(self, obj: Conversation) -> bool:
        return obj.is_verified

    @admin.display(description="messages", ordering="message_count")
    def message_count(self, obj: Conversation) -> int:
        return obj.message_count  # type: ignore[attr-defined]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "conversation", "customer", "channel", "direction", "sender",
                    "short_text", "language", "intent", "delivery")
    list_filter = ("channel", "direction", "sender", "delivery", "language", "intent")
    search_fields = ("text", "external_id", "conversation__customer__name",
                     "conversation__customer__email", "conversation__customer__phone")
    list_select_related = ("conversation__customer",)
    date_hierarchy = "created_at"

    @admin.display(description="customer", ordering="conversation__customer__name")
    def customer(self, obj: Message) -> str:
        return str(obj.conversation.customer)

    @admin.display(description="text")
    def short_text(self, obj: Message) -> str:
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"


@admin.register(Handoff)
class HandoffAdmin(admin.ModelAdmin):
    list_display = ("id", "conversation", "customer", "reason", "status", "assigned_to",
                    "created_at", "closed_at")
    list_filter = ("status", "reason", "assigned_to")
    search_fields = ("conversation__customer__name", "conversation__customer__email",
                     "conversation__customer__phone")
    list_select_related = ("conversation__customer", "assigned_to")
    date_hierarchy = "created_at"
    fields = ("conversation", "reason", "status", "assigned_to", "packet", "created_at",
              "closed_at")
    readonly_fields = ("conversation", "reason", "packet", "created_at", "closed_at")

    @admin.display(description="customer", ordering="conversation__customer__name")
    def customer(self, obj: Handoff) -> str:
        return str(obj.conversation.customer)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PolicyDecision)
class PolicyDecisionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "conversation", "order_number", "action", "allowed",
                    "outcome", "rule")
    list_filter = ("action", "allowed", "rule")
    search_fields = ("order_number", "rule", "explanation")
    list_select_related = ("conversation__customer",)
    date_hierarchy = "created_at"


@admin.register(ActionRecord)
class ActionRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "order_number", "conversation", "actor",
                    "idempotency_key")
    list_filter = ("kind", "actor")
    search_fields = ("order_number", "idempotency_key")
    list_select_related = ("conversation__customer",)
    date_hierarchy = "created_at"


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    """Agents' reusable replies. One shortcut holds the same reply in each language it is
    written in; the inbox offers those in the shopper's language first."""

    list_display = ("title", "shortcut", "language", "short_text")
    list_filter = ("language",)
    search_fields = ("title", "shortcut", "text")
    fields = ("title", "shortcut", "language", "text")

    @admin.display(description="text")
    def short_text(self, obj: CannedResponse) -> str:
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"


class ConversationInline(admin.TabularInline):
    model = Conversation
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ("channel", "status", "mode", "assigned_to", "message_count", "updated_at")
    readonly_fields = fields
    ordering = ("-updated_at",)
    verbose_name_plural = "conversations"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Conversation]:
        return (
            super().get_queryset(request)
            .select_related("assigned_to")
            .annotate(message_count=Count("messages"))
        )

    @admin.display(description="messages")
    def message_count(self, obj: Conversation) -> int:
        return obj.message_count  # type: ignore[attr-defined]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CustomerWithHistoryAdmin(CustomerAdmin):
    """The customer's page, with their conversations and one history across channels."""

    inlines = (*CustomerAdmin.inlines, ConversationInline)
    readonly_fields = (*CustomerAdmin.readonly_fields, "history")
    fieldsets = (*CustomerAdmin.fieldsets,
                 ("History across channels", {"fields": ("history",)}))

    @admin.display(description="messages, oldest first")
    def history(self, obj: Customer) -> str:
        if obj.pk is None:
            return "—"
        latest = list(
            Message.objects.filter(conversation__customer=obj)
            .select_related("agent")
            .order_by("-created_at", "-id")[: HISTORY_LIMIT + 1]
        )
        if not latest:
            return "No messages yet."
        note = ""
        if len(latest) > HISTORY_LIMIT:
            latest = latest[:HISTORY_LIMIT]
            note = format_html("<p>Showing the latest {} messages.</p>", HISTORY_LIMIT)
        rows = format_html_join(
            "\n",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            '<td style="white-space: pre-wrap">{}</td><td>{}</td></tr>',
            (
                (
                    localtime(m.created_at).strftime("%Y-%m-%d %H:%M"),
                    m.get_channel_display(),
                    m.conversation_id,
                    _sender(m),
                    m.text,
                    m.intent,
                )
                for m in reversed(latest)
            ),
        )
        return format_html(
            "{}<table><thead><tr><th>When</th><th>Channel</th><th>Conversation</th>"
            "<th>From</th><th>Text</th><th>Intent</th></tr></thead><tbody>{}</tbody></table>",
            note,
            rows,
        )


def _sender(message: Message) -> str:
    if message.sender == Message.Sender.AGENT and message.agent is not None:
        return f"Agent {message.agent.get_username()}"
    return message.get_sender_display()


admin.site.unregister(Customer)
admin.site.register(Customer, CustomerWithHistoryAdmin)
