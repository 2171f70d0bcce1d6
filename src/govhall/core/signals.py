"""Keep derived tables in step with the holiday table an administrator edits."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CalendarDay


@receiver([post_save, post_delete], sender=CalendarDay, dispatch_uid="calendar_day_ordinals")
def calendar_day_changed(sender: type[CalendarDay], instance: CalendarDay, **kwargs: Any) -> None:
    from .services import workday_ordinals_rebuild

    if not kwargs.get("raw"):
        workday_ordinals_rebuild(since=instance.date)
