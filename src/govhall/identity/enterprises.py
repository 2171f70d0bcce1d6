"""Enterprise (法人) accounts, opened only against the registry the platform holds (市场主体登记信息).

Who may open one: the legal representative registered for the credit code, proven by the keyed hash of the
ID number of the citizen account (the real-name identity), never by what is typed into a form. Codes of
government bodies (registration-authority code 1, 机构编制) and of departments on the platform are not
enterprises. Further operators (经办人) are authorised by an administrator of the enterprise.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from govhall.core import crypto
from govhall.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from govhall.core.ids import IdentifierError, validate_id_number, validate_uscc

from .models import (
    AccountKind,
    Department,
    Enterprise,
    EnterpriseMember,
    EntityStatus,
    MarketEntity,
    User,
)
from .validation import validate_name

GOVERNMENT_AUTHORITY = "1"  # GB 32100: registration-authority code 1 = 机构编制 (government bodies)


def _credit_code(value: str) -> str:
    try:
        uscc = validate_uscc(value)
    except IdentifierError as exc:
        raise ValidationFailed(str(exc), field="uscc") from exc
    if uscc[0] == GOVERNMENT_AUTHORITY or Department.objects.filter(uscc=uscc).exists():
        raise ValidationFailed(
            "该代码属于机关（登记管理部门代码为 1），不是企业，不能开通法人账户",
            field="uscc",
            code="government_body",
        )
    return uscc


def _registered(uscc: str) -> MarketEntity:
    entity = MarketEntity.objects.filter(uscc=uscc).first()
    if entity is None:
        raise ValidationFailed(
            "市场主体登记信息中没有该统一社会信用代码，请核对营业执照上的代码",
            field="uscc",
            code="not_registered",
        )
    if entity.status != EntityStatus.ACTIVE:
        raise ValidationFailed(
            f"该市场主体登记状态为“{entity.get_status_display()}”，不能开通法人账户",
            field="uscc",
            code="not_active",
        )
    return entity


def _same(typed: str, registered: str) -> bool:
    return "".join(typed.split()) == "".join(registered.split())


def enterprise_register(
    *, operator: User, uscc: str, name: str = "", legal_representative: str = ""
) -> Enterprise:
    """Open the enterprise account of a registered market entity; the operator, who must be its registered
    legal representative, becomes an administrator. Name and legal representative come from the registry;
    when typed, they must match it. A legal representative registered after a change joins an existing
    account as administrator."""
    if operator.kind != AccountKind.CITIZEN or not operator.id_number_hash:
        raise PermissionDenied("只有实名认证的自然人账户可以开通法人账户", field=None, code="not_citizen")
    entity = _registered(_credit_code(uscc))
    if operator.id_number_hash != entity.legal_representative_id_hash:
        raise PermissionDenied(
            "您不是该市场主体登记的法定代表人（负责人）：请由法定代表人开通法人账户后为您授权",
            field="uscc",
            code="not_legal_representative",
        )
    if name and not _same(name, entity.name):
        raise ValidationFailed(f"单位名称与登记信息不一致，登记名称为“{entity.name}”", field="name")
    if legal_representative and not _same(legal_representative, entity.legal_representative):
        raise ValidationFailed("法定代表人与登记信息不一致", field="legal_representative")
    try:
        with transaction.atomic():
            return _open(entity, operator)
    except IntegrityError as exc:  # a concurrent opening of the same account won the race
        raise Conflict("该单位的法人账户已开通", field="uscc", code="duplicate") from exc


def _open(entity: MarketEntity, operator: User) -> Enterprise:
    enterprise, created = Enterprise.objects.select_for_update().get_or_create(
        uscc=entity.uscc,
        defaults={"name": entity.name, "legal_representative": entity.legal_representative},
    )
    if not created:
        Enterprise.objects.filter(pk=enterprise.pk).update(
            name=entity.name, legal_representative=entity.legal_representative
        )
    member = EnterpriseMember.objects.filter(enterprise=enterprise, user=operator).first()
    if member is not None and member.role == EnterpriseMember.Role.ADMIN:
        raise Conflict("您已是该单位法人账户的管理员", field="uscc", code="duplicate")
    EnterpriseMember.objects.update_or_create(
        enterprise=enterprise, user=operator, defaults={"role": EnterpriseMember.Role.ADMIN}
    )
    enterprise.refresh_from_db()
    return enterprise


def _administered(admin: User, uscc: str) -> Enterprise:
    member = (
        EnterpriseMember.objects.select_related("enterprise")
        .filter(enterprise__uscc=uscc, user=admin, role=EnterpriseMember.Role.ADMIN)
        .first()
    )
    if member is None:
        raise PermissionDenied("只有该单位法人账户的管理员可以授权经办人", field=None, code="not_admin")
    return member.enterprise


def enterprise_member_add(
    *, admin: User, uscc: str, name: str, id_number: str, role: str = EnterpriseMember.Role.AGENT
) -> EnterpriseMember:
    """授权经办人: an administrator authorises a real-name citizen account, named by name and ID number (both must
    match one account; the answer is the same whichever does not, so it tells nothing about who has one)."""
    enterprise = _administered(admin, uscc)
    name = validate_name(name, field="name", label="姓名")
    if role not in EnterpriseMember.Role.values:
        raise ValidationFailed("授权角色只能是管理员或经办人", field="role")
    try:
        id_number = validate_id_number(id_number)
    except IdentifierError as exc:
        raise ValidationFailed(str(exc), field="id_number") from exc
    user = User.objects.filter(
        id_number_hash=crypto.lookup_hash(id_number), kind=AccountKind.CITIZEN, is_active=True
    ).first()
    if user is None or not _same(name, user.real_name):
        raise NotFound("没有姓名与身份号码相符的实名账户：请被授权人先注册个人账户", field="id_number")
    try:
        with transaction.atomic():
            return EnterpriseMember.objects.create(enterprise=enterprise, user=user, role=role)
    except IntegrityError as exc:
        raise Conflict("该用户已是本单位的经办人", field="id_number", code="duplicate") from exc


@transaction.atomic
def enterprise_member_remove(*, admin: User, uscc: str, member_id: int) -> None:
    """取消授权. The last administrator cannot be removed: the account would have nobody to manage it."""
    enterprise = _administered(admin, uscc)
    members = list(EnterpriseMember.objects.select_for_update().filter(enterprise=enterprise))
    member = next((m for m in members if m.pk == member_id), None)
    if member is None:
        raise NotFound("未找到该经办人", field="member")
    admins = [m for m in members if m.role == EnterpriseMember.Role.ADMIN]
    if member.role == EnterpriseMember.Role.ADMIN and len(admins) == 1:
        raise Conflict("不能取消唯一管理员的授权", field="member", code="last_admin")
    member.delete()


def market_entity_record(
    *,
    uscc: str,
    name: str,
    legal_representative: str,
    legal_representative_id: str,
    kind: str = "",
    address: str = "",
    authority: str = "",
    established: dt.date | None = None,
    status: str = EntityStatus.ACTIVE,
) -> MarketEntity:
    """Write one registry record (the registry's synchronisation and the demo use it); idempotent by code."""
    try:
        uscc = validate_uscc(uscc)
        legal_id = validate_id_number(legal_representative_id)
    except IdentifierError as exc:
        raise ValidationFailed(str(exc), field="uscc") from exc
    entity = MarketEntity.objects.filter(uscc=uscc).first() or MarketEntity(uscc=uscc)
    entity.name, entity.legal_representative, entity.kind = name, legal_representative, kind
    entity.address, entity.authority, entity.established, entity.status = (
        address,
        authority,
        established,
        status,
    )
    entity.set_legal_representative_id(legal_id)
    entity.save()
    return entity
