from __future__ import annotations

from django.urls import path

from conversations.consumers import SiteChatConsumer

websocket_urlpatterns = [path("ws/chat/", SiteChatConsumer.as_asgi())]
