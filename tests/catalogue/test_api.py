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
    "q", ["", "'", '"', "%", "_", "\\", "';--", "a OR b", "NEAR(x)", "社" * 64, "<script>alert(1)</script>"]
)
def test_odd_queries_answer_200(item, q):
    assert Client().get("/api/v1/items", {"q": q}).status_code == 200


def test_huge_query_is_a_clear_4xx(item):
    # A term repeated thousands of times lists nothing and costs nothing: a clear message naming the field.
    for q in ["户口" * 5000, "社保" * 5000, "户" * 65]:
        response = Client().get("/api/v1/items", {"q": q})
        assert response.status_code == 422 and response.json()["field"] == "q"
        assert "检索词过长" in response.json()["message"] and "64" in response.json()["message"]
    assert Client().get("/api/v1/items", {"q": "户口" * 32}).status_code == 200


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


def test_guide_carries_the_default_form_and_no_joint_departments(item):
    guide = Client().get(f"/api/v1/items/{item.implementation_code}").json()
    assert [f["name"] for f in guide["form"]] == ["applicant_name", "id_number", "phone", "address", "reason"]
    id_field = guide["form"][1]
    assert id_field == {
        "name": "id_number",
        "label": "公民身份号码",
        "type": "id_number",
        "required": True,
        "options": [],
        "help": "",
        "prefill": "applicant.id_number",
    }
    assert guide["form"][3]["help"] == "用于邮寄办理结果，可不填" and not guide["form"][3]["required"]
    assert guide["commitment_allowed"] is False
    assert guide["joint_departments"] == [] and guide["escalation_department"] is None


def test_guide_of_a_joint_item_names_its_form_and_departments(department):
    from tests.factories import DepartmentFactory, ServiceItemFactory

    scjgj = DepartmentFactory(code="scjgj", name="安吉县市场监督管理局", region=department.region)
    city = DepartmentFactory(code="hzrsj", name="湖州市人力资源和社会保障局", region=department.region)
    fields = [
        {"name": "shop", "label": "店铺名称", "required": True},
        {
            "name": "kind",
            "label": "经营类别",
            "type": "select",
            "options": ["餐饮", "零售"],
            "help": "选一项",
        },
        {"name": "uscc", "label": "统一社会信用代码", "type": "uscc", "prefill": "enterprise.uscc"},
    ]
    item = ServiceItemFactory.published(
        department=department, for_person=False, for_enterprise=True, case_kind="joint",
        joint_departments=["scjgj"], escalation_department=city, commitment_allowed=True, form_fields=fields,
    )  # fmt: skip
    guide = Client().get(f"/api/v1/items/{item.implementation_code}").json()
    assert [(f["name"], f["type"], f["required"]) for f in guide["form"]] == [
        ("shop", "text", True),
        ("kind", "select", False),
        ("uscc", "uscc", False),
    ]
    assert guide["form"][1]["options"] == ["餐饮", "零售"] and guide["form"][1]["help"] == "选一项"
    assert guide["form"][2]["prefill"] == "enterprise.uscc"
    assert guide["commitment_allowed"] is True
    assert guide["joint_departments"] == [{"code": "scjgj", "name": scjgj.name}]
    assert guide["escalation_department"] == {"code": "hzrsj", "name": city.name}
    by_version = Client().get(f"/api/v1/items/{item.implementation_code}?version=1").json()
    assert (
        by_version["form"] == guide["form"] and by_version["joint_departments"] == guide["joint_departments"]
    )


def test_guide_of_an_enterprise_item_without_a_form_is_the_enterprise_form(department):
    from tests.factories import ServiceItemFactory

    item = ServiceItemFactory.published(department=department, for_person=False, for_enterprise=True)
    guide = Client().get(f"/api/v1/items/{item.implementation_code}").json()
    assert [f["name"] for f in guide["form"]][:4] == [
        "applicant_name",
        "enterprise_name",
        "uscc",
        "legal_representative",
    ]


def test_item_guide_says_which_materials_are_tolerable(item):
    from govhall.catalogue.models import Material

    Material.objects.filter(item=item, position=1).update(tolerable=True)
    guide = Client().get(f"/api/v1/items/{item.implementation_code}").json()
    assert [(m["name"], m["tolerable"]) for m in guide["materials"]] == [
        ("居民身份证", False),
        ("申领登记表", True),
    ]
