"""零证明 at application: the plan (which materials an e-licence or shared data satisfies, and why another must be
uploaded after all), the look-ups the submission makes for the item's department, the page and the guide."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govhall.cases.models import Case, CaseDataSnapshot, Satisfaction
from govhall.cases.paperless import materials_plan
from govhall.cases.services import (
    application_consents_give,
    case_draft_save,
    case_draft_submit,
    draft_problems,
)
from govhall.catalogue.models import Material
from govhall.core.errors import ValidationFailed
from govhall.licences.models import LicenceType
from govhall.licences.services import licence_issue, licence_revoke
from govhall.sharing.models import LookupLog
from govhall.sharing.selectors import data_usage
from tests.factories.cases import PDF, submit, upload_store
from tests.factories.identity import DepartmentFactory, make_staff
from tests.factories.sharing import make_grant, make_resource, put_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(items, department, county, staff, applicant, media):
    """容缺事项 with 居民身份证 from the e-licence 110001 and 居民户口簿 from 户籍人口信息 (granted to the item's
    department for this item); the applicant holds the licence and 公安 holds their record."""
    item = items["tolerant"]
    licence_type = LicenceType.objects.create(code="110001", name="居民身份证（电子）", department=department)
    item.materials.filter(name="居民身份证").update(source="licence", source_ref="110001")
    hukou = Material.objects.create(
        item=item, position=9, name="居民户口簿", source="shared_data", source_ref="户籍信息"
    )
    provider = DepartmentFactory(code="gaj", name="安吉县公安局", region=county)
    provider_head = make_staff(username="gaj_head", department=provider, roles=["department_head"])
    resource = make_resource(provider)
    make_grant(
        asker=staff["head"], approver=provider_head, resource=resource, item_codes=[item.implementation_code]
    )
    return {"item": item, "type": licence_type, "hukou": hukou, "resource": resource}


def _uploads_only(item, applicant):
    upload = upload_store(owner=applicant, name="x.pdf", data=PDF)
    return [(m.pk, str(upload.pk)) for m in item.materials.filter(source="applicant")]


def _ways(plan):
    return {p.material.name: p.way for p in plan}


def test_the_plan_names_the_licence_and_the_shared_data_and_the_rest_is_uploaded(world, applicant):
    licence = licence_issue(type=world["type"], holder=applicant)
    plan = materials_plan(world["item"], applicant, None)
    assert _ways(plan) == {
        "居民身份证": "licence", "申领登记表": "upload", "健康证明": "upload", "居民户口簿": "shared_data",
    }  # fmt: skip
    notes = {p.material.name: p.note for p in plan}
    assert licence.identifier in notes["居民身份证"]
    assert "户籍人口信息" in notes["居民户口簿"] and "安吉县公安局" in notes["居民户口簿"]


def test_without_the_licence_or_the_grant_the_materials_are_uploaded_and_the_plan_says_why(
    world, applicant, other_citizen
):
    licence_issue(type=world["type"], holder=other_citizen)  # someone else's licence does not count
    world["hukou"].source_ref = "不动产登记信息"  # a resource the department has no grant for
    world["hukou"].save()
    plan = {p.material.name: p for p in materials_plan(world["item"], applicant, None)}
    assert plan["居民身份证"].way == "upload" and "未查到您持有的有效电子证照" in plan["居民身份证"].note
    assert plan["居民户口簿"].way == "upload" and "尚未接入共享数据" in plan["居民户口簿"].note


@pytest.fixture
def other_citizen(db):
    from tests.factories.identity import make_citizen

    return make_citizen(name="李四")


def test_the_submission_looks_up_the_shared_data_for_the_department_and_keeps_a_snapshot(
    world, applicant, department
):
    licence_issue(type=world["type"], holder=applicant)
    put_record(world["resource"], applicant.id_number, name=applicant.real_name, address="安吉县递铺街道")
    case = submit(world["item"], applicant, materials=_uploads_only(world["item"], applicant))
    ways = {cm.material.name: cm.satisfied_by for cm in case.materials.select_related("material")}
    assert ways["居民户口簿"] == Satisfaction.SHARED_DATA and ways["居民身份证"] == Satisfaction.LICENCE
    snapshot = CaseDataSnapshot.objects.get(case=case)
    assert snapshot.data["address"] == "安吉县递铺街道"
    log = LookupLog.objects.get()
    assert (log.outcome, log.case_number, log.department_id) == ("granted", case.number, department.pk)
    assert log.user_label == "申报时自动核验" and log.pk == snapshot.lookup_id
    assert case.events.filter(action="lookup", note__contains="申报时共享数据核验").exists()
    [use] = data_usage(applicant)
    assert use.case_number == case.number and use.department == department.name


def test_nothing_found_asks_for_the_upload_and_creates_no_case(world, applicant):
    licence_issue(type=world["type"], holder=applicant)
    with pytest.raises(ValidationFailed) as refused:
        submit(world["item"], applicant, materials=_uploads_only(world["item"], applicant))
    assert refused.value.field == f"materials.{world['hukou'].pk}"
    assert "未查到记录" in refused.value.message and "请上传" in refused.value.message
    assert not Case.objects.exists()
    assert LookupLog.objects.get().reason == "提供部门未查到该主体的记录"  # the look-up stays on record
    upload = upload_store(owner=applicant, name="户口簿.pdf", data=PDF)
    materials = [*_uploads_only(world["item"], applicant), (world["hukou"].pk, str(upload.pk))]
    case = submit(world["item"], applicant, materials=materials)
    assert case.materials.get(material=world["hukou"]).satisfied_by == Satisfaction.UPLOAD
    assert LookupLog.objects.count() == 1  # handed in as a file: no look-up


def test_a_licence_material_without_a_licence_is_missing_and_named_with_the_reason(world, applicant):
    put_record(world["resource"], applicant.id_number, name=applicant.real_name)
    with pytest.raises(ValidationFailed) as refused:
        submit(world["item"], applicant, materials=_uploads_only(world["item"], applicant))
    assert refused.value.field == "materials"
    assert "居民身份证（未查到您持有的有效电子证照" in refused.value.message
    assert not LookupLog.objects.exists()  # refused before any look-up


def test_data_that_needs_consent_is_uploaded_until_the_applicant_agrees(world, applicant):
    resource = world["resource"]
    resource.needs_consent = True
    resource.save()
    licence_issue(type=world["type"], holder=applicant)
    put_record(resource, applicant.id_number, name=applicant.real_name)
    [row] = [p for p in materials_plan(world["item"], applicant, None) if p.material == world["hukou"]]
    assert row.consent_needed and row.must_upload
    assert world["hukou"].pk in [
        p.material.pk
        for p in materials_plan(world["item"], applicant, None, consents=[resource.code])
        if p.paperless
    ]
    application_consents_give(applicant=applicant, enterprise=None, resources=[resource.code])
    case = submit(world["item"], applicant, materials=_uploads_only(world["item"], applicant))
    assert case.materials.get(material=world["hukou"]).satisfied_by == Satisfaction.SHARED_DATA


def test_a_draft_lists_only_what_must_be_uploaded_and_its_submission_looks_up(world, applicant):
    licence_issue(type=world["type"], holder=applicant)
    put_record(world["resource"], applicant.id_number, name=applicant.real_name)
    form = {"applicant_name": applicant.real_name, "id_number": applicant.id_number, "phone": applicant.phone}
    draft = case_draft_save(
        user=applicant, item_code=world["item"].implementation_code, form=form, materials=[]
    )
    problems = draft_problems(draft)
    named = {int(key.split(".")[1]) for key in problems if key.startswith("materials.")}
    assert named == set(world["item"].materials.filter(source="applicant").values_list("pk", flat=True))
    case_draft_save(user=applicant, draft_id=draft.pk, materials=_uploads_only(world["item"], applicant))
    case = case_draft_submit(user=applicant, draft_id=draft.pk)
    assert case.number and CaseDataSnapshot.objects.filter(case=case).exists()
    assert LookupLog.objects.get().case_number == case.number


def test_the_apply_page_marks_paperless_materials_and_the_guide_says_how_each_is_handed_in(world, applicant):
    licence_issue(type=world["type"], holder=applicant)
    client = Client()
    client.force_login(applicant)
    item = world["item"]
    page = client.get(f"/items/{item.implementation_code}/apply/").content.decode()
    assert page.count("，免提交</span>") == 2
    assert f'name="file_{world["hukou"].pk}"' not in page and "提交后由" in page
    guide = Client().get(f"/items/{item.implementation_code}/").content.decode()
    assert "共享数据“户籍人口信息”（安吉县公安局提供）" in guide
    assert "电子证照“居民身份证（电子）”" in guide and "申请人上传" in guide


def test_the_apply_page_submits_with_uploads_only_and_a_missing_record_is_shown_on_its_row(world, applicant):
    licence_issue(type=world["type"], holder=applicant)
    client = Client()
    client.force_login(applicant)
    item = world["item"]
    data = {
        "f_applicant_name": applicant.real_name,
        "f_id_number": applicant.id_number,
        "f_phone": applicant.phone,
    }
    for m in item.materials.filter(source="applicant"):
        data[f"file_{m.pk}"] = SimpleUploadedFile(f"{m.pk}.pdf", PDF, content_type="application/pdf")
    answer = client.post(f"/items/{item.implementation_code}/apply/", data | {"action": "submit"})
    assert answer.status_code == 422
    assert "共享数据核验未通过" in answer.content.decode()
    put_record(world["resource"], applicant.id_number, name=applicant.real_name)
    draft = Case.objects.get(status="draft")
    answer = client.post(
        f"/items/{item.implementation_code}/apply/", {"draft": draft.pk, "action": "submit"} | {
            k: v for k, v in data.items() if k.startswith("f_")
        },
    )  # fmt: skip
    assert answer.status_code == 302
    assert Case.objects.get(pk=draft.pk).materials.filter(satisfied_by="shared_data").count() == 1


def test_the_api_tells_an_app_what_to_upload_and_then_takes_the_uploads_only(world, applicant):
    from tests.cases.api_helpers import client_for

    licence = licence_issue(type=world["type"], holder=applicant)
    put_record(world["resource"], applicant.id_number, name=applicant.real_name)
    api = client_for(applicant)
    item = world["item"]
    answer = api.get(f"/api/v1/items/{item.implementation_code}/materials-plan")
    assert answer.status_code == 200
    plan = {row["name"]: row for row in answer.json()["items"]}
    assert plan["居民身份证"] | {"note": ""} == {
        "material": plan["居民身份证"]["material"], "name": "居民身份证", "required": True, "way": "licence",
        "paperless": True, "consent_needed": False, "note": "", "licence": licence.identifier, "resource": None,
    }  # fmt: skip
    assert plan["居民户口簿"]["way"] == "shared_data" and plan["居民户口簿"]["resource"] == "GA-HJRK-001"
    uploads = [
        {"material": row["material"], "upload": str(upload_store(owner=applicant, name="a.pdf", data=PDF).pk)}
        for row in plan.values()
        if not row["paperless"]
    ]
    form = {"applicant_name": applicant.real_name, "id_number": applicant.id_number, "phone": applicant.phone}
    created = api.post(
        "/api/v1/cases", {"item": item.implementation_code, "form": form, "materials": uploads},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    ways = {m["material"]: m["satisfied_by"] for m in created.json()["materials"]}
    assert ways["居民户口簿"] == "shared_data" and ways["居民身份证"] == "licence"
    assert api.get("/api/v1/items/NOPE/materials-plan").status_code == 404


def test_the_form_prefills_the_address_from_the_applicants_own_licence_and_says_so(world, applicant):
    item = world["item"]
    client = Client()
    client.force_login(applicant)
    url = f"/items/{item.implementation_code}/apply/"
    page = client.get(url).content.decode()
    assert "的电子证照" not in page  # no licence yet: nothing prefilled from one
    licence = licence_issue(type=world["type"], holder=applicant, face={"address": "安吉县递铺街道天目路8号"})
    page = client.get(url).content.decode()
    assert 'value="安吉县递铺街道天目路8号"' in page
    assert "已从您的电子证照“居民身份证（电子）”带出，可修改" in page
    issuer_head = make_staff(
        username="issuer_head", department=world["type"].department, roles=["department_head"]
    )
    licence_revoke(identifier=licence.identifier, user=issuer_head, reason="证照信息有误")
    assert "天目路8号" not in client.get(url).content.decode()  # a revoked licence prefills nothing
