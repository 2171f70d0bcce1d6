"""Odd requests get a clear 4xx in the API's error shape, never a 500."""

import json

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from govhall.core.middleware import nesting_exceeds

pytestmark = pytest.mark.django_db


def _shape(response):
    body = response.json()
    assert set(body) == {"code", "message", "field"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
    return body


def test_multipart_to_a_json_endpoint_is_a_4xx():
    response = Client().post("/api/v1/accounts/citizens", {"name": "张三"})  # multipart form
    assert 400 <= response.status_code < 500
    _shape(response)


@pytest.mark.parametrize(
    "body",
    ['{"username": "\\ud800", "password": "x"}', '{"username": "a", "password": "\\udfff"}'],
)
def test_lone_surrogates_are_refused(body):
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 400
    _shape(response)


def test_nul_in_any_content_type_is_refused():
    body = '{"username": "a\\u0000b", "password": "x"}'
    response = Client().post("/api/v1/auth/token", body, content_type="text/plain")
    assert response.status_code == 400


def test_escaped_emoji_pairs_are_fine():
    body = '{"username": "\\ud83d\\ude00", "password": "x"}'
    assert Client().post("/api/v1/auth/token", body, content_type="application/json").status_code == 401


def test_unknown_api_path_and_wrong_method_answer_json():
    assert _shape(Client().get("/api/v1/nowhere"))["code"] == "not_found"
    response = Client().delete("/api/v1/items")
    assert response.status_code == 405 and _shape(response)["code"] == "method_not_allowed"


@pytest.mark.parametrize("page", ["1000000000000000000", "99999", "-1"])
def test_huge_pages(db, page):
    assert Client().get("/api/v1/items", {"page": page}).status_code == 422
    assert Client().get("/search/", {"page": page}).status_code == 200


@pytest.mark.parametrize("version", ["²", "①", "9" * 5000, "-1"])
def test_odd_version_parameters(item, version):
    # the guide page ignores a version that is not 1-6 ASCII digits and shows the published version;
    # the API validates the parameter (an integer in 1..1,000,000) and names it
    page = Client().get(f"/items/{item.implementation_code}/", {"version": version})
    assert page.status_code == 200 and item.name in page.content.decode()
    response = Client().get(f"/api/v1/items/{item.implementation_code}", {"version": version})
    assert response.status_code == 422 and response.json()["field"] == "version"


def test_calendar_far_dates_are_422():
    response = Client().get("/api/v1/calendar/workdays", {"start": "9999-12-31", "days": 10})
    assert response.status_code == 422 and response.json()["field"] == "start"


def test_api_docs_use_no_cdn():
    page = Client().get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr" not in page and "/static/" in page


def test_portal_404_page_is_chinese():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_drafts_are_not_public(item):
    from govhall.catalogue.services import item_draft_create_from

    draft = item_draft_create_from(item)
    assert Client().get(f"/items/{item.implementation_code}/", {"version": draft.version}).status_code == 404
    assert (
        Client().get(f"/api/v1/items/{item.implementation_code}", {"version": draft.version}).status_code
        == 404
    )


def test_superseded_version_says_so(item):
    from govhall.catalogue.services import item_draft_create_from, item_publish

    item_publish(item_draft_create_from(item))
    page = Client().get(f"/items/{item.implementation_code}/", {"version": 1}).content.decode()
    assert "历史版本" in page and "查看现行办事指南" in page


@pytest.mark.parametrize(
    "url", ["/api/v1/cases", "/api/v1/auth/token", "/api/v1/drafts", "/login/", "/cases/X/act/"]
)
@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_deeply_nested_json_is_a_400_on_any_url(url, opener):
    """100,000 levels made the JSON parser recurse out of the stack (RecursionError, a 500)."""
    body = opener * 100_000
    response = Client().post(url, body, content_type="application/json")
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert _shape(response)["code"] == "too_deep"
    else:
        assert "嵌套层数" in response.content.decode()


def test_a_json_body_over_the_limit_is_a_413(settings):
    settings.JSON_BODY_MAX_KB = 4
    body = '{"username": "%s", "password": "x"}' % ("a" * 5000)
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 413 and _shape(response)["code"] == "too_large"


def test_brackets_inside_strings_do_not_count_as_nesting():
    body = '{"username": "%s", "password": "[\\"{"}' % ("[{" * 200)
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code != 400 or _shape(response)["code"] != "too_deep"


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='ab[]{}"\\\\ 字'),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(alphabet='[{"\\\\k'), children, max_size=3)
    ),
    max_leaves=30,
)


@given(value=json_values, limit=st.integers(min_value=0, max_value=8))
def test_the_nesting_check_agrees_with_the_parsed_depth(value, limit):
    body = json.dumps(value, ensure_ascii=False).encode()
    assert nesting_exceeds(body, limit) == (_depth(value) > limit)


def test_a_filename_too_long_for_the_multipart_parser_gets_its_own_message():
    boundary = "xyz"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{"a" * 3000}.pdf"\r\n'
        f"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n%%EOF\n\r\n--{boundary}--\r\n"
    )
    response = Client().generic(
        "POST", "/api/v1/uploads", body.encode(), content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400
    body = _shape(response)
    assert "文件名" in body["message"] and "控制字符" not in body["message"]
