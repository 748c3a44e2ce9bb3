from __future__ import annotations

from django.urls import path

from campaigns import console, views

app_name = "campaigns"

urlpatterns = [
    path("webhooks/shop/stock/", views.stock_webhook, name="stock-webhook"),
    path("alerts/notify/", views.notify_me, name="alert-notify"),
    path("alerts/confirm/<str:token>/", views.alert_confirm, name="alert-confirm"),
    path("alerts/stop/<str:token>/", views.alert_stop, name="alert-stop"),
    path("alerts/go/<str:token>/", views.alert_go, name="alert-go"),
    path("admin/back-in-stock/", console.console, name="console"),
    path("admin/back-in-stock/progress.json", console.progress, name="progress"),
    path("admin/back-in-stock/start/", console.start, name="start"),
    path("admin/back-in-stock/<int:pk>/<str:action>/", console.act, name="act"),
    path("admin/back-in-stock/test-send/", console.test_send, name="test-send"),
    path("admin/back-in-stock/export.csv", console.export, name="export"),
]
