from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from commerce.views import return_label
from commerce.webhooks import aftership_webhook
from conversations.webhooks import webhook
from core.views import healthz, site_chat

urlpatterns = [
    path("", site_chat, name="site-chat"),
    path("healthz", healthz, name="healthz"),
    path("labels/<str:token>.pdf", return_label, name="return-label"),
    path("webhooks/aftership/", aftership_webhook, name="aftership-webhook"),
    path("", include("campaigns.urls")),
    path("webhooks/<str:channel>/", webhook, name="webhook"),
    path("rate/", include("alerts.urls")),
    path("admin/inbox/", include("conversations.inbox.urls")),
    path("admin/insights/", include("insights.urls")),
    path("admin/", admin.site.urls),
]
