"""Issuing, revoking, replacing, expiring and authorising licences; each writes an event and a notice."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.core.errors import Conflict, PermissionDenied, ValidationFailed
from govhall.licences import identifiers, selectors
from govhall.licences.models import IssuerKey, LicenceEvent, LicenceStatus, LicenceUse
from govhall.licences.services import (
    issuer_key_create,
    licence_authorise,
    licence_issue,
    licence_replace,
    licence_revoke,
    licence_use_record,
    licences_expire,
)
from govhall.notices.models import Notice
from tests.factories.identity import make_staff

pytestmark = pytest.mark.django_db


@pytest.mark.clock("2026-11-18T10:00")
def test_issue_numbers_signs_and_stores_the_face(licence, licence_type, citizen, department, media):
    ident = identifiers.parse(licence.identifier)
    assert (ident.type_code, ident.issuer_uscc, ident.serial, ident.version) == (
        "320001",
        department.uscc,
        "00000001",
        1,
    )
    assert licence.issued_on == dt.date(2026, 11, 18) and licence.valid_until == dt.date(2031, 11, 18)
    assert licence.holder_code == citizen.id_number and licence.holder_id_hash
    assert bytes(licence.holder_id_enc) != citizen.id_number.encode()
    pdf = (media / licence.face_path).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert selectors.licence_verify(licence.identifier).status == "valid"
    assert selectors.licence_verify_document(pdf).status == "valid"
    assert licence.events.get().kind == LicenceEvent.Kind.ISSUED
    assert Notice.objects.filter(recipient=citizen, title__contains="颁发").exists()


def test_serials_count_up_per_type_and_issuer(licence, licence_type, citizen):
    second = licence_issue(type=licence_type, holder=citizen)
    assert identifiers.parse(second.identifier).serial == "00000002"


def test_a_holder_without_an_id_number_is_refused(licence_type, staff):
    with pytest.raises(ValidationFailed):
        licence_issue(type=licence_type, holder=staff["clerk"])


def test_tampered_face_is_invalid_and_tampered_metadata_fails_the_signature(licence, media):
    pdf = (media / licence.face_path).read_bytes()
    tampered = pdf.replace(b"/Producer", b"/Producex", 1)
    assert tampered != pdf
    assert selectors.licence_verify_document(tampered).status == "invalid"
    licence.holder_name = "李四"
    licence.save(update_fields=["holder_name"])
    assert selectors.licence_verify(licence.identifier).status == "invalid"


def test_unknown_and_malformed_identifiers_are_not_found(licence):
    assert selectors.licence_verify("1.2.156.3005.2.X").status == "not_found"
    other = str(identifiers.make("320001", licence.issuer_uscc, 99))
    assert selectors.licence_verify(other).status == "not_found"


def test_revoke_by_the_issuing_department_only(licence, staff, citizen):
    with pytest.raises(PermissionDenied):
        licence_revoke(identifier=licence.identifier, user=staff["joint"], reason="错误颁发")
    with pytest.raises(ValidationFailed):
        licence_revoke(identifier=licence.identifier, user=staff["approver"], reason=" ")
    licence_revoke(identifier=licence.identifier, user=staff["approver"], reason="依法撤销许可")
    result = selectors.licence_verify(licence.identifier)
    assert result.status == "revoked" and "依法撤销许可" in result.message
    assert Notice.objects.filter(recipient=citizen, title__contains="注销").exists()
    with pytest.raises(Conflict):
        licence_revoke(identifier=licence.identifier, user=staff["approver"], reason="再次")


def test_replace_supersedes_the_old_version(licence, staff):
    new = licence_replace(
        identifier=licence.identifier, user=staff["approver"], face={"scope": "茶叶、茶具销售"}
    )
    assert identifiers.parse(new.identifier).version == 2 and new.serial == licence.serial
    assert new.supersedes_id == licence.pk and new.face["scope"] == "茶叶、茶具销售"
    assert selectors.licence_verify(licence.identifier).status == "superseded"
    assert selectors.licence_verify(new.identifier).status == "valid"


def test_rotation_keeps_old_keys_and_old_licences_verify(licence, department):
    old_key = licence.key
    issuer_key_create(department=department)
    assert IssuerKey.objects.filter(department=department).count() == 2
    old_key.refresh_from_db()
    assert old_key.retired_at is not None
    assert selectors.licence_verify(licence.identifier).status == "valid"


@pytest.mark.clock("2026-11-18T10:00")
def test_expire_marks_past_validity_licences(licence, citizen):
    assert licences_expire(today=dt.date(2031, 11, 18)) == 0
    assert licences_expire(today=dt.date(2031, 11, 19)) == 1
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.EXPIRED
    assert licence.events.filter(kind="expired").exists()
    assert Notice.objects.filter(recipient=citizen, title__contains="过期").exists()


def test_authorise_lets_a_department_see_the_licence(licence, citizen, staff, joint_department):
    assert not selectors.may_view(staff["joint"], licence)
    with pytest.raises(ValidationFailed):
        licence_authorise(
            identifier=licence.identifier, user=citizen, department="nope", until=dt.date.today()
        )
    other = make_staff(username="x", department=joint_department, roles=["approver"])
    until = selectors.timezone.localdate() + dt.timedelta(days=10)
    licence_authorise(
        identifier=licence.identifier, user=citizen, department="scjgj", until=until, case_number="N1"
    )
    assert selectors.may_view(other, licence)
    assert licence.events.filter(kind="authorised").exists()


def test_a_use_is_recorded(licence, department, staff):
    licence_use_record(
        licence=licence, department=department, case_number="N1", staff=staff["approver"], purpose="核验"
    )
    assert LicenceUse.objects.get().case_number == "N1"
    assert licence.events.filter(kind="used").exists()
