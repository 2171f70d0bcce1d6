"""找回密码 and 短信解锁 by SMS code: request a code for a phone number, then set a new password with it, or
only lift a login lock (keeping the password).

The answer is the same whether or not the number has an account (no enumeration). Limits: one code per
number per minute and five a day, twenty requests an hour from one client address, five checks per code,
ten minutes of validity; a new code voids the earlier ones. Success revokes the account's API tokens, and
its sessions end because Django ties a session to the password hash.

Identity sits below notices in the layers, so the SMS goes out through a sender the notices app registers
when it starts (``sms_sender_register``): an outbox row in this transaction, delivered by the worker.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from govhall.core import crypto
from govhall.core.errors import TooManyRequests, ValidationFailed

from .models import ApiToken, PasswordResetCode, User
from .validation import validate_phone

CODE_MINUTES = 10
RESEND_SECONDS = 60
PER_NUMBER_PER_DAY = 5
PER_CLIENT_PER_HOUR = 20
MAX_CHECKS = 5
SENT = f"如该手机号码已注册，验证码已发送，{CODE_MINUTES}分钟内有效；未收到可在{RESEND_SECONDS}秒后重新获取"
WRONG_CODE = "验证码错误或已失效，请重新获取"

SmsSender = Callable[[User, str, str], None]  # (recipient, title, text), in the caller's transaction
_senders: list[SmsSender] = []


def sms_sender_register(sender: SmsSender) -> None:
    if sender not in _senders:
        _senders.append(sender)


def _code_hash(phone: str, code: str) -> str:
    return crypto.lookup_hash(f"password-reset:{phone}:{code}")


def _check_limits(phone_hash: str, client_hash: str, now: dt.datetime) -> None:
    recent = PasswordResetCode.objects.filter(
        phone_hash=phone_hash, created_at__gt=now - dt.timedelta(days=1)
    )
    if recent.filter(created_at__gt=now - dt.timedelta(seconds=RESEND_SECONDS)).exists():
        raise TooManyRequests(f"获取验证码过于频繁，请{RESEND_SECONDS}秒后再试", field="phone")
    if recent.count() >= PER_NUMBER_PER_DAY:
        raise TooManyRequests(
            "该手机号码今日获取验证码次数已达上限，请明天再试，或携带身份证件到政务服务中心窗口办理",
            field="phone",
        )
    hour = now - dt.timedelta(hours=1)
    if client_hash and PasswordResetCode.objects.filter(
        client_hash=client_hash, created_at__gt=hour
    ).count() >= (PER_CLIENT_PER_HOUR):
        raise TooManyRequests("当前网络获取验证码过于频繁，请稍后再试", field="phone")


@transaction.atomic
def password_reset_request(*, phone: str, client: str = "") -> str:
    """Send a 6-digit code to the number's account, if there is one; returns the message to show."""
    phone = validate_phone(phone)
    now = timezone.now()
    phone_hash = crypto.lookup_hash(phone)
    client_hash = crypto.lookup_hash(client) if client else ""
    _check_limits(phone_hash, client_hash, now)
    user = User.objects.filter(is_active=True, phone_hash=phone_hash).first()
    code = f"{secrets.randbelow(10**6):06d}"
    PasswordResetCode.objects.filter(phone_hash=phone_hash, used_at__isnull=True).update(used_at=now)
    PasswordResetCode.objects.create(
        phone_hash=phone_hash, user=user, client_hash=client_hash, code_hash=_code_hash(phone, code) if user else "",
        created_at=now, expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
    )  # fmt: skip
    if user is not None:
        if not _senders:
            raise RuntimeError("no SMS sender registered (the notices app registers one when it starts)")
        text = f"您正在找回密码或解除账户锁定，验证码{code}，{CODE_MINUTES}分钟内有效。如非本人操作请忽略，切勿告诉他人。"
        for sender in _senders:
            sender(user, "找回密码验证码", text)
    return SENT


def _code_taken(phone: str, code: str, now: dt.datetime) -> tuple[PasswordResetCode, User]:
    """The valid code row for the number and its account; a wrong, used or expired code is refused."""
    code = (code or "").strip()
    if not (len(code) == 6 and code.isdigit()):
        raise ValidationFailed("请输入短信中的6位数字验证码", field="code")
    row = (
        PasswordResetCode.objects.filter(
            phone_hash=crypto.lookup_hash(phone), used_at__isnull=True, expires_at__gt=now
        )
        .order_by("-created_at")
        .first()
    )
    # Each check takes a slot first, in one conditional UPDATE, so parallel guesses cannot outrun the limit.
    if row is None or not PasswordResetCode.objects.filter(pk=row.pk, attempts__lt=MAX_CHECKS).update(
        attempts=F("attempts") + 1
    ):
        raise ValidationFailed(WRONG_CODE, field="code")
    if row.user is None or not hmac.compare_digest(row.code_hash, _code_hash(phone, code)):
        raise ValidationFailed(WRONG_CODE, field="code")
    return row, row.user


def _code_use(row: PasswordResetCode, now: dt.datetime) -> None:
    if not PasswordResetCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now):
        raise ValidationFailed(WRONG_CODE, field="code")


def password_reset_confirm(
    *, phone: str, code: str, password: str, check: Callable[[str, User], None]
) -> User:
    """Set a new password with a code; ``check`` applies the password rules (raises ValidationFailed)."""
    phone = validate_phone(phone)
    now = timezone.now()
    row, user = _code_taken(phone, code, now)
    check(password, user)
    with transaction.atomic():
        _code_use(row, now)
        user.set_password(password)
        user.failed_logins, user.locked_until = 0, None
        user.save(update_fields=["password", "failed_logins", "locked_until"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    return user


@transaction.atomic
def account_unlock(*, phone: str, code: str) -> User:
    """短信解锁: the owner of a locked account lifts the lock with a code sent to their number, keeping their
    password (someone else's wrong guesses locked it, not the owner)."""
    phone = validate_phone(phone)
    now = timezone.now()
    row, user = _code_taken(phone, code, now)
    _code_use(row, now)
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
    user.failed_logins, user.locked_until = 0, None
    return user
