"""Charts drawn on the server as SVG: no script, nothing fetched from anywhere. Colours
and text take the admin's CSS variables (insights/_styles.css), so a chart reads the
same in the light and the dark theme. Every drillable bar is a link."""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

from django.utils.safestring import SafeString, mark_safe

from insights.selectors import Chart

WIDTH = 640
COLUMNS_HEIGHT = 240
BAR_HEIGHT = 22
SERIES = 7

Href = Callable[[str], str] | None


def svg(chart: Chart | None, href: Href = None, title: str = "",
        width: int = WIDTH) -> SafeString:
    """The chart as inline SVG; `width` is its drawing width (wide cards draw wider, so
    their text keeps its size)."""
    if chart is None:
        return mark_safe("")
    values = [v for _, vs in chart.series for v in vs]
    if not values or not any(values):
        return mark_safe(
            f'<svg class="ins-chart" viewBox="0 0 {WIDTH} 60" role="img" '
            f'aria-label="{escape(title)}"><text class="ins-empty" x="{WIDTH / 2}" y="34" '
            f'text-anchor="middle">{escape(chart.empty)}</text></svg>')
    body = _bars(chart, href) if chart.kind == "bars" else _columns(chart, href, width)
    return mark_safe(body.replace("<svg ", f'<svg aria-label="{escape(title)}" ', 1))


def _link(chart: Chart, series: int, index: int, href: Href, inner: str, tip: str) -> str:
    key = ""
    if href is not None and series < len(chart.drill) and index < len(chart.drill[series]):
        key = chart.drill[series][index]
    tip_el = f"<title>{escape(tip)}</title>"
    if not key or href is None:
        return f"<g>{tip_el}{inner}</g>"
    return (f'<a href="{escape(href(key))}" class="ins-drill" data-drill="{escape(key)}">'
            f"{tip_el}{inner}</a>")


def _number(value: float, unit: str = "") -> str:
    text = f"{value:,.1f}" if value != int(value) else f"{int(value):,}"
    return text + unit


def _bars(chart: Chart, href: Href) -> str:
    name, values = chart.series[0]
    label_width = 190
    top = 6
    height = top + len(chart.labels) * (BAR_HEIGHT + 6) + 4
    biggest = max(values) or 1
    span = WIDTH - label_width - 70
    parts = [f'<svg class="ins-chart" viewBox="0 0 {WIDTH} {height}" role="img">']
    for i, (label, value) in enumerate(zip(chart.labels, values, strict=False)):
        y = top + i * (BAR_HEIGHT + 6)
        width = max(span * value / biggest, 1.5 if value else 0)
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(f'<text class="ins-label" x="{label_width - 8}" y="{y + 15}" '
                     f'text-anchor="end">{escape(short)}</text>')
        bar = (f'<rect class="ins-s0" x="{label_width}" y="{y}" width="{width:.1f}" '
               f'height="{BAR_HEIGHT}" rx="3"/>')
        parts.append(_link(chart, 0, i, href, bar,
                           f"{label}: {_number(value, chart.unit)} {name.lower()}"))
        parts.append(f'<text class="ins-value" x="{label_width + width + 6:.1f}" '
                     f'y="{y + 15}">{_number(value, chart.unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _legend(chart: Chart, left: int, width: int) -> tuple[list[str], int]:
    """Swatches and names, wrapped onto as many lines as they need; returns the height."""
    parts: list[str] = []
    x, y = left, 6
    for s, (name, _) in enumerate(chart.series):
        item = 24 + 6.5 * len(name)
        if x + item > width and x > left:
            x, y = left, y + 16
        parts.append(f'<rect class="ins-s{s % SERIES}" x="{x}" y="{y}" width="10" '
                     'height="10" rx="2"/>')
        parts.append(f'<text class="ins-label" x="{x + 14}" y="{y + 9}">{escape(name)}</text>')
        x += item
    return parts, y + 20


def _columns(chart: Chart, href: Href, width: int = WIDTH) -> str:
    left, right, bottom = 44, 8, 34
    legend, top = _legend(chart, left, width - right)
    height = COLUMNS_HEIGHT + top - 26
    plot_w, plot_h = width - left - right, height - top - bottom
    count = len(chart.labels)
    totals = [sum(vs[i] for _, vs in chart.series) for i in range(count)]
    biggest = _nice(max(totals) or 1)
    step = plot_w / max(count, 1)
    bar_w = max(min(step * 0.72, 48), 2)
    parts = [f'<svg class="ins-chart" viewBox="0 0 {width} {height}" role="img">', *legend]
    for i in range(5):
        value = biggest * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line class="ins-grid" x1="{left}" x2="{width - right}" '
                     f'y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="ins-axis" x="{left - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{_number(round(value, 1), chart.unit)}</text>')
    every = max(1, -(-count // max(int(plot_w // 52), 1)))
    for i, label in enumerate(chart.labels):
        x = left + step * i + (step - bar_w) / 2
        base = top + plot_h
        for s, (name, values) in enumerate(chart.series):
            value = values[i]
            if not value:
                continue
            h = plot_h * value / biggest
            base -= h
            rect = (f'<rect class="ins-s{s % SERIES}" x="{x:.1f}" y="{base:.1f}" '
                    f'width="{bar_w:.1f}" height="{max(h, 0.8):.1f}"/>')
            parts.append(_link(chart, s, i, href, rect,
                               f"{label} · {name}: {_number(value, chart.unit)}"))
        if i % every == 0:
            parts.append(f'<text class="ins-axis" x="{x + bar_w / 2:.1f}" '
                         f'y="{height - bottom + 16}" text-anchor="middle">'
                         f"{escape(label)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _nice(value: float) -> float:
    """A round number at or above `value` whose quarters are whole numbers, for the axis."""
    if value <= 12:
        return max(4, math.ceil(value / 4) * 4)
    magnitude = 10 ** (len(str(int(value))) - 1)
    for factor in (2, 4, 8, 10):
        if value <= factor * magnitude:
            return factor * magnitude
    return 20 * magnitude
