"""The process's user tasks as CaseTask rows: mirrored from the engine and completed by approvers.

Review steps (审查, each department's parallel co-review, 本级初审) record an opinion — approve or object,
with reasons — and never decide; only the decision step (the lead department's head, or the higher level
for 上报件) approves or denies, seeing the reviews' objections. An approval on commitment (告知承诺) opens a
verification task (核查) for the item's department; a failed verification revokes the decision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from govhall.catalogue.processes import ProcessInvalid, item_process, step_offsets
from govhall.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from govhall.core.selectors import work_calendar_for
from govhall.identity.models import Department, StaffRole, User
from govhall.identity.permissions import is_staff_member

from .. import workflow
from ..models import Case, CaseTask, Channel
from ..transitions import Status
from .timeline import case_lock, decide_by_engine, event_write, revoke_by_engine

VERIFY_STEP = "commitment_verify"
LIVE = (CaseTask.State.OPEN, CaseTask.State.CLAIMED)
REVIEW_DECISIONS = {"approve": "同意", "object": "有异议", "return": "退回上一环节"}
DECIDING_DECISIONS = {"approve": "同意", "deny": "不予许可", "return": "退回上一环节"}
VERIFY_DECISIONS = {"pass": "核查合格", "fail": "核查不合格"}
DECISION_LABELS = {**REVIEW_DECISIONS, **DECIDING_DECISIONS, **VERIFY_DECISIONS}
VERIFIABLE = (Status.DECIDED, Status.ISSUED, Status.COMPLETED)


def _process_tasks(case: Case) -> QuerySet[CaseTask]:
    return case.tasks.filter(state__in=LIVE).exclude(step=VERIFY_STEP)


def tasks_sync(case: Case) -> None:
    """Mirror the process's ready user tasks into CaseTask rows (create new ones, cancel vanished ones).

    A step falls due its offset in working days after acceptance (the budgets of the steps before it and
    its own, plus the days the clock stood still), so each step is due after the one before it."""
    ready = workflow.ready_tasks(case.workflow_state) if case.workflow_state else []
    ready_ids = {t.task_id for t in ready}
    _process_tasks(case).exclude(task_id__in=ready_ids).update(state=CaseTask.State.CANCELLED)
    known = set(_process_tasks(case).filter(task_id__in=ready_ids).values_list("task_id", flat=True))
    new = [t for t in ready if t.task_id not in known]
    if not new:
        return
    departments = {d.code: d for d in Department.objects.filter(code__in={t.department for t in new})}
    offsets = step_offsets(item_process(case.item))
    start = case.accepted_on or timezone.localdate()
    longest = max(offsets.values(), default=0) + case.suspended_workdays
    calendar = work_calendar_for(start, longest)
    rows = []
    for t in new:
        department = departments.get(t.department)
        if department is None:
            raise ValidationFailed(f"流程环节“{t.name}”的办理部门“{t.department}”不存在", field="process")
        due = None
        if t.budget_days is not None:
            due = calendar.add_workdays(start, offsets.get(t.step, 0) + case.suspended_workdays)
            if case.promised_due and due > case.promised_due:
                due = case.promised_due
        rows.append(
            CaseTask(
                case=case,
                task_id=t.task_id,
                step=t.step,
                name=t.name,
                department=department,
                role=t.role,
                decides=t.decides,
                due_on=due,
            )
        )
    CaseTask.objects.bulk_create(rows)


def tasks_cancel(case: Case) -> None:
    _process_tasks(case).update(state=CaseTask.State.CANCELLED)


def tasks_postpone(case: Case, workdays: int) -> None:
    """The clock stood still for ``workdays``: the live steps fall due that much later, in order."""
    if workdays <= 0:
        return
    live = [t for t in _process_tasks(case) if t.due_on]
    if not live:
        return
    calendar = work_calendar_for(min(t.due_on for t in live if t.due_on), workdays + 30)
    for t in live:
        if t.due_on:
            t.due_on = calendar.add_workdays(t.due_on, workdays)
    CaseTask.objects.bulk_update(live, ["due_on"])


def verification_open(case: Case) -> CaseTask:
    """The 核查 task of an approval on commitment: the item's department, within the configured days."""
    days = int(settings.COMMITMENT_VERIFY_WORKDAYS)
    today = timezone.localdate()
    due = work_calendar_for(today, days).add_workdays(today, days)
    return CaseTask.objects.create(
        case=case,
        task_id=f"verify-{case.pk}",
        step=VERIFY_STEP,
        name="告知承诺核查",
        department=case.department,
        role=StaffRole.APPROVER,
        due_on=due,
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
    """Reserve a task (for a department's own system); the web pages act on a task without this step."""
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


def _check_opinion(task: CaseTask, decision: str, opinion: str, legal_basis: str) -> None:
    if task.step == VERIFY_STEP:
        if decision not in VERIFY_DECISIONS:
            raise ValidationFailed("核查结果应为 pass（核查合格）或 fail（核查不合格）", field="decision")
        if decision == "fail" and not opinion:
            raise ValidationFailed("核查不合格须写明理由", field="opinion")
        return
    if not task.decides and decision not in REVIEW_DECISIONS:
        raise ValidationFailed(
            f"“{task.name}”是审查环节，只能提出审查意见：approve（同意）、object（有异议）或 return（退回），"
            "由决定环节作出决定",
            field="decision",
        )
    if task.decides and decision not in DECIDING_DECISIONS:
        raise ValidationFailed(
            "决定环节的办理意见应为 approve（同意）、deny（不予许可）或 return（退回）", field="decision"
        )
    if decision != "approve" and not opinion:
        raise ValidationFailed("有异议、退回或不予许可时须填写理由", field="opinion")
    if decision == "deny" and not legal_basis:
        raise ValidationFailed("不予许可须写明法律依据", field="legal_basis")


def _check_workable(task: CaseTask, case: Case, user: User) -> None:
    if task.state not in LIVE:
        raise Conflict(task_unavailable(task), field="task", code="task_done")
    if task.state == CaseTask.State.CLAIMED and task.claimed_by_id != user.pk:
        raise Conflict("该任务已由他人签收办理", field="task", code="task_taken")
    allowed = VERIFIABLE if task.step == VERIFY_STEP else (Status.ACCEPTED,)
    if case.status not in allowed:
        raise Conflict(
            f"办件当前状态为“{case.status_label}”，不能办理“{task.name}”",
            field="status",
            code="invalid_transition",
        )


def _advance_process(case: Case, task: CaseTask, decision: str, channel: str) -> None:
    """An opinion or approval (the process moves on) or return (to the previous step); the case is decided
    when the process ends."""
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


def _conclude(
    case: Case, task: CaseTask, decision: str, opinion: str, legal_basis: str, channel: str
) -> None:
    if task.step == VERIFY_STEP:
        if decision == "fail":
            revoke_by_engine(case, channel, note=f"告知承诺核查不合格，撤销准予许可决定：{opinion}")
    elif decision == "deny":
        tasks_cancel(case)
        note = f"不予许可：{opinion}（依据：{legal_basis}）"
        decide_by_engine(case, "deny", channel, note=note, data={"legal_basis": legal_basis})
    else:
        _advance_process(case, task, decision, channel)


MAX_OPINION, MAX_LEGAL_BASIS = 2000, 500


def task_complete(
    *,
    task_id: int,
    user: User,
    decision: str,
    opinion: str,
    legal_basis: str = "",
    channel: str = Channel.DEPARTMENT,
) -> Case:
    """Complete a task: a review's opinion (approve / object / return), the decision step's decision
    (approve / deny / return), or a commitment's verification (pass / fail)."""
    opinion, legal_basis = (opinion or "").strip(), (legal_basis or "").strip()
    if len(opinion) > MAX_OPINION:
        raise ValidationFailed(f"办理意见不能超过{MAX_OPINION}个字符（现{len(opinion)}个）", field="opinion")
    if len(legal_basis) > MAX_LEGAL_BASIS:
        raise ValidationFailed(f"法律依据不能超过{MAX_LEGAL_BASIS}个字符", field="legal_basis")
    with transaction.atomic():
        task = _task_lock(task_id, user)
        _check_opinion(task, decision, opinion, legal_basis)
        case = case_lock(task.case.number or "")
        _check_workable(task, case, user)
        task.state, task.completed_at, task.completed_by = CaseTask.State.DONE, timezone.now(), user
        task.decision, task.opinion = decision, opinion[:2000]
        task.save()
        note = f"{task.name}：{DECISION_LABELS[decision]}。{opinion}"
        data = {"task": task.name, "decision": decision, "decides": task.decides}
        action = "verify" if task.step == VERIFY_STEP else "task"
        event_write(case, user, action, case.status, case.status, channel, note=note.rstrip("。"), data=data)
        _conclude(case, task, decision, opinion, legal_basis, channel)
    return case
