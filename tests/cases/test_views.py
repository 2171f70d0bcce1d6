"""The case pages through Django's test client: apply with uploads, drafts, case page actions, tasks,
public progress."""

import re

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
    page = clerk.post("/desk/", {"for": applicant.phone, "q": "承诺"}).content.decode()
    assert "王小红" in page and "承诺事项" in page
    assert "尚未注册" in clerk.post("/desk/", {"for": "13900000000"}).content.decode()
    item = items["promised"]
    form = apply_form(item, applicant, action="submit", **{"for": applicant.phone})
    response = clerk.post(f"/items/{item.implementation_code}/apply/", form)
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.applicant == applicant and case.submitted_by == staff["clerk"] and case.channel == "window"
    assert logged_in(applicant).get(f"/cases/{case.number}/").status_code == 200
    assert logged_in(applicant).get("/desk/").status_code == 302  # citizens have no desk


@pytest.mark.clock("2026-11-18T10:00")  # expected dates worked out for this day
def test_applicant_supplies_an_owed_material_on_the_case_page(media, items, staff, applicant):
    import datetime as dt

    from govhall.cases.services import case_act
    from govhall.cases.transitions import Action
    from tests.factories.cases import registered_with_gaps

    item = items["tolerant"]
    case = registered_with_gaps(item, applicant, staff["clerk"], dt.date(2026, 11, 24))
    second = item.materials.get(name="健康证明")
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    client = logged_in(applicant)
    assert "容缺后补" in client.get(f"/cases/{case.number}/").content.decode()
    client.post(
        f"/cases/{case.number}/act/",
        {"action": "supply", f"file_{second.pk}": SimpleUploadedFile("x.pdf", PDF)},
    )
    case.refresh_from_db()
    assert case.owed_materials == []


def test_the_case_page_shows_each_viewer_only_the_steps_they_can_act_on(media, items, staff, applicant):
    """联办件: the co-reviewer objects on the page; the lead's approver sees who the case waits for, not the
    decision buttons; the lead's head sees the objection with the decision buttons."""
    from tests.factories.cases import accepted_case

    case = accepted_case(items["joint"], applicant, staff["clerk"])
    joint = logged_in(staff["joint"])
    page = joint.get(f"/cases/{case.number}/").content.decode()
    assert 'value="object"' in page and 'value="deny"' not in page and "签收" not in page
    assert "启动特别程序" not in page and "出件" not in page  # the lead department's case actions
    theirs = CaseTask.objects.get(case=case, department__code="scjgj")
    joint.post(
        f"/tasks/{theirs.pk}/act/", {"number": case.number, "decision": "object", "opinion": "排污未验收"}
    )
    ours = CaseTask.objects.get(case=case, department__code="rsj", state="open")
    approver = logged_in(staff["approver"])
    approver.post(f"/tasks/{ours.pk}/act/", {"number": case.number, "decision": "approve", "opinion": "同意"})
    page = approver.get(f"/cases/{case.number}/").content.decode()
    assert "下一环节：决定（部门负责人）" in page and 'value="approve"' not in page
    assert "下一环节：决定（部门负责人）" in joint.get(f"/cases/{case.number}/").content.decode()
    head = logged_in(staff["head"])
    page = head.get(f"/cases/{case.number}/").content.decode()
    assert (
        "有异议" in page and "排污未验收" in page and 'value="deny"' in page and 'value="object"' not in page
    )
    tasks_page = head.get("/tasks/").content.decode()
    assert f"/cases/{case.number}/#task-title" in tasks_page and "决定</a>" in tasks_page
    assert case.number not in approver.get("/tasks/").content.decode()  # the head's step is not theirs


@pytest.mark.clock("2026-11-18T10:00")  # expected dates worked out for this day
def test_correction_notice_on_the_case_page_lists_materials_first_with_deadline_and_paused_clock(
    media, items, staff, applicant
):
    item = items["promised"]
    logged_in(applicant).post(
        f"/items/{item.implementation_code}/apply/", apply_form(item, applicant, action="submit")
    )
    case = Case.objects.get()
    first, second = item.materials.order_by("position", "id")[:2]
    clerk = logged_in(staff["clerk"])
    staff_page = clerk.get(f"/cases/{case.number}/").content.decode()
    assert 'name="fix_material"' in staff_page and "10 个工作日" in staff_page
    clerk.post(
        f"/cases/{case.number}/act/",
        {"action": "request_correction", "fix_material": [str(second.pk)], f"fix_note_{second.pk}": "缺少签字",
         "items": "联系电话有误"},
    )  # fmt: skip
    mine = logged_in(applicant).get(f"/cases/{case.number}/").content.decode()
    notice = mine[mine.index("correction-items") : mine.index("other-materials")]
    assert notice.index(second.name) < notice.index("联系电话有误")
    assert f'name="file_{second.pk}"' in notice and f'name="file_{first.pk}"' not in notice
    assert "2026年12月2日" in mine and "计时已暂停" in mine
    assert f"/api/v1/cases/{case.number}/documents/correction" in mine
    pdf = logged_in(applicant).get(f"/api/v1/cases/{case.number}/documents/correction")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_replaced_file_is_marked_superseded_and_does_not_count(media, items, staff, applicant):
    from govhall.cases.documents import current_materials

    item = items["promised"]
    logged_in(applicant).post(
        f"/items/{item.implementation_code}/apply/", apply_form(item, applicant, action="submit")
    )
    case = Case.objects.get()
    first = item.materials.order_by("position", "id")[0]
    old = case.materials.get(material=first)
    logged_in(staff["clerk"]).post(
        f"/cases/{case.number}/act/", {"action": "request_correction", "items": "申请表不清晰"}
    )
    logged_in(applicant).post(
        f"/cases/{case.number}/act/",
        {"action": "resubmit", f"file_{first.pk}": SimpleUploadedFile("新申请表.pdf", PDF)},
    )
    page = logged_in(staff["clerk"]).get(f"/cases/{case.number}/").content.decode()
    current_part, replaced_part = page.split('class="superseded', 1)
    assert "新申请表.pdf" in current_part and old.upload.original_name in replaced_part
    assert "已被替换" in replaced_part
    assert old.pk not in {cm.pk for cm in current_materials(case)}
    assert len(current_materials(case)) == item.materials.count()


def test_apply_shows_every_problem_at_once_and_keeps_the_valid_files(media, items, applicant):
    item = items["promised"]
    first, second = item.materials.order_by("position", "id")[:2]
    client = logged_in(applicant)
    form = apply_form(item, applicant, f_phone="123", action="submit")
    form[f"file_{second.pk}"] = SimpleUploadedFile(
        "照片.pdf", b"not a pdf at all", content_type="application/pdf"
    )
    response = client.post(f"/items/{item.implementation_code}/apply/", form)
    assert response.status_code == 422
    page = response.content.decode()
    summary = page[page.index("error-summary") : page.index('id="apply-form"')]
    assert "还有 2 处需要修改" in summary  # (the applicant's name comes from the account)
    assert "不是有效的电话号码" in summary and "“照片.pdf”未能上传" in summary
    assert 'href="#f_phone"' in summary and f'href="#file_{second.pk}"' in summary
    row = page[page.index(f'id="file_{second.pk}"') :]
    assert "“照片.pdf”未能上传：文件内容不是允许的格式" in row[: row.index("</td>")]
    draft = Case.objects.get(status=Status.DRAFT)
    assert [cm.material_id for cm in draft.materials.all()] == [first.pk]  # the valid file is kept
    # the second round: only the refused file and the form are sent again
    fixed = {"f_applicant_name": applicant.real_name, "f_id_number": applicant.id_number, "f_phone": applicant.phone,
             "draft": draft.pk, "action": "submit",
             f"file_{second.pk}": SimpleUploadedFile("照片.pdf", PDF, content_type="application/pdf")}  # fmt: skip
    assert client.post(f"/items/{item.implementation_code}/apply/", fixed).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and draft.materials.count() == 2


def test_apply_names_each_missing_material_on_its_row(media, items, applicant):
    item = items["promised"]
    form = apply_form(item, applicant, action="submit")
    missing = item.materials.order_by("position", "id")[1]
    del form[f"file_{missing.pk}"]
    response = logged_in(applicant).post(f"/items/{item.implementation_code}/apply/", form)
    assert response.status_code == 422
    page = response.content.decode()
    assert f"请上传“{missing.name}”（必要材料）" in page and f'href="#file_{missing.pk}"' in page


@pytest.mark.parametrize(
    ("login", "message"),
    [
        ("330523199003150013", "校验码错误"),  # a wrong check character
        ("330523199013150012", "出生日期不是有效日期"),
        ("1390572001", "手机号码格式不正确"),
        ("91330523MA2B3C4D5X", "统一社会信用代码"),
        ("wangxh", "请输入申请人的18位公民身份号码或11位手机号"),
    ],
)
def test_desk_checks_the_number_format_before_saying_not_registered(staff, login, message):
    response = logged_in(staff["clerk"]).post("/desk/", {"for": login})
    page = response.content.decode()
    assert response.status_code == 422 and message in page and "尚未注册" not in page


def test_a_desk_query_too_long_to_search_is_a_message_not_a_500(staff, applicant):
    page = logged_in(staff["clerk"]).post("/desk/", {"for": applicant.id_number, "q": "社保" * 50})
    assert page.status_code == 422 and "检索词过长" in page.content.decode()


def test_desk_links_to_the_apply_page_without_the_id_number_in_the_url(media, items, staff, applicant):
    clerk = logged_in(staff["clerk"])
    page = clerk.post("/desk/", {"for": applicant.id_number, "q": "承诺"}).content.decode()
    link = re.search(r'href="(/items/[^"]+/apply/\?desk=[^"]+)"', page)
    assert link and applicant.id_number not in link.group(1) and applicant.phone not in link.group(1)
    apply_page = clerk.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert "窗口代办：申请人 王小红" in apply_page
    item = items["promised"]
    response = clerk.post(
        link.group(1), apply_form(item, applicant, action="save", **{"for": applicant.id_number})
    )
    assert response.status_code == 302 and applicant.id_number not in response["Location"]
    assert "desk=" in response["Location"]


def test_switching_identity_posts_keeps_typed_values_and_names_the_applicant(
    media, db, applicant, department
):
    from govhall.identity.models import Enterprise, EnterpriseMember
    from tests.factories.catalogue import ServiceItemFactory
    from tests.factories.identity import valid_uscc

    item = ServiceItemFactory.published(
        department=department, name="两用事项", for_enterprise=True, for_person=True
    )
    enterprise = Enterprise.objects.create(
        name="安吉竹韵有限公司", uscc=valid_uscc(), legal_representative="王小红"
    )
    EnterpriseMember.objects.create(enterprise=enterprise, user=applicant)
    client = logged_in(applicant)
    page = client.get(f"/items/{item.implementation_code}/apply/").content.decode()
    assert f"以个人身份申请（{applicant.display_name}）" in page
    assert "this.form.method='get'" not in page and 'value="switch"' in page
    response = client.post(
        f"/items/{item.implementation_code}/apply/",
        {"action": "switch", "enterprise": enterprise.uscc, "f_phone": "13905720099"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "13905720099" in page and "安吉竹韵有限公司" in page
    assert not Case.objects.exists()  # switching saves nothing


@pytest.mark.clock("2026-11-18T10:00")  # expected dates worked out for this day
def test_workbench_counts_and_pages_every_queue_with_waiting_times(
    media, items, staff, applicant, monkeypatch
):
    import time_machine

    from govhall.cases import views
    from tests.factories.cases import submit
    from tests.fixtures.clock import CST

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    import datetime as dt

    with time_machine.travel(dt.datetime(2026, 11, 16, 9, tzinfo=CST), tick=False):
        oldest = submit(items["promised"], applicant)
    others = [submit(items["promised"], applicant) for _ in range(2)]
    clerk = logged_in(staff["clerk"])
    page = clerk.get("/tasks/").content.decode()
    queue = page[page.index('id="queue"') : page.index('id="issue"')]
    assert "共 3 件" in queue and '待受理申请 <span class="count">3</span>' in page
    assert oldest.number in queue and "2天1小时" in queue  # waited since Monday 09:00
    assert others[1].number not in queue and "第 1 / 2 页，共 3 件" in queue
    second = clerk.get("/tasks/", {"qpage": 2}).content.decode()
    assert others[1].number in second[second.index('id="queue"') : second.index('id="issue"')]


def test_workbench_lists_decided_cases_waiting_to_be_issued(media, items, staff, applicant):
    from govhall.cases.services import case_act, task_complete
    from govhall.cases.transitions import Action
    from tests.factories.cases import accepted_case, open_task

    case = accepted_case(items["promised"], applicant, staff["clerk"])
    while case.status == "accepted":
        task = open_task(case)
        who = staff["head"] if task.role == "department_head" else staff["approver"]
        case = task_complete(task_id=task.pk, user=who, decision="approve", opinion="同意")
    page = logged_in(staff["clerk"]).get("/tasks/").content.decode()
    issue = page[page.index('id="issue"') :]
    assert case.number in issue and "共 1 件" in issue and "准予" in issue
    case_act(number=case.number, user=staff["clerk"], action=Action.ISSUE, method="window")
    page = logged_in(staff["clerk"]).get("/tasks/").content.decode()
    assert case.number not in page[page.index('id="issue"') :]


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
