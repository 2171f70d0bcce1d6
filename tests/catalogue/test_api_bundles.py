"""GET /api/v1/bundles and /api/v1/bundles/{code}: the list (with life-event search) and the guide with its
items in order, the merged form in the item guide's shape and the merged materials with their ids."""

from __future__ import annotations

import pytest
from django.test import Client

from govhall.catalogue.services import bundle_draft_create_from, bundle_publish
from tests.catalogue.test_bundles import birth, birth_items  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_list_and_search(birth, item):  # noqa: F811
    client = Client()
    page = client.get("/api/v1/bundles").json()
    assert page["count"] == 1
    summary = page["items"][0]
    assert summary["code"] == "birth" and summary["name"] == "出生一件事"
    assert summary["item_count"] == 4 and summary["promised_time_limit"] == 5
    assert summary["lead_department"]["code"] == "rsj"
    assert client.get("/api/v1/bundles", {"q": "生孩子"}).json()["count"] == 1
    assert client.get("/api/v1/bundles", {"q": "营业执照"}).json() == {"count": 0, "items": []}
    assert client.get("/api/v1/bundles", {"audience": "enterprise"}).json()["count"] == 0


def test_bad_parameters_are_4xx_in_chinese(birth):  # noqa: F811
    client = Client()
    too_long = client.get("/api/v1/bundles", {"q": "生" * 65})
    assert too_long.status_code == 422 and "检索词" in too_long.json()["message"]
    audience = client.get("/api/v1/bundles", {"audience": "martian"})
    assert audience.status_code == 422 and audience.json()["field"] == "audience"
    missing = client.get("/api/v1/bundles/nope")
    assert missing.status_code == 404 and "一件事" in missing.json()["message"]
    assert client.get("/api/v1/bundles/birth", {"version": 0}).status_code == 422


def test_the_guide(birth, birth_items):  # noqa: F811
    certificate, registration, card, vaccine = birth_items
    guide = Client().get("/api/v1/bundles/birth").json()
    assert [i["name"] for i in guide["items"]] == [
        "出生医学证明首次签发",
        "出生登记",
        "社会保障卡申领",
        "预防接种证办理",
    ]
    assert guide["stages"] == [
        [certificate.implementation_code, vaccine.implementation_code],
        [registration.implementation_code],
        [card.implementation_code],
    ]
    assert guide["items"][1]["waits_for"] == [certificate.implementation_code]
    assert guide["items"][1]["department"] == {"code": "rsj", "name": "安吉县人力资源和社会保障局"}
    assert guide["edges"][1] == {
        "before": registration.implementation_code, "after": card.implementation_code, "on_failure": "pause",
    }  # fmt: skip
    assert guide["critical_path"] == {
        "days": 3,
        "items": [
            certificate.implementation_code,
            registration.implementation_code,
            card.implementation_code,
        ],
    }
    item_form = Client().get(f"/api/v1/items/{card.implementation_code}").json()["form"]
    item_keys = set(item_form[0])
    form = {f["name"]: f for f in guide["form"]}
    assert item_keys <= set(form["newborn"])  # the item guide's shape, plus where each field goes
    assert form["newborn"]["items"] == [
        {"item": card.implementation_code, "field": "child"},
        {"item": vaccine.implementation_code, "field": "baby_name"},
    ]
    assert len(form["applicant_name"]["items"]) == 2 and form["applicant_name"]["required"] is True
    materials = {m["name"]: m for m in guide["materials"]}
    shared = materials["出生医学证明"]
    assert shared["id"] == registration.materials.get(name="出生医学证明").pk
    assert {t["item"] for t in shared["items"]} == {
        registration.implementation_code, card.implementation_code, vaccine.implementation_code,
    }  # fmt: skip
    assert len(guide["materials"]) == 4  # seven item materials are four papers


def test_a_version_and_the_public_never_see_drafts(birth):  # noqa: F811
    draft = bundle_draft_create_from(birth)
    client = Client()
    assert client.get("/api/v1/bundles/birth", {"version": 2}).status_code == 404
    bundle_publish(draft)
    assert client.get("/api/v1/bundles/birth").json()["version"] == 2
    old = client.get("/api/v1/bundles/birth", {"version": 1}).json()
    assert old["status"] == "superseded"
