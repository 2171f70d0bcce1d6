"""Writes of notices: what a case milestone tells the applicant, delivering one notice with retries, and the
operator's re-send of notices that failed for good."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from govhall.identity.models import User

from .gateways import sms_gateway
from .models import Notice

# What each milestone says; {number} and {item} are filled in.
MILESTONES = {
    "submit": ("申请已提交", "您申请的“{item}”已提交，办件编号{number}，我们将尽快受理。"),
    "request_correction": (
        "请补正材料",
        "您申请的“{item}”（{number}）需要补正材料，请登录查看一次性告知内容。",
    ),
    "resubmit": ("补正材料已收到", "您申请的“{item}”（{number}）补正材料已收到，我们将继续办理。"),
    "withdraw": ("申请已撤回", "您申请的“{item}”（{number}）已撤回，如需办理请重新申请。"),
    "suspend": (
        "办件进入特别程序",
        "您申请的“{item}”（{number}）进入特别程序（如听证、专家评审、现场核查），期间暂停计时，请登录查看。",
    ),
    "resume": ("办件恢复办理", "您申请的“{item}”（{number}）特别程序已结束，恢复计时，承诺{due}前办结。"),
    "accept": ("申请已受理", "您申请的“{item}”（{number}）已受理，承诺{due}前办结。"),
    "refuse": ("申请不予受理", "您申请的“{item}”（{number}）不予受理，请登录查看理由。"),
    "decide": ("审批决定已作出", "您申请的“{item}”（{number}）已作出审批决定，请登录查看。"),
    "issue": ("办理结果已出件", "您申请的“{item}”（{number}）办理结果已出件，{delivery}。"),
    "complete": ("办件已办结", "您申请的“{item}”（{number}）已办结，欢迎对本次服务进行评价。"),
    "revoke": (
        "审批决定已撤销",
        "您申请的“{item}”（{number}）经告知承诺核查，实际情况与承诺不符，原准予许可决定已撤销，请登录查看理由。",
    ),
}
# Pauses before each retry: ten attempts over about 28 hours, so a gateway outage of a day loses nothing; then
# the notice is marked failed for an operator to re-send (admin → 消息通知, or `govhall notices --resend`).
BACKOFF_MINUTES = [1, 5, 15, 30, 60, 120, 240, 480, 720]


def notify_milestone(
    *, recipient: User, event_id: int, action: str, number: str, item: str, due: str = "", delivery: str = ""
) -> list[Notice]:
    """Write an in-site message and an SMS for a case milestone; call once per event, inside the event's
    transaction. The SMS is delivered by the worker; the in-site message is there as soon as the
    transaction commits."""
    if action not in MILESTONES:
        return []
    title, template = MILESTONES[action]
    body = template.format(item=item, number=number, due=due or "按时", delivery=delivery or "请按通知领取")
    return notify_text(recipient=recipient, event_id=event_id, number=number, title=title, body=body)


def notify_text(*, recipient: User, event_id: int, number: str, title: str, body: str) -> list[Notice]:
    """Write an in-site message and (when the recipient has a phone) an SMS saying ``body``, for the event
    ``event_id``; inside the event's transaction. An event tells a recipient once per channel."""
    now = timezone.now()
    notices = [
        Notice(
            recipient=recipient, channel=Notice.Channel.SITE, case_number=number, event_id=event_id, title=title,
            body=body, state=Notice.State.SENT, sent_at=now,
        )
    ]  # fmt: skip
    if recipient.phone_enc:
        notices.append(
            Notice(
                recipient=recipient,
                channel=Notice.Channel.SMS,
                case_number=number,
                event_id=event_id,
                title=title,
                body=body,
            )
        )
    created = Notice.objects.bulk_create(notices)  # the ids come back with the insert (RETURNING)
    from .tasks import deliver_notice

    for notice in created:
        if notice.channel == Notice.Channel.SMS:
            deliver_notice.enqueue(notice.pk)
    return created


def notice_deliver(notice_id: int) -> str:
    """Send one pending SMS. The row lock makes two workers never send the same notice; a failure is
    retried later with growing pauses, then marked failed."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().select_related("recipient").filter(pk=notice_id).first()
        if notice is None or notice.state != Notice.State.PENDING:
            return "skipped"
        notice.attempts += 1
        try:
            sms_gateway().send(
                phone=notice.recipient.phone,
                text=f"【{settings.SMS_SIGNATURE}】{notice.body}",
                idempotency_key=str(notice.pk),
            )
        except Exception as exc:  # any gateway failure is retried
            return _retry_later(notice, exc)
        notice.state, notice.sent_at, notice.last_error = Notice.State.SENT, timezone.now(), ""
        notice.save(update_fields=["state", "sent_at", "attempts", "last_error"])
    return "sent"


def _retry_later(notice: Notice, exc: Exception) -> str:
    notice.last_error = f"{exc.__class__.__name__}: {exc}"[:300]
    if notice.attempts > len(BACKOFF_MINUTES):
        notice.state = Notice.State.FAILED
        notice.save(update_fields=["state", "attempts", "last_error"])
        return "failed"
    notice.save(update_fields=["attempts", "last_error"])
    from .tasks import deliver_notice

    run_after = timezone.now() + dt.timedelta(minutes=BACKOFF_MINUTES[notice.attempts - 1])
    deliver_notice.using(run_after=run_after).enqueue(notice.pk)
    return "retry"


def notices_resend(notice_ids: list[int] | None = None) -> int:
    """An operator sends failed SMS again (all of them when no ids are given): each starts a fresh retry
    schedule. Returns how many were queued."""
    from .tasks import deliver_notice

    with transaction.atomic():
        failed = Notice.objects.select_for_update().filter(
            channel=Notice.Channel.SMS, state=Notice.State.FAILED
        )
        if notice_ids is not None:
            failed = failed.filter(pk__in=notice_ids)
        ids = list(failed.values_list("pk", flat=True))
        Notice.objects.filter(pk__in=ids).update(state=Notice.State.PENDING, attempts=0)
        for notice_id in ids:
            deliver_notice.enqueue(notice_id)
    return len(ids)


def notices_mark_read(*, user: User) -> int:
    return Notice.objects.filter(recipient=user, channel=Notice.Channel.SITE, read_at__isnull=True).update(
        read_at=timezone.now()
    )
