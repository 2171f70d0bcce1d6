"""Every write to licences: keys, issuing (serial, face, signature), revocation, replacement, expiry,
authorisations and audited uses. Each change writes a LicenceEvent and a notice to the holder."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from govhall.core import crypto
from govhall.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from govhall.identity.models import Department, Enterprise, EnterpriseMember, User
from govhall.identity.permissions import is_staff_member
from govhall.notices.outbox import notify_many

from . import identifiers, signing
from .face import face_pdf
from .models import (
    HolderIdType,
    IssuerKey,
    Licence,
    LicenceAuthorisation,
    LicenceEvent,
    LicenceStatus,
    LicenceType,
    LicenceUse,
    SerialCounter,
)

# ---- keys ----------------------------------------------------------------------------------------------


def issuer_key_create(*, department: Department) -> IssuerKey:
    """A new SM2 key pair for the department; its current key (if any) is retired but kept for verification."""
    with transaction.atomic():
        IssuerKey.objects.filter(department=department, retired_at__isnull=True).update(
            retired_at=timezone.now()
        )
        private, public = signing.generate_keypair()
        return IssuerKey.objects.create(
            department=department, public_key=public, private_key_enc=crypto.encrypt(private)
        )


def issuer_key_current(department: Department) -> IssuerKey:
    key = IssuerKey.objects.filter(department=department, retired_at__isnull=True).first()
    return key or issuer_key_create(department=department)


# ---- metadata and face ---------------------------------------------------------------------------------


def licence_metadata(licence: Licence) -> dict[str, Any]:
    """The GB/T 36903 metadata the signature covers, as plain JSON values."""
    return {
        "identifier": licence.identifier,
        "type_code": licence.type.code,
        "type_name": licence.type.name,
        "number": licence.serial,
        "version": licence.version,
        "holder_name": licence.holder_name,
        "holder_id_type": licence.holder_id_type,
        "holder_id": licence.holder_code,
        "issuer_name": licence.issuer.name,
        "issuer_uscc": licence.issuer_uscc,
        "issued_on": licence.issued_on.isoformat(),
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
        "face": licence.face,
    }


def verify_url(identifier: str) -> str:
    path = reverse("licences:verify")
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}?{urlencode({'id': identifier})}"


def _face_rows(licence: Licence) -> list[tuple[str, str]]:
    holder_label = "名称" if licence.holder_id_type == HolderIdType.USCC else "姓名"
    rows = [(holder_label, licence.holder_name), (licence.get_holder_id_type_display(), licence.holder_code)]
    known = {f["name"]: f["label"] for f in licence.type.face_fields}
    rows += [(known.get(name, name), str(value)) for name, value in licence.face.items()]
    return rows


def _render_and_sign(licence: Licence, key: IssuerKey) -> None:
    pdf = face_pdf(
        title=licence.type.name, rows=_face_rows(licence), identifier=licence.identifier,
        issuer=licence.issuer.name, issued_on=licence.issued_on, valid_until=licence.valid_until,
        verify_url=verify_url(licence.identifier),
    )  # fmt: skip
    relative = f"licences/{licence.issued_on:%Y/%m}/{uuid.uuid4().hex}.pdf"
    target = settings.MEDIA_ROOT / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf)
    licence.face_path = relative
    licence.face_digest = signing.sm3_hex(pdf)
    licence.key = key
    message = signing.signed_bytes(licence_metadata(licence), licence.face_digest)
    licence.signature = signing.sign(key.private_key, key.public_key, message)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# ---- notices and events --------------------------------------------------------------------------------


def holder_users(licence: Licence) -> list[User]:
    if licence.holder_enterprise_id:
        return [m.user for m in EnterpriseMember.objects.filter(enterprise_id=licence.holder_enterprise_id)
                .select_related("user")]  # fmt: skip
    return [licence.holder] if licence.holder else []


def _event(
    licence: Licence, kind: str, actor: User | None, note: str, *, notify: bool = True
) -> LicenceEvent:
    event = LicenceEvent.objects.create(
        licence=licence,
        kind=kind,
        actor=actor,
        actor_label=actor.display_name if actor else "系统",
        note=note,
    )
    if notify:
        title = f"电子证照{LicenceEvent.Kind(kind).label}：{licence.type.name}"
        notify_many([(u, title, f"{licence.type.name}（{licence.identifier}）{note}", licence.source_case)
                     for u in holder_users(licence)])  # fmt: skip
    return event


def is_holder(user: Any, licence: Licence) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if licence.holder_enterprise_id:
        return EnterpriseMember.objects.filter(enterprise_id=licence.holder_enterprise_id, user=user).exists()
    return bool(licence.holder_id == user.pk)


# ---- issuing -------------------------------------------------------------------------------------------


def licence_issue(
    *,
    type: LicenceType,
    holder: User | None = None,
    enterprise: Enterprise | None = None,
    face: dict[str, Any] | None = None,
    issuer: Department | None = None,
    source_case: str = "",
    actor: User | None = None,
    issued_on: dt.date | None = None,
) -> Licence:
    """Issue a licence of ``type`` to a person or an enterprise: the next serial of (type, issuer), version
    001, the face PDF with its QR code, an SM2 signature over the metadata and the face's SM3 digest."""
    issuer = issuer or type.department
    if enterprise is None and holder is None:
        raise ValidationFailed("请指定持证人或持证单位", field="holder")
    if enterprise is not None:
        name, id_type, id_value = enterprise.name, HolderIdType.USCC, enterprise.uscc
    else:
        assert holder is not None
        if not holder.id_number:
            raise ValidationFailed("持证人未登记公民身份号码，不能颁发电子证照", field="holder")
        name, id_type, id_value = holder.display_name, HolderIdType.ID_CARD, holder.id_number
    with transaction.atomic():
        counter, _ = SerialCounter.objects.get_or_create(type=type, department=issuer)
        counter = SerialCounter.objects.select_for_update().get(pk=counter.pk)
        counter.last += 1
        counter.save(update_fields=["last"])
        ident = identifiers.make(type.code, issuer.uscc, counter.last, 1)
        day = issued_on or timezone.localdate()
        licence = Licence(
            identifier=str(ident), type=type, serial=ident.serial, version=1,
            holder=holder if enterprise is None else None, holder_enterprise=enterprise, holder_name=name,
            holder_id_type=id_type, issuer=issuer, issuer_uscc=issuer.uscc, issued_on=day,
            valid_until=_add_years(day, type.validity_years) if type.validity_years else None,
            face={k: v for k, v in (face or {}).items() if v not in (None, "")}, source_case=source_case,
        )  # fmt: skip
        licence.set_holder_code(id_value)
        _render_and_sign(licence, issuer_key_current(issuer))
        licence.save()
        note = f"由{issuer.name}颁发" + (f"（办件 {source_case}）" if source_case else "")
        _event(licence, LicenceEvent.Kind.ISSUED, actor, note)
    return licence


def _locked(identifier: str) -> Licence:
    licence = (
        Licence.objects.select_for_update(of=("self",))
        .select_related("type", "issuer", "holder", "holder_enterprise")
        .filter(identifier=identifier)
        .first()
    )
    if licence is None:
        raise NotFound("未找到该电子证照", field="identifier")
    return licence


def _require_issuer_staff(user: User, licence: Licence) -> None:
    if not is_staff_member(user) or user.department_id != licence.issuer_id:
        raise PermissionDenied("仅颁发部门的工作人员可以注销或换发该证照")


def licence_revoke(*, identifier: str, user: User, reason: str) -> Licence:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写注销原因", field="reason")
    if len(reason) > 500:
        raise ValidationFailed("注销原因不能超过500个字符", field="reason")
    with transaction.atomic():
        licence = _locked(identifier)
        _require_issuer_staff(user, licence)
        if licence.status != LicenceStatus.VALID:
            raise Conflict(f"该证照当前状态为“{licence.get_status_display()}”，不能注销", field="status")
        licence.status, licence.revoked_at, licence.revoked_reason = (
            LicenceStatus.REVOKED,
            timezone.now(),
            reason,
        )
        licence.save(update_fields=["status", "revoked_at", "revoked_reason"])
        _event(licence, LicenceEvent.Kind.REVOKED, user, f"已注销：{reason}")
    return licence


def licence_replace(
    *, identifier: str, user: User | None, face: dict[str, Any] | None = None, source_case: str = ""
) -> Licence:
    """换发: a new version (same serial, version + 1, a new face and signature); the old one is superseded."""
    with transaction.atomic():
        old = _locked(identifier)
        if user is not None:
            _require_issuer_staff(user, old)
        if old.status != LicenceStatus.VALID:
            raise Conflict(f"该证照当前状态为“{old.get_status_display()}”，不能换发", field="status")
        ident = identifiers.parse(old.identifier).next_version()
        day = timezone.localdate()
        new = Licence(
            identifier=str(ident), type=old.type, serial=old.serial, version=ident.version, holder=old.holder,
            holder_enterprise=old.holder_enterprise, holder_name=old.holder_name,
            holder_id_type=old.holder_id_type, holder_id_enc=old.holder_id_enc, holder_id_hash=old.holder_id_hash,
            issuer=old.issuer, issuer_uscc=old.issuer_uscc, issued_on=day,
            valid_until=_add_years(day, old.type.validity_years) if old.type.validity_years else None,
            face={**old.face, **(face or {})}, supersedes=old, source_case=source_case or old.source_case,
        )  # fmt: skip
        old.status = LicenceStatus.SUPERSEDED
        old.save(update_fields=["status"])
        _render_and_sign(new, issuer_key_current(old.issuer))
        new.save()
        _event(old, LicenceEvent.Kind.REPLACED, user, f"已换发为第{ident.version:03d}版", notify=False)
        _event(new, LicenceEvent.Kind.ISSUED, user, f"换发自 {old.identifier}")
    return new


def licences_expire(*, today: dt.date | None = None) -> int:
    """Mark every valid licence past its validity as expired (one update), with an event and a notice each."""
    day = today or timezone.localdate()
    with transaction.atomic():
        due = list(
            Licence.objects.select_for_update(of=("self",))
            .filter(status=LicenceStatus.VALID, valid_until__lt=day)
            .select_related("type", "holder")
        )
        if not due:
            return 0
        Licence.objects.filter(pk__in=[lc.pk for lc in due]).update(status=LicenceStatus.EXPIRED)
        now = timezone.now()
        LicenceEvent.objects.bulk_create(
            [LicenceEvent(licence=lc, kind=LicenceEvent.Kind.EXPIRED, actor_label="系统", at=now,
                          note=f"有效期至{lc.valid_until:%Y年%m月%d日}，已过期") for lc in due]
        )  # fmt: skip
        notify_many(
            [(u, f"电子证照已过期：{lc.type.name}", f"{lc.type.name}（{lc.identifier}）已过有效期，请及时换领",
              lc.source_case) for lc in due for u in holder_users(lc)]
        )  # fmt: skip
    return len(due)


# ---- authorisations and uses ---------------------------------------------------------------------------


def licence_authorise(
    *, identifier: str, user: User, department: str, until: dt.date, case_number: str = ""
) -> LicenceAuthorisation:
    """用证授权: the holder lets a department use the licence until a date (for one case, if named)."""
    with transaction.atomic():
        licence = _locked(identifier)
        if not is_holder(user, licence):
            raise NotFound("未找到该电子证照", field="identifier")
        if licence.effective_status() != LicenceStatus.VALID:
            raise Conflict("只有有效的证照可以授权使用", field="status")
        dept = Department.objects.filter(code=department).first()
        if dept is None:
            raise ValidationFailed("未找到该部门", field="department")
        today = timezone.localdate()
        if until < today:
            raise ValidationFailed("授权期限不能早于今天", field="until")
        if (until - today).days > 366:
            raise ValidationFailed("授权期限最长一年", field="until")
        case_number = (case_number or "").strip()[:30]
        grant = LicenceAuthorisation.objects.create(
            licence=licence, department=dept, case_number=case_number, valid_until=until, granted_by=user
        )
        note = f"授权{dept.name}使用至{until:%Y年%m月%d日}" + (
            f"（办件 {case_number}）" if case_number else ""
        )
        _event(licence, LicenceEvent.Kind.AUTHORISED, user, note)
    return grant


def licence_use_record(
    *, licence: Licence, department: Department, case_number: str, staff: User | None, purpose: str = ""
) -> LicenceUse:
    """An audited use of a valid licence, in the caller's transaction, with an event and a notice."""
    use = LicenceUse.objects.create(
        licence=licence, department=department, case_number=case_number, staff=staff, purpose=purpose[:200]
    )
    _event(
        licence, LicenceEvent.Kind.USED, staff, f"{department.name}在办件 {case_number} 中使用（{purpose}）"
    )
    return use
