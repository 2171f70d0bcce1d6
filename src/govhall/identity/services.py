"""Writes of accounts and organisation: registration, login with lockout, API tokens, staff."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from govhall.core import crypto
from govhall.core.errors import (
    AuthenticationFailed,
    Conflict,
    Locked,
    TooManyRequests,
    ValidationFailed,
)
from govhall.core.ids import IdentifierError, birth_date_from_id, validate_id_number, validate_uscc
from govhall.core.throttle import rate_count, rate_hit, throttle_key

from . import recovery
from .enterprises import (
    enterprise_member_add,
    enterprise_member_remove,
    enterprise_register,
    market_entity_record,
)
from .models import (
    AccountKind,
    ApiToken,
    Department,
    Hall,
    Region,
    StaffRoleGrant,
    User,
    Window,
)
from .recovery import account_unlock, password_reset_request, sms_sender_register
from .selectors import user_find_by_login
from .validation import validate_name, validate_phone

__all__ = [
    "account_unlock",  # 短信解锁, in recovery.py
    "enterprise_member_add",  # 法人账户, in enterprises.py
    "enterprise_member_remove",
    "enterprise_register",
    "market_entity_record",
    "password_reset_request",  # 找回密码, in recovery.py
    "sms_sender_register",
]


def _check_password(password: str, user: User, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed("；".join(exc.messages), field=field) from exc


def password_reset_confirm(*, phone: str, code: str, password: str) -> User:
    """找回密码: a new password (the project's rules) with the SMS code; see recovery.py."""
    return recovery.password_reset_confirm(phone=phone, code=code, password=password, check=_check_password)


def citizen_register(*, name: str, id_number: str, phone: str, password: str) -> User:
    """Register a citizen (自然人) account. The ID number is both the identity and a login name."""
    name = validate_name(name, field="name", label="姓名")
    try:
        id_number = validate_id_number(id_number)
    except IdentifierError as exc:
        raise ValidationFailed(str(exc), field="id_number") from exc
    phone = validate_phone(phone)
    user = User(kind=AccountKind.CITIZEN, real_name=name, birth_date=birth_date_from_id(id_number))
    user.username = f"u{secrets.token_hex(6)}"
    user.set_id_number(id_number)
    user.set_phone(phone)
    _check_password(password, user)
    user.set_password(password)
    if User.objects.filter(id_number_hash=user.id_number_hash).exists():
        raise Conflict("该公民身份号码已注册，请直接登录或找回密码", field="id_number", code="duplicate")
    if User.objects.filter(phone_hash=user.phone_hash).exists():
        raise Conflict("该手机号码已被其他账户使用", field="phone", code="duplicate")
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent registration with the same number won the race
        raise Conflict("该公民身份号码或手机号码已注册", field="id_number", code="duplicate") from exc
    return user


LOGIN_CLIENT_MAX_FAILURES, LOGIN_CLIENT_SECONDS = 20, 600


def login_attempt(*, login: str, password: str, client: str = "") -> User:
    """Check a login. A client address with too many recent failures is refused first (429), whatever the
    account. Each attempt takes a slot in the account's failure count *before* the password is checked, in
    one conditional UPDATE, so parallel guesses cannot outrun the lockout; success gives the slot back. An
    unknown login is counted the same way and answers exactly like a known one, locked included."""
    client_key = throttle_key("login-client", client)
    if client and rate_count(client_key, seconds=LOGIN_CLIENT_SECONDS) >= LOGIN_CLIENT_MAX_FAILURES:
        raise TooManyRequests("当前网络登录失败次数过多，请10分钟后再试", field="username")
    user = user_find_by_login(login)
    try:
        return _unknown_login(login, password) if user is None else _known_login(user, password)
    except (AuthenticationFailed, Locked):
        if client:
            rate_hit(client_key, seconds=LOGIN_CLIENT_SECONDS)
        raise


def _unknown_login(login: str, password: str) -> User:
    User().set_password(password)  # the same hashing work as for a real account: timing says nothing
    seconds = settings.LOGIN_LOCK_MINUTES * 60
    failures = rate_hit(throttle_key("login-unknown", login.strip().lower()), seconds=seconds)
    if failures > settings.LOGIN_MAX_FAILURES:
        now = int(timezone.now().timestamp())
        until = dt.datetime.fromtimestamp(now - now % seconds + seconds, tz=dt.UTC)
        raise Locked(_locked_message(User(locked_until=until)), field="username", code="locked")
    if failures == settings.LOGIN_MAX_FAILURES:
        until = timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        raise Locked(_locked_message(User(locked_until=until)), field="username", code="locked")
    raise AuthenticationFailed(_bad_credentials(), field="password", code="bad_credentials")


def _known_login(user: User, password: str) -> User:
    now = timezone.now()
    taken = (
        User.objects.filter(pk=user.pk, failed_logins__lt=settings.LOGIN_MAX_FAILURES)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .update(failed_logins=F("failed_logins") + 1, locked_until=None)
    )
    if not taken:
        user.refresh_from_db(fields=["locked_until"])
        raise Locked(_locked_message(user), field="username", code="locked")
    if user.check_password(password):
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        user.failed_logins, user.locked_until = 0, None
        return user
    user.refresh_from_db(fields=["failed_logins"])
    if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
        user.locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=user.locked_until)
        raise Locked(_locked_message(user), field="username", code="locked")
    raise AuthenticationFailed(_bad_credentials(), field="password", code="bad_credentials")


def _bad_credentials() -> str:
    """The same words whether the account exists or not, so a login form cannot tell who is registered."""
    return (
        f"账号或密码错误；连续失败{settings.LOGIN_MAX_FAILURES}次，"
        f"账户将锁定{settings.LOGIN_LOCK_MINUTES}分钟"
    )


def _locked_message(user: User) -> str:
    until = timezone.localtime(user.locked_until).strftime("%H:%M") if user.locked_until else ""
    return f"连续登录失败次数过多，账户已锁定，请于{until}后再试，或通过“找回密码”用短信验证码解锁"


def token_issue(*, user: User, label: str = "", days: int | None = None) -> tuple[str, ApiToken]:
    """Issue a bearer token; the plain token is returned once and never stored."""
    plain = f"gh_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    stale = Q(expires_at__lt=now) | Q(revoked_at__isnull=False)
    ApiToken.objects.filter(stale, user=user, created_at__lt=now - dt.timedelta(days=30)).delete()
    token = ApiToken.objects.create(
        user=user,
        digest=crypto.token_hash(plain),
        prefix=plain[:8],
        label=label[:100],
        expires_at=timezone.now() + dt.timedelta(days=days or settings.API_TOKEN_DAYS),
    )
    return plain, token


def token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


# Every API request runs this: one statement, written out, because composing it with the ORM cost about
# four times the CPU of running it. ``token_stale``: last used more than five minutes ago (or never).
_TOKEN_USER = (
    "SELECT u.*, t.id AS token_id, (t.last_used_at IS NULL OR t.last_used_at < %s) AS token_stale"
    f" FROM {User._meta.db_table} u JOIN {ApiToken._meta.db_table} t ON t.user_id = u.id"
    " WHERE t.digest = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active"
)


def token_authenticate(plain: str) -> User | None:
    """The active account behind a bearer token, or None when it is unknown, expired or revoked."""
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    found = list(
        User.objects.raw(
            _TOKEN_USER, [adapt(now - dt.timedelta(minutes=5)), crypto.token_hash(plain), adapt(now)]
        )
    )
    if not found:
        return None
    user = found[0]
    if user.token_stale:  # type: ignore[attr-defined]
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)  # type: ignore[attr-defined]
    return user


def staff_create(
    *,
    username: str,
    real_name: str,
    password: str,
    department: Department | None,
    roles: list[str],
    phone: str | None = None,
    is_superuser: bool = False,
) -> User:
    """Create a staff account with its roles; used by seeding and by system administrators."""
    with transaction.atomic():
        user = User(
            username=username,
            kind=AccountKind.STAFF,
            real_name=real_name,
            department=department,
            region=department.region if department else None,
            is_staff=True,
            is_superuser=is_superuser,
        )
        if phone:
            user.set_phone(validate_phone(phone))
        user.set_password(password)
        user.save()
        StaffRoleGrant.objects.bulk_create([StaffRoleGrant(user=user, role=r) for r in roles])
    return user


@transaction.atomic
def organisation_load(data: dict[str, Any]) -> dict[str, int]:
    """Create or update regions, departments, halls and windows from a dict (demo/data/organisation.json)."""
    for region in data.get("regions", []):
        Region.objects.update_or_create(
            code=region["code"],
            defaults={"name": region["name"], "level": region["level"], "parent_id": region["parent"]},
        )
    for dept in data.get("departments", []):
        uscc = validate_uscc(dept["uscc"])
        fields = {k: dept.get(k, "") for k in ("name", "short_name", "level", "phone")}
        Department.objects.update_or_create(
            code=dept["code"], defaults={**fields, "uscc": uscc, "region_id": dept["region"]}
        )
    windows = 0
    for hall_data in data.get("halls", []):
        hall, _ = Hall.objects.update_or_create(
            code=hall_data["code"],
            defaults={k: hall_data.get(k, "") for k in ("name", "address", "hours", "phone")}
            | {"region_id": hall_data["region"]},
        )
        for window in hall_data.get("windows", []):
            Window.objects.update_or_create(
                hall=hall,
                number=window["number"],
                defaults={"name": window["name"], "comprehensive": window.get("comprehensive", True)},
            )
            windows += 1
    return {
        "regions": len(data.get("regions", [])),
        "departments": len(data.get("departments", [])),
        "halls": len(data.get("halls", [])),
        "windows": windows,
    }
