"""The bundle's guide page, search showing bundles first, the home page's list, and the admin."""

from __future__ import annotations

import pytest
from django.test import Client

from govhall.catalogue.models import Bundle, ItemStatus
from tests.catalogue.test_bundles import birth, birth_items  # noqa: F401  (fixtures)
from tests.factories import DepartmentFactory, make_staff

pytestmark = pytest.mark.django_db


def test_guide_page(birth):  # noqa: F811
    page = Client().get("/bundles/birth/")
    assert page.status_code == 200
    html = page.content.decode()
    for words in ("出生一件事", "第1步", "2项同时办理", "待“出生医学证明首次签发”办结后开始", "一套材料",
                  "提交一次，3个事项共用", "关键路径", "统一出件窗口", "新生儿姓名"):  # fmt: skip
        assert words in html, words
    assert Client().get("/bundles/nope/").status_code == 404


def test_search_shows_the_bundle_before_the_items(birth, item):  # noqa: F811
    html = Client().get("/search/", {"q": "生孩子"}).content.decode()
    assert "一件事 · 一次办" in html and "/bundles/birth/" in html
    html = Client().get("/search/", {"q": "社保卡"}).content.decode()
    assert "一件事 · 一次办" not in html


def test_home_lists_bundles(birth):  # noqa: F811
    html = Client().get("/").content.decode()
    assert "一件事一次办" in html and "/bundles/birth/" in html


def test_admin_publish_action_reports_the_reason(birth, county):  # noqa: F811
    platform = DepartmentFactory(code="sjj", name="安吉县数据局", region=county)
    client = Client()
    client.force_login(make_staff(username="platform", department=platform, roles=["catalogue_admin"]))
    assert "出生一件事" in client.get("/admin/catalogue/bundle/").content.decode()
    change = client.get(f"/admin/catalogue/bundle/{birth.pk}/change/").content.decode()
    assert 'name="name"' not in change  # published: read only
    client.post("/admin/catalogue/bundle/", {"action": "new_draft", "_selected_action": [birth.pk]})
    draft = Bundle.objects.get(code="birth", version=2)
    draft.promised_time_limit = 1
    draft.save()
    response = client.post(
        "/admin/catalogue/bundle/", {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert "关键路径" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ItemStatus.DRAFT


def test_department_catalogue_admins_do_not_manage_bundles(birth, catalogue_admin):  # noqa: F811
    client = Client()
    client.force_login(catalogue_admin)
    assert "出生一件事" not in client.get("/admin/catalogue/bundle/").content.decode()
