"""The insights pages, inside the admin. Thin: check who may look, parse the filters,
call the selectors, render (or write the CSV)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core.models import Channel
from insights import charts, selectors
from insights.selectors import Filters

FULL = "conversations.view_conversation"
# Marketers (conversations.inbox.roles) change the catalogue; they see the marketing part.
MARKETING = "commerce.change_product"
# Rows of a figure's table shown on the page; its CSV has them all.
TABLE_ROWS = 60
# Figures drawn across the whole page.
WIDE = ("summary", "volume")


def _access(request: HttpRequest) -> str:
    if request.user.has_perm(FULL):
        return "full"
    if request.user.has_perm(MARKETING):
        return "marketing"
    raise PermissionDenied


def _staff(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, _access(request), *args, **kwargs)

    return staff_member_required(checked)


def _csv(name: str, columns: list[str], rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(columns)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return response


@_staff
def page(request: HttpRequest, access: str) -> HttpResponse:
    filters = Filters.parse(request.GET)
    figures = selectors.figures_list(filters, marketing_only=access != "full")
    drill = reverse("insights:drill")
    cards = []
    for figure in figures:
        def href(key: str, figure: selectors.Figure = figure) -> str:
            return f"{drill}?{filters.query(figure=figure.key, key=key)}"

        drillable = access == "full" and selectors.figure_drillable(figure)
        wide = figure.key in WIDE
        cards.append({"figure": figure, "wide": wide, "rows": figure.rows[:TABLE_ROWS],
                      "svg": charts.svg(
            figure.chart, href if drillable else None, figure.title,
            width=charts.WIDTH * 2 if wide else charts.WIDTH)})
    context = admin.site.each_context(request)
    context["is_nav_sidebar_enabled"] = False
    return render(request, "insights/page.html", {
        **context, "title": "Insights", "filters": filters, "cards": cards,
        "access": access, "channels": Channel.choices,
        "query": filters.query(),
        "summary": next((c["figure"] for c in cards if c["figure"].key == "summary"), None),
        "presets": [(days, filters.query(**_last(days))) for days in (7, 30, 90)],
    })


def _last(days: int) -> dict[str, str]:
    end = Filters.parse({}).end
    return {"from": (end - timedelta(days=days - 1)).isoformat(), "to": end.isoformat()}


@_staff
def export(request: HttpRequest, access: str, key: str) -> HttpResponse:
    if key not in selectors.FIGURES:
        raise Http404("No such figure")
    if access != "full" and key not in selectors.MARKETING:
        raise PermissionDenied
    filters = Filters.parse(request.GET)
    [figure] = selectors.figures_list(filters, keys=[key])
    return _csv(f"{key}-{filters.start}-{filters.end}", figure.columns, figure.rows)


@_staff
def drill(request: HttpRequest, access: str) -> HttpResponse:
    if access != "full":
        raise PermissionDenied
    filters = Filters.parse(request.GET)
    figure, key = request.GET.get("figure", ""), request.GET.get("key", "")
    try:
        rows = selectors.drill_conversations(filters, figure, key)
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    if request.GET.get("format") == "csv":
        return _csv(f"{figure}-conversations", selectors.DRILL_COLUMNS,
                    selectors.drill_table(rows))
    context = admin.site.each_context(request)
    context["is_nav_sidebar_enabled"] = False
    title = selectors.TITLES.get(figure, figure)
    return render(request, "insights/drill.html", {
        **context, "title": f"Conversations behind “{title}”", "rows": rows,
        "filters": filters, "figure": figure, "key": key, "outcomes": selectors.OUTCOMES,
        "back": filters.query(), "csv": filters.query(figure=figure, key=key, format="csv"),
        "limit": selectors.DRILL_LIMIT,
    })
