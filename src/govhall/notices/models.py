"""The outbox: every notice to send (in-site message or SMS), written in the same transaction as the case
event that causes it, and delivered by the background worker."""

from __future__ import annotations

from django.db import models

from govhall.core import crypto
from govhall.core.masking import mask_phone
from govhall.core.models import text_limits
from govhall.identity.models import User


class Notice(models.Model):
    class Channel(models.TextChoices):
        SITE = "site", "站内消息"
        SMS = "sms", "短信"

    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    recipient = models.ForeignKey(User, models.CASCADE, related_name="notices")
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    case_number = models.CharField("办件编号", max_length=30, blank=True)
    event_id = models.BigIntegerField("来源事件", null=True, blank=True)
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容", max_length=30000)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "消息通知"
        constraints = [
            *text_limits(body=30_000),
            models.UniqueConstraint(
                fields=["event_id", "channel", "recipient"], name="one_notice_per_event_channel"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "-created_at"], name="notice_inbox"),
            models.Index(
                fields=["state"],
                name="notice_undelivered",
                condition=models.Q(channel="sms", state__in=["pending", "failed"]),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SmsLogEntry(models.Model):
    """What the development SMS gateway 'sent': staff browse it in the admin instead of a real phone."""

    notice = models.OneToOneField(Notice, models.CASCADE, related_name="sms_log")
    phone_encrypted = models.BinaryField(editable=False)
    text = models.TextField("短信内容", max_length=30000)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "短信发送记录（开发网关）"
        ordering = ["-created_at"]
        constraints = text_limits(text=30_000)

    def __str__(self) -> str:
        return f"{self.phone_masked} {self.text[:20]}"

    @property
    def phone_masked(self) -> str:
        return mask_phone(crypto.decrypt(bytes(self.phone_encrypted)))
