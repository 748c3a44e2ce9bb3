"""The agent inbox pages, inside the admin. Thin: check who may look or act, parse the
form, call one service or selector, render or redirect."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from conversations.inbox import selectors, services
from conversations.inbox.services import InboxRefused
from conversations.models import Conversation

VIEW = "conversations.view_conversation"
ACT = "conversations.change_conversation"
NOTE = "conversations.add_internalnote"


def _needs(permission: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return staff_member_required(checked)

    return decorate


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    context = admin.site.each_context(request)
    # The inbox needs the whole width; the admin's app sidebar stays on the admin pages.
    context["is_nav_sidebar_enabled"] = False
    context["may_act"] = request.user.has_perm(ACT)
    context["may_note"] = request.user.has_perm(NOTE)
    return {**context, **extra}


def _queue_context(request: HttpRequest) -> dict[str, Any]:
    filters = selectors.QueueFilters.parse(request.GET)
    return {"filters": filters, "items": selectors.handoff_queue(request.user, filters),
            "counts": selectors.queue_counts(request.user)}


@_needs(VIEW)
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "inbox/queue.html",
                  _context(request, title="Inbox", **_queue_context(request)))


@_needs(VIEW)
def queue_fragment(request: HttpRequest) -> HttpResponse:
    current = request.GET.get("current", "")
    return render(request, "inbox/_queue.html", {
        **_queue_context(request), "compact": bool(current),
        "current": int(current) if current.isdigit() else None})


def _conversation(pk: int) -> Conversation:
    conversation = selectors.conversation_get(pk)
    if conversation is None:
        raise Http404("No such conversation")
    return conversation


@_needs(VIEW)
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    conv = _conversation(pk)
    detail = selectors.conversation_detail(conv, request.user)
    draft = request.session.pop(f"inbox.draft.{pk}", "")
    return render(request, "inbox/conversation.html", _context(
        request, title=f"{conv.customer} · Inbox", d=detail, draft=draft, compact=True,
        current=conv.pk, **_queue_context(request)))


@_needs(VIEW)
def timeline_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    conv = _conversation(pk)
    return render(request, "inbox/_timeline.html", {
        "timeline": selectors.timeline_for(conv.customer), "conversation": conv})


def _act(request: HttpRequest, pk: int, do: Callable[[Conversation], str],
         then: str = "conversation") -> HttpResponse:
    conv = _conversation(pk)
    try:
        done = do(conv)
    except InboxRefused as refused:
        messages.error(request, str(refused))
        return redirect("inbox:conversation", pk=pk)
    if done:
        messages.success(request, done)
    if then == "queue":
        return redirect("inbox:queue")
    return redirect("inbox:conversation", pk=pk)


def _open_handoff(conv: Conversation) -> Any:
    handoff = selectors.handoff_current(conv)
    if handoff is None or handoff.status not in selectors.OPEN_STATUSES:
        raise InboxRefused("This conversation has no open case.")
    return handoff


@require_POST
@_needs(ACT)
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    def do(conv: Conversation) -> str:
        services.handoff_claim(_open_handoff(conv), request.user)
        return "You've claimed this case."

    return _act(request, pk, do)


@require_POST
@_needs(ACT)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    def do(conv: Conversation) -> str:
        assignee = get_object_or_404(get_user_model(), pk=request.POST.get("assignee") or 0)
        services.handoff_assign(_open_handoff(conv), request.user, assignee)
        return f"Assigned to {assignee.get_full_name() or assignee.get_username()}."

    return _act(request, pk, do)


@require_POST
@_needs(ACT)
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    text = request.POST.get("text", "")

    def do(conv: Conversation) -> str:
        try:
            services.reply_send(conv, request.user, text,
                                template=request.POST.get("template", ""))
        except InboxRefused:
            request.session[f"inbox.draft.{pk}"] = text
            raise
        return ""

    return _act(request, pk, do)


@require_POST
@_needs(NOTE)
def note(request: HttpRequest, pk: int) -> HttpResponse:
    def do(conv: Conversation) -> str:
        services.note_add(conv, request.user, request.POST.get("text", ""))
        return ""

    return _act(request, pk, do)


@require_POST
@_needs(ACT)
def language(request: HttpRequest, pk: int) -> HttpResponse:
    def do(conv: Conversation) -> str:
        if not services.customer_language_choose(conv, request.user,
                                                 request.POST.get("language", "")):
            return ""
        customer = conv.customer
        if request.POST.get("language"):
            return f"{customer} is answered in {customer.get_language_display()} from now on."
        return f"{customer}'s language follows their messages again."

    return _act(request, pk, do)


@require_POST
@_needs(ACT)
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    def do(conv: Conversation) -> str:
        services.decision_approve(_open_handoff(conv), request.user,
                                  option=request.POST.get("option", ""),
                                  note=request.POST.get("note", ""))
        return "Approved: it's done and the shopper has been told."

    return _act(request, pk, do)


@require_POST
@_needs(ACT)
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    def do(conv: Conversation) -> str:
        services.decision_decline(_open_handoff(conv), request.user,
                                  message=request.POST.get("message", ""),
                                  note=request.POST.get("note", ""))
        return "Declined, and the shopper has been told."

    return _act(request, pk, do)


@require_POST
@_needs(ACT)
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    def do(conv: Conversation) -> str:
        services.conversation_resolve(conv, request.user)
        return f"Resolved the conversation with {conv.customer}."

    return _act(request, pk, do, then="queue")


@require_POST
@_needs(ACT)
def hand_back(request: HttpRequest, pk: int) -> HttpResponse:
    def do(conv: Conversation) -> str:
        services.conversation_return_to_bot(conv, request.user)
        return f"{conv.customer} is back with the assistant."

    return _act(request, pk, do, then="queue")

