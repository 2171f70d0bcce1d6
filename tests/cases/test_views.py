"""The case pages through Django's test client: apply with uploads, drafts, case page actions, tasks,
public progress."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govhall.cases.models import Case, CaseTask
from govhall.cases.transitions import Status
from tests.factories.cases import PDF

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def apply_form(item, applicant, **extra):
    data = {
        "f_applicant_name": applicant.real_name,
        "f_id_number": applicant.id_number,
        "f_phone": applicant.phone,
    }
    for m in item.materials.all():
        data[f"file_{m.pk}"] = SimpleUploadedFile(f"{m.pk}.pdf", PDF, content_type="application/pdf")
    return data | extra


def test_guide_apply_button_leads_to_the_apply_page(items, applicant):
    item = items["promised"]
    page = Client().get(f"/items/{item.implementation_code}/").content.decode()
    assert f"/login/?next=%2Fitems%2F{item.implementation_code}%2Fapply%2F" in page
    page = logged_in(applicant).get(f"/items/{item.implementation_code}/apply/").content.decode()
    assert applicant.id_number in page and "提交申请" in page and "保存草稿" in page


def test_apply_and_submit_with_uploads(media, items, applicant):
    item = items["promised"]
    response = logged_in(applicant).post(
        f"/items/{item.implementation_code}/apply/", apply_form(item, applicant, action="submit")
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert case.status == Status.SUBMITTED and case.materials.count() == 2


def test_an_error_keeps_the_uploads_in_a_draft(media, items, applicant):
    item = items["promised"]
    client = logged_in(applicant)
    response = client.post(
        f"/items/{item.implementation_code}/apply/",
        apply_form(item, applicant, f_phone="123", action="submit"),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "不是有效的电话号码" in page and "已上传" in page
    draft = Case.objects.get(status=Status.DRAFT)
    fixed = {
        "f_applicant_name": applicant.real_name,
        "f_id_number": applicant.id_number,
        "f_phone": applicant.phone,
    }
    client.post(f"/items/{item.implementation_code}/apply/", fixed | {"draft": draft.pk, "action": "submit"})
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and draft.number


def test_case_page_and_staff_actions(media, items, staff, applicant):
    item = items["promised"]
    logged_in(applicant).post(
        f"/items/{item.implementation_code}/apply/", apply_form(item, applicant, action="submit")
    )
    case = Case.objects.get()
    clerk = logged_in(staff["clerk"])
    assert case.number in clerk.get("/tasks/").content.decode()  # in the acceptance queue
    page = clerk.get(f"/cases/{case.number}/").content.decode()
    assert "受理" in page and applicant.id_number in page
    clerk.post(
        f"/cases/{case.number}/act/", {"action": "request_correction", "items": "身份证不清晰\n缺少签字"}
    )
    case.refresh_from_db()
    assert case.status == Status.CORRECTION
    mine = logged_in(applicant).get(f"/cases/{case.number}/").content.decode()
    assert "身份证不清晰" in mine and "提交补正" in mine and applicant.id_number not in mine
    logged_in(applicant).post(
        f"/cases/{case.number}/act/",
        {"action": "resubmit", f"file_{item.materials.first().pk}": SimpleUploadedFile("n.pdf", PDF)},
    )
    clerk.post(f"/cases/{case.number}/act/", {"action": "accept"})
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    approver = logged_in(staff["approver"])
    tasks_page = approver.get("/tasks/").content.decode()
    assert case.number in tasks_page and "due-" in tasks_page
    task = CaseTask.objects.get(case=case, state="open")
    approver.post(f"/tasks/{task.pk}/act/", {"number": case.number, "action": "claim"})
    approver.post(f"/tasks/{task.pk}/act/", {"number": case.number, "decision": "approve", "opinion": "同意"})
    head = logged_in(staff["head"])
    decide = CaseTask.objects.get(case=case, state="open")
    response = head.post(
        f"/tasks/{decide.pk}/act/",
        {"number": case.number, "decision": "deny", "opinion": "不符合"},
        follow=True,
    )
    assert "法律依据" in response.content.decode()
    head.post(f"/tasks/{decide.pk}/act/", {"number": case.number, "decision": "approve", "opinion": "准予"})
    clerk.post(f"/cases/{case.number}/act/", {"action": "issue", "method": "window"})
    clerk.post(f"/cases/{case.number}/act/", {"action": "complete"})
    case.refresh_from_db()
    assert case.status == Status.COMPLETED
    final = logged_in(applicant).get(f"/cases/{case.number}/").content.decode()
    assert "受理通知书" in final and "审批决定书" in final


def test_other_people_cannot_see_a_case(media, items, staff, applicant):
    item = items["promised"]
    logged_in(applicant).post(
        f"/items/{item.implementation_code}/apply/", apply_form(item, applicant, action="submit")
    )
    case = Case.objects.get()
    from tests.factories import make_citizen

    stranger = make_citizen(name="路人", phone="13905720999")
    assert logged_in(stranger).get(f"/cases/{case.number}/").status_code == 404
    assert logged_in(staff["joint"]).get(f"/cases/{case.number}/").status_code == 404
    response = logged_in(stranger).post(f"/cases/{case.number}/act/", {"action": "accept"}, follow=True)
    assert "未找到" in response.content.decode()


def test_public_progress_page(media, items, applicant):
    item = items["promised"]
    logged_in(applicant).post(
        f"/items/{item.implementation_code}/apply/", apply_form(item, applicant, action="submit")
    )
    case = Case.objects.get()
    page = Client().get("/progress/", {"number": case.number, "name": applicant.real_name}).content.decode()
    assert "已提交，待受理" in page
    response = Client().get("/progress/", {"number": case.number, "name": "别人"})
    assert response.status_code == 404 and "已提交" not in response.content.decode()


def test_my_cases_lists_drafts_and_cases(media, items, applicant):
    item = items["promised"]
    client = logged_in(applicant)
    client.post(f"/items/{item.implementation_code}/apply/", {"f_phone": applicant.phone, "action": "save"})
    page = client.get("/my/cases/").content.decode()
    assert "继续填写草稿" in page


def test_window_desk_registers_an_application_for_a_citizen(media, items, staff, applicant):
    clerk = logged_in(staff["clerk"])
    page = clerk.get("/desk/", {"for": applicant.phone, "q": "承诺"}).content.decode()
    assert "王小红" in page and "承诺事项" in page
    assert "尚未注册" in clerk.get("/desk/", {"for": "13900000000"}).content.decode()
    item = items["promised"]
    form = apply_form(item, applicant, action="submit", **{"for": applicant.phone})
    response = clerk.post(f"/items/{item.implementation_code}/apply/", form)
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.applicant == applicant and case.submitted_by == staff["clerk"] and case.channel == "window"
    assert logged_in(applicant).get(f"/cases/{case.number}/").status_code == 200
    assert logged_in(applicant).get("/desk/").status_code == 302  # citizens have no desk


def test_applicant_supplies_an_owed_material_on_the_case_page(media, items, staff, applicant):
    import datetime as dt

    from django.utils import timezone

    from govhall.cases.services import case_act
    from govhall.cases.transitions import Action

    item = items["promised"]
    logged_in(applicant).post(
        f"/items/{item.implementation_code}/apply/", apply_form(item, applicant, action="submit")
    )
    case = Case.objects.get()
    second = item.materials.order_by("position")[1]
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    case_act(
        number=case.number,
        user=staff["clerk"],
        action=Action.ACCEPT,
        tolerated_gaps=[{"material": second.pk, "due": due}],
    )
    client = logged_in(applicant)
    assert "容缺后补" in client.get(f"/cases/{case.number}/").content.decode()
    client.post(
        f"/cases/{case.number}/act/",
        {"action": "supply", f"file_{second.pk}": SimpleUploadedFile("x.pdf", PDF)},
    )
    case.refresh_from_db()
    assert case.owed_materials == []


def test_the_apply_page_shows_the_accounts_identity_read_only(items, applicant):
    import re

    item = items["promised"]
    page = logged_in(applicant).get(f"/items/{item.implementation_code}/apply/").content.decode()
    readonly = set(re.findall(r'<input id="f_(\w+)"[^>]*\breadonly\b', page))
    assert readonly == {"applicant_name", "id_number"}  # the contact phone stays editable
    assert "从您的账户带出，不可修改" in page


def test_the_applicant_withdraws_from_the_case_page(media, items, staff, applicant):
    item = items["promised"]
    client = logged_in(applicant)
    client.post(f"/items/{item.implementation_code}/apply/", apply_form(item, applicant, action="submit"))
    case = Case.objects.get()
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'value="withdraw"' in page and 'value="accept"' not in page
    assert 'value="withdraw"' not in logged_in(staff["clerk"]).get(f"/cases/{case.number}/").content.decode()
    client.post(f"/cases/{case.number}/act/", {"action": "withdraw", "reason": "不再需要"})
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
