"""Pages: the wallet, a licence's page (authorise; revoke for the issuer's staff), the face, the public verify page."""

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


def test_wallet_lists_my_licences(licence, citizen):
    page = _client(citizen).get("/licences/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "我的证照" in text and "测试许可证" in text and licence.identifier in text


def test_wallet_needs_a_login():
    assert Client().get("/licences/").status_code == 302


def test_account_page_links_the_wallet(citizen):
    assert "/licences/" in _client(citizen).get("/account/").content.decode()


def test_detail_and_face_for_the_holder_only(licence, citizen):
    url = f"/licences/{licence.identifier}/"
    assert "用证授权" in _client(citizen).get(url).content.decode()
    assert _client(make_citizen(name="李四")).get(url).status_code == 404
    face = _client(citizen).get(url + "face.pdf")
    assert face.status_code == 200 and b"".join(face.streaming_content).startswith(b"%PDF")


def test_holder_authorises_a_department(licence, citizen, joint_department):
    until = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    answer = _client(citizen).post(
        f"/licences/{licence.identifier}/authorise/", {"department": "scjgj", "until": until}
    )
    assert answer.status_code == 302
    assert licence.authorisations.get().department == joint_department


def test_staff_revokes_and_the_public_page_says_so(licence, staff):
    url = f"/licences/{licence.identifier}/"
    assert "注销证照" in _client(staff["approver"]).get(url).content.decode()
    assert "注销证照" not in _client(staff["approver"]).get("/licences/").content.decode()
    _client(staff["approver"]).post(url + "revoke/", {"reason": "许可被依法撤销"})
    page = Client().get("/licences/verify", {"id": licence.identifier}).content.decode()
    assert "已注销" in page and "许可被依法撤销" in page
    assert licence.holder_name not in page  # masked


def test_public_verify_page_checks_an_uploaded_face(licence, media):
    pdf = (media / licence.face_path).read_bytes()
    assert (
        "有效"
        in Client().post("/licences/verify", {"file": SimpleUploadedFile("f.pdf", pdf)}).content.decode()
    )
    tampered = (
        Client()
        .post("/licences/verify", {"file": SimpleUploadedFile("f.pdf", pdf + b"\n%x")})
        .content.decode()
    )
    assert "无效" in tampered
