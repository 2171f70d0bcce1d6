"""Licences in cases: a completed case issues its item's licence (which verifies, and reads revoked after
revocation); a licence-sourced material is satisfied by the applicant's valid licence (免提交)."""

from __future__ import annotations

import pytest

from govhall.cases.models import Satisfaction
from govhall.licences import selectors
from govhall.licences.models import Licence, LicenceType, LicenceUse
from govhall.licences.services import licence_issue, licence_revoke
from tests.factories.cases import PDF, completed_case, submit, upload_store

pytestmark = pytest.mark.django_db


def test_a_completed_case_issues_a_licence_that_verifies_then_reads_revoked(
    items, applicant, staff, department, media
):
    item = items["promised"]
    LicenceType.objects.create(
        code="320002", name="测试许可证", department=department, validity_years=None,
        face_fields=[{"name": "applicant_name", "label": "申请人"}], item_codes=[item.implementation_code],
    )  # fmt: skip
    case = completed_case(item, applicant, staff["clerk"], [staff["approver"], staff["head"], staff["joint"]])
    licence = Licence.objects.get(source_case=case.number)
    assert licence.holder == applicant and licence.face["applicant_name"] == applicant.real_name
    assert licence.valid_until is None
    assert case.events.filter(action="licence_issue", note__contains="颁发电子证照").exists()
    assert selectors.licence_verify(licence.identifier).status == "valid"
    licence_revoke(identifier=licence.identifier, user=staff["approver"], reason="撤销许可")
    assert selectors.licence_verify(licence.identifier).status == "revoked"


def test_other_items_issue_nothing(items, applicant, staff, department, media):
    LicenceType.objects.create(code="320003", name="别的证", department=department, item_codes=["X"])
    completed_case(
        items["promised"], applicant, staff["clerk"], [staff["approver"], staff["head"], staff["joint"]]
    )
    assert not Licence.objects.exists()


@pytest.fixture
def licensed_item(items, department):
    item = items["tolerant"]
    LicenceType.objects.create(code="110001", name="居民身份证（电子）", department=department)
    item.materials.filter(name="居民身份证").update(source="licence", source_ref="110001")
    return item


def test_a_licence_material_is_satisfied_by_the_holders_licence(licensed_item, applicant, media):
    licence = licence_issue(type=LicenceType.objects.get(code="110001"), holder=applicant)
    upload = upload_store(owner=applicant, name="x.pdf", data=PDF)
    others = [(m.pk, str(upload.pk)) for m in licensed_item.materials.exclude(name="居民身份证")]
    case = submit(licensed_item, applicant, materials=others)
    cm = case.materials.get(material__name="居民身份证")
    assert (
        cm.satisfied_by == Satisfaction.LICENCE and cm.reference == licence.identifier and cm.upload is None
    )
    use = LicenceUse.objects.get()
    assert use.case_number == case.number and use.department == case.department
    assert case.events.filter(action="licence_use").exists()


def test_without_a_licence_nothing_is_satisfied(licensed_item, applicant, media):
    upload = upload_store(owner=applicant, name="x.pdf", data=PDF)
    case = submit(
        licensed_item, applicant, materials=[(m.pk, str(upload.pk)) for m in licensed_item.materials.all()]
    )
    assert not case.materials.filter(satisfied_by=Satisfaction.LICENCE).exists()
    assert not LicenceUse.objects.exists()
