"""Reads of cases: one case for someone allowed to see it, my cases, a department's task list, the public
progress query, and a file behind a case."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, fields
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import timezone

from govhall.catalogue.forms import item_fields, masked_form
from govhall.catalogue.models import MaterialSource, ServiceItem
from govhall.core.errors import NotFound
from govhall.core.selectors import calendar_unconfirmed_years, work_calendar_for
from govhall.identity.models import Department, User
from govhall.identity.permissions import is_staff_member

from ..deadlines import case_deadlines, due_level
from ..documents import correction_due, correction_items, document_links
from ..materials import superseded
from ..models import Case, CaseEvent, CaseMaterial, CaseTask, Upload, uploads_unused
from ..permissions import can_view, case_actions, case_actors, sees_full_personal_data, task_workable
from ..transitions import ACTION_LABELS, Action, Status

# The order of the case page's action boxes; an action the table gains later comes after these.
STAFF_ACTIONS = (
    Action.ACCEPT, Action.REQUEST_CORRECTION, Action.REFUSE, Action.SUSPEND, Action.RESUME, Action.ISSUE,
    Action.COMPLETE,
)  # fmt: skip

PROGRESS_HIDDEN_ACTIONS = ["claim", "task", "verify"]  # internal steps of the approval process
# Guide texts a case page never shows: not loaded with the case's item.
ITEM_GUIDE_FIELDS = [
    f"item__{name}"
    for name in ("legal_basis", "conditions", "process_steps", "place", "office_hours", "faqs", "fee_standard",
                 "fee_basis", "special_procedures", "keywords", "process")
]  # fmt: skip


def case_get_for(user: User, number: str) -> Case:
    """A case the user may see; anyone else gets the same 404 as for a number that does not exist."""
    case = (
        Case.objects.select_related("item", "department", "applicant", "enterprise", "submitted_by", "region")
        .defer(*ITEM_GUIDE_FIELDS)
        .prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.order_by("at", "id")),
            Prefetch(
                "materials", queryset=CaseMaterial.objects.select_related("material", "upload").order_by("id")
            ),
            Prefetch(
                "tasks", queryset=CaseTask.objects.select_related("department", "claimed_by").order_by("id")
            ),
            "suspensions",
        )
        .filter(number=number)
        .first()
    )
    if case is None or not can_view(case, user):
        raise NotFound("未找到该办件", field="number")
    return case


def case_form_shown(case: Case, user: Any) -> dict[str, Any]:
    """The application form as this user may see it: in full for the handling staff, else masked."""
    if sees_full_personal_data(case, user):
        return dict(case.form)
    return masked_form(_case_fields(case), case.form)


def _case_fields(case: Case) -> list[Any]:
    return item_fields(case.item.form_fields, for_enterprise=case.enterprise_id is not None)


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a case's timeline as this viewer reads it."""

    at: dt.datetime
    action: str
    label: str
    actor: str
    channel: str
    channel_label: str
    status: str
    note: str


# What the citizen's timeline leaves out or says in plain words; staff keep every step as recorded.
CITIZEN_HIDDEN_ACTIONS = frozenset({"claim"})  # a member of staff taking a step of the process
CITIZEN_TASK_NOTES = {
    "approve": "“{task}”环节已通过",
    "return": "“{task}”环节退回重新审查",
    "deny": "“{task}”环节不予许可",
}


def case_timeline(case: Case, user: Any) -> list[TimelineEntry]:
    """The timeline: in full for staff; for the applicant side, without the approval process's internal
    steps, and with staff named by their department or hall window."""
    events = list(case.events.all())
    if is_staff_member(user):
        return [_entry(e, e.action_label, e.actor_label, e.note) for e in events]
    return [_citizen_entry(case, e) for e in events if e.action not in CITIZEN_HIDDEN_ACTIONS]


def _entry(e: CaseEvent, label: str, actor: str, note: str) -> TimelineEntry:
    return TimelineEntry(
        at=e.at, action=e.action, label=label, actor=actor, channel=e.channel,
        channel_label=e.get_channel_display(), status=e.to_status, note=note,
    )  # fmt: skip


def _citizen_entry(case: Case, e: CaseEvent) -> TimelineEntry:
    if e.actor_place:
        actor = e.actor_place
    elif e.actor_id is not None and e.actor_id in (case.applicant_id, case.submitted_by_id):
        actor = e.actor_label
    else:  # the approval process, or staff recorded before their place was
        actor = case.department.short_name or case.department.name
    if e.action == "task":
        template = CITIZEN_TASK_NOTES.get(str(e.data.get("decision")), "“{task}”已办理")
        return _entry(e, "部门审查", actor, template.format(task=e.data.get("task", "审查")))
    return _entry(e, e.action_label, actor, e.note)


@dataclass(frozen=True)
class DataCheck:
    """共享数据核验 on the staff case page: a shared-data material, the resource that serves it, what the last
    look-up returned (label, value), and whether this user may look it up now."""

    material: str
    resource_code: str
    resource_name: str
    provider: str
    rows: list[tuple[str, Any]]
    digest: str
    at: dt.datetime | None
    can_lookup: bool


def _data_checks(case: Case, user: Any) -> list[DataCheck]:
    from govhall.sharing.selectors import resource_for_material

    from ..services.lookups import HANDLING, LOOKUP_STATUSES

    may = bool(case_actors(case, user) & HANDLING) and case.status in LOOKUP_STATUSES
    snapshots = {s.resource_code: s for s in case.data_snapshots.order_by("at", "id")}  # the latest wins
    checks = []
    for material in case.item.materials.filter(source=MaterialSource.SHARED_DATA).order_by("position", "id"):
        resource = resource_for_material(material.source_ref)
        if resource is None:
            continue
        snapshot = snapshots.get(resource.code)
        names = dict(resource.data_items.values_list("key", "name"))
        rows = [(names.get(k, k), v) for k, v in snapshot.data.items()] if snapshot else []
        checks.append(
            DataCheck(
                material=material.name, resource_code=resource.code, resource_name=resource.name,
                provider=resource.provider.name, rows=rows, digest=snapshot.digest if snapshot else "",
                at=snapshot.at if snapshot else None, can_lookup=may,
            )
        )  # fmt: skip
    return checks


@dataclass(frozen=True)
class CasePage:
    """What the case page shows one user."""

    case: Case
    form_rows: list[tuple[str, Any]]
    staff_actions: list[tuple[Action, str]]
    my_tasks: list[CaseTask]  # the live steps this user may act on
    next_steps: list[CaseTask]  # the other live steps: who the case waits for
    opinions: list[CaseTask]  # the reviews' opinions (objections first), for the decision step
    can_resubmit: bool
    can_withdraw: bool
    correction: CaseEvent | None
    level: str
    legal_level: str
    documents: list[tuple[str, str]]
    is_staff_view: bool
    replaced: set[int]
    gap_choices: list[dict[str, Any]]  # 容缺受理: the accept box's tolerable materials not handed in
    gap_latest: dt.date | None  # the latest due date a gap may have: the promised due if accepted today
    correction_items: list[dict[str, Any]]
    correction_due: dt.date | None
    correction_material_ids: set[int]
    clock_paused: bool
    current_materials: list[CaseMaterial]
    superseded_materials: list[CaseMaterial]
    timeline: list[TimelineEntry]
    data_checks: list[DataCheck]

    def context(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def case_page_get(*, user: User, number: str) -> CasePage:
    case = case_get_for(user, number)
    offered = case_actions(case, user)
    shown = case_form_shown(case, user)
    today = timezone.localdate()
    live = [t for t in case.tasks.all() if t.state in ("open", "claimed")]
    mine = [t for t in live if task_workable(t, user)]
    correction = _latest_correction(case)
    replaced = superseded(case.materials.all())
    to_correct = correction_items(correction) if correction else []
    return CasePage(
        case=case,
        form_rows=[(f.label, shown.get(f.name, "")) for f in _case_fields(case)],
        staff_actions=_staff_actions(offered),
        my_tasks=[t for t in live if t in mine],
        next_steps=[t for t in live if t not in mine] if is_staff_member(user) else [],
        opinions=_review_opinions(case) if any(t.decides for t in mine) else [],
        can_resubmit=Action.RESUBMIT in offered,
        can_withdraw=Action.WITHDRAW in offered,
        correction=correction,
        level=due_level(today, case.promised_due),
        legal_level=due_level(today, case.legal_due),
        documents=document_links(case),
        is_staff_view=is_staff_member(user),
        replaced=replaced,
        **_gap_choices(case, Action.ACCEPT in offered, today),
        correction_items=to_correct,
        correction_material_ids={i["material"] for i in to_correct if i.get("material")},
        correction_due=correction_due(correction) if correction else None,
        clock_paused=any(s.ended_on is None for s in case.suspensions.all()),
        current_materials=[cm for cm in case.materials.all() if cm.pk not in replaced],
        superseded_materials=[cm for cm in case.materials.all() if cm.pk in replaced],
        timeline=case_timeline(case, user),
        data_checks=_data_checks(case, user) if is_staff_member(user) else [],
    )


def _gap_choices(case: Case, accepting: bool, today: dt.date) -> dict[str, Any]:
    """What the accept box offers for 容缺受理: each tolerable material the applicant has not handed in,
    ticked with its due date if it was registered as a gap at the window."""
    if not accepting:
        return {"gap_choices": [], "gap_latest": None}
    handed_in = {cm.material_id for cm in case.materials.all()}
    owed = {o["material"]: o["due"] for o in case.owed_materials}
    latest = promised_due_if_accepted(case.item, today)
    choices = [
        {"material": m, "checked": m.pk in owed, "due": owed.get(m.pk, latest.isoformat())}
        for m in case.item.materials.all()
        if m.tolerable and m.source == MaterialSource.APPLICANT and m.pk not in handed_in
    ]
    return {"gap_choices": choices, "gap_latest": latest}


def promised_due_if_accepted(item: ServiceItem, accepted_on: dt.date) -> dt.date:
    """The promised due date of a case of this item accepted on that day (no suspension yet)."""
    days = max(item.legal_time_limit, item.promised_time_limit)
    return case_deadlines(
        work_calendar_for(accepted_on, days),
        accepted_on=accepted_on,
        promised_days=item.promised_time_limit,
        legal_days=item.legal_time_limit,
        suspended_workdays=0,
    ).promised_due


def _review_opinions(case: Case) -> list[CaseTask]:
    """The latest opinion of each review step and department, objections first."""
    latest: dict[tuple[str, int], CaseTask] = {}
    for t in case.tasks.all():
        if t.state == "done" and not t.decides and t.step != "commitment_verify":
            latest[(t.step, t.department_id)] = t
    return sorted(latest.values(), key=lambda t: (t.decision != "object", t.pk))


def _staff_actions(offered: list[Action]) -> list[tuple[Action, str]]:
    """The offered actions that get an action box; resubmitting and withdrawing have their own forms."""
    boxed = [a for a in offered if a not in (Action.RESUBMIT, Action.WITHDRAW)]
    order = {a: i for i, a in enumerate(STAFF_ACTIONS)}
    return [(a, ACTION_LABELS[a]) for a in sorted(boxed, key=lambda a: order.get(a, len(order)))]


def _latest_correction(case: Case) -> CaseEvent | None:
    if case.status != Status.CORRECTION:
        return None
    return latest_correction_event(case)


def latest_correction_event(case: Case) -> CaseEvent | None:
    """The case's last correction request (一次性告知), whatever the case's state now."""
    corrections = [e for e in case.events.all() if e.action == Action.REQUEST_CORRECTION]
    return corrections[-1] if corrections else None


def case_item_for(user: User, number: str) -> ServiceItem | None:
    """The item of a case the user may see (its materials name the page's file inputs), else None."""
    case = Case.objects.select_related("item").filter(number=number).first()
    return case.item if case is not None and can_view(case, user) else None


def cases_of(user: User) -> QuerySet[Case]:
    """The applicant's cases (their own, and those applied for them at a window), newest first."""
    return (
        Case.objects.filter(applicant_id=user.pk)
        .select_related("item", "department")
        .order_by("-created_at", "-id")
    )


def tasks_for(user: User, *, include_done: bool = False) -> QuerySet[CaseTask]:
    """The open tasks of the user's department for the roles they hold, earliest due first."""
    if not is_staff_member(user) or user.department_id is None:
        return CaseTask.objects.none()
    roles = [r for r in ("approver", "department_head") if user.has_role(r)]
    if "department_head" in roles:
        roles.append("approver")
    states = ["open", "claimed", "done"] if include_done else ["open", "claimed"]
    return (
        CaseTask.objects.filter(department_id=user.department_id, state__in=states, role__in=roles)
        .select_related("case", "case__item", "claimed_by")
        .order_by("due_on", "created_at", "id")
    )


@functools.cache
def _progress_sql() -> str:
    case, event = Case._meta.db_table, CaseEvent._meta.db_table
    item, department = ServiceItem._meta.db_table, Department._meta.db_table
    hidden = ", ".join(f"'{action}'" for action in PROGRESS_HIDDEN_ACTIONS)
    return (
        "SELECT c.number, c.status, c.applicant_name, c.submitted_at, c.accepted_at, c.promised_due,"
        " c.completed_at, i.name, d.name, e.at, e.action"
        f" FROM {case} c JOIN {item} i ON i.id = c.item_id JOIN {department} d ON d.id = c.department_id"
        f" LEFT JOIN {event} e ON e.case_id = c.id AND e.action NOT IN ({hidden})"
        " WHERE c.number = %s ORDER BY e.at, e.id"
    )


def _aware(value: Any) -> Any:
    """SQLite hands a written-out query's timestamps back naive (in UTC); PostgreSQL already aware."""
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value, dt.UTC)
    return value


def progress_get(number: str, name: str) -> Case:
    """The public progress query: the number and the applicant's name must both match, else 404.

    The busiest public read, so one written-out statement (the ORM spent five times the query's own CPU
    composing it): the case's shown columns with one row per shown step. The answer is built as unsaved
    model objects, so pages and the API read it like a loaded case; its steps are ``case.steps``."""
    with connection.cursor() as cursor:
        cursor.execute(_progress_sql(), [number.strip()])
        rows = cursor.fetchall()
    if not rows or not name.strip() or rows[0][2] != name.strip():
        raise NotFound("未查询到该办件，请核对办件编号和申请人名称", field="number")
    (
        number,
        status,
        applicant_name,
        submitted_at,
        accepted_at,
        promised_due,
        completed_at,
        item,
        department,
    ) = rows[0][:9]
    case = Case(
        number=number, status=status, applicant_name=applicant_name, submitted_at=_aware(submitted_at),
        accepted_at=_aware(accepted_at), promised_due=promised_due, completed_at=_aware(completed_at),
        item=ServiceItem(name=item), department=Department(name=department),
    )  # fmt: skip
    case.steps = [CaseEvent(at=_aware(at), action=action) for *_, at, action in rows if action is not None]  # type: ignore[attr-defined]
    return case


def case_file(user: User, number: str, material_id: int) -> Upload:
    """The file of one of a case's materials (免提交 materials have none)."""
    case = case_get_for(user, number)
    found = (
        CaseMaterial.objects.select_related("upload", "material").filter(case=case, pk=material_id).first()
    )
    if found is None or found.upload is None:
        raise NotFound("未找到该材料文件", field="material")
    return found.upload


def acceptance_queue(user: User) -> QuerySet[Case]:
    """Submitted cases waiting for acceptance that this staff member may accept: any item of the region
    for a window clerk (全域通办), their own department's items for approvers."""
    return _staff_queue(user, Status.SUBMITTED).order_by("submitted_at", "id")


def issue_queue(user: User) -> QuerySet[Case]:
    """Decided cases waiting for their result to be issued (统一窗口出件): the region's for a window clerk,
    their own department's for approvers; the longest decided first."""
    return _staff_queue(user, Status.DECIDED).order_by("decided_at", "id")


QUEUES = {"acceptance": acceptance_queue, "issue": issue_queue}


def _staff_queue(user: User, status: Status) -> QuerySet[Case]:
    from govhall.identity.models import StaffRole
    from govhall.identity.selectors import region_subtree_codes

    if not is_staff_member(user):
        return Case.objects.none()
    queryset = Case.objects.filter(status=status).select_related("item", "department")
    if user.has_role(StaffRole.WINDOW_CLERK):
        region = user.region_id or (user.department.region_id if user.department else None)
        return queryset.filter(region_id__in=region_subtree_codes(region)) if region else queryset.none()
    if user.has_role(StaffRole.APPROVER, StaffRole.DEPARTMENT_HEAD) and user.department_id:
        return queryset.filter(department_id=user.department_id)
    return queryset.none()


def draft_get(user: User, draft_id: int) -> Case | None:
    """One of the user's own drafts, or None."""
    return Case.objects.filter(pk=draft_id, submitted_by_id=user.pk, status=Status.DRAFT).first()


def deadlines_estimated(case: Case) -> bool:
    """Whether a due date of the case was counted on estimated working days (a year not yet published)."""
    dues = [d for d in (case.promised_due, case.legal_due) if d is not None]
    if not dues or case.accepted_at is None:
        return False
    return bool(calendar_unconfirmed_years(timezone.localdate(case.accepted_at), max(dues)))


def upload_unused_counts() -> dict[str, int]:
    """Uploads no case or draft uses: how many and how large, and how many are old enough for the cleanup."""
    cutoff = timezone.now() - dt.timedelta(hours=settings.UPLOAD_ORPHAN_HOURS)
    unused = uploads_unused()
    totals = unused.aggregate(files=Count("pk"), size=Sum("size"))
    return {
        "files": totals["files"],
        "bytes": totals["size"] or 0,
        "due": unused.filter(created_at__lt=cutoff).count(),
    }


__all__ = [
    "CITIZEN_HIDDEN_ACTIONS",
    "CITIZEN_TASK_NOTES",
    "ITEM_GUIDE_FIELDS",
    "PROGRESS_HIDDEN_ACTIONS",
    "QUEUES",
    "STAFF_ACTIONS",
    "CasePage",
    "DataCheck",
    "TimelineEntry",
    "acceptance_queue",
    "case_file",
    "case_form_shown",
    "case_get_for",
    "case_item_for",
    "case_page_get",
    "case_timeline",
    "cases_of",
    "deadlines_estimated",
    "draft_get",
    "issue_queue",
    "latest_correction_event",
    "progress_get",
    "promised_due_if_accepted",
    "tasks_for",
    "upload_unused_counts",
]
