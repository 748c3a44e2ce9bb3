from __future__ import annotations

from django.apps import AppConfig


class ChannelsAdaptersConfig(AppConfig):
    name = "channels_adapters"
    verbose_name = "Channels"
