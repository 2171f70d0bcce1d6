"""The bundle cases API: one POST (idempotent) answers the bundle case and its cases; the bundle case, my
list, 统一出件, withdrawal and the public progress query by its YJS number."""

from __future__ import annotations

import pytest

from govhall.cases.models import Case
from govhall.cases.services import case_act
from govhall.cases.transitions import Action
from govhall.catalogue.selectors import bundle_get_published, bundle_guide
from tests.cases.api_helpers import client_for
from tests.factories.cases import PDF
from tests.factories.identity import make_citizen

pytestmark = pytest.mark.django_db


def _body(client, applicant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = client.post("/api/v1/uploads", {"file": SimpleUploadedFile("id.pdf", PDF)}).json()["id"]
    guide = bundle_guide(bundle_get_published("birth"))
    materials = [
        {"material": m.id, "upload": upload} for m in guide.materials if m.first.source == "applicant"
    ]
    form = {"applicant_name": applicant.real_name, "id_number": applicant.id_number, "phone": applicant.phone,
            "newborn": "王小宝"}  # fmt: skip
    return {"bundle": "birth", "form": form, "materials": materials}


def test_submit_answers_the_bundle_case_with_its_cases_and_is_idempotent(media, birth_bundle, applicant):
    client = client_for(applicant)
    body = _body(client, applicant)
    first = client.post(
        "/api/v1/bundle-cases", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="a1"
    )
    assert first.status_code == 201, first.content
    answer = first.json()
    assert answer["number"].startswith("YJS") and answer["status"] == "in_progress"
    statuses = {c["item_name"]: c["status"] for c in answer["cases"]}
    assert statuses["出生登记"] == "waiting" and statuses["出生医学证明首次签发"] == "submitted"
    again = client.post(
        "/api/v1/bundle-cases", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="a1"
    )
    assert again.status_code == 200 and again.json()["number"] == answer["number"]
    assert Case.objects.count() == 4
    mine = client.get("/api/v1/bundle-cases").json()
    assert mine["count"] == 1 and mine["items"][0]["number"] == answer["number"]
    shown = client.get(f"/api/v1/bundle-cases/{answer['number']}").json()
    assert shown["critical_path"] and shown["total"] == 4
    assert (
        client_for(make_citizen(name="李四")).get(f"/api/v1/bundle-cases/{answer['number']}").status_code
        == 404
    )


def test_bad_input_is_422_in_chinese_and_nothing_is_saved(media, birth_bundle, applicant):
    client = client_for(applicant)
    body = _body(client, applicant)
    missing = client.post("/api/v1/bundle-cases", {**body, "materials": []}, content_type="application/json")
    assert missing.status_code == 422 and "父母双方居民身份证" in missing.json()["message"]
    unknown = client.post("/api/v1/bundle-cases", {**body, "bundle": "nope"}, content_type="application/json")
    assert unknown.status_code == 404
    optional = client.post("/api/v1/bundle-cases", {**body, "items": ["x"]}, content_type="application/json")
    assert optional.status_code == 422 and optional.json()["field"] == "items"
    assert not Case.objects.exists()


def test_progress_delivery_and_withdrawal(media, birth_bundle, applicant, staff):
    client = client_for(applicant)
    number = client.post(
        "/api/v1/bundle-cases", _body(client, applicant), content_type="application/json"
    ).json()["number"]
    public = client.get("/api/v1/progress", {"number": number, "name": applicant.display_name})
    assert public.status_code == 200 and len(public.json()["cases"]) == 4
    assert client.get("/api/v1/progress", {"number": number, "name": "别人"}).status_code == 404
    clerk = client_for(staff["clerk"])
    early = clerk.post(
        f"/api/v1/bundle-cases/{number}/deliver", {"method": "window"}, content_type="application/json"
    )
    assert early.status_code == 409
    for name in ("预防接种证办理", "出生医学证明首次签发"):
        case = Case.objects.get(bundle_case__number=number, item__name=name)
        case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    withdrawn = client.post(f"/api/v1/bundle-cases/{number}/withdraw")
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["status"] == "closed"
    delivered = clerk.post(f"/api/v1/bundle-cases/{number}/deliver",
                           {"method": "express", "address": "递铺街道1号", "carrier": "EMS", "tracking_number": "E1"},
                           content_type="application/json")  # fmt: skip
    assert delivered.status_code == 200 and delivered.json()["delivery_method"] == "express"
    assert client.post(f"/api/v1/bundle-cases/{number}/deliver", {"method": "window"},
                       content_type="application/json").status_code == 403  # fmt: skip


def test_a_paused_case_is_started_by_a_clerk_through_the_api(media, birth_bundle, applicant, staff):
    client = client_for(applicant)
    number = client.post(
        "/api/v1/bundle-cases", _body(client, applicant), content_type="application/json"
    ).json()["number"]
    card = Case.objects.get(bundle_case__number=number, item__name="社会保障卡申领")
    clerk = client_for(staff["clerk"])
    assert clerk.post(f"/api/v1/cases/{card.number}/start").status_code == 409  # still waits by itself
    first = Case.objects.get(bundle_case__number=number, item__name="出生医学证明首次签发")
    case_act(
        number=first.number,
        user=staff["clerk"],
        action=Action.REFUSE,
        reason="非本县出生",
        legal_basis="规定",
    )
    shown = client.get(f"/api/v1/bundle-cases/{number}").json()
    held = next(c for c in shown["cases"] if c["item_name"] == "社会保障卡申领")
    assert held["status"] == "waiting" and held["held"]
    started = clerk.post(f"/api/v1/cases/{card.number}/start")
    assert started.status_code == 200 and started.json()["status"] == "submitted"


def test_the_whole_is_rated_once_when_finished(media, birth_bundle, applicant, staff):
    client = client_for(applicant)
    number = client.post(
        "/api/v1/bundle-cases", _body(client, applicant), content_type="application/json"
    ).json()["number"]
    url = f"/api/v1/bundle-cases/{number}/rating"
    assert client.post(url, {"level": 5}, content_type="application/json").status_code == 409  # not finished
    client.post(f"/api/v1/bundle-cases/{number}/withdraw")
    rated = client.post(url, {"level": 5, "tags": ["一次办成"]}, content_type="application/json")
    assert rated.status_code == 201 and rated.json()["level_label"], rated.content
    assert client.post(url, {"level": 4}, content_type="application/json").status_code == 409
    assert (
        client_for(staff["clerk"]).post(url, {"level": 1}, content_type="application/json").status_code == 404
    )
