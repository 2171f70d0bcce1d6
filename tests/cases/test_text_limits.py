"""Unbounded text, written as the attacker's requests: a 500,000-character legal basis, a 1,000,000-character
correction item, an opinion of a whole book. Each is a 422 naming the field; nothing is stored."""

import pytest

from govhall.cases.models import Case, CaseEvent
from govhall.cases.services import case_act
from govhall.cases.transitions import Action
from govhall.core.errors import ValidationFailed
from tests.cases.api_helpers import client_for
from tests.factories.cases import accepted_case, open_task, submit

pytestmark = pytest.mark.django_db


def test_a_huge_legal_basis_is_refused_by_the_api(media, items, staff, applicant):
    case = submit(items["promised"], applicant)
    clerk = client_for(staff["clerk"])
    response = clerk.post(
        f"/api/v1/cases/{case.number}/refuse",
        {"reason": "材料不全", "legal_basis": "法" * 500_000},
        content_type="application/json",
    )
    assert response.status_code in (413, 422)
    assert Case.objects.get(pk=case.pk).status == "submitted"


def test_a_long_legal_basis_within_the_body_limit_names_the_field(media, items, staff, applicant):
    case = submit(items["promised"], applicant)
    response = client_for(staff["clerk"]).post(
        f"/api/v1/cases/{case.number}/refuse",
        {"reason": "材料不全", "legal_basis": "法" * 5_000},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["field"] == "legal_basis"


def test_a_huge_correction_item_is_refused_everywhere(media, items, staff, applicant):
    case = submit(items["promised"], applicant)
    with pytest.raises(ValidationFailed) as refused:
        case_act(
            number=case.number,
            user=staff["clerk"],
            action=Action.REQUEST_CORRECTION,
            items=["缺" * 1_000_000],
        )
    assert refused.value.field == "items" and "500" in refused.value.message
    page = client_for(staff["clerk"]).post(
        f"/api/v1/cases/{case.number}/request-correction",
        {"items": ["缺" * 600]},
        content_type="application/json",
    )
    assert page.status_code == 422
    with pytest.raises(ValidationFailed):
        case_act(number=case.number, user=staff["clerk"], action=Action.REQUEST_CORRECTION, items=["x"] * 51)
    assert not CaseEvent.objects.filter(case=case, action="request_correction").exists()


def test_a_book_length_opinion_is_refused(media, items, staff, applicant):
    from govhall.cases.services import task_complete

    case = accepted_case(items["promised"], applicant, staff["clerk"])
    task = open_task(case)
    with pytest.raises(ValidationFailed) as refused:
        task_complete(task_id=task.pk, user=staff["approver"], decision="approve", opinion="同意" * 5000)
    assert refused.value.field == "opinion"
    response = client_for(staff["approver"]).post(
        f"/api/v1/tasks/{task.pk}/complete",
        {"decision": "approve", "opinion": "意" * 2001},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["field"] == "opinion"
