from __future__ import annotations

from django.db.models import QuerySet

from govhall.identity.models import User

from .models import Notice


def inbox(user: User) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=user, channel=Notice.Channel.SITE).order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    return inbox(user).filter(read_at__isnull=True).count()
