"""一库共享 API schemas: resources with their data items, requests, grants, the data-usage record, consents."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from govhall.core.schemas import Code, LongText

from .models import Consent, Grant, Resource, SharingRequest
from .selectors import DataUse


class DataItemOut(Schema):
    key: str
    name: str
    type: str
    description: str


class ResourceOut(Schema):
    code: str
    name: str
    classification: str = Field(description="类-项-目-细目")
    provider: str = Field(description="提供部门名称")
    provider_code: str
    summary: str
    format: str
    subject_type: str = Field(description="id_number（自然人）或 uscc（法人）")
    sharing_type: str = Field(
        description="unconditional 无条件共享、conditional 有条件共享、not_shared 不予共享"
    )
    sharing_type_label: str
    legal_basis: str
    sharing_condition: str
    way: str
    update_cycle: str
    published_on: dt.date | None
    needs_consent: bool
    data_items: list[DataItemOut]

    @classmethod
    def of(cls, r: Resource) -> ResourceOut:
        return cls(
            code=r.code, name=r.name, classification=r.classification, provider=r.provider.name,
            provider_code=r.provider.code, summary=r.summary, format=r.format, subject_type=r.subject_type,
            sharing_type=r.sharing_type, sharing_type_label=r.get_sharing_type_display(), legal_basis=r.legal_basis,
            sharing_condition=r.sharing_condition, way=r.way, update_cycle=r.update_cycle,
            published_on=r.published_on, needs_consent=r.needs_consent,
            data_items=[
                DataItemOut(key=d.key, name=d.name, type=d.type, description=d.description) for d in r.data_items.all()
            ],
        )  # fmt: skip


class ResourcePage(Schema):
    count: int
    items: list[ResourceOut]


class SharingRequestIn(Schema):
    resource: Code = Field(description="资源代码")
    data_items: list[Code] = Field(max_length=100, description="申请的信息项标识")
    item_codes: list[Code] = Field(max_length=100, description="使用数据的事项实施编码")
    purpose: LongText = Field(description="数据用途")


class ApproveIn(Schema):
    reason: LongText = ""
    expires_on: dt.date | None = Field(None, description="授权有效期至；不填为一年", le=dt.date(2100, 12, 31))


class RefuseIn(Schema):
    reason: LongText


class GrantOut(Schema):
    id: int
    department: str
    resource: str
    data_items: list[str]
    item_codes: list[str]
    expires_on: dt.date

    @classmethod
    def of(cls, g: Grant) -> GrantOut:
        return cls(
            id=g.pk, department=g.department.name, resource=g.resource.code, data_items=g.data_items,
            item_codes=g.item_codes, expires_on=g.expires_on,
        )  # fmt: skip


class SharingRequestOut(Schema):
    id: int
    department: str
    resource: str
    resource_name: str
    data_items: list[str]
    item_codes: list[str]
    purpose: str
    state: str = Field(description="pending 待审核、approved 已同意、refused 已拒绝")
    state_label: str
    requested_at: dt.datetime
    due_on: dt.date = Field(description="提供部门的答复期限（10个工作日）")
    decided_at: dt.datetime | None
    reason: str
    grant: GrantOut | None

    @classmethod
    def of(cls, r: SharingRequest) -> SharingRequestOut:
        grant = Grant.objects.select_related("department", "resource").filter(request=r).first()
        return cls(
            id=r.pk, department=r.department.name, resource=r.resource.code, resource_name=r.resource.name,
            data_items=r.data_items, item_codes=r.item_codes, purpose=r.purpose, state=r.state,
            state_label=r.get_state_display(), requested_at=r.requested_at, due_on=r.due_on,
            decided_at=r.decided_at, reason=r.reason, grant=GrantOut.of(grant) if grant else None,
        )  # fmt: skip


class SharingRequestPage(Schema):
    count: int
    items: list[SharingRequestOut]


class DataUseOut(Schema):
    id: int
    at: dt.datetime
    department: str
    case_number: str
    resource: str
    resource_code: str
    data_items: list[str] = Field(description="查询的信息项名称")
    purpose: str
    outcome: str = Field(description="granted 已授权查询、denied 被拒绝、failed 查询失败")
    outcome_label: str
    reason: str
    subject: str = Field(description="本人，或单位名称")

    @classmethod
    def of(cls, u: DataUse) -> DataUseOut:
        return cls(
            id=u.id, at=u.at, department=u.department, case_number=u.case_number, resource=u.resource,
            resource_code=u.resource_code, data_items=u.data_items, purpose=u.purpose, outcome=u.outcome,
            outcome_label=u.outcome_label, reason=u.reason, subject=u.subject,
        )  # fmt: skip


class DataUsePage(Schema):
    count: int
    items: list[DataUseOut]


class ConsentIn(Schema):
    resource: Code
    enterprise: Code | None = Field(None, description="为单位授权时：单位的统一社会信用代码")


class ConsentOut(Schema):
    id: int
    resource: str
    resource_name: str
    enterprise: str | None
    given_at: dt.datetime
    revoked_at: dt.datetime | None

    @classmethod
    def of(cls, c: Consent) -> ConsentOut:
        return cls(
            id=c.pk, resource=c.resource.code, resource_name=c.resource.name,
            enterprise=c.enterprise.name if c.enterprise else None, given_at=c.given_at, revoked_at=c.revoked_at,
        )  # fmt: skip


class ConsentPage(Schema):
    count: int
    items: list[ConsentOut]
