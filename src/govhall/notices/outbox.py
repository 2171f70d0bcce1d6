"""Notices that are not case milestones (warnings, supervision orders, rating reminders): an in-site message
for each recipient and an SMS for those with a phone number, delivered by the worker like every SMS."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from govhall.identity.models import User

from .models import Notice


def notify_users(recipients: Iterable[User], *, title: str, body: str, case_number: str = "") -> int:
    """The same message to several people, in the caller's transaction (the outbox)."""
    unique = {u.pk: u for u in recipients}.values()
    return notify_many([(user, title, body, case_number) for user in unique])


def notify_many(messages: Iterable[tuple[User, str, str, str]]) -> int:
    """(recipient, title, body, case number) each: one bulk insert of the in-site messages and SMS, and the
    SMS delivery tasks, in the caller's transaction."""
    now, notices = timezone.now(), []
    for user, title, body, case_number in messages:
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
    created = Notice.objects.bulk_create(notices, batch_size=1000)
    from .tasks import deliver_notice

    for notice in created:
        if notice.channel == Notice.Channel.SMS and notice.pk:
            deliver_notice.enqueue(notice.pk)
    return len(created)


def notify_sms(user: User, title: str, body: str) -> None:
    """An SMS only (no in-site message), such as a verification code, in the caller's transaction."""
    if not user.phone_enc:
        return
    notice = Notice.objects.create(recipient=user, channel=Notice.Channel.SMS, title=title, body=body)
    from .tasks import deliver_notice

    deliver_notice.enqueue(notice.pk)
