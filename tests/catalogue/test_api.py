import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_search_items_api(item):
    response = Client().get("/api/v1/items", {"q": "社保卡", "audience": "person"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    first = data["items"][0]
    assert first["implementation_code"] == item.implementation_code
    assert first["case_kind"] == "promised" and first["department"] == item.department.name
    assert "社会保障卡申领" in response.content.decode()  # UTF-8, not \\u escapes


def test_search_filters_by_theme_and_department(item):
    client = Client()
    assert client.get("/api/v1/items", {"theme": "shebao"}).json()["count"] == 1
    assert client.get("/api/v1/items", {"theme": "none"}).json()["count"] == 0
    assert client.get("/api/v1/items", {"department": "rsj"}).json()["count"] == 1
    assert client.get("/api/v1/items", {"department": "gaj"}).json()["count"] == 0


@pytest.mark.parametrize(
    "q", ["", "'", '"', "%", "_", "\\", "';--", "a OR b", "NEAR(x)", "社" * 1000, "<script>alert(1)</script>"]
)
def test_odd_queries_answer_200(item, q):
    assert Client().get("/api/v1/items", {"q": q}).status_code == 200


def test_huge_query_is_a_clear_4xx_or_200(item):
    response = Client().get("/api/v1/items", {"q": "户口" * 5000})
    assert response.status_code == 200
    response = Client().get("/api/v1/items", {"q": "户" * 10_001})
    assert response.status_code == 422 and response.json()["field"] == "q"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": "x"}, "page"),
        ({"page_size": 1000}, "page_size"),
        ({"audience": "cat"}, "audience"),
    ],
)
def test_bad_paging_is_422_naming_the_field(item, params, field):
    response = Client().get("/api/v1/items", params)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_item_guide_with_materials(item):
    response = Client().get(f"/api/v1/items/{item.implementation_code}")
    assert response.status_code == 200
    guide = response.json()
    assert guide["legal_time_limit"] == 20 and guide["promised_time_limit"] == 5
    assert [m["name"] for m in guide["materials"]] == ["居民身份证", "申领登记表"]
    assert guide["materials"][0]["sample"] == "样例"
    assert guide["themes"] == ["shebao"] and guide["status"] == "published"


def test_unknown_item_is_404_in_the_error_format(db):
    response = Client().get("/api/v1/items/NOPE")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "field"}


def test_themes_and_openapi(item):
    client = Client()
    assert client.get("/api/v1/themes").json()[0]["code"] == "shebao"
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/items",
        "/api/v1/items/{implementation_code}",
        "/api/v1/accounts/citizens",
        "/api/v1/auth/token",
    ):
        assert path in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200
