"""容缺受理 through the services and the API: window staff register and accept with tolerated gaps, the
applicant hands the material in later, and a case that still owes one is neither issued nor completed."""

import datetime as dt
import re

import pytest

from govhall.cases.models import Case
from govhall.cases.services import case_act, case_supply_owed, task_complete, upload_store
from govhall.cases.tolerance import ToleratedGap
from govhall.cases.transitions import Action, Status
from govhall.core.errors import Conflict, PermissionDenied, ValidationFailed
from tests.cases.api_helpers import client_for
from tests.factories.cases import PDF, open_task, registered_with_gaps, submit

pytestmark = pytest.mark.clock("2026-11-18T10:00")  # dates worked out for this day

TUE = dt.date(2026, 11, 24)  # the clock is Wednesday 2026-11-18; a 5-day promise ends on 2026-11-25


def _materials(item, owner, *names):
    upload = str(upload_store(owner=owner, name="scan.pdf", data=PDF).pk)
    return [(m.pk, upload) for m in item.materials.all() if m.name in names]


def test_window_staff_register_without_a_tolerable_material(media, items, staff, applicant):
    item = items["tolerant"]
    case = registered_with_gaps(item, applicant, staff["clerk"], TUE)
    health = item.materials.get(name="健康证明")
    assert case.status == Status.SUBMITTED
    assert case.owed_materials == [{"material": health.pk, "name": "健康证明", "due": "2026-11-24"}]
    assert "容缺材料：健康证明（2026-11-24前补交）" in case.events.get(action="submit").note
    case = case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    assert case.owed_materials[0]["due"] == "2026-11-24" and case.promised_due == dt.date(2026, 11, 25)
    assert "容缺受理：健康证明" in case.events.get(action="accept").note


def test_without_a_gap_a_missing_material_is_still_missing(media, items, staff, applicant):
    item = items["tolerant"]
    with pytest.raises(ValidationFailed, match="缺少必要材料：健康证明"):
        submit(item, applicant, user=staff["clerk"], on_behalf_of=applicant.phone,
               materials=_materials(item, staff["clerk"], "居民身份证", "申领登记表"))  # fmt: skip


def test_an_online_applicant_cannot_name_gaps(media, items, applicant):
    item = items["tolerant"]
    health = item.materials.get(name="健康证明")
    with pytest.raises(PermissionDenied) as caught:
        submit(item, applicant, materials=_materials(item, applicant, "居民身份证", "申领登记表"),
               tolerated_gaps=[ToleratedGap(health.pk, TUE)])  # fmt: skip
    assert caught.value.field == "tolerated_gaps"


def test_the_primary_material_cannot_be_tolerated(media, items, staff, applicant):
    item = items["tolerant"]
    identity = item.materials.get(name="居民身份证")
    with pytest.raises(ValidationFailed, match="“居民身份证”是主要材料"):
        submit(item, applicant, user=staff["clerk"], on_behalf_of=applicant.phone,
               materials=_materials(item, staff["clerk"], "申领登记表", "健康证明"),
               tolerated_gaps=[ToleratedGap(identity.pk, TUE)])  # fmt: skip


@pytest.mark.parametrize(
    ("due", "says"),
    [(dt.date(2026, 11, 22), "不是工作日"), (dt.date(2026, 11, 26), "不能晚于承诺办结日期（2026-11-25）"),
     (dt.date(2026, 11, 18), "应晚于今天")],
)  # fmt: skip
def test_the_due_date_is_a_working_day_by_the_promised_due(media, items, staff, applicant, due, says):
    with pytest.raises(ValidationFailed, match=says):
        registered_with_gaps(items["tolerant"], applicant, staff["clerk"], due)


def test_a_gap_cannot_name_a_material_handed_in(media, items, staff, applicant):
    item = items["tolerant"]
    case = submit(item, applicant)  # everything handed in online
    health = item.materials.get(name="健康证明")
    with pytest.raises(ValidationFailed, match="已经提交"):
        case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT,
                 tolerated_gaps=[ToleratedGap(health.pk, TUE)])  # fmt: skip


def test_accepting_without_the_registered_gap_needs_the_material(media, items, staff, applicant):
    case = registered_with_gaps(items["tolerant"], applicant, staff["clerk"], TUE)
    with pytest.raises(ValidationFailed, match="缺少必要材料：健康证明"):
        case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT, tolerated_gaps=[])
    case = case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT,
                    tolerated_gaps=[ToleratedGap(items["tolerant"].materials.get(name="健康证明").pk,
                                                 dt.date(2026, 11, 20))])  # fmt: skip
    assert case.owed_materials[0]["due"] == "2026-11-20"


def _approved(case, staff):
    while case.status == Status.ACCEPTED:
        task = open_task(case)
        who = staff["head"] if task.role == "department_head" else staff["approver"]
        case = task_complete(task_id=task.pk, user=who, decision="approve", opinion="同意")
    return case


def test_a_case_owing_a_material_is_neither_issued_nor_completed(media, items, staff, applicant):
    item = items["tolerant"]
    case = registered_with_gaps(item, applicant, staff["clerk"], TUE)
    case = _approved(case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT), staff)
    assert case.status == Status.DECIDED
    owed_message = re.escape("容缺材料尚未补齐：健康证明（2026-11-24前补交），不能出件")
    with pytest.raises(Conflict, match=owed_message) as caught:
        case_act(number=case.number, user=staff["clerk"], action=Action.ISSUE, method="window")
    assert caught.value.field == "owed_materials"
    health = item.materials.get(name="健康证明")
    later = str(upload_store(owner=applicant, name="health.pdf", data=PDF).pk)
    case_supply_owed(number=case.number, user=applicant, material_id=health.pk, upload_id=later)
    case_act(number=case.number, user=staff["clerk"], action=Action.ISSUE, method="window")
    case = case_act(number=case.number, user=staff["clerk"], action=Action.COMPLETE)
    assert case.status == Status.COMPLETED and case.owed_materials == []


def test_completion_is_refused_while_a_material_is_owed(media, items, staff, applicant):
    case = registered_with_gaps(items["tolerant"], applicant, staff["clerk"], TUE)
    case = _approved(case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT), staff)
    owed = case.owed_materials
    Case.objects.filter(pk=case.pk).update(owed_materials=[])
    case_act(number=case.number, user=staff["clerk"], action=Action.ISSUE, method="window")
    Case.objects.filter(pk=case.pk).update(owed_materials=owed)  # owed again: completion checks for itself
    with pytest.raises(Conflict, match=re.escape("不能办结")):
        case_act(number=case.number, user=staff["clerk"], action=Action.COMPLETE)


# --- API -------------------------------------------------------------------------------------------------


def _payload(item, applicant, materials, gaps):
    form = {"applicant_name": applicant.real_name, "id_number": applicant.id_number, "phone": applicant.phone}
    return {"item": item.implementation_code, "form": form, "on_behalf_of": applicant.phone,
            "materials": [{"material": m, "upload": u} for m, u in materials], "tolerated_gaps": gaps}  # fmt: skip


def test_api_window_staff_submit_and_accept_with_gaps(media, items, staff, applicant):
    item = items["tolerant"]
    health = item.materials.get(name="健康证明")
    clerk = client_for(staff["clerk"])
    materials = _materials(item, staff["clerk"], "居民身份证", "申领登记表")
    answer = clerk.post("/api/v1/cases", _payload(item, applicant, materials, [{"material": health.pk, "due": "2026-11-24"}]),
                        content_type="application/json")  # fmt: skip
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["owed_materials"] == [{"material": health.pk, "name": "健康证明", "due": "2026-11-24"}]
    accepted = clerk.post(f"/api/v1/cases/{body['number']}/accept", {"tolerated_gaps": [{"material": health.pk, "due": "2026-11-23"}]},
                          content_type="application/json")  # fmt: skip
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["owed_materials"][0]["due"] == "2026-11-23"
    refused = clerk.post(f"/api/v1/cases/{body['number']}/complete")
    assert refused.status_code == 409


@pytest.mark.parametrize(
    ("gaps", "message"),
    [
        ("health", "容缺材料应为列表"),
        (["health"], "容缺材料的材料编号为必填项"),
        ([{"material": "x", "due": "2026-11-24"}], "容缺材料的材料编号应为整数"),
        ([{"material": 1, "due": "24/11/2026"}], "容缺材料的补交日期应为 YYYY-MM-DD 格式的日期"),
        ([{"material": 1}], "容缺材料的补交日期为必填项"),
    ],
)
def test_api_gap_messages_name_the_field_in_chinese(media, items, staff, applicant, gaps, message):
    item = items["tolerant"]
    answer = client_for(staff["clerk"]).post("/api/v1/cases", _payload(item, applicant, [], gaps),
                                             content_type="application/json")  # fmt: skip
    assert answer.status_code == 422
    assert answer.json()["message"] == message and "tolerated_gaps" not in answer.json()["message"]


def test_api_an_applicant_cannot_name_gaps(media, items, applicant):
    item = items["tolerant"]
    health = item.materials.get(name="健康证明")
    payload = _payload(item, applicant, _materials(item, applicant, "居民身份证", "申领登记表"),
                       [{"material": health.pk, "due": "2026-11-24"}])  # fmt: skip
    del payload["on_behalf_of"]
    answer = client_for(applicant).post("/api/v1/cases", payload, content_type="application/json")
    assert answer.status_code == 403 and "窗口" in answer.json()["message"]
