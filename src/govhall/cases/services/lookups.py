"""共享数据核验 inside a case: a member of staff handling the case looks up the applicant's (or the applicant
enterprise's) data from a shared resource; the answer is kept on the case as a snapshot with its SM3 digest, the
material it replaces is satisfied (免提交), and the timeline says so. The check of the grant and the audit log
are sharing's (``lookup_perform``); who may handle the case is the case's own rule (``case_actors``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from govhall.catalogue.models import Material, MaterialSource
from govhall.core.errors import NotFound
from govhall.identity.models import User
from govhall.sharing.chain import digest_of
from govhall.sharing.models import SubjectType
from govhall.sharing.selectors import resource_require
from govhall.sharing.services import Subject, lookup_perform

from ..models import Case, CaseDataSnapshot, CaseMaterial, Channel, Satisfaction
from ..permissions import case_actors
from ..transitions import Actor
from .timeline import event_write

# What a look-up reads of the case: who may act on it, whose data, which item (not the guide's long texts).
CASE_FIELDS = (
    "id", "number", "status", "region_id", "department_id", "submitted_by_id", "item__id",
    "item__implementation_code", "applicant__id", "applicant__id_number_enc", "enterprise__id", "enterprise__uscc",
)  # fmt: skip
HANDLING = {Actor.HANDLING_STAFF, Actor.ACCEPTING_STAFF, Actor.WINDOW, Actor.REVIEWING_STAFF}
LOOKUP_STATUSES = {"submitted", "correction", "accepted", "suspended"}


@dataclass(frozen=True)
class CaseLookup:
    snapshot: CaseDataSnapshot
    data: dict[str, Any]
    material: (
        CaseMaterial | None
    )  # the material satisfied by the look-up, if the item has one for this resource


def _subject_of(case: Case, resource_subject: str) -> Subject:
    if resource_subject == SubjectType.ENTERPRISE and case.enterprise is not None:
        return Subject(SubjectType.ENTERPRISE, case.enterprise.uscc)
    return Subject(SubjectType.PERSON, case.applicant.id_number)


def _refusal(case: Case | None, user: User, subject_id: str | None, subject: Subject) -> str:
    if case is None:
        return "办件不存在：共享数据只能在办理办件时查询"
    if not case_actors(case, user) & HANDLING:
        return "只有办理该办件的工作人员可以查询共享数据"
    if case.status not in LOOKUP_STATUSES:
        return f"办件{case.status_label}，不能再查询共享数据"
    if subject_id is not None and subject_id.strip().upper() != subject.id.upper():
        return "查询对象不是该办件的申请人（或申请单位）"
    return ""


def case_lookup(
    *, number: str, user: User, resource: str, items: list[str], subject_id: str | None = None,
    channel: str = Channel.DEPARTMENT,
) -> CaseLookup:  # fmt: skip
    """Look up shared data for a case. A look-up outside a case, by someone not handling it, or for someone who
    is not its applicant is refused, logged and answered 403 (``lookup_perform`` logs before it raises, so this
    runs outside a transaction until the data is in hand)."""
    case = (
        Case.objects.select_related("item", "applicant", "enterprise")
        .only(*CASE_FIELDS)
        .filter(number=number)
        .first()
    )
    target = resource_require(resource)  # its subject type decides whose identifier is sent
    subject = (
        _subject_of(case, target.subject_type)
        if case is not None
        else Subject(target.subject_type, subject_id or "-")
    )
    result = lookup_perform(
        user=user, department=user.department if user.department_id else None, case_number=number,
        subject=subject, resource=target, items=items,
        item_code=case.item.implementation_code if case is not None else "",
        refusal=_refusal(case, user, subject_id, subject),
    )  # fmt: skip
    if result.data is None:
        raise NotFound(
            f"“{target.name}”中未查到申请人的记录，请申请人上传该材料（本次查询已记录）", field="resource"
        )
    return _snapshot_store(
        number, user, result.resource, result.log.pk, result.log.data_items, result.data, channel
    )


@transaction.atomic
def _snapshot_store(
    number: str, user: User, resource: Any, log_id: int, items: list[str], data: dict[str, Any], channel: str
) -> CaseLookup:
    case = Case.objects.select_for_update().only("id", "number", "status", "item_id").get(number=number)
    digest = digest_of(data)
    snapshot = CaseDataSnapshot(
        case=case, resource_code=resource.code, resource_name=resource.name, data_items=items, digest=digest,
        lookup_id=log_id, by=user, at=timezone.now(),
    )  # fmt: skip
    snapshot.data = data
    snapshot.save()
    material = _material_satisfy(case, resource, digest)
    note = f"共享数据核验：{resource.name}（{resource.provider.name}）"
    note += f"，“{material.material.name}”免提交" if material else ""
    event_write(
        case, user, "lookup", case.status, case.status, channel, note=note,
        data={"resource": resource.code, "lookup": log_id, "digest": digest},
    )  # fmt: skip
    return CaseLookup(snapshot=snapshot, data=data, material=material)


def _material_satisfy(case: Case, resource: Any, digest: str) -> CaseMaterial | None:
    """The item's shared-data material this resource serves, satisfied by the snapshot's digest (once)."""
    names = {resource.code, resource.name, *resource.aliases}
    shared = Material.objects.filter(item_id=case.item_id, source=MaterialSource.SHARED_DATA)
    material = next((m for m in shared.order_by("position", "id") if m.source_ref.strip() in names), None)
    if material is None:
        return None
    existing = case.materials.filter(material=material, satisfied_by=Satisfaction.SHARED_DATA).first()
    if existing is None:
        existing = CaseMaterial.objects.create(
            case=case, material=material, satisfied_by=Satisfaction.SHARED_DATA, reference=digest
        )
    elif existing.reference != digest:
        existing.reference = digest
        existing.save(update_fields=["reference"])
    existing.material = material  # the note names it: no second query
    return existing
