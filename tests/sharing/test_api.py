"""一库共享 API: the catalogue for staff, requests and answers, the citizen's data usage and consents."""

from __future__ import annotations

from tests.cases.api_helpers import client_for
from tests.factories.sharing import make_resource


def _post(user, url, body):
    return client_for(user).post(url, body, content_type="application/json")


def test_staff_read_the_catalogue_and_citizens_do_not(user_approver, resource, citizen):
    answer = client_for(user_approver).get("/api/v1/sharing/resources")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 1
    row = body["items"][0]
    assert (row["code"], row["provider"], row["sharing_type"]) == (
        "GA-HJRK-001",
        "安吉县公安局",
        "conditional",
    )
    assert [d["key"] for d in row["data_items"]] == ["name", "address", "relation"]
    assert client_for(citizen).get("/api/v1/sharing/resources").status_code == 403


def test_a_request_is_made_and_approved_through_the_api(user_head, provider_head, resource, lookup_item):
    created = _post(
        user_head, "/api/v1/sharing/requests",
        {"resource": resource.code, "data_items": ["name"], "item_codes": [lookup_item.implementation_code],
         "purpose": "核验户籍"},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    request_id = created.json()["id"]
    assert created.json()["state"] == "pending" and created.json()["grant"] is None
    listed = client_for(provider_head).get("/api/v1/sharing/requests").json()
    assert [r["id"] for r in listed["items"]] == [request_id]
    assert _post(user_head, f"/api/v1/sharing/requests/{request_id}/approve", {}).status_code == 403
    approved = _post(provider_head, f"/api/v1/sharing/requests/{request_id}/approve", {"reason": "同意"})
    assert approved.status_code == 200
    assert approved.json()["state"] == "approved" and approved.json()["grant"]["data_items"] == ["name"]
    again = _post(provider_head, f"/api/v1/sharing/requests/{request_id}/refuse", {"reason": "不行"})
    assert again.status_code == 409


def test_refusing_needs_a_reason(user_head, provider_head, resource, lookup_item):
    created = _post(
        user_head, "/api/v1/sharing/requests",
        {"resource": resource.code, "data_items": ["name"], "item_codes": [lookup_item.implementation_code],
         "purpose": "核验"},
    ).json()  # fmt: skip
    blank = _post(provider_head, f"/api/v1/sharing/requests/{created['id']}/refuse", {"reason": ""})
    assert blank.status_code == 422 and blank.json()["field"] == "reason"


def test_an_unknown_resource_is_404_naming_the_field(user_head, lookup_item):
    answer = _post(
        user_head, "/api/v1/sharing/requests",
        {"resource": "NOPE", "data_items": ["name"], "item_codes": [lookup_item.implementation_code], "purpose": "x"},
    )  # fmt: skip
    assert answer.status_code == 404 and answer.json()["field"] == "resource"


def test_consent_is_given_and_revoked_through_the_api(provider, citizen):
    make_resource(
        provider, code="MZ-DBTK", name="低保/特困信息", needs_consent=True, legal_basis="须本人授权"
    )
    given = _post(citizen, "/api/v1/me/data-consents", {"resource": "MZ-DBTK"})
    assert given.status_code == 201
    listed = client_for(citizen).get("/api/v1/me/data-consents").json()
    assert listed["count"] == 1 and listed["items"][0]["revoked_at"] is None
    revoked = _post(citizen, f"/api/v1/me/data-consents/{given.json()['id']}/revoke", {})
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None


def test_data_usage_is_empty_for_a_new_citizen(citizen):
    assert client_for(citizen).get("/api/v1/me/data-usage").json() == {"count": 0, "items": []}
