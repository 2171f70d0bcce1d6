"""Every write on cases: uploads, submission, the transitions of the state machine, and process tasks.

``case_act`` is the one place where the transition table is enforced: it locks the case row, checks the
table for what the user may play on this case, applies the action, and writes the timeline event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from govhall.catalogue.forms import clean_form, item_fields
from govhall.catalogue.models import CaseKind, Material, MaterialSource, Requirement, ServiceItem
from govhall.catalogue.processes import ProcessInvalid, template
from govhall.catalogue.selectors import item_for_application
from govhall.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from govhall.core.selectors import work_calendar_for
from govhall.identity.models import AccountKind, Department, Enterprise, StaffRole, User, Window
from govhall.notices.services import notify_milestone

from . import workflow
from .deadlines import case_deadlines, suspension_workdays
from .models import Case, CaseEvent, CaseMaterial, CaseTask, Channel, Suspension, Upload
from .numbering import next_case_number
from .permissions import case_actors
from .transitions import Action, Actor, Status, TransitionRefused, next_status
from .uploads import ALLOWED, sniff_content_type

# ---- uploads ------------------------------------------------------------------------------------------


def upload_store(*, owner: User, name: str, data: bytes) -> Upload:
    """Keep an uploaded file if its content is an allowed type and it is within the size limit."""
    limit = settings.UPLOAD_MAX_MB * 1024 * 1024
    if not data:
        raise ValidationFailed("上传的文件是空的", field="file")
    if len(data) > limit:
        raise ValidationFailed(f"文件超过{settings.UPLOAD_MAX_MB}MB，请压缩后再上传", field="file")
    content_type = sniff_content_type(data[:8192], data)
    if content_type is None:
        allowed = "、".join(ALLOWED.values())
        raise ValidationFailed(f"文件内容不是允许的格式（{allowed}），请检查文件", field="file")
    today = timezone.localdate()
    relative = f"uploads/{today:%Y/%m}/{uuid.uuid4().hex}"
    target = settings.MEDIA_ROOT / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return Upload.objects.create(
        owner=owner,
        original_name=(name or "file")[-200:],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        path=relative,
    )


# ---- submission ---------------------------------------------------------------------------------------


def resolve_applicant(user: User, on_behalf_of: str | None) -> User:
    if not on_behalf_of:
        return user
    if not (user.kind == AccountKind.STAFF and user.has_role(StaffRole.WINDOW_CLERK)):
        raise PermissionDenied("只有综合窗口（帮办代办）人员可以代他人申请", field="on_behalf_of")
    from govhall.identity.selectors import user_find_by_login

    applicant = user_find_by_login(on_behalf_of)
    if applicant is None or applicant.kind != AccountKind.CITIZEN:
        raise ValidationFailed("申请人尚未注册，请先为其注册个人账户", field="on_behalf_of")
    return applicant


def _resolve_enterprise(
    applicant: User, actor: User, uscc: str | None, item: ServiceItem
) -> Enterprise | None:
    if not uscc:
        if item.for_enterprise and not item.for_person:
            raise ValidationFailed("本事项面向法人，请选择申请单位", field="enterprise")
        return None
    enterprise = Enterprise.objects.filter(uscc=uscc.strip().upper()).first()
    if enterprise is None:
        raise ValidationFailed("申请单位不存在", field="enterprise")
    members = enterprise.memberships.filter(user__in=[applicant, actor])
    if actor.kind != AccountKind.STAFF and not members.exists():
        raise PermissionDenied("您不是该单位的授权经办人", field="enterprise")
    return enterprise


def _check_materials(
    item: ServiceItem, owner_ids: set[int], pairs: Iterable[tuple[int, str]]
) -> list[tuple[Material, Upload]]:
    materials = {m.pk: m for m in item.materials.all()}
    pairs = list(pairs)
    uploads = {str(u.pk): u for u in Upload.objects.filter(pk__in=[_uuid(u) for _, u in pairs])}
    chosen: list[tuple[Material, Upload]] = []
    for material_id, upload_id in pairs:
        material = materials.get(material_id)
        if material is None:
            raise ValidationFailed(f"材料编号{material_id}不属于本事项", field="materials")
        upload = uploads.get(str(_uuid(upload_id)))
        if upload is None or upload.owner_id not in owner_ids:
            raise ValidationFailed(f"“{material.name}”的上传文件不存在", field="materials")
        chosen.append((material, upload))
    total = sum(u.size for _, u in chosen)
    if total > settings.CASE_UPLOAD_MAX_MB * 1024 * 1024:
        raise ValidationFailed(f"本次申请的文件合计超过{settings.CASE_UPLOAD_MAX_MB}MB", field="materials")
    return chosen


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def missing_materials(item: ServiceItem, provided: Iterable[Material]) -> list[Material]:
    """Required materials the applicant must hand in (e-licences and shared data come by themselves)."""
    have = {m.pk for m in provided}
    return [
        m
        for m in item.materials.all()
        if m.requirement == Requirement.REQUIRED and m.source == MaterialSource.APPLICANT and m.pk not in have
    ]


def request_digest(payload: Any) -> str:
    import json

    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def case_submit(
    *,
    user: User,
    item_code: str,
    form: dict[str, Any],
    materials: list[tuple[int, str]],
    channel: str = Channel.WEB,
    on_behalf_of: str | None = None,
    enterprise_uscc: str | None = None,
    window: Window | None = None,
    idempotency_key: str | None = None,
    digest: str = "",
) -> tuple[Case, bool]:
    """Submit an application; returns the case and whether it was created (False: an idempotent retry).

    The case number is drawn before the submission's transaction, in a statement of its own: every
    submission of a region and day takes the same counter row, and its lock is then held for that one
    statement, not for the whole submission. A submission failing after that leaves a gap in the day's
    numbers (an idempotent retry is recognised before, and takes none)."""
    if idempotency_key:
        existing = _submitted_with_key(user, idempotency_key)
        if existing is not None:
            return _idempotent(existing, digest)
    item = item_for_application(item_code)
    applicant = resolve_applicant(user, on_behalf_of)
    enterprise = _resolve_enterprise(applicant, user, enterprise_uscc, item)
    fields = item_fields(item.form_fields, for_enterprise=enterprise is not None)
    cleaned = clean_form(fields, form)
    chosen = _check_materials(item, {user.pk, applicant.pk}, materials)
    missing = missing_materials(item, [m for m, _ in chosen])
    if missing:
        names = "、".join(m.name for m in missing)
        raise ValidationFailed(f"缺少必要材料：{names}", field="materials")
    now = timezone.now()
    region = window.hall.region_id if window else item.region_id
    number = next_case_number(region, timezone.localdate(now))
    try:
        with transaction.atomic():
            case = _create_submitted(
                item, user, applicant, enterprise, cleaned, chosen, channel, window, (now, region, number),
                (idempotency_key, digest),
            )  # fmt: skip
    except IntegrityError:
        existing = _submitted_with_key(user, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return _idempotent(existing, digest)
    return case, True


def _submitted_with_key(user: User, key: str) -> Case | None:
    """The case this user submitted with this Idempotency-Key (at most one: a unique index), light: a
    retry's answer loads the case again by its number."""
    found = Case.objects.filter(submitted_by=user, idempotency_key=key).only("number", "request_digest")[:1]
    return found[0] if found else None


def _idempotent(existing: Case, digest: str) -> tuple[Case, bool]:
    if existing.request_digest != digest:
        raise Conflict(
            "该 Idempotency-Key 已用于另一份不同的申请", field="Idempotency-Key", code="idempotency_conflict"
        )
    return existing, False


def _create_submitted(
    item: ServiceItem,
    actor: User,
    applicant: User,
    enterprise: Enterprise | None,
    form: dict[str, Any],
    chosen: list[tuple[Material, Upload]],
    channel: str,
    window: Window | None,
    numbered: tuple[dt.datetime, str, str],
    idempotency: tuple[str | None, str] = (None, ""),
) -> Case:
    now, region, number = numbered
    case = Case(
        item=item,
        department=item.department,
        region_id=region,
        applicant=applicant,
        enterprise=enterprise,
        applicant_name=enterprise.name if enterprise else applicant.display_name,
        submitted_by=actor,
        window=window,
        channel=channel,
        status=Status.SUBMITTED,
        submitted_at=now,
        number=number,
        idempotency_key=idempotency[0],
        request_digest=idempotency[1],
    )
    case.form = form
    case.save()
    materials = CaseMaterial.objects.bulk_create(
        [CaseMaterial(case=case, material=m, upload=u) for m, u in chosen]
    )
    note = "" if actor == applicant else f"由{actor.display_name}代为申请"
    event = _event(case, actor, Action.SUBMIT, Status.DRAFT, Status.SUBMITTED, channel, note=note)
    # What a new case has is in hand: the answer to the submission reads it from here, not the database.
    _remember(case, materials=materials, events=[event], tasks=[], suspensions=[])
    return case


def _remember(case: Case, **related: list[Any]) -> None:
    """Fill the case's related-object caches the way prefetch_related does, from objects already in hand."""
    cache: dict[str, Any] = {}
    for name, objects in related.items():
        queryset = getattr(case, name).all()
        queryset._result_cache = list(objects)
        queryset._prefetch_done = True
        cache[name] = queryset
    case._prefetched_objects_cache = cache  # type: ignore[attr-defined]


# ---- transitions --------------------------------------------------------------------------------------


def _event(
    case: Case,
    user: User | None,
    action: Action | str,
    from_status: str,
    to_status: str,
    channel: str,
    *,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    label = user.display_name if user else "审批流程"
    if user is not None and user.kind == AccountKind.STAFF and user.department is not None:
        label = f"{user.department.short_name or user.department.name} {user.display_name}"
    event = CaseEvent.objects.create(
        case=case,
        actor=user,
        actor_label=label[:100],
        channel=channel,
        action=str(action),
        from_status=str(from_status),
        to_status=str(to_status),
        note=note,
        data=data or {},
    )
    _notify(case, event)
    return event


def _notify(case: Case, event: CaseEvent) -> None:
    """Milestones reach the applicant as an in-site message and an SMS, written in this transaction."""
    delivery = ""
    if event.action == Action.ISSUE:
        delivery = (
            f"已通过{case.delivery.get('carrier', '')}寄出，单号{case.delivery.get('tracking_number', '')}"
            if case.delivery.get("method") == "express"
            else "请到统一出件窗口领取"
        )
    notify_milestone(
        recipient=case.applicant,
        event_id=event.pk,
        action=event.action,
        number=case.number or "",
        item=case.item.name,
        due=f"{case.promised_due:%Y年%m月%d日}" if case.promised_due else "",
        delivery=delivery,
    )


def _lock(number: str) -> Case:
    case = Case.objects.select_for_update().select_related("item", "department").filter(number=number).first()
    if case is None:
        raise NotFound("未找到该办件", field="number")
    return case


def case_act(
    *, number: str, user: User | None, action: Action, channel: str = Channel.WEB, **details: Any
) -> Case:
    """Take an action on a case, as the transition table allows; one transaction, one timeline event."""
    with transaction.atomic():
        case = _lock(number)
        actors = {Actor.ENGINE} if user is None else case_actors(case, user)
        if user is not None and not actors:
            raise NotFound("未找到该办件", field="number")  # nothing of this case is theirs to see
        _apply(case, user, Action(action), actors, channel, details)
    return case


def _transition(case: Case, action: Action, actors: set[Actor]) -> tuple[Status, Status]:
    current = Status(case.status)
    previous = Status.ACCEPTED if case.accepted_at else Status.SUBMITTED
    try:
        target = next_status(current, action, actors, previous=previous)
    except TransitionRefused as exc:
        if exc.forbidden:
            raise PermissionDenied(exc.reason, field="status", code="not_allowed") from exc
        raise Conflict(exc.reason, field="status", code="invalid_transition") from exc
    case.status = target
    return current, target


def _apply(
    case: Case, user: User | None, action: Action, actors: set[Actor], channel: str, details: dict[str, Any]
) -> None:
    handler = _HANDLERS[action]
    before, after = _transition(case, action, actors)
    note, data = handler(case, user, channel, details)
    case.save()
    _event(case, user, action, before, after, channel, note=note, data=data)
    if action == Action.ACCEPT:
        _after_accept(case, user, channel, details)


def _required(details: dict[str, Any], name: str, label: str) -> str:
    value = str(details.get(name) or "").strip()
    if not value:
        raise ValidationFailed(f"请填写{label}", field=name)
    if len(value) > 2000:
        raise ValidationFailed(f"{label}不能超过2000个字符", field=name)
    return value


def _on_accept(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    now = timezone.now()
    case.accepted_at, case.accepted_on = now, timezone.localdate(now)
    owed = [_owed(case, gap) for gap in details.get("tolerated_gaps") or []]
    case.owed_materials = owed
    _recompute_dues(case)
    parts = []
    if owed:
        parts.append("容缺受理：" + "；".join(f"{g['name']}（{g['due']}前补交）" for g in owed))
    if details.get("commitment"):
        if not case.item.commitment_allowed:
            raise ValidationFailed("本事项不适用告知承诺制", field="commitment")
        parts.append("告知承诺：申请人已签署承诺书")
    return "；".join(parts), {"tolerated_gaps": owed, "commitment": bool(details.get("commitment"))}


def _owed(case: Case, gap: dict[str, Any]) -> dict[str, Any]:
    material = case.item.materials.filter(pk=_int(gap.get("material"))).first()
    if material is None:
        raise ValidationFailed("容缺的材料不属于本事项", field="tolerated_gaps")
    if material.requirement == Requirement.REQUIRED and material.position == 0:
        raise ValidationFailed(f"“{material.name}”是主要材料，不能容缺", field="tolerated_gaps")
    try:
        due = dt.date.fromisoformat(str(gap.get("due")))
    except ValueError:
        raise ValidationFailed("容缺材料的补交日期应为 YYYY-MM-DD", field="tolerated_gaps") from None
    if due <= timezone.localdate():
        raise ValidationFailed("容缺材料的补交日期应晚于今天", field="tolerated_gaps")
    return {"material": material.pk, "name": material.name, "due": due.isoformat()}


def _after_accept(case: Case, user: User | None, channel: str, details: dict[str, Any]) -> None:
    """Start the approval process; an instant item, or one approved on commitment, is decided at once."""
    if details.get("commitment"):
        _decide(case, "approve", channel, note="依申请人承诺作出准予决定（告知承诺制）")
        return
    item = case.item
    xml = item.process or template(item.case_kind)
    data = {
        "item_department": case.department.code,
        "reviewing_departments": [case.department.code, *item.joint_departments],
        "escalation_department": item.escalation_department.code if item.escalation_department else "",
    }
    case.workflow_state = workflow.start(xml, data)
    case.save(update_fields=["workflow_state"])
    _sync_tasks(case)
    if item.case_kind == CaseKind.INSTANT and workflow.is_finished(case.workflow_state):
        _decide(case, "approve", channel, note="即办件当场办结")
        for action in (Action.ISSUE, Action.COMPLETE):
            case_act(number=case.number or "", user=user, action=action, channel=channel, method="window")


def _on_refuse(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    reason = _required(details, "reason", "不予受理的理由")
    basis = _required(details, "legal_basis", "不予受理的法律依据")
    _cancel_tasks(case)
    return f"不予受理：{reason}（依据：{basis}）", {"reason": reason, "legal_basis": basis}


def _on_request_correction(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    items = [str(i).strip() for i in details.get("items") or [] if str(i).strip()]
    if not items:
        raise ValidationFailed("请一次性列明需要补正的全部材料或内容", field="items")
    case.corrections += 1
    if case.accepted_at:
        Suspension.objects.create(
            case=case,
            kind=Suspension.Kind.CORRECTION,
            reason="；".join(items),
            started_on=timezone.localdate(),
        )
    note = f"第{case.corrections}次补正告知：" + "；".join(items)
    return note, {"items": items, "round": case.corrections}


def _on_resubmit(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    added = details.get("materials") or []
    if added:
        chosen = _check_materials(
            case.item, {case.applicant_id, case.submitted_by_id, getattr(user, "pk", 0)}, added
        )
        CaseMaterial.objects.bulk_create(
            [CaseMaterial(case=case, material=m, upload=u) for m, u in chosen], ignore_conflicts=True
        )
    if details.get("form"):
        fields = item_fields(case.item.form_fields, for_enterprise=case.enterprise_id is not None)
        case.form = clean_form(fields, {**case.form, **details["form"]})
    if case.accepted_at:
        _end_suspension(case)
    return "已补正" + (f"，补充材料{len(added)}份" if added else ""), {"materials": len(added)}


def _on_suspend(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    reason = _required(details, "reason", "暂停计时的事由")
    kind = details.get("kind") or Suspension.Kind.OTHER
    if kind not in Suspension.Kind.values or kind == Suspension.Kind.CORRECTION:
        raise ValidationFailed("特别程序类型应为 hearing、expert、inspection 或 other", field="kind")
    Suspension.objects.create(case=case, kind=kind, reason=reason, started_on=timezone.localdate())
    label = Suspension.Kind(kind).label
    return f"启动特别程序（{label}）：{reason}，暂停计时", {"kind": kind, "reason": reason}


def _on_resume(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    reason = _required(details, "reason", "恢复计时的说明")
    days = _end_suspension(case)
    return f"特别程序结束：{reason}；暂停{days}个工作日，办结时限顺延", {"workdays": days}


def _end_suspension(case: Case) -> int:
    open_one = case.suspensions.filter(ended_on__isnull=True).first()
    if open_one is None:
        return 0
    today = timezone.localdate()
    calendar = work_calendar_for(open_one.started_on, (today - open_one.started_on).days + 1)
    open_one.workdays = suspension_workdays(calendar, suspended_on=open_one.started_on, resumed_on=today)
    open_one.ended_on = today
    open_one.save(update_fields=["workdays", "ended_on"])
    case.suspended_workdays += open_one.workdays
    _recompute_dues(case)
    return open_one.workdays


def _recompute_dues(case: Case) -> None:
    item, accepted_on = case.item, case.accepted_on
    if accepted_on is None:
        return
    longest = max(item.legal_time_limit, item.promised_time_limit) + case.suspended_workdays
    dues = case_deadlines(
        work_calendar_for(accepted_on, longest),
        accepted_on=accepted_on,
        promised_days=item.promised_time_limit,
        legal_days=item.legal_time_limit,
        suspended_workdays=case.suspended_workdays,
    )
    case.promised_due, case.legal_due = dues.promised_due, dues.legal_due


def _on_issue(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    method = details.get("method") or "window"
    if method == "window":
        case.delivery = {"method": "window"}
        return "统一窗口出件", case.delivery
    if method != "express":
        raise ValidationFailed("出件方式应为 window（窗口领取）或 express（快递寄送）", field="method")
    delivery = {
        "method": "express",
        "address": _required(details, "address", "寄送地址"),
        "carrier": _required(details, "carrier", "快递公司"),
        "tracking_number": _required(details, "tracking_number", "快递单号"),
    }
    case.delivery = delivery
    return f"快递寄送：{delivery['carrier']} {delivery['tracking_number']}", {
        k: v for k, v in delivery.items() if k != "address"
    }


def _on_complete(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    case.completed_at = timezone.now()
    return "办结", {}


def _on_withdraw(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    _cancel_tasks(case)
    return str(details.get("reason") or "申请人撤回申请")[:500], {}


def _on_decide(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    case.decision, case.decided_at = details["decision"], timezone.now()
    note = details.get("note") or ("准予许可（审批通过）" if case.decision == "approve" else "不予许可")
    return note, {"decision": case.decision}


_HANDLERS = {
    Action.ACCEPT: _on_accept,
    Action.REFUSE: _on_refuse,
    Action.REQUEST_CORRECTION: _on_request_correction,
    Action.RESUBMIT: _on_resubmit,
    Action.SUSPEND: _on_suspend,
    Action.RESUME: _on_resume,
    Action.ISSUE: _on_issue,
    Action.COMPLETE: _on_complete,
    Action.WITHDRAW: _on_withdraw,
    Action.DECIDE: _on_decide,
}


def _decide(
    case: Case, decision: str, channel: str, *, note: str = "", data: dict[str, Any] | None = None
) -> None:
    before, after = _transition(case, Action.DECIDE, {Actor.ENGINE})
    text, extra = _on_decide(case, None, channel, {"decision": decision, "note": note})
    case.save()
    _event(case, None, Action.DECIDE, before, after, channel, note=text, data={**extra, **(data or {})})


# ---- process tasks ------------------------------------------------------------------------------------


def _sync_tasks(case: Case) -> None:
    """Mirror the process's ready user tasks into CaseTask rows (create new ones, cancel vanished ones)."""
    ready = workflow.ready_tasks(case.workflow_state) if case.workflow_state else []
    ready_ids = {t.task_id for t in ready}
    case.tasks.filter(state__in=[CaseTask.State.OPEN, CaseTask.State.CLAIMED]).exclude(
        task_id__in=ready_ids
    ).update(state=CaseTask.State.CANCELLED)
    live = case.tasks.filter(task_id__in=ready_ids, state__in=[CaseTask.State.OPEN, CaseTask.State.CLAIMED])
    known = set(live.values_list("task_id", flat=True))
    new = [t for t in ready if t.task_id not in known]
    if not new:
        return
    departments = {d.code: d for d in Department.objects.filter(code__in={t.department for t in new})}
    today = timezone.localdate()
    calendar = work_calendar_for(today, max(t.budget_days for t in new))
    rows = []
    for t in new:
        department = departments.get(t.department)
        if department is None:
            raise ValidationFailed(f"流程环节“{t.name}”的办理部门“{t.department}”不存在", field="process")
        due = calendar.add_workdays(today, t.budget_days) if t.budget_days else None
        if due and case.promised_due and due > case.promised_due:
            due = case.promised_due
        rows.append(
            CaseTask(
                case=case,
                task_id=t.task_id,
                step=t.step,
                name=t.name,
                department=department,
                role=t.role,
                due_on=due,
            )
        )
    CaseTask.objects.bulk_create(rows)


def _cancel_tasks(case: Case) -> None:
    case.tasks.filter(state__in=[CaseTask.State.OPEN, CaseTask.State.CLAIMED]).update(
        state=CaseTask.State.CANCELLED
    )


def _check_task_user(task: CaseTask, user: User) -> None:
    if user.kind != AccountKind.STAFF or user.department_id != task.department_id:
        raise NotFound("未找到该审批任务", field="task")
    if task.role == StaffRole.DEPARTMENT_HEAD and not user.has_role(StaffRole.DEPARTMENT_HEAD):
        raise PermissionDenied("该环节须由部门负责人办理", field="task")
    if not user.has_role(StaffRole.APPROVER, StaffRole.DEPARTMENT_HEAD):
        raise PermissionDenied("只有审批人员可以办理审批任务", field="task")


def task_claim(*, task_id: int, user: User) -> CaseTask:
    with transaction.atomic():
        task = CaseTask.objects.select_for_update().select_related("case").filter(pk=task_id).first()
        if task is None:
            raise NotFound("未找到该审批任务", field="task")
        _check_task_user(task, user)
        if task.state == CaseTask.State.CLAIMED and task.claimed_by_id == user.pk:
            return task
        if task.state != CaseTask.State.OPEN:
            raise Conflict(f"该任务已{task.get_state_display()}", field="task", code="task_taken")
        task.state, task.claimed_by = CaseTask.State.CLAIMED, user
        task.save(update_fields=["state", "claimed_by"])
        _event(
            task.case,
            user,
            "claim",
            task.case.status,
            task.case.status,
            Channel.WEB,
            note=f"签收“{task.name}”",
        )
    return task


def task_complete(
    *,
    task_id: int,
    user: User,
    decision: str,
    opinion: str,
    legal_basis: str = "",
    channel: str = Channel.WEB,
) -> Case:
    """Complete a process task: approve (the process moves on), return (to the previous step) or deny."""
    if decision not in ("approve", "deny", "return"):
        raise ValidationFailed(
            "办理意见类型应为 approve（同意）、deny（不予许可）或 return（退回）", field="decision"
        )
    opinion = (opinion or "").strip()
    if decision != "approve" and not opinion:
        raise ValidationFailed("退回或不予许可时须填写理由", field="opinion")
    if decision == "deny" and not legal_basis.strip():
        raise ValidationFailed("不予许可须写明法律依据", field="legal_basis")
    with transaction.atomic():
        task = CaseTask.objects.select_for_update().select_related("case").filter(pk=task_id).first()
        if task is None:
            raise NotFound("未找到该审批任务", field="task")
        _check_task_user(task, user)
        case = _lock(task.case.number or "")
        if task.state not in (CaseTask.State.OPEN, CaseTask.State.CLAIMED):
            raise Conflict(f"该任务已{task.get_state_display()}", field="task", code="task_done")
        if task.state == CaseTask.State.CLAIMED and task.claimed_by_id != user.pk:
            raise Conflict("该任务已由他人签收办理", field="task", code="task_taken")
        if case.status != Status.ACCEPTED:
            raise Conflict(
                f"办件当前状态为“{case.status_label}”，不能办理审批任务",
                field="status",
                code="invalid_transition",
            )
        task.state, task.completed_at, task.completed_by = CaseTask.State.DONE, timezone.now(), user
        task.decision, task.opinion = decision, opinion[:2000]
        task.save()
        label = {"approve": "同意", "deny": "不予许可", "return": "退回上一环节"}[decision]
        _event(
            case,
            user,
            "task",
            case.status,
            case.status,
            channel,
            note=f"{task.name}：{label}。{opinion}".rstrip("。"),
            data={"task": task.name, "decision": decision},
        )
        if decision == "deny":
            _cancel_tasks(case)
            _decide(
                case,
                "deny",
                channel,
                note=f"不予许可：{opinion}（依据：{legal_basis.strip()}）",
                data={"legal_basis": legal_basis.strip()},
            )
            return case
        if decision == "return":
            try:
                case.workflow_state = workflow.return_to_previous(case.workflow_state, task.task_id)
            except ProcessInvalid as exc:
                raise Conflict(str(exc), field="decision", code="cannot_return") from exc
        else:
            case.workflow_state = workflow.complete(case.workflow_state, task.task_id, {"decision": decision})
        case.save(update_fields=["workflow_state"])
        _sync_tasks(case)
        if workflow.is_finished(case.workflow_state):
            _decide(case, "approve", channel)
    return case


# ---- drafts -------------------------------------------------------------------------------------------


def case_draft_save(
    *,
    user: User,
    item_code: str | None = None,
    draft_id: int | None = None,
    form: dict[str, Any] | None = None,
    materials: list[tuple[int, str]] | None = None,
    enterprise_uscc: str | None = None,
    on_behalf_of: str | None = None,
) -> Case:
    """Create or update a draft (网上申报 saved half-way): the form may be incomplete, nothing is checked
    beyond types. Only the applicant side edits its drafts."""
    with transaction.atomic():
        if draft_id is None:
            if not item_code:
                raise ValidationFailed("请指定申请的事项", field="item")
            item = item_for_application(item_code)
            applicant = resolve_applicant(user, on_behalf_of)
            enterprise = (
                _resolve_enterprise(applicant, user, enterprise_uscc, item) if enterprise_uscc else None
            )
            window = user.window if applicant != user else None
            case = Case(
                item=item,
                department=item.department,
                region_id=window.hall.region_id if window else item.region_id,
                applicant=applicant,
                enterprise=enterprise,
                applicant_name=enterprise.name if enterprise else applicant.display_name,
                submitted_by=user,
                window=window,
                channel=Channel.WINDOW if applicant != user else Channel.WEB,
                status=Status.DRAFT,
            )
        else:
            found = (
                Case.objects.select_for_update()
                .select_related("item")
                .filter(pk=draft_id, submitted_by=user)
                .first()
            )
            if found is None or found.status != Status.DRAFT:
                raise NotFound("未找到该草稿", field="draft")
            case = found
        fields = item_fields(case.item.form_fields, for_enterprise=case.enterprise_id is not None)
        if form is not None:
            case.form = clean_form(fields, form, partial=True)
        case.save()
        if materials is not None:
            chosen = _check_materials(case.item, {user.pk, case.applicant_id}, materials)
            case.materials.all().delete()
            CaseMaterial.objects.bulk_create(
                [CaseMaterial(case=case, material=m, upload=u) for m, u in chosen]
            )
    return case


def case_draft_submit(*, user: User, draft_id: int, channel: str = Channel.WEB) -> Case:
    """Submit a draft: the full checks of a submission, a case number, and the timeline's first event."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .select_related("item")
            .filter(pk=draft_id, submitted_by=user)
            .first()
        )
        if case is None:
            raise NotFound("未找到该草稿", field="draft")
        before, after = _transition(case, Action.SUBMIT, case_actors(case, user))
        fields = item_fields(case.item.form_fields, for_enterprise=case.enterprise_id is not None)
        case.form = clean_form(fields, case.form)
        missing = missing_materials(
            case.item, [cm.material for cm in case.materials.select_related("material")]
        )
        if missing:
            raise ValidationFailed(f"缺少必要材料：{'、'.join(m.name for m in missing)}", field="materials")
        now = timezone.now()
        case.submitted_at = now
        if case.channel != Channel.WINDOW:
            case.channel = channel
        case.number = next_case_number(case.region_id, timezone.localdate(now))
        case.save()
        _event(case, user, Action.SUBMIT, before, after, channel)
    return case


def case_supply_owed(
    *, number: str, user: User, material_id: int, upload_id: str, channel: str = Channel.WEB
) -> Case:
    """容缺后补: the applicant hands in a material that was tolerated at acceptance; it leaves the owed list."""
    with transaction.atomic():
        case = _lock(number)
        if Actor.APPLICANT not in case_actors(case, user) and Actor.ACCEPTING_STAFF not in case_actors(
            case, user
        ):
            raise NotFound("未找到该办件", field="number")
        owed = [g for g in case.owed_materials if g.get("material") == material_id]
        if not owed:
            raise ValidationFailed("该材料不在容缺后补清单中", field="material")
        if Status(case.status) in (Status.REFUSED, Status.WITHDRAWN, Status.COMPLETED):
            raise Conflict(
                f"办件当前状态为“{case.status_label}”，不能补交材料",
                field="status",
                code="invalid_transition",
            )
        [(material, upload)] = _check_materials(
            case.item, {case.applicant_id, case.submitted_by_id, user.pk}, [(material_id, upload_id)]
        )
        CaseMaterial.objects.create(case=case, material=material, upload=upload)
        case.owed_materials = [g for g in case.owed_materials if g.get("material") != material_id]
        case.save(update_fields=["owed_materials", "updated_at"])
        _event(case, user, "supply", case.status, case.status, channel, note=f"补交容缺材料：{material.name}")
    return case
