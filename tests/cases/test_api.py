"""The cases API contract, through HTTP with bearer tokens."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govhall.cases.models import Case
from govhall.identity.services import token_issue
from tests.factories.cases import PDF

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    plain, _ = token_issue(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def upload(client, data=PDF, name="id.pdf"):
    return client.post("/api/v1/uploads", {"file": SimpleUploadedFile(name, data)})


def body(item, applicant, upload_id):
    return {
        "item": item.implementation_code,
        "form": {
            "applicant_name": applicant.real_name,
            "id_number": applicant.id_number,
            "phone": applicant.phone,
        },
        "materials": [{"material": m.pk, "upload": upload_id} for m in item.materials.all()],
    }


@pytest.fixture
def citizen_api(applicant):
    return client_for(applicant)


def test_upload_checks_content(media, citizen_api):
    response = upload(citizen_api)
    assert response.status_code == 201 and response.json()["content_type"] == "application/pdf"
    response = upload(citizen_api, data=b"<html>not a pdf</html>", name="fake.pdf")
    assert response.status_code == 422 and response.json()["field"] == "file"
    assert Client().post("/api/v1/uploads", {"file": SimpleUploadedFile("a.pdf", PDF)}).status_code == 401


def test_submit_is_idempotent(media, items, citizen_api, applicant):
    upload_id = upload(citizen_api).json()["id"]
    payload = body(items["promised"], applicant, upload_id)
    first = citizen_api.post(
        "/api/v1/cases", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["status"] == "submitted" and data["number"].startswith("330523-")
    again = citizen_api.post(
        "/api/v1/cases", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert again.status_code == 200 and again.json()["number"] == data["number"]
    payload["form"]["phone"] = "13905720999"
    conflict = citizen_api.post(
        "/api/v1/cases", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert conflict.status_code == 409
    assert data["form"]["id_number"].count("*") == 8  # the applicant sees their own data masked


def test_submit_missing_materials_or_fields_is_422(media, items, citizen_api, applicant):
    payload = body(items["promised"], applicant, upload(citizen_api).json()["id"])
    payload["materials"] = []
    response = citizen_api.post("/api/v1/cases", payload, content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "materials"
    payload = body(items["promised"], applicant, upload(citizen_api).json()["id"])
    payload["form"].pop("phone")
    response = citizen_api.post("/api/v1/cases", payload, content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "form.phone"


@pytest.mark.parametrize("url", ["/api/v1/cases", "/api/v1/drafts"])
@pytest.mark.parametrize("form", [["x"], "x", 12.5, True])
def test_a_form_that_is_not_an_object_is_422_naming_the_form(media, items, citizen_api, applicant, url, form):
    payload = {**body(items["promised"], applicant, upload(citizen_api).json()["id"]), "form": form}
    response = citizen_api.post(url, payload, content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {"code": "validation_error", "message": "申请表应为JSON对象", "field": "form"}
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"item": "x" * 41}, "item", "事项过长"),
        ({"item": 7}, "item", "事项应为文本"),
        ({"materials": [{"material": "一", "upload": "u"}]}, "material", "材料编号应为整数"),
        ({"materials": [{"material": 1, "upload": ["u"]}]}, "upload", "上传文件编号应为文本"),
        ({"on_behalf_of": "x" * 41}, "on_behalf_of", "被代办人过长"),
    ],
)
def test_invalid_submissions_name_the_field_in_chinese(
    media, items, citizen_api, applicant, change, field, message
):
    payload = {**body(items["promised"], applicant, upload(citizen_api).json()["id"]), **change}
    response = citizen_api.post("/api/v1/cases", payload, content_type="application/json")
    assert response.status_code == 422
    assert (response.json()["field"], response.json()["message"]) == (field, message)


def test_case_visibility_and_staff_flow(media, items, staff, citizen_api, applicant):
    payload = body(items["joint"], applicant, upload(citizen_api).json()["id"])
    number = citizen_api.post("/api/v1/cases", payload, content_type="application/json").json()["number"]
    assert client_for(staff["joint"]).get(f"/api/v1/cases/{number}").status_code == 404  # not theirs yet
    assert Client().get(f"/api/v1/cases/{number}").status_code == 401
    clerk = client_for(staff["clerk"])
    case = clerk.post(f"/api/v1/cases/{number}/accept", content_type="application/json").json()
    assert case["status"] == "accepted" and case["deadlines"]["promised_due"]
    assert case["form"]["id_number"] == applicant.id_number  # the handling clerk sees full values
    assert clerk.post(f"/api/v1/cases/{number}/accept", content_type="application/json").status_code == 409
    joint = client_for(staff["joint"])
    tasks = joint.get("/api/v1/tasks").json()["items"]
    assert [t["case"] for t in tasks] == [number]
    assert joint.post(f"/api/v1/tasks/{tasks[0]['id']}/claim").status_code == 200
    approver = client_for(staff["approver"])
    assert (
        approver.post(f"/api/v1/tasks/{tasks[0]['id']}/claim").status_code == 404
    )  # another department's task
    assert tasks[0]["kind"] == "review"
    response = joint.post(
        f"/api/v1/tasks/{tasks[0]['id']}/complete",
        {"decision": "deny", "opinion": "不符合", "legal_basis": "某条"},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["field"] == "decision"  # a review never decides
    joint.post(
        f"/api/v1/tasks/{tasks[0]['id']}/complete",
        {"decision": "object", "opinion": "排污设施未验收"},
        content_type="application/json",
    )
    suspend = {"kind": "inspection", "reason": "现场核查"}
    response = joint.post(f"/api/v1/cases/{number}/suspend", suspend, content_type="application/json")
    assert response.status_code == 403  # the co-reviewer cannot suspend the lead department's case
    [own] = approver.get("/api/v1/tasks").json()["items"]
    approver.post(
        f"/api/v1/tasks/{own['id']}/complete", {"decision": "approve"}, content_type="application/json"
    )
    head = client_for(staff["head"])
    [decide] = head.get("/api/v1/tasks").json()["items"]
    assert decide["kind"] == "decision"
    objection = next(
        t for t in head.get(f"/api/v1/cases/{number}").json()["tasks"] if t["decision"] == "object"
    )
    assert objection["opinion"] == "排污设施未验收"  # the decision step sees the co-reviewer's objection
    response = head.post(
        f"/api/v1/tasks/{decide['id']}/complete",
        {"decision": "deny", "opinion": "不符合"},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["field"] == "legal_basis"
    case = head.post(
        f"/api/v1/tasks/{decide['id']}/complete",
        {"decision": "approve", "opinion": "准予"},
        content_type="application/json",
    ).json()
    assert case["status"] == "decided"
    response = clerk.post(
        f"/api/v1/cases/{number}/issue", {"method": "express"}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["field"] == "address"
    clerk.post(f"/api/v1/cases/{number}/issue", {"method": "window"}, content_type="application/json")
    assert joint.post(f"/api/v1/cases/{number}/complete").status_code == 403
    case = clerk.post(f"/api/v1/cases/{number}/complete").json()
    assert case["status"] == "completed"
    mine = citizen_api.get(f"/api/v1/cases/{number}").json()
    assert [d["name"] for d in mine["documents"]] == ["受理通知书", "审批决定书"]
    pdf = citizen_api.get(mine["documents"][0]["url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert citizen_api.get(mine["materials"][0]["url"]).status_code == 200
    stranger = client_for(staff["other"])
    # the joint department's head handled a task of this case, so its department sees the materials
    assert stranger.get(mine["materials"][0]["url"]).status_code == 200


def test_forbidden_transitions_are_409_with_the_status(media, items, staff, citizen_api, applicant):
    payload = body(items["promised"], applicant, upload(citizen_api).json()["id"])
    number = citizen_api.post("/api/v1/cases", payload, content_type="application/json").json()["number"]
    response = client_for(staff["clerk"]).post(f"/api/v1/cases/{number}/complete")
    assert response.status_code == 409 and "已提交" in response.json()["message"]
    response = citizen_api.post(f"/api/v1/cases/{number}/accept", content_type="application/json")
    assert response.status_code == 403


def test_correction_round_trip_through_the_api(media, items, staff, citizen_api, applicant):
    payload = body(items["promised"], applicant, upload(citizen_api).json()["id"])
    number = citizen_api.post("/api/v1/cases", payload, content_type="application/json").json()["number"]
    clerk = client_for(staff["clerk"])
    response = clerk.post(
        f"/api/v1/cases/{number}/request-correction", {"items": []}, content_type="application/json"
    )
    assert response.status_code == 422
    clerk.post(
        f"/api/v1/cases/{number}/request-correction",
        {"items": ["身份证不清晰"]},
        content_type="application/json",
    )
    new = upload(citizen_api).json()["id"]
    material = items["promised"].materials.first().pk
    case = citizen_api.post(
        f"/api/v1/cases/{number}/resubmit",
        {"materials": [{"material": material, "upload": new}]},
        content_type="application/json",
    ).json()
    assert case["status"] == "submitted" and case["corrections"] == 1
    replaced = [m for m in case["materials"] if m["superseded"]]
    assert len(replaced) == 1 and replaced[0]["id"] == min(m["id"] for m in case["materials"])
    assert sum(not m["superseded"] for m in case["materials"]) == items["promised"].materials.count()


def test_my_cases_and_drafts(media, items, citizen_api, applicant):
    upload_id = upload(citizen_api).json()["id"]
    draft = citizen_api.post(
        "/api/v1/drafts",
        {"item": items["promised"].implementation_code, "form": {"phone": applicant.phone}},
        content_type="application/json",
    )
    assert draft.status_code == 201
    draft_id = draft.json()["id"]
    response = citizen_api.post(f"/api/v1/drafts/{draft_id}/submit")
    assert response.status_code == 422  # still incomplete
    full = body(items["promised"], applicant, upload_id)
    citizen_api.patch(
        f"/api/v1/drafts/{draft_id}",
        {"form": full["form"], "materials": full["materials"]},
        content_type="application/json",
    )
    submitted = citizen_api.post(f"/api/v1/drafts/{draft_id}/submit")
    assert submitted.status_code == 201 and submitted.json()["number"]
    mine = citizen_api.get("/api/v1/cases").json()
    assert mine["count"] == 1 and mine["items"][0]["status"] == "submitted"


def test_public_progress(media, items, citizen_api, applicant):
    payload = body(items["promised"], applicant, upload(citizen_api).json()["id"])
    number = citizen_api.post("/api/v1/cases", payload, content_type="application/json").json()["number"]
    response = Client().get("/api/v1/progress", {"number": number, "name": "王小红"})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    case = Case.objects.get(number=number)
    event = case.events.get()
    data = response.json()
    assert [step["action_label"] for step in data["steps"]] == [event.action_label]
    millisecond = dt.timedelta(
        milliseconds=1
    )  # JSON carries milliseconds; the same instant on both databases
    assert abs(dt.datetime.fromisoformat(data["steps"][0]["at"]) - event.at) < millisecond
    assert abs(dt.datetime.fromisoformat(data["submitted_at"]) - case.submitted_at) < millisecond
    assert data["item"] == case.item.name and data["department"] == case.department.name
    assert "13905720011" not in response.content.decode()
    wrong = Client().get("/api/v1/progress", {"number": number, "name": "李四"})
    assert wrong.status_code == 404
    assert Client().get("/api/v1/progress", {"number": "nope", "name": "王小红"}).json() == wrong.json()


@pytest.mark.clock("2026-11-18T10:00")  # accepted in a published year, due within it
def test_deadlines_say_when_they_count_on_estimated_holidays(media, items, staff, citizen_api, applicant):
    payload = body(items["promised"], applicant, upload(citizen_api).json()["id"])
    number = citizen_api.post("/api/v1/cases", payload, content_type="application/json").json()["number"]
    clerk = client_for(staff["clerk"])
    case = clerk.post(f"/api/v1/cases/{number}/accept", content_type="application/json").json()
    assert case["deadlines"]["estimated"] is False  # accepted 2026-11-18, due within 2026 (published)
    Case.objects.filter(number=number).update(legal_due=dt.date(2027, 1, 20))  # a limit reaching into 2027
    assert clerk.get(f"/api/v1/cases/{number}").json()["deadlines"]["estimated"] is True


def test_actions_are_what_the_caller_may_do_now(media, items, staff, citizen_api, applicant):
    payload = body(items["promised"], applicant, upload(citizen_api).json()["id"])
    number = citizen_api.post("/api/v1/cases", payload, content_type="application/json").json()["number"]
    assert citizen_api.get(f"/api/v1/cases/{number}").json()["actions"] == ["withdraw"]
    clerk = client_for(staff["clerk"])
    assert clerk.get(f"/api/v1/cases/{number}").json()["actions"] == [
        "accept",
        "refuse",
        "request_correction",
    ]
    accepted = clerk.post(f"/api/v1/cases/{number}/accept", content_type="application/json").json()
    assert accepted["actions"] == []  # the department reviews it now; decide is the engine's
    approver = client_for(staff["approver"]).get(f"/api/v1/cases/{number}").json()
    assert approver["actions"] == ["request_correction", "suspend"]
    assert citizen_api.get(f"/api/v1/cases/{number}").json()["actions"] == []


def test_staff_queues_through_the_api(media, items, staff, citizen_api, applicant):
    numbers = []
    for _ in range(3):
        payload = body(items["promised"], applicant, upload(citizen_api).json()["id"])
        numbers.append(
            citizen_api.post("/api/v1/cases", payload, content_type="application/json").json()["number"]
        )
    clerk = client_for(staff["clerk"])
    page = clerk.get("/api/v1/cases", {"queue": "acceptance", "page_size": 2}).json()
    assert page["count"] == 3 and [r["number"] for r in page["items"]] == numbers[:2]
    page = clerk.get("/api/v1/cases", {"queue": "acceptance", "page": 2, "page_size": 2}).json()
    assert [r["number"] for r in page["items"]] == numbers[2:]
    assert client_for(staff["approver"]).get("/api/v1/cases", {"queue": "acceptance"}).json()["count"] == 3
    assert client_for(staff["joint"]).get("/api/v1/cases", {"queue": "acceptance"}).json()["count"] == 0
    Case.objects.filter(number=numbers[0]).update(status="decided")
    page = clerk.get("/api/v1/cases", {"queue": "issue"}).json()
    assert page["count"] == 1 and page["items"][0]["number"] == numbers[0]
    refused = citizen_api.get("/api/v1/cases", {"queue": "acceptance"})
    assert refused.status_code == 403 and refused.json()["field"] == "queue"
    assert clerk.get("/api/v1/cases", {"queue": "other"}).status_code == 422


def test_patching_a_draft_merges_the_form(media, items, citizen_api, applicant):
    draft = citizen_api.post(
        "/api/v1/drafts",
        {"item": items["promised"].implementation_code, "form": {"phone": applicant.phone}},
        content_type="application/json",
    ).json()
    answer = citizen_api.patch(
        f"/api/v1/drafts/{draft['id']}",
        {"form": {"applicant_name": "王小红"}},
        content_type="application/json",
    ).json()
    assert answer["form"]["phone"] == applicant.phone and answer["form"]["applicant_name"] == "王小红"
