"""Reads of licences: a holder's wallet, one licence, its face file, verification by identifier or by the face
document, the issuers' public keys, and the valid licence a material can be satisfied by."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from govhall.core.errors import NotFound
from govhall.identity.models import Enterprise, User
from govhall.identity.permissions import is_staff_member

from . import identifiers, signing
from .models import IssuerKey, Licence, LicenceAuthorisation, LicenceStatus, LicenceType
from .services import is_holder, licence_metadata


def licence_list_for(user: User) -> QuerySet[Licence]:
    """The licences a user holds, and those of the enterprises they operate (superseded ones left out)."""
    enterprises = Enterprise.objects.filter(memberships__user=user)
    return (
        Licence.objects.filter(
            Q(holder=user, holder_enterprise__isnull=True) | Q(holder_enterprise__in=enterprises)
        )
        .exclude(status=LicenceStatus.SUPERSEDED)
        .select_related("type", "issuer", "holder_enterprise")
        .order_by("type__code", "-issued_on", "-id")
    )


def licence_find(identifier: str) -> Licence | None:
    return (
        Licence.objects.select_related("type", "issuer", "key", "holder", "holder_enterprise")
        .filter(identifier=identifier)
        .first()
    )


def may_view(user: Any, licence: Licence) -> bool:
    """The holder (or an operator of the holding enterprise), the issuing department's staff, and the staff of
    a department the holder has authorised (until the authorisation runs out)."""
    if is_holder(user, licence):
        return True
    if not is_staff_member(user) or user.department_id is None:
        return False
    if user.department_id == licence.issuer_id:
        return True
    return LicenceAuthorisation.objects.filter(
        licence=licence, department_id=user.department_id, revoked_at__isnull=True,
        valid_until__gte=timezone.localdate(),
    ).exists()  # fmt: skip


def licence_get_for(user: Any, identifier: str) -> Licence:
    licence = licence_find(identifier)
    if licence is None or not may_view(user, licence):
        raise NotFound("未找到该电子证照", field="identifier")
    return licence


def face_file(licence: Licence) -> Path:
    return Path(settings.MEDIA_ROOT) / licence.face_path


@dataclass
class Verification:
    status: str  # valid / revoked / expired / superseded / invalid / not_found
    message: str
    licence: Licence | None = None

    @property
    def status_label(self) -> str:
        return {
            "valid": "有效", "revoked": "已注销", "expired": "已过期", "superseded": "已换发（旧版本）",
            "invalid": "无效（签名或文件不符）", "not_found": "未找到",
        }[self.status]  # fmt: skip


def signature_valid(licence: Licence) -> bool:
    message = signing.signed_bytes(licence_metadata(licence), licence.face_digest)
    return signing.verify(licence.key.public_key, message, bytes(licence.signature))


def _status_of(licence: Licence) -> Verification:
    if not signature_valid(licence):
        return Verification("invalid", "证照签名验证失败，信息可能被篡改", licence)
    status = licence.effective_status()
    messages = {
        LicenceStatus.VALID: "证照真实有效",
        LicenceStatus.REVOKED: f"证照已注销：{licence.revoked_reason}",
        LicenceStatus.EXPIRED: "证照已过有效期",
        LicenceStatus.SUPERSEDED: "证照已换发新版本，本版本不再有效",
    }
    return Verification(status, messages[LicenceStatus(status)], licence)


def licence_verify(identifier: str) -> Verification:
    identifier = (identifier or "").strip()
    if not identifiers.is_valid(identifier):
        return Verification("not_found", "证照标识格式或校验位不正确")
    licence = licence_find(identifier)
    if licence is None:
        return Verification("not_found", "未找到该电子证照")
    return _status_of(licence)


def licence_verify_document(data: bytes) -> Verification:
    """Check an uploaded face document: its SM3 digest must be that of an issued licence, whose signature
    over the metadata and that digest must verify."""
    digest = signing.sm3_hex(data)
    licence = (
        Licence.objects.select_related("type", "issuer", "key", "holder", "holder_enterprise")
        .filter(face_digest=digest)
        .first()
    )
    if licence is None:
        return Verification("invalid", "该文件不是本平台签发的电子证照照面，或已被修改")
    return _status_of(licence)


def issuer_keys() -> QuerySet[IssuerKey]:
    return IssuerKey.objects.select_related("department").order_by("department__code", "created_at")


def licence_type_for_ref(ref: str) -> LicenceType | None:
    """The licence type a material's source_ref names, by its code (or, for older catalogues, its name)."""
    ref = (ref or "").strip()
    if not ref:
        return None
    memo = _TYPES.get()
    if memo is not None:
        return next((t for t in _all_types(memo) if ref in (t.code, t.name)), None)
    return LicenceType.objects.filter(Q(code=ref) | Q(name=ref)).first()


# Licence types number tens and change rarely; a submission asks for them once per material and item. Inside
# licence_types_memo() they are read once for the block (never across requests: an edit shows at once).
_TYPES: ContextVar[dict[str, list[LicenceType]] | None] = ContextVar("licence_types", default=None)


@contextmanager
def licence_types_memo() -> Iterator[None]:
    """Within the block, licence types are read once (a submission's many look-ups of them)."""
    if _TYPES.get() is not None:
        yield
        return
    token = _TYPES.set({})
    try:
        yield
    finally:
        _TYPES.reset(token)


def _all_types(memo: dict[str, list[LicenceType]]) -> list[LicenceType]:
    if "all" not in memo:
        memo["all"] = list(LicenceType.objects.select_related("department"))
    return memo["all"]


def valid_licence_of(type_: LicenceType, *, user: User, enterprise: Enterprise | None) -> Licence | None:
    """The holder's newest valid licence of a type: the enterprise's for an enterprise case, else the person's."""
    today = timezone.localdate()
    found = Licence.objects.filter(type=type_, status=LicenceStatus.VALID).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    found = (
        found.filter(holder_enterprise=enterprise)
        if enterprise
        else found.filter(holder=user, holder_enterprise__isnull=True)
    )
    return found.order_by("-issued_on", "-id").first()


def licence_types_for_item(implementation_code: str) -> list[LicenceType]:
    memo = _TYPES.get()
    types = _all_types(memo) if memo is not None else LicenceType.objects.select_related("department")
    return [t for t in types if implementation_code in (t.item_codes or [])]


def materials_describe(item: Any, materials: Sequence[Any]) -> dict[int, str]:
    """The guide's words for licence-sourced materials (registered with ``catalogue.sources``)."""
    refs = {m.source_ref.strip() for m in materials if m.source_ref.strip()}
    types = list(LicenceType.objects.select_related("department").filter(Q(code__in=refs) | Q(name__in=refs)))
    by_ref = {t.code: t for t in types} | {t.name: t for t in types}
    words = {}
    for m in materials:
        found = by_ref.get(m.source_ref.strip())
        if found is not None:
            words[m.pk] = (
                f"电子证照“{found.name}”（{found.department.name}签发）：持有有效证照的免提交，自动调取；"
                "未持有的请上传"
            )
    return words


LICENCE_PREFILL = "licence."  # a form field's prefill ``licence.<type code>.<face field>``


@dataclass(frozen=True)
class FaceValue:
    value: str
    licence_type: str  # the type's name: the form says where the value came from


def face_prefill(
    prefills: Sequence[str], *, user: User, enterprise: Enterprise | None
) -> dict[str, FaceValue]:
    """What a form's ``licence.<type code>.<face field>`` prefills find on the holder's own valid licences:
    prefill key -> value and licence type. One query per licence type the form names (a form names one or
    two), none when it names none."""
    wanted: dict[str, list[str]] = {}
    for key in prefills:
        parts = key.split(".")
        if len(parts) == 3 and key.startswith(LICENCE_PREFILL):
            wanted.setdefault(parts[1], []).append(key)
    found: dict[str, FaceValue] = {}
    for type_ in LicenceType.objects.filter(code__in=wanted):
        licence = valid_licence_of(type_, user=user, enterprise=enterprise)
        for key in wanted[type_.code] if licence else []:
            value = licence.face.get(key.split(".")[2]) if licence else None
            if isinstance(value, str | int) and str(value).strip():
                found[key] = FaceValue(str(value), type_.name)
    return found
