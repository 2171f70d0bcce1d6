"""Pages of 一库共享: the catalogue for staff, requests to answer, 我的数据使用记录, and 共享数据核验 on the case page."""

from __future__ import annotations

import json

from django.test import Client

from govhall.catalogue.models import Material
from govhall.sharing.models import Grant, SharingRequest
from govhall.sharing.services import consent_give, sharing_request_create
from tests.factories.cases import submit
from tests.factories.sharing import make_grant, make_resource


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_browse_the_catalogue_and_export_it(user_approver, resource, citizen):
    page = _client(user_approver).get("/sharing/resources/")
    assert page.status_code == 200 and "户籍人口信息" in page.content.decode()
    detail = _client(user_approver).get(f"/sharing/resources/{resource.code}/").content.decode()
    assert "与户主关系" in detail and "《居民身份证法》" in detail
    exported = json.loads(_client(user_approver).get("/sharing/resources/export.json").content)
    assert (
        exported["format"] == "govhall-sharing-catalogue"
        and exported["resources"][0]["code"] == resource.code
    )
    assert _client(citizen).get("/sharing/resources/").status_code == 403


def test_the_provider_approves_a_request_on_its_page(user_head, provider_head, resource, lookup_item):
    request = sharing_request_create(
        user=user_head, resource=resource.code, data_items=["name"], item_codes=[lookup_item.implementation_code],
        purpose="核验户籍",
    )  # fmt: skip
    page = _client(provider_head).get("/sharing/requests/").content.decode()
    assert "核验户籍" in page and "同意共享" in page
    _client(provider_head).post(
        f"/sharing/requests/{request.pk}/decide/", {"decision": "approve", "reason": "同意"}
    )
    request.refresh_from_db()
    assert request.state == SharingRequest.State.APPROVED and Grant.objects.filter(request=request).exists()


def test_a_refusal_without_a_reason_is_said_on_the_page(user_head, provider_head, resource, lookup_item):
    request = sharing_request_create(
        user=user_head, resource=resource.code, data_items=["name"], item_codes=[lookup_item.implementation_code],
        purpose="核验户籍",
    )  # fmt: skip
    answer = _client(provider_head).post(
        f"/sharing/requests/{request.pk}/decide/", {"decision": "refuse"}, follow=True
    )
    assert "须说明理由" in answer.content.decode()
    request.refresh_from_db()
    assert request.state == SharingRequest.State.PENDING


def test_the_account_page_links_to_the_data_usage_page(citizen_client):
    assert "/account/data-usage/" in citizen_client.get("/account/").content.decode()
    assert "还没有部门查询过您的数据" in citizen_client.get("/account/data-usage/").content.decode()


def test_a_consent_is_revoked_on_the_data_usage_page(provider, citizen, citizen_client):
    make_resource(
        provider, code="MZ-DBTK", name="低保/特困信息", needs_consent=True, legal_basis="须本人授权"
    )
    consent = consent_give(user=citizen, resource="MZ-DBTK")
    assert "撤回授权" in citizen_client.get("/account/data-usage/").content.decode()
    citizen_client.post(f"/account/data-consents/{consent.pk}/revoke/")
    consent.refresh_from_db()
    assert consent.revoked_at is not None


def test_the_approver_checks_shared_data_on_the_case_page_and_the_citizen_sees_it(
    user_head, user_approver, provider_head, resource, lookup_item, record, media
):
    Material.objects.create(
        item=lookup_item, position=9, name="居民户口簿", source="shared_data", source_ref="户籍信息"
    )
    make_grant(
        asker=user_head, approver=provider_head, resource=resource, item_codes=[lookup_item.implementation_code],
        data_items=["name", "address"],
    )  # fmt: skip
    case = submit(lookup_item, record)
    staff = _client(user_approver)
    page = staff.get(f"/cases/{case.number}/").content.decode()
    assert "共享数据核验" in page and "居民户口簿" in page
    staff.post(f"/cases/{case.number}/act/", {"action": "lookup", "resource": resource.code})
    page = staff.get(f"/cases/{case.number}/").content.decode()
    assert "安吉县递铺街道" in page and "SM3" in page and "免提交" in page
    usage = _client(record).get("/account/data-usage/").content.decode()
    assert case.number in usage and "户籍人口信息" in usage and "姓名、户籍地址" in usage
