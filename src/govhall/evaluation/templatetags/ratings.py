"""The rating panel on the case page, rendered by evaluation so that cases needs to know nothing of ratings:
``{% load ratings %}{% rating_panel case %}``."""

from __future__ import annotations

from typing import Any

from django import template

from govhall.evaluation.selectors import rating_panel as rating_panel_get

register = template.Library()


@register.inclusion_tag("evaluation/case_panel.html", takes_context=True)
def rating_panel(context: template.Context, case: Any) -> dict[str, Any]:
    request = context["request"]
    return {
        "case": case,
        "rating": rating_panel_get(case, request.user),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
