"""The case factories' state variants are what their names say."""

from govhall.cases.models import CaseTask
from govhall.cases.transitions import Status
from tests.factories.cases import accepted_case, claimed_task, completed_case, suspended_case


def test_accepted_case_runs_its_clock(media, items, staff, applicant):
    case = accepted_case(items["promised"], applicant, staff["clerk"])
    assert case.status == Status.ACCEPTED and case.promised_due is not None


def test_suspended_case_has_an_open_suspension(media, items, staff, applicant):
    case = suspended_case(items["promised"], applicant, staff["clerk"], staff["approver"])
    assert case.status == Status.SUSPENDED
    assert case.suspensions.filter(ended_on__isnull=True, kind="expert").count() == 1


def test_claimed_task_belongs_to_its_approver(media, items, staff, applicant):
    case = accepted_case(items["promised"], applicant, staff["clerk"])
    task = claimed_task(case, staff["approver"])
    assert task.state == CaseTask.State.CLAIMED and task.claimed_by == staff["approver"]


def test_completed_case_went_through_every_step(media, items, staff, applicant):
    case = completed_case(
        items["joint"], applicant, staff["clerk"], [staff["approver"], staff["head"], staff["joint"]]
    )
    assert case.status == Status.COMPLETED and case.decision == "approve"
    assert not case.tasks.filter(state__in=["open", "claimed"]).exists()
