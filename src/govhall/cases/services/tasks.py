"""The process's user tasks as CaseTask rows: mirrored from the engine, claimed and completed by approvers."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from govhall.catalogue.processes import ProcessInvalid
from govhall.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from govhall.core.selectors import work_calendar_for
from govhall.identity.models import Department, StaffRole, User
from govhall.identity.permissions import is_staff_member

from .. import workflow
from ..models import Case, CaseTask, Channel
from ..transitions import Status
from .timeline import case_lock, decide_by_engine, event_write


def tasks_sync(case: Case) -> None:
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


def tasks_cancel(case: Case) -> None:
    case.tasks.filter(state__in=[CaseTask.State.OPEN, CaseTask.State.CLAIMED]).update(
        state=CaseTask.State.CANCELLED
    )


def _check_task_user(task: CaseTask, user: User) -> None:
    if not is_staff_member(user) or user.department_id != task.department_id:
        raise NotFound("未找到该审批任务", field="task")
    if task.role == StaffRole.DEPARTMENT_HEAD and not user.has_role(StaffRole.DEPARTMENT_HEAD):
        raise PermissionDenied("该环节须由部门负责人办理", field="task")
    if not user.has_role(StaffRole.APPROVER, StaffRole.DEPARTMENT_HEAD):
        raise PermissionDenied("只有审批人员可以办理审批任务", field="task")


def task_unavailable(task: CaseTask) -> str:
    """Why a task can no longer be claimed or worked, in words (its state labels are a list's column)."""
    if task.state == CaseTask.State.CLAIMED:
        return "该任务已由他人签收办理"
    if task.state == CaseTask.State.DONE:
        return "该任务已办理完毕"
    return "该任务已取消"


def _task_lock(task_id: int, user: User) -> CaseTask:
    task = CaseTask.objects.select_for_update().select_related("case").filter(pk=task_id).first()
    if task is None:
        raise NotFound("未找到该审批任务", field="task")
    _check_task_user(task, user)
    return task


def task_claim(*, task_id: int, user: User, channel: str = Channel.DEPARTMENT) -> CaseTask:
    with transaction.atomic():
        task = _task_lock(task_id, user)
        if task.state == CaseTask.State.CLAIMED and task.claimed_by_id == user.pk:
            return task
        if task.state != CaseTask.State.OPEN:
            raise Conflict(task_unavailable(task), field="task", code="task_taken")
        task.state, task.claimed_by = CaseTask.State.CLAIMED, user
        task.save(update_fields=["state", "claimed_by"])
        status = task.case.status
        event_write(task.case, user, "claim", status, status, channel, note=f"签收“{task.name}”")
    return task


DECISION_LABELS = {"approve": "同意", "deny": "不予许可", "return": "退回上一环节"}


def _check_opinion(decision: str, opinion: str, legal_basis: str) -> None:
    if decision not in DECISION_LABELS:
        raise ValidationFailed(
            "办理意见类型应为 approve（同意）、deny（不予许可）或 return（退回）", field="decision"
        )
    if decision != "approve" and not opinion:
        raise ValidationFailed("退回或不予许可时须填写理由", field="opinion")
    if decision == "deny" and not legal_basis:
        raise ValidationFailed("不予许可须写明法律依据", field="legal_basis")


def _check_workable(task: CaseTask, case: Case, user: User) -> None:
    if task.state not in (CaseTask.State.OPEN, CaseTask.State.CLAIMED):
        raise Conflict(task_unavailable(task), field="task", code="task_done")
    if task.state == CaseTask.State.CLAIMED and task.claimed_by_id != user.pk:
        raise Conflict("该任务已由他人签收办理", field="task", code="task_taken")
    if case.status != Status.ACCEPTED:
        raise Conflict(
            f"办件当前状态为“{case.status_label}”，不能办理审批任务",
            field="status",
            code="invalid_transition",
        )


def _advance_process(case: Case, task: CaseTask, decision: str, channel: str) -> None:
    """Approve (the process moves on) or return (to the previous step); decided when the process ends."""
    if decision == "return":
        try:
            case.workflow_state = workflow.return_to_previous(case.workflow_state, task.task_id)
        except ProcessInvalid as exc:
            raise Conflict(str(exc), field="decision", code="cannot_return") from exc
    else:
        case.workflow_state = workflow.complete(case.workflow_state, task.task_id, {"decision": decision})
    case.save(update_fields=["workflow_state"])
    tasks_sync(case)
    if workflow.is_finished(case.workflow_state):
        decide_by_engine(case, "approve", channel)


def task_complete(
    *,
    task_id: int,
    user: User,
    decision: str,
    opinion: str,
    legal_basis: str = "",
    channel: str = Channel.DEPARTMENT,
) -> Case:
    """Complete a process task: approve (the process moves on), return (to the previous step) or deny."""
    opinion, legal_basis = (opinion or "").strip(), (legal_basis or "").strip()
    _check_opinion(decision, opinion, legal_basis)
    with transaction.atomic():
        task = _task_lock(task_id, user)
        case = case_lock(task.case.number or "")
        _check_workable(task, case, user)
        task.state, task.completed_at, task.completed_by = CaseTask.State.DONE, timezone.now(), user
        task.decision, task.opinion = decision, opinion[:2000]
        task.save()
        note = f"{task.name}：{DECISION_LABELS[decision]}。{opinion}".rstrip("。")
        data = {"task": task.name, "decision": decision}
        event_write(case, user, "task", case.status, case.status, channel, note=note, data=data)
        if decision == "deny":
            tasks_cancel(case)
            note = f"不予许可：{opinion}（依据：{legal_basis}）"
            decide_by_engine(case, "deny", channel, note=note, data={"legal_basis": legal_basis})
        else:
            _advance_process(case, task, decision, channel)
    return case
