from __future__ import annotations

from django.urls import path

from alerts import views

urlpatterns = [path("<str:token>/", views.rate, name="rate")]
