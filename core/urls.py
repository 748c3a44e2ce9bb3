from __future__ import annotations

from django.contrib import admin
from django.urls import path

from channels_adapters import views as channel_views

urlpatterns = [
    path("", channel_views.site_chat, name="site-chat"),
    path("healthz", channel_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
