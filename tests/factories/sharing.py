"""Factories for 一库共享: resources (through resource_save), grants (requested and approved through the
services), and the demo provider's records."""

from __future__ import annotations

from typing import Any

from govhall.identity.models import Department, User
from govhall.sharing.models import Grant, Resource
from govhall.sharing.services import (
    demo_record_put,
    resource_save,
    sharing_request_approve,
    sharing_request_create,
)

HUKOU_ITEMS = [
    {"key": "name", "name": "姓名", "type": "字符串"},
    {"key": "address", "name": "户籍地址", "type": "字符串"},
    {"key": "relation", "name": "与户主关系", "type": "字符串"},
]


def make_resource(provider: Department, **overrides: Any) -> Resource:
    data: dict[str, Any] = {
        "code": "GA-HJRK-001", "name": "户籍人口信息", "class_code": "1", "subclass_code": "01",
        "provider": provider.code, "sharing_type": "conditional", "legal_basis": "《居民身份证法》",
        "provider_system": "gaj-hukou", "data_items": HUKOU_ITEMS, "aliases": ["户籍信息"],
    }  # fmt: skip
    data.update(overrides)
    resource, _ = resource_save(data=data)
    return resource


def make_grant(
    *,
    asker: User,
    approver: User,
    resource: Resource,
    item_codes: list[str],
    data_items: list[str] | None = None,
) -> Grant:
    request = sharing_request_create(
        user=asker, resource=resource.code,
        data_items=data_items or list(resource.data_items.values_list("key", flat=True)),
        item_codes=item_codes, purpose="核验申请人户籍",
    )  # fmt: skip
    if request.state == request.State.PENDING:
        return sharing_request_approve(request_id=request.pk, user=approver)
    return Grant.objects.get(request=request)


def put_record(resource: Resource, subject_id: str, **data: Any) -> None:
    demo_record_put(resource=resource.code, subject_id=subject_id, data=data)
