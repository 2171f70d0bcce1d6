"""Reads of 一库共享: the catalogue, a provider's requests to answer, a department's grants, the citizen's data
usage (我的数据使用记录), and the walk over the look-up log's chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from govhall.core import crypto
from govhall.core.errors import NotFound
from govhall.identity.models import User

from .chain import CHAINED_FIELDS, ChainReport, chain_walk
from .models import Consent, DataItem, Grant, LookupLog, Resource, SharingRequest


def resource_list(*, query: str = "", provider: str = "") -> QuerySet[Resource]:
    rows = Resource.objects.select_related("provider").prefetch_related(
        Prefetch("data_items", queryset=DataItem.objects.order_by("position", "id"))
    )
    if query:
        rows = rows.filter(Q(name__contains=query) | Q(code__contains=query) | Q(summary__contains=query))
    if provider:
        rows = rows.filter(provider__code=provider)
    return rows.order_by("code")


def resource_get(code: str) -> Resource | None:
    return resource_list().filter(code=code).first()


def resource_require(code: str) -> Resource:
    """The resource with this code, or NotFound naming the ``resource`` field."""
    resource = Resource.objects.select_related("provider").filter(code=code).first()
    if resource is None:
        raise NotFound(f"资源目录中没有代码为 {code} 的资源", field="resource")
    return resource


def resource_for_material(source_ref: str) -> Resource | None:
    """The resource a material's ``source_ref`` names: by code, by name, or by one of its aliases."""
    ref = source_ref.strip()
    if not ref:
        return None
    resources = Resource.objects.select_related("provider")
    found = resources.filter(Q(code=ref) | Q(name=ref)).first()
    if found is not None:
        return found
    return next((r for r in resources.exclude(aliases=[]) if ref in r.aliases), None)


def requests_to_answer(user: User) -> QuerySet[SharingRequest]:
    """The requests for the user's department's resources, pending first, then by due date."""
    return (
        SharingRequest.objects.select_related("department", "resource", "requested_by", "decided_by")
        .filter(resource__provider_id=user.department_id or 0)
        .order_by("-state", "due_on", "id")  # "pending" sorts after "approved"/"refused": descending
    )


def request_get(request_id: int) -> SharingRequest:
    found = SharingRequest.objects.select_related("department", "resource").filter(pk=request_id).first()
    if found is None:
        raise NotFound("未找到该共享申请", field="id")
    return found


def requests_of_department(user: User) -> QuerySet[SharingRequest]:
    return SharingRequest.objects.select_related("resource", "resource__provider").filter(
        department_id=user.department_id or 0
    )


def grants_of_department(department_id: int, today: dt.date) -> QuerySet[Grant]:
    return Grant.objects.select_related("resource").filter(
        department_id=department_id, revoked_at__isnull=True, expires_on__gte=today
    )


def granted_items(department_id: int, resource_code: str, item_code: str) -> list[str]:
    """The data items the department's live grants of a resource name for an item; every item of the resource
    when none does (a look-up for them is then refused, and logged)."""
    keys: list[str] = []
    for grant in grants_of_department(department_id, timezone.localdate()).filter(
        resource__code=resource_code
    ):
        if item_code in grant.item_codes:
            keys += [k for k in grant.data_items if k not in keys]
    if keys:
        return keys
    return list(DataItem.objects.filter(resource__code=resource_code).values_list("key", flat=True)) or ["-"]


def subject_hashes(user: User) -> list[str]:
    """The subjects whose records the user may follow: themself, and the enterprises they operate."""
    hashes = [user.id_number_hash] if user.id_number_hash else []
    hashes += [crypto.lookup_hash(u) for u in user.enterprises.values_list("uscc", flat=True)]
    return hashes


@dataclass(frozen=True)
class DataUse:
    """One line of 我的数据使用记录."""

    id: int
    at: dt.datetime
    department: str
    case_number: str
    resource_code: str
    resource: str
    data_items: list[str]
    purpose: str
    outcome: str
    outcome_label: str
    reason: str
    subject: str  # 本人, or the enterprise's name


def data_usage(user: User, *, limit: int = 200) -> list[DataUse]:
    hashes = subject_hashes(user)
    if not hashes:
        return []
    logs = list(LookupLog.objects.filter(subject_hash__in=hashes).order_by("-at", "-sequence")[:limit])
    names = {
        (code, key): name
        for code, key, name in DataItem.objects.filter(
            resource__code__in={log.resource_code for log in logs}
        ).values_list("resource__code", "key", "name")
    }
    enterprises = {crypto.lookup_hash(e.uscc): e.name for e in user.enterprises.all()}
    return [
        DataUse(
            id=log.pk,
            at=log.at,
            department=log.department_label,
            case_number=log.case_number,
            resource_code=log.resource_code,
            resource=log.resource_name or log.resource_code,
            data_items=[names.get((log.resource_code, k), k) for k in log.data_items],
            purpose=f"办理办件 {log.case_number}" if log.case_number else "（未关联办件）",
            outcome=log.outcome,
            outcome_label=log.get_outcome_display(),
            reason=log.reason,
            subject=enterprises.get(log.subject_hash, "本人"),
        )
        for log in logs
    ]


def consents_of(user: User) -> QuerySet[Consent]:
    return (
        Consent.objects.select_related("resource", "enterprise")
        .filter(Q(user=user) | Q(enterprise__memberships__user=user))
        .order_by("-given_at")
    )


def chain_verify() -> ChainReport:
    """Walk the whole look-up log in sequence order and report the first broken link."""
    rows = LookupLog.objects.order_by("sequence").values(*CHAINED_FIELDS, "previous_hash", "entry_hash")
    return chain_walk(rows.iterator(chunk_size=2000))


def materials_describe(item: Any, materials: Sequence[Any]) -> dict[int, str]:
    """The guide's words for shared-data materials (registered with ``catalogue.sources``): which resource
    serves each, from whom, and whether the item's department may look it up for this item today."""
    granted = {
        g.resource.code
        for g in grants_of_department(item.department_id, timezone.localdate())
        if item.implementation_code in g.item_codes
    }
    words = {}
    for m in materials:
        resource = resource_for_material(m.source_ref)
        if resource is None or resource.code not in granted:
            continue
        consent = "，经申请人授权" if resource.needs_consent else ""
        words[m.pk] = (
            f"共享数据“{resource.name}”（{resource.provider.name}提供）：提交时由受理部门查询核验{consent}，"
            "免提交；未查到记录的请上传"
        )
    return words
