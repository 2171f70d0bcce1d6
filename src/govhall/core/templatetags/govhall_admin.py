from __future__ import annotations

from django import template
from django.utils import timezone

from govhall.core.selectors import calendar_warnings

register = template.Library()


@register.simple_tag
def admin_calendar_warnings() -> list[str]:
    return calendar_warnings(timezone.localdate())
