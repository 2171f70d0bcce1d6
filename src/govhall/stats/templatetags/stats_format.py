"""Formatting for the statistics page."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.8765 -> "87.7%"; no figure (nothing to divide) -> "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"
