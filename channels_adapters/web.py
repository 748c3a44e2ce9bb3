from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class SiteChatConsumer(AsyncJsonWebsocketConsumer):
    pass
