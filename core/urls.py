from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from channels_adapters import views as channel_views
from channels_adapters.webhooks import webhook

urlpatterns = [
    path("", channel_views.site_chat, name="site-chat"),
    path("healthz", channel_views.healthz, name="healthz"),
    path("labels/<str:token>.pdf", channel_views.return_label, name="return-label"),
    path("", include("campaigns.urls")),
    path("webhooks/<str:channel>/", webhook, name="webhook"),
    path("admin/inbox/", include("conversations.inbox.urls")),
    path("admin/", admin.site.urls),
]
