"""Notices that are not case milestones (warnings, supervision orders, rating reminders): an in-site message
for each recipient and an SMS for those with a phone number, delivered by the worker like every SMS."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from govhall.identity.models import User

from .models import Notice


def notify_users(recipients: Iterable[User], *, title: str, body: str, case_number: str = "") -> int:
    """Write the notices, and the SMS delivery tasks, in the caller's transaction (the outbox)."""
    now, notices = timezone.now(), []
    for user in {u.pk: u for u in recipients}.values():
        notices.append(
            Notice(recipient=user, channel=Notice.Channel.SITE, case_number=case_number, title=title, body=body,
                   state=Notice.State.SENT, sent_at=now)
        )  # fmt: skip
        if user.phone_enc:
            notices.append(
                Notice(
                    recipient=user,
                    channel=Notice.Channel.SMS,
                    case_number=case_number,
                    title=title,
                    body=body,
                )
            )
    created = Notice.objects.bulk_create(notices)
    sms_ids = [n.pk for n in created if n.channel == Notice.Channel.SMS and n.pk]
    from .tasks import deliver_notice

    for notice_id in sms_ids:
        deliver_notice.enqueue(notice_id)
    return len(created)
