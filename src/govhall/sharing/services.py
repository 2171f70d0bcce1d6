"""Every write of 一库共享: resources (the catalogue import goes through here), sharing requests and their
answers, grants, the audited look-up, consents, and the demo's departmental records.

``lookup_perform`` is the one door to a provider system: it checks the grant, writes one chained log entry
whatever the outcome, and only then raises (a denied look-up stays logged, see docs/decisions/0016-sharing.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from govhall.catalogue.models import ServiceItem
from govhall.core import crypto
from govhall.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from govhall.core.selectors import work_calendar_for
from govhall.identity.models import Department, Enterprise, StaffRole, User
from govhall.identity.permissions import is_staff_member, require_staff_with

from .chain import CHAINED_FIELDS, digest_of, entry_hash
from .models import (
    Consent,
    DataItem,
    DemoRecord,
    Grant,
    LookupLog,
    LookupLogHead,
    Outcome,
    Resource,
    SharingRequest,
    SharingType,
    SharingWay,
    SubjectType,
)
from .providers import ProviderFailed, provider_for
from .selectors import resource_require

GRANT_DAYS = 366  # a grant without a named expiry lasts a year
DECIDING_ROLES = (StaffRole.APPROVER, StaffRole.DEPARTMENT_HEAD)


# --- the catalogue ---------------------------------------------------------------------------------------

RESOURCE_FIELDS = (
    "name", "class_code", "subclass_code", "group_code", "detail_code", "summary", "format", "subject_type",
    "sharing_type", "legal_basis", "sharing_condition", "way", "update_cycle", "provider_system",
    "needs_consent", "aliases",
)  # fmt: skip


def _text(data: dict[str, Any], name: str, label: str, *, required: bool = False, limit: int = 200) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise ValidationFailed(f"{label}（{name}）应为文本", field=name)
    value = value.strip()
    if required and not value:
        raise ValidationFailed(f"请填写{label}（{name}）", field=name)
    if len(value) > limit:
        raise ValidationFailed(f"{label}（{name}）不能超过{limit}个字符", field=name)
    return value


def _choice(value: Any, choices: Any, name: str, label: str) -> str:
    if value not in choices.values:
        allowed = "、".join(f"{v}（{lbl}）" for v, lbl in choices.choices)
        raise ValidationFailed(f"{label}（{name}）应为：{allowed}", field=name)
    return str(value)


@transaction.atomic
def resource_save(*, data: dict[str, Any]) -> tuple[Resource, bool]:
    """Create or update a resource (by ``code``) with its data items; returns (resource, created)."""
    code = _text(data, "code", "资源代码", required=True, limit=40)
    provider = Department.objects.filter(code=data.get("provider")).first()
    if provider is None:
        raise ValidationFailed(
            f"资源 {code} 的提供部门（provider）不存在：{data.get('provider')}", field="provider"
        )
    sharing_type = _choice(data.get("sharing_type"), SharingType, "sharing_type", "共享类型")
    values: dict[str, Any] = {
        "name": _text(data, "name", "资源名称", required=True, limit=100),
        "class_code": _text(data, "class_code", "类", required=True, limit=10),
        "subclass_code": _text(data, "subclass_code", "项", limit=10),
        "group_code": _text(data, "group_code", "目", limit=10),
        "detail_code": _text(data, "detail_code", "细目", limit=10),
        "summary": _text(data, "summary", "资源摘要", limit=2000),
        "format": _text(data, "format", "资源格式", limit=30) or "数据库",
        "subject_type": _choice(
            data.get("subject_type", SubjectType.PERSON), SubjectType, "subject_type", "信息主体"
        ),
        "sharing_type": sharing_type,
        "legal_basis": _text(data, "legal_basis", "共享依据", limit=2000),
        "sharing_condition": _text(data, "sharing_condition", "共享条件", limit=2000),
        "way": _choice(data.get("way", SharingWay.INTERFACE), SharingWay, "way", "共享方式"),
        "update_cycle": _text(data, "update_cycle", "更新周期", limit=20) or "实时",
        "provider_system": _text(data, "provider_system", "提供系统", required=True, limit=40),
        "needs_consent": bool(data.get("needs_consent", False)),
        "aliases": [str(a)[:100] for a in data.get("aliases") or []],
        "provider": provider,
        "published_on": _date(data.get("published_on"), "published_on", "发布日期"),
    }
    if sharing_type != SharingType.UNCONDITIONAL and not values["legal_basis"]:
        raise ValidationFailed("有条件共享和不予共享的资源须写明共享依据（legal_basis）", field="legal_basis")
    resource, created = Resource.objects.update_or_create(code=code, defaults=values)
    items = data.get("data_items") or []
    if not items:
        raise ValidationFailed(f"资源 {code} 至少要有一个信息项（data_items）", field="data_items")
    keys = []
    for position, raw in enumerate(items):
        key = _text(raw, "key", "信息项标识", required=True, limit=40)
        keys.append(key)
        DataItem.objects.update_or_create(
            resource=resource,
            key=key,
            defaults={
                "name": _text(raw, "name", "信息项名称", required=True, limit=100),
                "type": _text(raw, "type", "数据类型", limit=20) or "字符串",
                "description": _text(raw, "description", "说明", limit=200),
                "position": position,
            },
        )
    if len(set(keys)) != len(keys):
        raise ValidationFailed(f"资源 {code} 的信息项标识（key）重复", field="data_items")
    resource.data_items.exclude(key__in=keys).delete()
    return resource, created


def _date(value: Any, name: str, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(f"{label}（{name}）应为 YYYY-MM-DD 格式的日期", field=name) from None


# --- requests and grants ---------------------------------------------------------------------------------


def _data_items(resource: Resource, keys: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(k.strip() for k in keys if k.strip()))
    if not wanted:
        raise ValidationFailed("请至少选择一个信息项（items）", field="items")
    known = set(resource.data_items.values_list("key", flat=True))
    unknown = [k for k in wanted if k not in known]
    if unknown:
        raise ValidationFailed(f"资源“{resource.name}”没有这些信息项：{'、'.join(unknown)}", field="items")
    return wanted


def _item_codes(codes: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    if not wanted:
        raise ValidationFailed("请至少填写一个使用数据的事项实施编码（item_codes）", field="item_codes")
    known = set(
        ServiceItem.objects.filter(implementation_code__in=wanted).values_list(
            "implementation_code", flat=True
        )
    )
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise ValidationFailed(f"事项目录中没有这些事项：{'、'.join(unknown)}", field="item_codes")
    return wanted


@transaction.atomic
def sharing_request_create(
    *, user: User, resource: str, data_items: list[str], item_codes: list[str], purpose: str
) -> SharingRequest:
    """A department asks for a resource. 无条件共享 is granted at once; 有条件共享 waits for the provider, who has
    SHARING_REQUEST_DAYS working days; 不予共享 cannot be asked for."""
    require_staff_with(user, *DECIDING_ROLES, message="仅部门审批人员或负责人可以申请共享数据")
    if user.department_id is None:
        raise PermissionDenied("申请共享数据的账户须属于一个部门")
    target = resource_require(resource)
    if target.sharing_type == SharingType.NOT_SHARED:
        raise Conflict(
            f"资源“{target.name}”不予共享：{target.legal_basis}", field="resource", code="not_shared"
        )
    purpose = purpose.strip()
    if not purpose:
        raise ValidationFailed("请填写数据用途（purpose）", field="purpose")
    now = timezone.now()
    today = timezone.localdate(now)
    days = settings.SHARING_REQUEST_DAYS
    request = SharingRequest.objects.create(
        department_id=user.department_id,
        resource=target,
        data_items=_data_items(target, data_items),
        item_codes=_item_codes(item_codes),
        purpose=purpose[:2000],
        requested_by=user,
        requested_at=now,
        due_on=work_calendar_for(today, days).add_workdays(today, days),
    )
    if target.sharing_type == SharingType.UNCONDITIONAL:
        request.state, request.decided_at, request.reason = (
            SharingRequest.State.APPROVED, now, "无条件共享资源，申请即授权",
        )  # fmt: skip
        request.save(update_fields=["state", "decided_at", "reason"])
        _grant_for(request, expires_on=None)
    return request


def _grant_for(request: SharingRequest, *, expires_on: dt.date | None) -> Grant:
    now = timezone.now()
    return Grant.objects.create(
        department_id=request.department_id,
        resource_id=request.resource_id,
        data_items=request.data_items,
        item_codes=request.item_codes,
        expires_on=expires_on or timezone.localdate(now) + dt.timedelta(days=GRANT_DAYS),
        request=request,
        granted_at=now,
    )


def _pending_for_provider(request_id: int, user: User) -> SharingRequest:
    require_staff_with(user, *DECIDING_ROLES, message="仅提供部门的审批人员或负责人可以审核共享申请")
    request = (
        SharingRequest.objects.select_for_update().select_related("resource").filter(pk=request_id).first()
    )
    if request is None:
        raise NotFound("未找到该共享申请", field="id")
    if request.resource.provider_id != user.department_id:
        raise PermissionDenied("只有资源的提供部门可以审核该共享申请")
    if request.state != SharingRequest.State.PENDING:
        raise Conflict(f"该申请已{request.get_state_display()}，不能再审核", field="state", code="decided")
    return request


@transaction.atomic
def sharing_request_approve(
    *, request_id: int, user: User, reason: str = "", expires_on: dt.date | None = None
) -> Grant:
    request = _pending_for_provider(request_id, user)
    if expires_on is not None and expires_on <= timezone.localdate():
        raise ValidationFailed("授权有效期（expires_on）应晚于今天", field="expires_on")
    request.state, request.decided_by, request.decided_at = (
        SharingRequest.State.APPROVED,
        user,
        timezone.now(),
    )
    request.reason = reason.strip()[:2000] or "同意共享"
    request.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    return _grant_for(request, expires_on=expires_on)


@transaction.atomic
def sharing_request_refuse(*, request_id: int, user: User, reason: str) -> SharingRequest:
    request = _pending_for_provider(request_id, user)
    if not reason.strip():
        raise ValidationFailed("拒绝共享申请须说明理由（reason）", field="reason")
    request.state, request.decided_by, request.decided_at = SharingRequest.State.REFUSED, user, timezone.now()
    request.reason = reason.strip()[:2000]
    request.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    return request


@transaction.atomic
def grant_revoke(*, grant_id: int, user: User) -> Grant:
    require_staff_with(user, *DECIDING_ROLES)
    grant = Grant.objects.select_for_update().select_related("resource").filter(pk=grant_id).first()
    if grant is None:
        raise NotFound("未找到该共享授权", field="id")
    if grant.resource.provider_id != user.department_id:
        raise PermissionDenied("只有资源的提供部门可以撤销共享授权")
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
    return grant


# --- look-ups --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """Whose records a look-up reads: a citizen by ID number or an enterprise by credit code."""

    type: str  # SubjectType
    id: str

    @property
    def hash(self) -> str:
        return crypto.lookup_hash(self.id)


@dataclass(frozen=True)
class LookupResult:
    log: LookupLog
    resource: Resource
    data: dict[str, Any] | None  # None: the provider holds no record of the subject


def _grant_problem(
    department_id: int, resource: Resource, items: list[str], item_code: str, today: dt.date
) -> str:
    grants = list(
        Grant.objects.filter(department_id=department_id, resource=resource, revoked_at__isnull=True)
    )
    if not grants:
        return "本部门没有该资源的共享授权"
    live = [g for g in grants if g.expires_on >= today]
    if not live:
        return "本部门对该资源的共享授权已过期"
    for_item = [g for g in live if item_code in g.item_codes]
    if not for_item:
        return f"共享授权不包括该办件的事项（{item_code or '无'}）"
    if any(set(items) <= set(g.data_items) for g in for_item):
        return ""
    allowed = set().union(*(set(g.data_items) for g in for_item))
    return f"共享授权不包括信息项：{'、'.join(k for k in items if k not in allowed)}"


def _denial(
    *, user: User, department: Department | None, case_number: str, subject: Subject, resource: Resource,
    items: list[str], item_code: str, today: dt.date, automatic: bool = False,
) -> str:  # fmt: skip
    if department is None:
        return "仅本部门工作人员可以查询共享数据"
    if not automatic and (not is_staff_member(user) or user.department_id != department.pk):
        return "仅本部门工作人员可以查询共享数据"
    if not case_number:
        return "共享数据只能在办理办件时查询（缺少办件编号）"
    if resource.sharing_type == SharingType.NOT_SHARED:
        return "该资源不予共享"
    if subject.type != resource.subject_type:
        return f"该资源的信息主体为{resource.get_subject_type_display()}"
    problem = _grant_problem(department.pk, resource, items, item_code, today)
    if problem:
        return problem
    if resource.needs_consent and not consent_live(subject_hash=subject.hash, resource=resource):
        return "该数据须经信息主体本人授权，申请人尚未授权或已撤回授权"
    return ""


def lookup_perform(
    *,
    user: User,
    department: Department | None,
    case_number: str,
    subject: Subject,
    resource: str | Resource,
    items: list[str],
    item_code: str = "",
    refusal: str = "",
    automatic: bool = False,
) -> LookupResult:
    """Look up a subject's data for a case. ``refusal`` is a reason the caller already found to refuse (not the
    case's applicant, not the case's handler): it is logged like any denial. A denied look-up is logged and
    raises PermissionDenied; a provider failure is logged and raises ProviderFailed.

    ``automatic``: the platform looks up for the department when the applicant submits (申报时自动核验); ``user``
    is then the applicant whose submission asked for it, and the caller has checked that the subject is theirs.

    Call it outside a transaction: the log entry is committed in its own, before the error is raised."""
    target = resource if isinstance(resource, Resource) else resource_require(resource)
    wanted = _data_items(target, items)
    now = timezone.now()
    entry: dict[str, Any] = {
        "user": user, "department": department, "case_number": case_number[:30], "item_code": item_code[:40],
        "subject": subject, "resource": target, "data_items": wanted, "at": now, "automatic": automatic,
    }  # fmt: skip
    reason = refusal or _denial(
        user=user, department=department, case_number=case_number, subject=subject, resource=target,
        items=wanted, item_code=item_code, today=timezone.localdate(now), automatic=automatic,
    )  # fmt: skip
    if reason:
        _log_write(entry, Outcome.DENIED, reason=reason)
        raise PermissionDenied(
            f"共享数据查询被拒绝：{reason}（已记录）", field="resource", code="lookup_denied"
        )
    try:
        data = provider_for(target.provider_system).fetch(target.code, subject.type, subject.id, wanted)
    except ProviderFailed as exc:
        _log_write(entry, Outcome.FAILED, reason=exc.message)
        raise
    log = _log_write(entry, Outcome.GRANTED, reason="" if data else "提供部门未查到该主体的记录", answer=data)
    return LookupResult(log=log, resource=target, data=data)


def _log_write(entry: dict[str, Any], outcome: str, *, reason: str, answer: Any = None) -> LookupLog:
    """Append one entry to the chain, under the head row's lock (taken before the last hash is read, so
    concurrent look-ups queue, never fork)."""
    user, department, subject = entry["user"], entry["department"], entry["subject"]
    request_digest = digest_of(
        {"resource": entry["resource"].code, "items": entry["data_items"], "subject": subject.hash,
         "case": entry["case_number"], "item": entry["item_code"], "department": department.code if department else ""}
    )  # fmt: skip
    with transaction.atomic():
        head = _head_locked()
        log = LookupLog(
            sequence=head.sequence + 1,
            at=entry["at"],
            user=user,
            user_label=_who(user, entry.get("automatic", False)),
            department=department,
            department_label=(department.name if department else "")[:100],
            case_number=entry["case_number"],
            item_code=entry["item_code"],
            subject_type=subject.type,
            subject_hash=subject.hash,
            resource_code=entry["resource"].code,
            resource_name=entry["resource"].name,
            data_items=entry["data_items"],
            outcome=outcome,
            reason=reason[:300],
            request_digest=request_digest,
            answer_digest=digest_of(answer) if outcome == Outcome.GRANTED else "",
            previous_hash=head.last_hash,
        )
        log.entry_hash = entry_hash(head.last_hash, {name: getattr(log, name) for name in CHAINED_FIELDS})
        log.save(force_insert=True)
        LookupLogHead.objects.filter(pk=1).update(sequence=log.sequence, last_hash=log.entry_hash)
    return log


def _who(user: User | None, automatic: bool) -> str:
    if automatic:  # the platform, for the department, at the applicant's submission (``user``: the applicant)
        return "申报时自动核验"
    return (user.display_name if user else "")[:100]


def _head_locked() -> LookupLogHead:
    """The chain's head row, locked (the row lock on PostgreSQL; SQLite's IMMEDIATE transactions already hold
    the database's write lock)."""
    head = LookupLogHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        _head_restore()
        head = LookupLogHead.objects.select_for_update().get(pk=1)
    return head


def _head_restore() -> None:
    """The head row is missing (a fresh or flushed database): rebuild it from the last entry."""
    last = LookupLog.objects.order_by("-sequence").first()
    try:
        with transaction.atomic():
            LookupLogHead.objects.create(
                pk=1, sequence=last.sequence if last else 0, last_hash=last.entry_hash if last else "0" * 64
            )
    except IntegrityError:  # another look-up rebuilt it meanwhile
        pass


# --- consent ---------------------------------------------------------------------------------------------


def consent_live(*, subject_hash: str, resource: Resource) -> bool:
    return Consent.objects.filter(
        subject_hash=subject_hash, resource=resource, revoked_at__isnull=True
    ).exists()


@transaction.atomic
def consent_give(*, user: User, resource: str, enterprise: str | None = None) -> Consent:
    """The applicant (or an operator of the enterprise) lets departments use a resource that needs consent."""
    target = resource_require(resource)
    if not target.needs_consent:
        raise Conflict(
            f"资源“{target.name}”依法共享，无须本人授权", field="resource", code="no_consent_needed"
        )
    owner = _consent_owner(user, target, enterprise)
    subject_hash = (
        crypto.lookup_hash(owner.uscc) if isinstance(owner, Enterprise) else str(user.id_number_hash)
    )
    existing = Consent.objects.filter(
        subject_hash=subject_hash, resource=target, revoked_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    return Consent.objects.create(
        user=user if not isinstance(owner, Enterprise) else None,
        enterprise=owner if isinstance(owner, Enterprise) else None,
        subject_hash=subject_hash,
        resource=target,
        given_at=timezone.now(),
    )


def _consent_owner(user: User, resource: Resource, enterprise: str | None) -> User | Enterprise:
    if resource.subject_type == SubjectType.ENTERPRISE:
        found = Enterprise.objects.filter(
            uscc=(enterprise or "").strip().upper(), memberships__user=user
        ).first()
        if found is None:
            raise PermissionDenied("只有该单位的经办人可以为单位授权", field="enterprise")
        return found
    if not user.id_number_hash:
        raise PermissionDenied("请先完成实名认证再授权", field="user")
    return user


@transaction.atomic
def consent_revoke(*, user: User, consent_id: int) -> Consent:
    consent = Consent.objects.select_for_update().filter(pk=consent_id).first()
    mine = consent is not None and (
        consent.user_id == user.pk
        or (
            consent.enterprise_id is not None
            and user.enterprise_memberships.filter(enterprise_id=consent.enterprise_id).exists()
        )
    )
    if consent is None or not mine:
        raise NotFound("未找到该授权", field="id")
    if consent.revoked_at is None:
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["revoked_at"])
    return consent


# --- the demo's departmental databases -------------------------------------------------------------------


def demo_record_put(*, resource: str, subject_id: str, data: dict[str, Any]) -> DemoRecord:
    """Write (or replace) the demo provider's record of a subject for a resource."""
    record, _ = DemoRecord.objects.get_or_create(
        resource_code=resource, subject_hash=crypto.lookup_hash(subject_id), defaults={"data_enc": b""}
    )
    record.data = data
    record.save(update_fields=["data_enc"])
    return record
