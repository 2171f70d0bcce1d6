"""Who may act on a case, and who may see it: the applicant side, and staff by role, department and region."""

from __future__ import annotations

from typing import Any

from govhall.identity.models import StaffRole, User
from govhall.identity.permissions import is_staff_member, staff_with
from govhall.identity.selectors import region_subtree_codes

from .models import Case, CaseTask
from .transitions import TRANSITIONS, Action, Actor, Status


def _in_region(user: User, case: Case) -> bool:
    region = user.region_id or (user.department.region_id if user.department else None)
    return region is not None and case.region_id in region_subtree_codes(region)


def _task_departments(case: Case) -> set[int]:
    return set(case.tasks.values_list("department_id", flat=True))


def case_actors(case: Case, user: Any) -> set[Actor]:
    """The parts of the transition table this user may play on this case."""
    if not getattr(user, "is_authenticated", False):
        return set()
    actors: set[Actor] = set()
    if is_applicant_side(case, user):
        actors.add(Actor.APPLICANT)
    if not is_staff_member(user):
        return actors
    if user.department_id is not None and user.has_role(StaffRole.APPROVER, StaffRole.DEPARTMENT_HEAD):
        if user.department_id == case.department_id:  # the lead department handles the case
            actors |= {Actor.HANDLING_STAFF, Actor.ACCEPTING_STAFF}
        elif user.department_id in _task_departments(
            case
        ):  # a co-reviewer or the higher level: its step only
            actors.add(Actor.REVIEWING_STAFF)
    if user.has_role(StaffRole.WINDOW_CLERK) and _in_region(user, case):
        actors |= {Actor.ACCEPTING_STAFF, Actor.WINDOW}
    return actors


def case_actions(case: Case, user: Any) -> list[Action]:
    """What this user may do on this case now, read from the transition table: every row leaving the case's
    status that names a part the user plays. Rows only the approval process takes (作出审批决定) are never
    offered to a person. The API's ``actions`` and the case page's buttons both come from here."""
    actors = case_actors(case, user)
    status = Status(case.status)
    return [
        action for (from_status, action), (_, allowed) in TRANSITIONS.items()
        if from_status == status and allowed & actors and _offered(case, action)
    ]  # fmt: skip


def _offered(case: Case, action: Action) -> bool:
    """A waiting case of a bundle is started by hand only once paused (a predecessor failed)."""
    return action != Action.START or bool(case.bundle_hold)


def is_applicant_side(case: Case, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk in (case.applicant_id, case.submitted_by_id):
        return True
    return (
        case.enterprise_id is not None
        and user.enterprise_memberships.filter(enterprise_id=case.enterprise_id).exists()
    )


def can_view(case: Case, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if case_actors(case, user):
        return True
    return staff_with(user, StaffRole.SUPERVISOR) and _in_region(user, case)


def sees_full_personal_data(case: Case, user: Any) -> bool:
    """Staff who handle the case need full ID and phone numbers; everyone else sees them masked."""
    staff = {Actor.HANDLING_STAFF, Actor.ACCEPTING_STAFF, Actor.WINDOW, Actor.REVIEWING_STAFF}
    return bool(case_actors(case, user) & staff)


def task_workable(task: CaseTask, user: Any) -> bool:
    """Whether the user may act on this task now: a live task of their department, the head's role for a
    head's step, and not reserved by a colleague."""
    if not is_staff_member(user) or user.department_id != task.department_id:
        return False
    if task.state not in (CaseTask.State.OPEN, CaseTask.State.CLAIMED):
        return False
    if task.state == CaseTask.State.CLAIMED and task.claimed_by_id != user.pk:
        return False
    if task.role == StaffRole.DEPARTMENT_HEAD:
        return bool(user.has_role(StaffRole.DEPARTMENT_HEAD))
    return bool(user.has_role(StaffRole.APPROVER, StaffRole.DEPARTMENT_HEAD))
