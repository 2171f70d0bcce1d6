"""共享数据核验 on a case: the handling staff look up the applicant's data; the snapshot, the satisfied material
(免提交) and the timeline event; refusals (not handling, not the applicant, no case) are 403 and logged."""

from __future__ import annotations

import pytest

from govhall.cases.models import CaseDataSnapshot, CaseMaterial
from govhall.cases.services import case_lookup
from govhall.catalogue.models import Material
from govhall.core.errors import NotFound, PermissionDenied
from govhall.sharing.chain import digest_of
from govhall.sharing.models import LookupLog
from tests.cases.api_helpers import client_for
from tests.factories.cases import accepted_case
from tests.factories.catalogue import ServiceItemFactory
from tests.factories.identity import DepartmentFactory, make_citizen, make_staff
from tests.factories.sharing import make_grant, make_resource, put_record


@pytest.fixture
def setting(county, department, staff, applicant, media):
    provider = DepartmentFactory(code="gaj", name="安吉县公安局", region=county)
    provider_head = make_staff(
        username="gaj_head", department=provider, roles=["department_head", "approver"]
    )
    resource = make_resource(provider)
    item = ServiceItemFactory.published(department=department, name="城乡居民养老保险参保登记")
    Material.objects.create(
        item=item, position=9, name="居民户口簿", source="shared_data", source_ref="户籍信息"
    )
    make_grant(
        asker=staff["head"], approver=provider_head, resource=resource, item_codes=[item.implementation_code]
    )
    put_record(
        resource, applicant.id_number, name=applicant.real_name, address="安吉县递铺街道", relation="户主"
    )
    case = accepted_case(item, applicant, staff["clerk"])
    return {"case": case, "resource": resource, "item": item}


def test_the_approver_looks_up_the_applicants_data_and_the_material_is_satisfied(setting, staff):
    case = setting["case"]
    done = case_lookup(
        number=case.number, user=staff["approver"], resource="GA-HJRK-001", items=["name", "address"]
    )
    assert done.data == {"name": case.applicant.real_name, "address": "安吉县递铺街道"}
    snapshot = CaseDataSnapshot.objects.get(case=case)
    assert snapshot.data == done.data and snapshot.digest == digest_of(done.data)
    assert snapshot.lookup_id == LookupLog.objects.get(outcome="granted").pk
    material = CaseMaterial.objects.get(case=case, satisfied_by="shared_data")
    assert (material.material.name, material.reference) == ("居民户口簿", snapshot.digest)
    event = case.events.get(action="lookup")
    assert event.note.startswith("共享数据核验：户籍人口信息") and "免提交" in event.note
    log = LookupLog.objects.get()
    assert (log.case_number, log.item_code) == (case.number, setting["item"].implementation_code)


def test_a_second_look_up_refreshes_the_same_material(setting, staff):
    number = setting["case"].number
    case_lookup(number=number, user=staff["approver"], resource="GA-HJRK-001", items=["name"])
    case_lookup(number=number, user=staff["approver"], resource="GA-HJRK-001", items=["name", "relation"])
    assert CaseMaterial.objects.filter(case__number=number, satisfied_by="shared_data").count() == 1
    assert CaseDataSnapshot.objects.filter(case__number=number).count() == 2


@pytest.mark.parametrize("who", ["joint", "clerk_elsewhere"])
def test_staff_not_handling_the_case_are_refused_and_logged(setting, staff, who, county):
    user = staff["joint"]
    if who == "clerk_elsewhere":
        other = DepartmentFactory(code="other", name="外县局", region=county)
        user = make_staff(username="x_approver", department=other, roles=["approver"])
    with pytest.raises(PermissionDenied):
        case_lookup(number=setting["case"].number, user=user, resource="GA-HJRK-001", items=["name"])
    log = LookupLog.objects.get()
    assert log.outcome == "denied" and "办理该办件" in log.reason
    assert not CaseDataSnapshot.objects.exists()


def test_a_look_up_for_someone_not_the_applicant_is_refused(setting, staff):
    stranger = make_citizen(name="路人")
    with pytest.raises(PermissionDenied):
        case_lookup(
            number=setting["case"].number, user=staff["approver"], resource="GA-HJRK-001", items=["name"],
            subject_id=stranger.id_number,
        )  # fmt: skip
    assert "不是该办件的申请人" in LookupLog.objects.get().reason


def test_a_look_up_outside_a_case_is_refused(setting, staff):
    with pytest.raises(PermissionDenied):
        case_lookup(
            number="330523209901010001", user=staff["approver"], resource="GA-HJRK-001", items=["name"]
        )
    assert LookupLog.objects.get().outcome == "denied"


def test_no_record_asks_for_an_upload(setting, staff, applicant):
    from govhall.sharing.models import DemoRecord

    DemoRecord.objects.all().delete()
    with pytest.raises(NotFound, match="上传"):
        case_lookup(
            number=setting["case"].number, user=staff["approver"], resource="GA-HJRK-001", items=["name"]
        )
    assert LookupLog.objects.get().outcome == "granted"
    assert not CaseMaterial.objects.filter(satisfied_by="shared_data").exists()


def test_the_api_answers_the_data_and_the_satisfied_material(setting, staff):
    number = setting["case"].number
    answer = client_for(staff["approver"]).post(
        f"/api/v1/cases/{number}/lookups", {"resource": "GA-HJRK-001", "items": ["name"]},
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["data"] == {"name": setting["case"].applicant.real_name}
    assert body["material"]["satisfied_by"] == "shared_data" and body["material"]["material"] == "居民户口簿"
    assert body["snapshot"]["digest"] == body["material"]["reference"]


def test_the_api_answers_403_without_a_grant_and_logs_it(setting, staff, applicant):
    number = setting["case"].number
    denied = client_for(staff["joint"]).post(
        f"/api/v1/cases/{number}/lookups", {"resource": "GA-HJRK-001", "items": ["name"]},
        content_type="application/json",
    )  # fmt: skip
    assert denied.status_code == 403 and denied.json()["code"] == "lookup_denied"
    usage = client_for(applicant).get("/api/v1/me/data-usage").json()
    assert usage["count"] == 1 and usage["items"][0]["outcome"] == "denied"
    assert usage["items"][0]["case_number"] == number
