"""Who may take each case action from each status, written from the domain (DESIGN.md's glossary and the
transitions module's docstring), not from ``TRANSITIONS``. The code's table and the permission checks
(``case_actors`` over real users and a real case) must agree with it.

The people:
- applicant: the citizen who applied (or the agent who applied for them);
- clerk: a comprehensive-window clerk of the case's region (前台综合受理, 统一窗口出件);
- approver / head: the item department's approver and head (后台审批);
- joint: an approver of a co-reviewing department with a task in a joint case (联办): sees the case and gives
  its opinion at its own step, and takes no case action — the lead department's case is not theirs to
  suspend, issue or complete;
- outsider: an approver and a head of a department with no part in the case;
- supervisor: 电子监察 of the region — watches, never acts;
- stranger: another citizen.
Nobody decides: the approval process (the engine) does, when its decision step is done; nobody revokes: a
failed verification of an approval on commitment (告知承诺核查) does.
"""

import pytest

from govhall.cases.models import CaseTask
from govhall.cases.permissions import can_view, case_actions, case_actors
from govhall.cases.transitions import TRANSITIONS, Action, Status, TransitionRefused, next_status
from tests.factories import DepartmentFactory, make_citizen, make_staff
from tests.factories.cases import submit

DEPARTMENT = {"approver", "head"}  # the lead (implementing) department
PEOPLE = {
    "applicant",
    "clerk",
    "approver",
    "head",
    "joint",
    "outsider",
    "outsider_head",
    "supervisor",
    "stranger",
}

# (status, action): (next status, who may take it)
DOMAIN: dict[tuple[Status, Action], tuple[Status | str, set[str]]] = {
    (Status.DRAFT, Action.SUBMIT): (Status.SUBMITTED, {"applicant"}),
    # 受理 / 不予受理 / 一次性告知补正 at any comprehensive window of the region, or by the item's department
    (Status.SUBMITTED, Action.ACCEPT): (Status.ACCEPTED, {"clerk", "approver", "head"}),
    (Status.SUBMITTED, Action.REFUSE): (Status.REFUSED, {"clerk", "approver", "head"}),
    (Status.SUBMITTED, Action.REQUEST_CORRECTION): (Status.CORRECTION, {"clerk", "approver", "head"}),
    # only the applicant withdraws their own application; staff never withdraw on their behalf
    (Status.SUBMITTED, Action.WITHDRAW): (Status.WITHDRAWN, {"applicant"}),
    (Status.CORRECTION, Action.WITHDRAW): (Status.WITHDRAWN, {"applicant"}),
    # corrected materials come online from the applicant, or are handed in at a window / the department
    (Status.CORRECTION, Action.RESUBMIT): ("previous", {"applicant", "clerk"} | DEPARTMENT),
    # a failed 告知承诺 verification revokes the approval, before or after the result is issued
    (Status.DECIDED, Action.REVOKE): (Status.REVOKED, set()),
    (Status.ISSUED, Action.REVOKE): (Status.REVOKED, set()),
    (Status.COMPLETED, Action.REVOKE): (Status.REVOKED, set()),
    # after acceptance, the lead department handles the case: correction, special procedures
    (Status.ACCEPTED, Action.REQUEST_CORRECTION): (Status.CORRECTION, DEPARTMENT),
    (Status.ACCEPTED, Action.SUSPEND): (Status.SUSPENDED, DEPARTMENT),
    (Status.SUSPENDED, Action.RESUME): (Status.ACCEPTED, DEPARTMENT),
    (Status.ACCEPTED, Action.DECIDE): (Status.DECIDED, set()),  # the engine only
    # 统一窗口出件, or the department issues and completes itself
    (Status.DECIDED, Action.ISSUE): (Status.ISSUED, {"clerk"} | DEPARTMENT),
    (Status.ISSUED, Action.COMPLETE): (Status.COMPLETED, {"clerk"} | DEPARTMENT),
    # 一件事: a waiting case starts by itself, or (paused after a predecessor failed) by a clerk or the
    # department; it is terminated by the engine only; the applicant may withdraw it
    (Status.WAITING, Action.START): (Status.SUBMITTED, {"clerk", "approver", "head"}),
    (Status.WAITING, Action.TERMINATE): (Status.TERMINATED, set()),
    (Status.WAITING, Action.WITHDRAW): (Status.WITHDRAWN, {"applicant"}),
}


def test_the_codes_table_has_the_domains_rows_and_targets():
    assert set(TRANSITIONS) == set(DOMAIN)
    for key, (target, _) in DOMAIN.items():
        assert TRANSITIONS[key][0] == target, key


@pytest.fixture
def people(items, staff, applicant, county, joint_department):
    elsewhere = DepartmentFactory(code="jyj", name="安吉县教育局", region=county)
    case = submit(items["joint"], applicant)
    return case, {
        "applicant": applicant,
        "clerk": staff["clerk"],
        "approver": staff["approver"],
        "head": staff["head"],
        "joint": staff["joint"],
        "outsider": make_staff(username="outsider", department=elsewhere, roles=["approver"]),
        "outsider_head": make_staff(
            username="outsider_head", department=elsewhere, roles=["department_head"]
        ),
        "supervisor": make_staff(username="supervisor", department=elsewhere, roles=["supervisor"]),
        "stranger": make_citizen(name="李四", phone="13905720099"),
    }


def _may(case, user, status, action) -> bool:
    try:
        next_status(status, action, case_actors(case, user), previous=Status.ACCEPTED)
    except TransitionRefused:
        return False
    return True


@pytest.mark.parametrize(("status", "action"), sorted(DOMAIN))
def test_who_may_act_agrees_with_the_domain(media, people, status, action, joint_department):
    case, users = people
    assert set(users) == PEOPLE
    if status not in (Status.DRAFT, Status.SUBMITTED):  # accepted: the joint department has its task
        CaseTask.objects.create(
            case=case, task_id="t1", step="joint", name="联办审查", department=joint_department
        )
    expected = set(DOMAIN[(status, action)][1])
    if status in (Status.DRAFT, Status.SUBMITTED):
        expected.discard("joint")  # no task yet: the joint department has no part in the case
    allowed = {name for name, user in users.items() if _may(case, user, status, action)}
    assert allowed == expected


@pytest.mark.parametrize("status", [Status.ACCEPTED])
def test_named_rules(media, people, status, joint_department):
    case, users = people
    CaseTask.objects.create(
        case=case, task_id="t1", step="joint", name="联办审查", department=joint_department
    )
    assert not _may(case, users["applicant"], Status.ACCEPTED, Action.SUSPEND)  # an applicant never suspends
    assert not _may(case, users["clerk"], Status.SUBMITTED, Action.WITHDRAW)  # nor does a clerk withdraw
    assert not _may(case, users["clerk"], Status.ACCEPTED, Action.SUSPEND)
    for name in PEOPLE:
        assert not _may(case, users[name], Status.ACCEPTED, Action.DECIDE)
    assert can_view(case, users["supervisor"]) and not case_actors(case, users["supervisor"])
    assert can_view(case, users["joint"])  # the co-reviewer sees the case it reviews
    for action in (Action.SUSPEND, Action.REQUEST_CORRECTION):
        assert not _may(case, users["joint"], Status.ACCEPTED, action)
    assert not _may(case, users["joint"], Status.DECIDED, Action.ISSUE)
    assert not _may(case, users["joint"], Status.ISSUED, Action.COMPLETE)
    assert not can_view(case, users["stranger"]) and not can_view(case, users["outsider"])


def test_a_refusal_says_why():
    with pytest.raises(TransitionRefused) as err:
        next_status(Status.ACCEPTED, Action.SUSPEND, set())
    assert str(err.value) == err.value.reason == "无权启动特别程序（暂停计时）" and err.value.forbidden
    assert (err.value.status, err.value.action) == (Status.ACCEPTED, Action.SUSPEND)
    with pytest.raises(TransitionRefused) as err:
        next_status(Status.COMPLETED, Action.SUSPEND, set())
    assert (
        str(err.value) == "办件当前状态为“已办结”，不能启动特别程序（暂停计时）" and not err.value.forbidden
    )
    assert (err.value.status, err.value.action) == (Status.COMPLETED, Action.SUSPEND)


@pytest.mark.parametrize("status", sorted({s for s, _ in DOMAIN} | set(Status)))
def test_the_offered_actions_are_the_allowed_ones(media, people, status, joint_department):
    """``case_actions`` (the API's ``actions`` and the case page's buttons) offers each person exactly the
    actions the domain table allows them from this status — never decide, which only the engine takes."""
    case, users = people
    if status not in (Status.DRAFT, Status.SUBMITTED):
        CaseTask.objects.create(
            case=case, task_id="t1", step="joint", name="联办审查", department=joint_department
        )
    case.status = status
    case.bundle_hold = (
        "前序事项未办成" if status == Status.WAITING else ""
    )  # a paused case is started by hand
    for name, user in users.items():
        expected = [
            action
            for (from_status, action), (_, who) in DOMAIN.items()
            if from_status == status
            and name in who
            and not (name == "joint" and status in (Status.DRAFT, Status.SUBMITTED))
        ]
        assert sorted(case_actions(case, user)) == sorted(expected), (name, status)
        assert Action.DECIDE not in case_actions(case, user)
