import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_lists_themes_and_popular_items(item):
    page = Client().get("/").content.decode()
    assert "个人办事" in page and "法人办事" in page and "社会保障" in page
    assert item.name in page
    assert 'role="search"' in page


def test_search_page_works_without_javascript(item):
    response = Client().get("/search/", {"q": "社保"})
    assert response.status_code == 200
    page = response.content.decode()
    assert item.name in page and f"/items/{item.implementation_code}/" in page


def test_search_page_bad_input_is_a_message_not_a_500(item):
    response = Client().get("/search/", {"q": "x", "audience": "alien"})
    assert response.status_code == 422
    assert "服务对象" in response.content.decode()
    assert Client().get("/search/", {"page": "abc"}).status_code == 200


def test_guide_page_has_every_section_in_order(item):
    page = Client().get(f"/items/{item.implementation_code}/").content.decode()
    order = [
        "基本信息",
        "受理条件",
        "申请材料",
        "办理流程",
        "办理时限",
        "收费标准",
        "设定依据",
        "办理地点和时间",
        "咨询监督",
        "常见问题",
    ]
    positions = [
        page.index(f'id="h-{anchor}"')
        for anchor in (
            "basic",
            "conditions",
            "materials",
            "process",
            "time",
            "fees",
            "basis",
            "where",
            "contact",
            "faq",
        )
    ]
    assert positions == sorted(positions)
    for label in order:
        assert label in page
    assert "居民身份证" in page and "在线办理" in page and "/login/?next=" in page


def test_unknown_guide_is_a_friendly_404(db):
    response = Client().get("/items/NOPE/")
    assert response.status_code == 404
    assert "未找到" in response.content.decode()


def test_departments_page(item):
    page = Client().get("/departments/").content.decode()
    assert item.department.name in page


def test_guide_marks_a_tolerable_material(item):
    from govhall.catalogue.models import Material

    Material.objects.filter(item=item, position=1).update(tolerable=True)
    page = Client().get(f"/items/{item.implementation_code}/").content.decode()
    assert page.count("可容缺后补") == 1
    rows = page.split("<tr>")
    assert "可容缺后补" in next(r for r in rows if "申领登记表" in r)
    assert "可容缺后补" not in next(r for r in rows if "居民身份证" in r)
