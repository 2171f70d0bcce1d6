"""The licences API: my list (masked), detail, face download rights, revoke, authorise, public verification and
the published keys."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.factories.identity import make_citizen

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_my_licences_are_listed_masked(licence, citizen):
    answer = _client(citizen).get("/api/v1/licences").json()
    assert answer["count"] == 1
    row = answer["items"][0]
    assert row["identifier"] == licence.identifier and row["status"] == "valid"
    assert row["holder"].startswith(citizen.real_name[0]) and "*" in row["holder"]
    assert citizen.id_number not in str(answer) and "*" in row["holder_id"]
    assert row["face_url"].endswith("/face")


def test_list_needs_a_login():
    assert Client().get("/api/v1/licences").status_code == 401


def test_detail_and_face_only_for_the_holder_or_authorised_staff(licence, citizen, staff):
    url = f"/api/v1/licences/{licence.identifier}"
    assert _client(citizen).get(url).json()["events"][0]["kind"] == "issued"
    stranger = make_citizen(name="李四")
    assert _client(stranger).get(url).status_code == 404
    assert _client(stranger).get(url + "/face").status_code == 404
    face = _client(citizen).get(url + "/face")
    assert face.status_code == 200 and face["Content-Type"] == "application/pdf"
    assert b"".join(face.streaming_content).startswith(b"%PDF")
    assert _client(staff["joint"]).get(url + "/face").status_code == 404
    until = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    made = _client(citizen).post(
        url + "/authorisations", {"department": "scjgj", "until": until, "case_number": "N1"},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201, made.content
    assert _client(staff["joint"]).get(url + "/face").status_code == 200
    assert (
        _client(stranger)
        .post(
            url + "/authorisations", {"department": "scjgj", "until": until}, content_type="application/json"
        )
        .status_code
        == 404
    )


def test_verify_by_id_is_public_and_minimal(licence, citizen, staff):
    answer = Client().get("/api/v1/licences/verify", {"id": licence.identifier}).json()
    assert answer["status"] == "valid" and answer["type"] == "测试许可证"
    assert citizen.real_name not in str(answer) and citizen.id_number not in str(answer)
    revoked = _client(staff["approver"]).post(
        f"/api/v1/licences/{licence.identifier}/revoke",
        {"reason": "许可被撤销"},
        content_type="application/json",
    )
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert Client().get("/api/v1/licences/verify", {"id": licence.identifier}).json()["status"] == "revoked"
    assert Client().get("/api/v1/licences/verify", {"id": "nonsense"}).json()["status"] == "not_found"


def test_revoke_by_other_staff_or_holder_is_refused(licence, citizen, staff):
    url = f"/api/v1/licences/{licence.identifier}/revoke"
    body = {"reason": "x"}
    assert _client(staff["joint"]).post(url, body, content_type="application/json").status_code == 403
    assert _client(citizen).post(url, body, content_type="application/json").status_code == 403


def test_verify_by_document(licence, media):
    pdf = (media / licence.face_path).read_bytes()
    good = Client().post("/api/v1/licences/verify", {"file": SimpleUploadedFile("f.pdf", pdf)})
    assert good.json()["status"] == "valid"
    bad = Client().post(
        "/api/v1/licences/verify", {"file": SimpleUploadedFile("f.pdf", pdf[:-10] + b"0" * 10)}
    )
    assert bad.json()["status"] == "invalid"


def test_keys_are_published_including_retired(licence, department):
    from govhall.licences.services import issuer_key_create

    issuer_key_create(department=department)
    answer = Client().get("/api/v1/licences/keys").json()
    assert answer["count"] == 2
    assert {k["retired_at"] is None for k in answer["items"]} == {True, False}
    assert all(k["public_key"].startswith("04") and len(k["public_key"]) == 130 for k in answer["items"])
