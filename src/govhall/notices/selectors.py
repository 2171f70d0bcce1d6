from __future__ import annotations

from django.db.models import Count, QuerySet

from govhall.identity.models import User

from .models import Notice


def inbox(user: User) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=user, channel=Notice.Channel.SITE).order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    return inbox(user).filter(read_at__isnull=True).count()


def sms_delivery_counts() -> dict[str, int]:
    """SMS not delivered yet, by state (pending, failed); one query on the undelivered index."""
    undelivered = Notice.objects.filter(
        channel=Notice.Channel.SMS, state__in=[Notice.State.PENDING, Notice.State.FAILED]
    )
    counts = dict(undelivered.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    return {state: counts.get(state, 0) for state in (Notice.State.PENDING, Notice.State.FAILED)}
