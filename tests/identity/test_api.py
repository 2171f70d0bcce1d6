import pytest
from django.test import Client

from govhall.identity.models import User
from tests.factories import DepartmentFactory, make_citizen, registered_entity, valid_id_number, valid_uscc

pytestmark = pytest.mark.django_db


def _register(client, **overrides):
    body = {
        "name": "王小红",
        "id_number": "330523199003150012",
        "phone": "13905720001",
        "password": "Zhu9Xiang7",
    }
    return client.post("/api/v1/accounts/citizens", body | overrides, content_type="application/json")


def test_register_citizen_returns_masked_account():
    response = _register(Client())
    assert response.status_code == 201
    data = response.json()
    assert data["id_number"] == "330523********0012"
    assert data["phone"] == "139****0001"
    assert "330523199003150012" not in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "status"),
    [
        ({"id_number": "330523199003150013"}, "id_number", 422),
        ({"id_number": "330523199013150012"}, "id_number", 422),
        ({"phone": "12345"}, "phone", 422),
        ({"password": "123"}, "password", 422),
        ({"name": ""}, "name", 422),
    ],
)
def test_register_bad_input_is_a_4xx_with_chinese_message(overrides, field, status):
    response = _register(Client(), **overrides)
    assert response.status_code == status
    body = response.json()
    assert body["field"] == field
    assert body["code"] == "validation_error"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


def test_register_missing_field_and_bad_json_are_4xx():
    client = Client()
    response = client.post("/api/v1/accounts/citizens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] in {"id_number", "phone", "password"}
    response = client.post("/api/v1/accounts/citizens", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert "message" in response.json()


def test_duplicate_registration_is_409():
    client = Client()
    assert _register(client).status_code == 201
    response = _register(client, phone="13905720009")
    assert response.status_code == 409
    assert response.json()["field"] == "id_number"


def test_token_then_register_enterprise():
    client = Client()
    _register(client)
    response = client.post(
        "/api/v1/auth/token",
        {"username": "13905720001", "password": "Zhu9Xiang7"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()
    assert token["token_type"] == "bearer" and token["access_token"] and token["expires_at"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token['access_token']}"}
    owner = User.objects.get(real_name="王小红")
    registered_entity(owner, uscc=valid_uscc(7), name="安吉竹乡茶业有限公司")
    body = {"uscc": valid_uscc(7)}
    response = client.post("/api/v1/accounts/enterprises", body, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    assert response.json() | {"id": 0} == {
        "id": 0,
        "uscc": valid_uscc(7),
        "name": "安吉竹乡茶业有限公司",
        "legal_representative": "王小红",
    }
    me = client.get("/api/v1/accounts/me", **auth).json()
    assert me["id_number"] == "330523********0012"
    agent = make_citizen(name="赵敏", id_number=valid_id_number("19950505"))
    member = {"name": "赵敏", "id_number": agent.id_number}
    path = f"/api/v1/accounts/enterprises/{valid_uscc(7)}/members"
    response = client.post(path, member, content_type="application/json", **auth)
    assert (
        response.status_code == 201
        and response.json()["id_number"] == "330523********" + agent.id_number[-4:]
    )
    listed = client.get(path, **auth).json()
    assert listed["count"] == 2 and {m["role"] for m in listed["items"]} == {"admin", "agent"}
    removed = client.delete(f"{path}/{response.json()['id']}", **auth)
    assert removed.status_code == 204 and client.get(path, **auth).json()["count"] == 1


def test_a_citizen_registering_a_department_code_or_another_persons_company_is_refused(citizen):
    """The outside tester's attack: claiming a department's credit code, or a company of someone else."""
    client = Client()
    client.force_login(citizen)
    department = DepartmentFactory(code="gaj-y")
    response = client.post(
        "/api/v1/accounts/enterprises", {"uscc": department.uscc}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["code"] == "government_body"
    someone = make_citizen(name="李慧", id_number=valid_id_number("19851120"))
    entity = registered_entity(someone)
    response = client.post(
        "/api/v1/accounts/enterprises", {"uscc": entity.uscc}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "not_legal_representative"
    response = client.get(f"/api/v1/accounts/enterprises/{entity.uscc}/members")
    assert response.status_code == 403


def test_enterprise_needs_authentication_and_a_valid_code():
    client = Client()
    body = {"name": "某公司", "uscc": valid_uscc(8), "legal_representative": "某人"}
    response = client.post("/api/v1/accounts/enterprises", body, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    _register(client, id_number=valid_id_number(), phone="13905720003")
    token = client.post(
        "/api/v1/auth/token",
        {"username": "13905720003", "password": "Zhu9Xiang7"},
        content_type="application/json",
    ).json()["access_token"]
    body["uscc"] = body["uscc"][:-1] + ("0" if body["uscc"][-1] != "0" else "1")
    response = client.post(
        "/api/v1/accounts/enterprises",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422 and response.json()["field"] == "uscc"


def test_wrong_password_and_lockout_through_the_api(citizen):
    client = Client()
    for attempt in range(5):
        response = client.post(
            "/api/v1/auth/token",
            {"username": citizen.phone, "password": "wrong123x"},
            content_type="application/json",
        )
        assert response.status_code == (401 if attempt < 4 else 423)  # the fifth failure locks
    response = client.post(
        "/api/v1/auth/token",
        {"username": citizen.phone, "password": "Secret2026x"},
        content_type="application/json",
    )
    assert response.status_code == 423
    assert "锁定" in response.json()["message"]


def test_invalid_bearer_token_is_401():
    response = Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION="Bearer gh_forged")
    assert response.status_code == 401


def test_departments_endpoint(item):
    data = Client().get("/api/v1/departments").json()
    assert data[0]["code"] == "rsj" and data[0]["item_count"] == 1
