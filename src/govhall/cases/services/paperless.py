"""零证明 in the submission: the shared-data materials of the plan are looked up for the item's department
when the applicant submits (申报时自动核验), each look-up logged in the audit chain with the case's number; the
answers are kept on the new case as snapshots and the materials satisfied (免提交). A required material whose
look-up finds nothing is asked for as an upload instead, before the case is created.

The look-ups run outside the submission's transaction (their log entries are committed on their own, so a
refused submission still leaves its look-ups on record) and after every other check, so only a submission that
will be created otherwise spends a look-up and a case number."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from govhall.catalogue.models import Material, Requirement, ServiceItem
from govhall.core.errors import DomainError, ValidationFailed
from govhall.identity.models import Enterprise, User
from govhall.sharing.chain import digest_of
from govhall.sharing.models import Resource, SubjectType
from govhall.sharing.selectors import granted_items
from govhall.sharing.services import LookupResult, Subject, consent_give, lookup_perform

from ..models import Case, CaseDataSnapshot, CaseMaterial, Satisfaction
from ..paperless import MaterialPlan
from .timeline import event_write


@dataclass(frozen=True)
class Fetched:
    """A shared-data material's look-up at submission, in hand before the case is created."""

    material: Material
    resource: Resource
    log_id: int
    data_items: list[str]
    data: dict[str, Any]


@dataclass(frozen=True)
class Application:
    """Who applies for which item, and the case number the look-ups name as their purpose."""

    user: User
    applicant: User
    enterprise: Enterprise | None
    item: ServiceItem
    number: str


def shared_data_fetch(plan: Iterable[MaterialPlan], handed_in: set[int], app: Application) -> list[Fetched]:
    """Look up every shared-data material of the plan that was not handed in as a file. A required one the
    provider has no record of (or cannot answer for now) is refused, naming every such material at once."""
    fetched: list[Fetched] = []
    problems: list[tuple[Material, str]] = []
    for row in plan:
        if row.way != Satisfaction.SHARED_DATA or not row.paperless or row.material.pk in handed_in:
            continue
        assert row.resource is not None
        try:
            result = _look_up(row.resource, app)
        except DomainError as exc:
            problems.append((row.material, f"暂时无法调取（{exc.message}）"))
            continue
        if result.data is None:
            problems.append((row.material, f"“{row.resource.name}”中未查到记录"))
            continue
        fetched.append(
            Fetched(row.material, result.resource, result.log.pk, result.log.data_items, result.data)
        )
    required = [(m, why) for m, why in problems if m.requirement == Requirement.REQUIRED]
    if required:
        listed = "；".join(f"“{m.name}”{why}" for m, why in required)
        raise ValidationFailed(
            f"共享数据核验未通过：{listed}。请上传这些材料后再提交（本次查询已记录）",
            field=f"materials.{required[0][0].pk}",
            code="shared_data_missing",
        )
    return fetched


def _look_up(resource: Resource, app: Application) -> LookupResult:
    department = app.item.department
    items = granted_items(department.pk, resource.code, app.item.implementation_code)
    return lookup_perform(
        user=app.user, department=department, case_number=app.number, subject=_subject(resource, app),
        resource=resource, items=items, item_code=app.item.implementation_code, automatic=True,
    )  # fmt: skip


def _subject(resource: Resource, app: Application) -> Subject:
    if resource.subject_type == SubjectType.ENTERPRISE and app.enterprise is not None:
        return Subject(SubjectType.ENTERPRISE, app.enterprise.uscc)
    return Subject(SubjectType.PERSON, app.applicant.id_number)


def snapshots_store(case: Case, user: User, fetched: list[Fetched], channel: str) -> list[CaseMaterial]:
    """In the submission's transaction: each look-up's answer kept on the case, its material satisfied."""
    now = timezone.now()
    materials = []
    for row in fetched:
        digest = digest_of(row.data)
        snapshot = CaseDataSnapshot(
            case=case, resource_code=row.resource.code, resource_name=row.resource.name,
            data_items=row.data_items, digest=digest, lookup_id=row.log_id, by=user, at=now,
        )  # fmt: skip
        snapshot.data = row.data
        snapshot.save()
        materials.append(
            CaseMaterial.objects.create(
                case=case, material=row.material, satisfied_by=Satisfaction.SHARED_DATA, reference=digest
            )
        )
        event_write(
            case, user, "lookup", case.status, case.status, channel,
            note=f"申报时共享数据核验：{row.resource.name}（{row.resource.provider.name}），“{row.material.name}”免提交",
            data={"resource": row.resource.code, "lookup": row.log_id, "digest": digest},
        )  # fmt: skip
    return materials


def application_consents_give(
    *, applicant: User, enterprise: Enterprise | None, resources: list[str]
) -> None:
    """The applicant's consent, given on the application page, to the look-ups of resources that need it
    (revocable in 我的数据使用记录). For an enterprise's data, the consent is the enterprise's."""
    for code in dict.fromkeys(resources):
        consent_give(user=applicant, resource=code, enterprise=enterprise.uscc if enterprise else None)
