"""Cases API: uploads, drafts, submission (idempotent), the case, staff actions, tasks, public progress."""

from __future__ import annotations

from typing import Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.params.functions import Query as QueryParam

from govhall.catalogue.selectors import item_for_application
from govhall.core.errors import NotFound, PermissionDenied, ValidationFailed
from govhall.core.schemas import binary_answer, errors, responses
from govhall.identity.auth import AuthedRequest, api_auth
from govhall.identity.permissions import is_staff_member

from . import selectors, services
from .channels import channel_of
from .models import Channel
from .paperless import materials_plan
from .schemas import (
    AcceptIn,
    BundleCaseIn,
    BundleCaseOut,
    BundleCasePage,
    BundleCaseRowOut,
    BundleDeliverIn,
    CaseIn,
    CaseOut,
    CasePage,
    CaseRow,
    CorrectionIn,
    DraftFormOut,
    DraftIn,
    DraftOut,
    IssueIn,
    LookupIn,
    LookupOut,
    MaterialIn,
    MaterialPlanOut,
    MaterialPlanPage,
    ProgressOut,
    ReasonIn,
    ResubmitIn,
    SuspendIn,
    TaskCompleteIn,
    TaskPage,
    TaskRow,
    TaskStateOut,
    UploadOut,
)
from .transitions import Action
from .uploads import ALLOWED, download_name

router = Router(tags=["办件"], auth=api_auth)
# What acting on a case can answer besides the case: not yours (403), no such case (404), not in this status
# or changed meanwhile (409), input refused (422).
CASE_ERRORS = (403, 404, 409)


def _idempotency_key(request: HttpRequest) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key) <= 100:
        raise ValidationFailed("Idempotency-Key 长度应为1到100个字符", field="Idempotency-Key")
    return key


def _channel(request: HttpRequest) -> str:
    return channel_of(request.user, bearer_token=bool(request.headers.get("Authorization")))


@router.post(
    "/uploads",
    response=responses(UploadOut, 429, status=201),
    summary="上传申请材料文件（PDF、JPG、PNG、OFD）",
)
def upload(request: AuthedRequest, file: File[UploadedFile]) -> Status[UploadOut]:
    from django.conf import settings

    if file.size and file.size > settings.UPLOAD_MAX_MB * 1024 * 1024:
        raise ValidationFailed(f"文件超过{settings.UPLOAD_MAX_MB}MB，请压缩后再上传", field="file")
    stored = services.upload_store(owner=request.user, name=file.name or "file", data=file.read())
    return Status(201, UploadOut.of(stored))


@router.post(
    "/cases",
    response={201: CaseOut, 200: CaseOut, **errors(*CASE_ERRORS)},
    summary="提交申请（支持 Idempotency-Key）",
)
def submit(request: AuthedRequest, payload: CaseIn) -> Status[CaseOut]:
    key = _idempotency_key(request)
    user = request.user
    case, created = services.case_submit(
        user=user,
        item_code=payload.item,
        form=payload.form,
        materials=[(m.material, m.upload) for m in payload.materials],
        channel=Channel.WINDOW if payload.on_behalf_of else _channel(request),
        on_behalf_of=payload.on_behalf_of,
        enterprise_uscc=payload.enterprise,
        window=user.window if payload.on_behalf_of else None,
        idempotency_key=key,
        digest=services.request_digest(payload.dict()),
        tolerated_gaps=[g.gap() for g in payload.tolerated_gaps],
    )
    fresh = created and hasattr(case, "_prefetched_objects_cache")
    answer = case if fresh else selectors.case_get_for(user, case.number or "")
    return Status(201 if created else 200, CaseOut.of(answer, user))


@router.get(
    "/cases",
    response=responses(CasePage, 403),
    summary="我的办件；工作人员用 queue=acceptance（待受理）或 queue=issue（待出件）查看本大厅或本部门的队列",
)
def my_cases(
    request: AuthedRequest,
    queue: Literal["acceptance", "issue"] | None = QueryParam(
        None, description="acceptance：待受理；issue：待出件（仅工作人员）"
    ),
    page: int = QueryParam(1, ge=1, le=1000),
    page_size: int = QueryParam(20, ge=1, le=100),
) -> CasePage:
    if queue is not None and not is_staff_member(request.user):
        raise PermissionDenied("只有工作人员可以查看受理和出件队列", field="queue")
    cases = selectors.QUEUES[queue](request.user) if queue else selectors.cases_of(request.user)
    rows = cases[(page - 1) * page_size : page * page_size]
    return CasePage(count=cases.count(), items=[CaseRow.of(c) for c in rows])


@router.get(
    "/items/{code}/materials-plan",
    response=responses(MaterialPlanPage, 403, 404, 422),
    summary="零证明：本人申请该事项时，每项材料须上传还是由电子证照、共享数据免提交（及原因）",
)
def materials_plan_of(
    request: AuthedRequest,
    code: str,
    enterprise: str | None = QueryParam(
        None, max_length=18, description="以法人身份申请时的统一社会信用代码"
    ),
) -> MaterialPlanPage:
    item = item_for_application(code)
    applicant = request.user
    unit = services.resolve_enterprise(applicant, applicant, enterprise, item) if enterprise else None
    rows = [MaterialPlanOut.of(row) for row in materials_plan(item, applicant, unit)]
    return MaterialPlanPage(count=len(rows), items=rows)


@router.post(
    "/cases/{number}/lookups",
    response=responses(LookupOut, 403, 404, 424, status=201),
    summary="共享数据核验：为办件申请人查询共享数据（办理该办件的工作人员；无授权、非本办件或非申请人均返回403并留痕）",
)
def lookup(request: AuthedRequest, number: str, payload: LookupIn) -> Status[LookupOut]:
    done = services.case_lookup(
        number=number, user=request.user, resource=payload.resource, items=payload.items,
        subject_id=payload.subject, channel=_channel(request),
    )  # fmt: skip
    return Status(201, LookupOut.of(done))


@router.get(
    "/cases/{number}", response=responses(CaseOut, 403, 404), summary="办件详情（申请人及有权限的工作人员）"
)
def get_case(request: AuthedRequest, number: str) -> CaseOut:
    return CaseOut.of(selectors.case_get_for(request.user, number), request.user)


def _act(request: AuthedRequest, number: str, action: Action, **details: Any) -> CaseOut:
    user = request.user
    services.case_act(number=number, user=user, action=action, channel=_channel(request), **details)
    return CaseOut.of(selectors.case_get_for(user, number), user)


ACTED = responses(CaseOut, *CASE_ERRORS)


@router.post("/cases/{number}/accept", response=ACTED, summary="受理（可容缺、告知承诺）")
def accept(request: AuthedRequest, number: str, payload: AcceptIn | None = None) -> CaseOut:
    if payload is None:
        return _act(request, number, Action.ACCEPT)
    gaps = None if payload.tolerated_gaps is None else [g.gap() for g in payload.tolerated_gaps]
    return _act(request, number, Action.ACCEPT, tolerated_gaps=gaps, commitment=payload.commitment)


@router.post("/cases/{number}/refuse", response=ACTED, summary="不予受理（须写明理由和法律依据）")
def refuse(request: AuthedRequest, number: str, payload: ReasonIn) -> CaseOut:
    return _act(request, number, Action.REFUSE, **payload.dict())


@router.post("/cases/{number}/request-correction", response=ACTED, summary="一次性告知补正")
def request_correction(request: AuthedRequest, number: str, payload: CorrectionIn) -> CaseOut:
    return _act(request, number, Action.REQUEST_CORRECTION, items=payload.items)


@router.post("/cases/{number}/resubmit", response=ACTED, summary="补正后重新提交（申请人）")
def resubmit(request: AuthedRequest, number: str, payload: ResubmitIn | None = None) -> CaseOut:
    materials = [(m.material, m.upload) for m in payload.materials] if payload else []
    return _act(request, number, Action.RESUBMIT, materials=materials, form=payload.form if payload else None)


@router.post("/cases/{number}/suspend", response=ACTED, summary="启动特别程序，暂停计时")
def suspend(request: AuthedRequest, number: str, payload: SuspendIn) -> CaseOut:
    return _act(request, number, Action.SUSPEND, reason=payload.reason, kind=payload.kind)


@router.post("/cases/{number}/resume", response=ACTED, summary="特别程序结束，恢复计时")
def resume(request: AuthedRequest, number: str, payload: ReasonIn) -> CaseOut:
    return _act(request, number, Action.RESUME, reason=payload.reason)


@router.post("/cases/{number}/issue", response=ACTED, summary="出件（窗口领取或快递寄送）")
def issue(request: AuthedRequest, number: str, payload: IssueIn) -> CaseOut:
    return _act(request, number, Action.ISSUE, **payload.dict())


@router.post("/cases/{number}/complete", response=ACTED, summary="办结")
def complete(request: AuthedRequest, number: str) -> CaseOut:
    return _act(request, number, Action.COMPLETE)


@router.post(
    "/cases/{number}/start", response=ACTED, summary="一件事：前序事项未办成而暂缓的事项，窗口确认后继续办理"
)
def start(request: AuthedRequest, number: str) -> CaseOut:
    return _act(request, number, Action.START)


@router.post("/cases/{number}/supply", response=ACTED, summary="补交容缺受理时欠缺的材料（申请人）")
def supply(request: AuthedRequest, number: str, payload: MaterialIn) -> CaseOut:
    user = request.user
    services.case_supply_owed(
        number=number,
        user=user,
        material_id=payload.material,
        upload_id=payload.upload,
        channel=_channel(request),
    )
    return CaseOut.of(selectors.case_get_for(user, number), user)


@router.post("/cases/{number}/withdraw", response=ACTED, summary="撤回申请（申请人）")
def withdraw(request: AuthedRequest, number: str, payload: ReasonIn | None = None) -> CaseOut:
    return _act(request, number, Action.WITHDRAW, reason=payload.reason if payload else "")


@router.get(
    "/cases/{number}/materials/{material_id}/file",
    url_name="case_file",
    response=errors(403, 404),
    openapi_extra=binary_answer("材料文件（PDF、JPG、PNG 或 OFD）", *ALLOWED),
    summary="下载办件材料",
)
def case_file(request: AuthedRequest, number: str, material_id: int) -> FileResponse:
    from django.conf import settings

    upload = selectors.case_file(request.user, number, material_id)
    response = FileResponse(
        (settings.MEDIA_ROOT / upload.path).open("rb"),  # FileResponse closes it
        content_type=upload.content_type,
    )
    name = download_name(upload.original_name, upload.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/cases/{number}/documents/{kind}",
    url_name="case_document",
    response=errors(403, 404),
    openapi_extra=binary_answer("PDF 文书", "application/pdf"),
    summary="下载受理通知书、补正材料通知书或审批决定书（PDF）",
)
def case_document(request: AuthedRequest, number: str, kind: str) -> HttpResponse:
    from .documents import acceptance_notice, correction_notice, decision_document, site_base_url

    case = selectors.case_get_for(request.user, number)
    correction = selectors.latest_correction_event(case)
    if kind == "acceptance" and case.accepted_at:
        data, title = acceptance_notice(case, base_url=site_base_url()), "受理通知书"
    elif kind == "decision" and case.decided_at:
        data, title = decision_document(case, base_url=site_base_url()), "审批决定书"
    elif kind == "correction" and correction is not None:
        data, title = correction_notice(case, correction, base_url=site_base_url()), "补正材料通知书"
    else:
        raise NotFound("该办件还没有这份文书", field="kind")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{_quote(title + '-' + (case.number or '') + '.pdf')}"
    )
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@router.post("/drafts", response=responses(DraftOut, *CASE_ERRORS, status=201), summary="保存草稿")
def create_draft(request: AuthedRequest, payload: DraftIn) -> Status[DraftOut]:
    case = services.case_draft_save(
        user=request.user,
        item_code=payload.item,
        form=payload.form,
        materials=[(m.material, m.upload) for m in payload.materials]
        if payload.materials is not None
        else None,
        enterprise_uscc=payload.enterprise,
    )
    return Status(201, DraftOut(id=case.pk, status=case.status, item=case.item.implementation_code))


@router.patch("/drafts/{draft_id}", response=responses(DraftFormOut, *CASE_ERRORS), summary="修改草稿")
def update_draft(request: AuthedRequest, draft_id: int, payload: DraftIn) -> DraftFormOut:
    case = services.case_draft_save(
        user=request.user,
        draft_id=draft_id,
        form=payload.form,
        materials=[(m.material, m.upload) for m in payload.materials]
        if payload.materials is not None
        else None,
    )
    return DraftFormOut(id=case.pk, status=case.status, form=case.form)


@router.post(
    "/drafts/{draft_id}/submit", response=responses(CaseOut, *CASE_ERRORS, status=201), summary="提交草稿"
)
def submit_draft(request: AuthedRequest, draft_id: int) -> Status[CaseOut]:
    user = request.user
    case = services.case_draft_submit(user=user, draft_id=draft_id, channel=_channel(request))
    return Status(201, CaseOut.of(selectors.case_get_for(user, case.number or ""), user))


@router.get("/tasks", response=responses(TaskPage, 403), summary="我的待办（本部门任务，按时限排序）")
def tasks(
    request: AuthedRequest,
    page: int = QueryParam(1, ge=1, le=1000),
    page_size: int = QueryParam(50, ge=1, le=200),
) -> TaskPage:
    queryset = selectors.tasks_for(request.user)
    rows = queryset[(page - 1) * page_size : page * page_size]
    return TaskPage(count=queryset.count(), items=[TaskRow.of(t) for t in rows])


@router.post("/tasks/{task_id}/claim", response=responses(TaskStateOut, *CASE_ERRORS), summary="签收任务")
def claim(request: AuthedRequest, task_id: int) -> TaskStateOut:
    task = services.task_claim(task_id=task_id, user=request.user, channel=_channel(request))
    return TaskStateOut(id=task.pk, state=task.state)


@router.post(
    "/tasks/{task_id}/complete",
    response=responses(CaseOut, *CASE_ERRORS),
    summary="办理任务（同意、退回、不予许可）",
)
def complete_task(request: AuthedRequest, task_id: int, payload: TaskCompleteIn) -> CaseOut:
    user = request.user
    case = services.task_complete(task_id=task_id, user=user, channel=_channel(request), **payload.dict())
    return CaseOut.of(selectors.case_get_for(user, case.number or ""), user)


public_router = Router(tags=["办件"])


@public_router.get(
    "/progress",
    response=responses(ProgressOut, 404, 429, auth=False),
    summary="办件进度公开查询（免登录，限制查询频率）",
    auth=None,
)
def progress(
    request: HttpRequest,
    number: str = QueryParam(..., max_length=40),
    name: str = QueryParam(..., max_length=200),
) -> ProgressOut:
    client = request.META.get("REMOTE_ADDR", "")
    if selectors.is_bundle_number(number):
        return ProgressOut.of_bundle(services.bundle_progress_lookup(number=number, name=name, client=client))
    return ProgressOut.of(services.progress_lookup(number=number, name=name, client=client))


@router.post(
    "/bundle-cases",
    response={201: BundleCaseOut, 200: BundleCaseOut, **errors(*CASE_ERRORS)},
    summary="一件事一次申请：一张表单、一套材料，每个事项生成一个办件（支持 Idempotency-Key）",
)
def bundle_case_submit(request: AuthedRequest, payload: BundleCaseIn) -> Status[BundleCaseOut]:
    key = _idempotency_key(request)
    user = request.user
    bundle_case, created = services.bundle_case_submit(
        user=user,
        application=services.BundleApplication(
            bundle=payload.bundle,
            form=payload.form,
            materials=[(m.material, m.upload) for m in payload.materials],
            optional_items=payload.items,
            enterprise_uscc=payload.enterprise,
            on_behalf_of=payload.on_behalf_of,
        ),
        channel=Channel.WINDOW if payload.on_behalf_of else _channel(request),
        window=user.window if payload.on_behalf_of else None,
        idempotency_key=key,
        digest=services.request_digest(payload.dict()),
    )
    view = selectors.bundle_case_get_for(user, bundle_case.number)
    return Status(201 if created else 200, BundleCaseOut.of(view))


@router.get("/bundle-cases", response=responses(BundleCasePage), summary="我的一件事办件")
def bundle_cases(
    request: AuthedRequest,
    page: int = QueryParam(1, ge=1, le=1000),
    page_size: int = QueryParam(20, ge=1, le=100),
) -> BundleCasePage:
    found = selectors.bundle_cases_of(request.user)
    rows = found[(page - 1) * page_size : page * page_size]
    return BundleCasePage(count=found.count(), items=[BundleCaseRowOut.of(b) for b in rows])


@router.get(
    "/bundle-cases/{number}",
    response=responses(BundleCaseOut, 404),
    summary="一件事办件：各事项状态、关键路径和整件事的承诺办结日期",
)
def bundle_case_get(request: AuthedRequest, number: str) -> BundleCaseOut:
    return BundleCaseOut.of(selectors.bundle_case_get_for(request.user, number))


@router.post(
    "/bundle-cases/{number}/deliver",
    response=responses(BundleCaseOut, 403, 404, 409),
    summary="一件事统一出件（窗口领取或快递寄送，一次送达全部结果）",
)
def bundle_case_deliver(request: AuthedRequest, number: str, payload: BundleDeliverIn) -> BundleCaseOut:
    services.bundle_case_deliver(number=number, user=request.user, **payload.dict())
    return BundleCaseOut.of(selectors.bundle_case_get_for(request.user, number))


@router.post(
    "/bundle-cases/{number}/withdraw",
    response=responses(BundleCaseOut, 404, 409),
    summary="撤回一件事中尚未受理的事项",
)
def bundle_case_withdraw(request: AuthedRequest, number: str) -> BundleCaseOut:
    services.bundle_case_withdraw(number=number, user=request.user)
    return BundleCaseOut.of(selectors.bundle_case_get_for(request.user, number))
