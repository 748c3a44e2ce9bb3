"""The insights pages, mounted at admin/insights/ (before the admin's own URLs)."""

from __future__ import annotations

from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("", views.page, name="page"),
    path("export/<str:key>.csv", views.export, name="export"),
    path("conversations/", views.drill, name="drill"),
]
