"""一库共享 API: the resource catalogue (staff), sharing requests and their answers, the citizen's data usage and
consents. The look-up itself is a case's (``POST /cases/{number}/lookups`` in cases/api.py)."""

from __future__ import annotations

from ninja import Router, Status

from govhall.core.schemas import responses
from govhall.identity.auth import AuthedRequest, api_auth
from govhall.identity.permissions import require_staff_with

from . import selectors, services
from .schemas import (
    ApproveIn,
    ConsentIn,
    ConsentOut,
    ConsentPage,
    DataUseOut,
    DataUsePage,
    RefuseIn,
    ResourceOut,
    ResourcePage,
    SharingRequestIn,
    SharingRequestOut,
    SharingRequestPage,
)

router = Router(tags=["一库共享"], auth=api_auth)


@router.get("/sharing/resources", response=responses(ResourcePage), summary="政务信息资源目录（工作人员）")
def resources(request: AuthedRequest, q: str = "", provider: str = "") -> ResourcePage:
    require_staff_with(request.user, message="仅工作人员可以查看资源目录")
    rows = [ResourceOut.of(r) for r in selectors.resource_list(query=q[:50], provider=provider[:30])]
    return ResourcePage(count=len(rows), items=rows)


@router.get(
    "/sharing/requests",
    response=responses(SharingRequestPage),
    summary="共享申请：本部门提出的和待本部门审核的",
)
def requests(request: AuthedRequest, role: str = "provider") -> SharingRequestPage:
    require_staff_with(request.user, message="仅工作人员可以查看共享申请")
    user = request.user
    rows = (
        selectors.requests_to_answer(user) if role == "provider" else selectors.requests_of_department(user)
    )
    items = [SharingRequestOut.of(r) for r in rows[:500]]
    return SharingRequestPage(count=len(items), items=items)


@router.post(
    "/sharing/requests",
    response=responses(SharingRequestOut, 404, 409, status=201),
    summary="申请共享数据资源",
)
def request_create(request: AuthedRequest, payload: SharingRequestIn) -> Status[SharingRequestOut]:
    created = services.sharing_request_create(
        user=request.user, resource=payload.resource, data_items=payload.data_items,
        item_codes=payload.item_codes, purpose=payload.purpose,
    )  # fmt: skip
    return Status(201, SharingRequestOut.of(created))


@router.post(
    "/sharing/requests/{request_id}/approve",
    response=responses(SharingRequestOut, 404, 409),
    summary="同意共享申请（提供部门）",
)
def request_approve(request: AuthedRequest, request_id: int, payload: ApproveIn) -> SharingRequestOut:
    services.sharing_request_approve(
        request_id=request_id, user=request.user, reason=payload.reason, expires_on=payload.expires_on
    )
    return SharingRequestOut.of(selectors.request_get(request_id))


@router.post(
    "/sharing/requests/{request_id}/refuse",
    response=responses(SharingRequestOut, 404, 409),
    summary="拒绝共享申请（提供部门，须说明理由）",
)
def request_refuse(request: AuthedRequest, request_id: int, payload: RefuseIn) -> SharingRequestOut:
    return SharingRequestOut.of(
        services.sharing_request_refuse(request_id=request_id, user=request.user, reason=payload.reason)
    )


@router.get(
    "/me/data-usage", response=responses(DataUsePage), summary="我的数据使用记录：谁在何时因何查询了我的数据"
)
def data_usage(request: AuthedRequest) -> DataUsePage:
    rows = [DataUseOut.of(u) for u in selectors.data_usage(request.user)]
    return DataUsePage(count=len(rows), items=rows)


@router.get("/me/data-consents", response=responses(ConsentPage), summary="我的数据使用授权")
def consents(request: AuthedRequest) -> ConsentPage:
    rows = [ConsentOut.of(c) for c in selectors.consents_of(request.user)]
    return ConsentPage(count=len(rows), items=rows)


@router.post(
    "/me/data-consents", response=responses(ConsentOut, 404, 409, status=201), summary="授权部门使用我的数据"
)
def consent_give(request: AuthedRequest, payload: ConsentIn) -> Status[ConsentOut]:
    consent = services.consent_give(
        user=request.user, resource=payload.resource, enterprise=payload.enterprise
    )
    return Status(201, ConsentOut.of(consent))


@router.post(
    "/me/data-consents/{consent_id}/revoke", response=responses(ConsentOut, 404), summary="撤回数据使用授权"
)
def consent_revoke(request: AuthedRequest, consent_id: int) -> ConsentOut:
    consent = services.consent_revoke(user=request.user, consent_id=consent_id)
    return ConsentOut.of(consent)
