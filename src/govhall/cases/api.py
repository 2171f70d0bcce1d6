"""Cases API: uploads, drafts, submission (idempotent), the case, staff actions, tasks, public progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from govhall.catalogue.forms import SENSITIVE_TYPES, item_fields
from govhall.core.errors import NotFound, ValidationFailed
from govhall.core.masking import mask_id_number, mask_phone
from govhall.identity.auth import api_auth
from govhall.identity.models import User

from . import selectors, services
from .documents import document_links
from .models import Case, Channel
from .permissions import sees_full_personal_data
from .transitions import STATUS_LABELS, Action, allowed_actions
from .transitions import Status as CaseStatus

router = Router(tags=["办件"], auth=api_auth)


class UploadOut(Schema):
    id: str
    name: str
    content_type: str
    size: int


class MaterialIn(Schema):
    material: int
    upload: str


class CaseIn(Schema):
    item: str = Field(description="事项实施编码")
    form: dict[str, Any] = {}
    materials: list[MaterialIn] = []
    on_behalf_of: str | None = Field(None, description="窗口代办：申请人的身份证号、手机号或用户名")
    enterprise: str | None = Field(None, description="以法人身份申请时，单位的统一社会信用代码")


class DraftIn(Schema):
    item: str | None = None
    form: dict[str, Any] | None = None
    materials: list[MaterialIn] | None = None
    enterprise: str | None = None


class ReasonIn(Schema):
    reason: str = ""
    legal_basis: str = ""


class AcceptIn(Schema):
    tolerated_gaps: list[dict[str, Any]] = []
    commitment: bool = False


class CorrectionIn(Schema):
    items: list[str] = []


class ResubmitIn(Schema):
    form: dict[str, Any] | None = None
    materials: list[MaterialIn] = []


class SuspendIn(Schema):
    reason: str = ""
    kind: str = "other"


class IssueIn(Schema):
    method: str = "window"
    address: str = ""
    carrier: str = ""
    tracking_number: str = ""


class TaskCompleteIn(Schema):
    decision: str
    opinion: str = ""
    legal_basis: str = ""


def _channel(request: HttpRequest) -> str:
    return Channel.API if request.headers.get("Authorization") else Channel.WEB


def case_out(case: Case, user: Any) -> dict[str, Any]:
    full = sees_full_personal_data(case, user)
    return {
        "number": case.number,
        "status": case.status,
        "status_label": STATUS_LABELS[CaseStatus(case.status)],
        "item": {"implementation_code": case.item.implementation_code, "name": case.item.name, "version": case.item.version},
        "department": case.department.name,
        "applicant_name": case.applicant_name,
        "channel": case.channel,
        "submitted_at": case.submitted_at,
        "accepted_at": case.accepted_at,
        "completed_at": case.completed_at,
        "decision": case.decision,
        "deadlines": {"promised_due": case.promised_due, "legal_due": case.legal_due, "suspended_workdays": case.suspended_workdays},
        "corrections": case.corrections,
        "owed_materials": case.owed_materials,
        "delivery": case.delivery if full else {k: v for k, v in case.delivery.items() if k != "address"},
        "form": _form_out(case, full),
        "timeline": [
            {"at": e.at, "actor": e.actor_label, "channel": e.channel, "action": e.action, "action_label": e.action_label,
             "status": e.to_status, "note": e.note}
            for e in case.events.all()
        ],
        "tasks": [
            {"id": t.pk, "name": t.name, "department": t.department.name, "state": t.state, "due_on": t.due_on,
             "decision": t.decision, "opinion": t.opinion}
            for t in case.tasks.all()
        ],
        "materials": [
            {"id": cm.pk, "material": cm.material.name, "file_name": cm.upload.original_name, "size": cm.upload.size,
             "url": reverse("api:case_file", args=[case.number, cm.pk])}
            for cm in case.materials.all()
        ],
        "documents": [{"name": name, "url": url} for name, url in document_links(case)],
        "actions": [a.value for a in allowed_actions(CaseStatus(case.status))],
    }  # fmt: skip


def _form_out(case: Case, full: bool) -> dict[str, Any]:
    form = case.form
    if full:
        return form
    fields = item_fields(case.item.form_fields, for_enterprise=case.enterprise_id is not None)
    sensitive = {f.name: f.type for f in fields if f.type in SENSITIVE_TYPES}
    return {
        k: (mask_phone(v) if sensitive[k] == "phone" else mask_id_number(v)) if k in sensitive else v
        for k, v in form.items()
    }


@router.post("/uploads", response={201: UploadOut}, summary="上传申请材料文件（PDF、JPG、PNG、OFD）")
def upload(request: HttpRequest, file: File[UploadedFile]) -> Status[UploadOut]:
    from django.conf import settings

    if file.size and file.size > settings.UPLOAD_MAX_MB * 1024 * 1024:
        raise ValidationFailed(f"文件超过{settings.UPLOAD_MAX_MB}MB，请压缩后再上传", field="file")
    data = file.read()
    stored = services.upload_store(owner=request.user, name=file.name or "file", data=data)  # type: ignore[arg-type]
    return Status(
        201,
        UploadOut(
            id=str(stored.pk), name=stored.original_name, content_type=stored.content_type, size=stored.size
        ),
    )


@router.post("/cases", response={201: dict, 200: dict}, summary="提交申请（支持 Idempotency-Key）")
def submit(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key) <= 100:
        raise ValidationFailed("Idempotency-Key 长度应为1到100个字符", field="Idempotency-Key")
    user: User = request.user  # type: ignore[assignment]
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
    )
    fresh = created and hasattr(case, "_prefetched_objects_cache")
    answer = case if fresh else selectors.case_get_for(user, case.number or "")
    return Status(201 if created else 200, case_out(answer, user))


@router.get("/cases", response=dict, summary="我的办件")
def my_cases(
    request: HttpRequest, page: int = Query(1, ge=1, le=1000), page_size: int = Query(20, ge=1, le=100)
) -> dict[str, Any]:
    cases = selectors.cases_of(request.user)  # type: ignore[arg-type]
    total = cases.count()
    rows = cases[(page - 1) * page_size : page * page_size]
    return {
        "count": total,
        "items": [
            {"number": c.number, "draft_id": c.pk if c.status == CaseStatus.DRAFT else None, "item": c.item.name,
             "status": c.status, "status_label": c.status_label, "submitted_at": c.submitted_at,
             "promised_due": c.promised_due}
            for c in rows
        ],
    }  # fmt: skip


@router.get("/cases/{number}", response=dict, summary="办件详情（申请人及有权限的工作人员）")
def get_case(request: HttpRequest, number: str) -> dict[str, Any]:
    return case_out(selectors.case_get_for(request.user, number), request.user)  # type: ignore[arg-type]


def _act(request: HttpRequest, number: str, action: Action, **details: Any) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    services.case_act(number=number, user=user, action=action, channel=_channel(request), **details)
    return case_out(selectors.case_get_for(user, number), user)


@router.post("/cases/{number}/accept", response=dict, summary="受理（可容缺、告知承诺）")
def accept(request: HttpRequest, number: str, payload: AcceptIn | None = None) -> dict[str, Any]:
    return _act(request, number, Action.ACCEPT, **(payload.dict() if payload else {}))


@router.post("/cases/{number}/refuse", response=dict, summary="不予受理（须写明理由和法律依据）")
def refuse(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    return _act(request, number, Action.REFUSE, **payload.dict())


@router.post("/cases/{number}/request-correction", response=dict, summary="一次性告知补正")
def request_correction(request: HttpRequest, number: str, payload: CorrectionIn) -> dict[str, Any]:
    return _act(request, number, Action.REQUEST_CORRECTION, items=payload.items)


@router.post("/cases/{number}/resubmit", response=dict, summary="补正后重新提交（申请人）")
def resubmit(request: HttpRequest, number: str, payload: ResubmitIn | None = None) -> dict[str, Any]:
    materials = [(m.material, m.upload) for m in payload.materials] if payload else []
    return _act(request, number, Action.RESUBMIT, materials=materials, form=payload.form if payload else None)


@router.post("/cases/{number}/suspend", response=dict, summary="启动特别程序，暂停计时")
def suspend(request: HttpRequest, number: str, payload: SuspendIn) -> dict[str, Any]:
    return _act(request, number, Action.SUSPEND, reason=payload.reason, kind=payload.kind)


@router.post("/cases/{number}/resume", response=dict, summary="特别程序结束，恢复计时")
def resume(request: HttpRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    return _act(request, number, Action.RESUME, reason=payload.reason)


@router.post("/cases/{number}/issue", response=dict, summary="出件（窗口领取或快递寄送）")
def issue(request: HttpRequest, number: str, payload: IssueIn) -> dict[str, Any]:
    return _act(request, number, Action.ISSUE, **payload.dict())


@router.post("/cases/{number}/complete", response=dict, summary="办结")
def complete(request: HttpRequest, number: str) -> dict[str, Any]:
    return _act(request, number, Action.COMPLETE)


@router.post("/cases/{number}/supply", response=dict, summary="补交容缺受理时欠缺的材料（申请人）")
def supply(request: HttpRequest, number: str, payload: MaterialIn) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    services.case_supply_owed(
        number=number,
        user=user,
        material_id=payload.material,
        upload_id=payload.upload,
        channel=_channel(request),
    )
    return case_out(selectors.case_get_for(user, number), user)


@router.post("/cases/{number}/withdraw", response=dict, summary="撤回申请（申请人）")
def withdraw(request: HttpRequest, number: str, payload: ReasonIn | None = None) -> dict[str, Any]:
    return _act(request, number, Action.WITHDRAW, reason=payload.reason if payload else "")


@router.get("/cases/{number}/materials/{material_id}/file", url_name="case_file", summary="下载办件材料")
def case_file(request: HttpRequest, number: str, material_id: int) -> FileResponse:
    from django.conf import settings

    found = selectors.case_file(request.user, number, material_id)  # type: ignore[arg-type]
    response = FileResponse(
        (settings.MEDIA_ROOT / found.upload.path).open("rb"),  # FileResponse closes it
        content_type=found.upload.content_type,
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(found.upload.original_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/cases/{number}/documents/{kind}", url_name="case_document", summary="下载受理通知书或审批决定书（PDF）"
)
def case_document(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    from .documents import acceptance_notice, decision_document, site_base_url

    case = selectors.case_get_for(request.user, number)  # type: ignore[arg-type]
    if kind == "acceptance" and case.accepted_at:
        data, title = acceptance_notice(case, base_url=site_base_url()), "受理通知书"
    elif kind == "decision" and case.decided_at:
        data, title = decision_document(case), "审批决定书"
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


@router.post("/drafts", response={201: dict}, summary="保存草稿")
def create_draft(request: HttpRequest, payload: DraftIn) -> Status[dict[str, Any]]:
    case = services.case_draft_save(
        user=request.user,  # type: ignore[arg-type]
        item_code=payload.item,
        form=payload.form,
        materials=[(m.material, m.upload) for m in payload.materials]
        if payload.materials is not None
        else None,
        enterprise_uscc=payload.enterprise,
    )
    return Status(201, {"id": case.pk, "status": case.status, "item": case.item.implementation_code})


@router.patch("/drafts/{draft_id}", response=dict, summary="修改草稿")
def update_draft(request: HttpRequest, draft_id: int, payload: DraftIn) -> dict[str, Any]:
    case = services.case_draft_save(
        user=request.user,  # type: ignore[arg-type]
        draft_id=draft_id,
        form=payload.form,
        materials=[(m.material, m.upload) for m in payload.materials]
        if payload.materials is not None
        else None,
    )
    return {"id": case.pk, "status": case.status, "form": case.form}


@router.post("/drafts/{draft_id}/submit", response={201: dict}, summary="提交草稿")
def submit_draft(request: HttpRequest, draft_id: int) -> Status[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    case = services.case_draft_submit(user=user, draft_id=draft_id, channel=_channel(request))
    return Status(201, case_out(selectors.case_get_for(user, case.number or ""), user))


@router.get("/tasks", response=dict, summary="我的待办（本部门任务，按时限排序）")
def tasks(
    request: HttpRequest, page: int = Query(1, ge=1, le=1000), page_size: int = Query(50, ge=1, le=200)
) -> dict[str, Any]:
    queryset = selectors.tasks_for(request.user)  # type: ignore[arg-type]
    rows = queryset[(page - 1) * page_size : page * page_size]
    return {
        "count": queryset.count(),
        "items": [
            {"id": t.pk, "case": t.case.number, "item": t.case.item.name, "applicant_name": t.case.applicant_name,
             "name": t.name, "role": t.role, "state": t.state, "due_on": t.due_on,
             "claimed_by": t.claimed_by.display_name if t.claimed_by else None, "case_promised_due": t.case.promised_due}
            for t in rows
        ],
    }  # fmt: skip


@router.post("/tasks/{task_id}/claim", response=dict, summary="签收任务")
def claim(request: HttpRequest, task_id: int) -> dict[str, Any]:
    task = services.task_claim(task_id=task_id, user=request.user)  # type: ignore[arg-type]
    return {"id": task.pk, "state": task.state}


@router.post("/tasks/{task_id}/complete", response=dict, summary="办理任务（同意、退回、不予许可）")
def complete_task(request: HttpRequest, task_id: int, payload: TaskCompleteIn) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    case = services.task_complete(task_id=task_id, user=user, channel=_channel(request), **payload.dict())
    return case_out(selectors.case_get_for(user, case.number or ""), user)


public_router = Router(tags=["办件"])


class ProgressOut(Schema):
    number: str
    item: str
    department: str
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    accepted_at: dt.datetime | None
    promised_due: dt.date | None
    completed_at: dt.datetime | None
    steps: list[dict[str, Any]]


@public_router.get("/progress", response=ProgressOut, summary="办件进度公开查询（免登录）", auth=None)
def progress(
    request: HttpRequest, number: str = Query(..., max_length=40), name: str = Query(..., max_length=200)
) -> dict[str, Any]:
    case = selectors.progress_get(number, name)
    return {
        "number": case.number, "item": case.item.name, "department": case.department.name, "status": case.status,
        "status_label": case.status_label, "submitted_at": case.submitted_at, "accepted_at": case.accepted_at,
        "promised_due": case.promised_due, "completed_at": case.completed_at,
        "steps": [{"at": e.at, "action_label": e.action_label} for e in case.steps],  # type: ignore[attr-defined]
    }  # fmt: skip
