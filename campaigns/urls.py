from __future__ import annotations

from django.urls import path

from campaigns import views

urlpatterns = [
    path("webhooks/shop/stock/", views.stock_webhook, name="stock-webhook"),
    path("alerts/notify/", views.notify_me, name="alert-notify"),
    path("alerts/confirm/<str:token>/", views.alert_confirm, name="alert-confirm"),
    path("alerts/stop/<str:token>/", views.alert_stop, name="alert-stop"),
    path("alerts/go/<str:token>/", views.alert_go, name="alert-go"),
]
