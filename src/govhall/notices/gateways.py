"""SMS gateways. The default writes to SmsLogEntry in the database; a real one is plugged in with
SMS_GATEWAY=dotted.path.to.Class and must accept the notice id as an idempotency key."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from govhall.core import crypto

from .models import Notice, SmsLogEntry


class SmsGateway(Protocol):
    def send(self, *, phone: str, text: str, idempotency_key: str) -> None: ...


class LogGateway:
    """Development gateway: the message is recorded (phone encrypted) in the same transaction that marks the
    notice sent, so it is recorded exactly once."""

    def send(self, *, phone: str, text: str, idempotency_key: str) -> None:
        notice_id = int(idempotency_key)
        SmsLogEntry.objects.get_or_create(
            notice_id=notice_id, defaults={"phone_encrypted": crypto.encrypt(phone), "text": text}
        )


def sms_gateway() -> SmsGateway:
    gateway: SmsGateway = import_string(settings.SMS_GATEWAY)()
    return gateway


__all__ = ["LogGateway", "Notice", "SmsGateway", "sms_gateway"]
