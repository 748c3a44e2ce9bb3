"""The inbox's pages, mounted at admin/inbox/ (before the admin's own URLs), and its
WebSocket, which core.asgi routes."""

from __future__ import annotations

from django.urls import path

from conversations.inbox import views
from conversations.inbox.consumers import InboxConsumer
from core.origins import SameOriginValidator

app_name = "inbox"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("queue/", views.queue_fragment, name="queue-fragment"),
    path("c/<int:pk>/", views.conversation, name="conversation"),
    path("c/<int:pk>/timeline/", views.timeline_fragment, name="timeline"),
    path("c/<int:pk>/claim/", views.claim, name="claim"),
    path("c/<int:pk>/assign/", views.assign, name="assign"),
    path("c/<int:pk>/reply/", views.reply, name="reply"),
    path("c/<int:pk>/note/", views.note, name="note"),
    path("c/<int:pk>/language/", views.language, name="language"),
    path("c/<int:pk>/approve/", views.approve, name="approve"),
    path("c/<int:pk>/decline/", views.decline, name="decline"),
    path("c/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("c/<int:pk>/hand-back/", views.hand_back, name="hand-back"),
]

# The staff socket acts with the agent's session: only a page of this site may open it.
websocket_urlpatterns = [path("ws/inbox/", SameOriginValidator(InboxConsumer.as_asgi()))]
