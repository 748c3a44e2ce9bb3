"""The SLA timer of a handoff, as the inbox shows it."""

from __future__ import annotations

from django import template

from conversations.models import Handoff
from conversations.service_levels import TimeLeft, handoff_time_left

register = template.Library()


@register.filter
def sla_left(handoff: Handoff | None) -> TimeLeft:
    if handoff is None:
        return TimeLeft("none", "")
    return handoff_time_left(handoff)
