"""Search and guides against the database (SQLite FTS5 or PostgreSQL tsvector)."""

import pytest

from govhall.catalogue.models import Synonym
from govhall.catalogue.selectors import SearchFilters, item_get_published, item_search
from govhall.core.errors import NotFound, ValidationFailed
from tests.factories import DepartmentFactory, RegionFactory, ServiceItemFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(county, theme):
    town = RegionFactory(code="330523104000", name="天荒坪镇", level="town", parent=county)
    gaj = DepartmentFactory(code="gaj", name="安吉县公安局", region=county)
    rsj = DepartmentFactory(code="rsj", name="安吉县人力资源和社会保障局", region=county)
    scj = DepartmentFactory(code="scjgj", name="安吉县市场监督管理局", region=county)
    huji = ThemeFactory(code="huji", name="户籍办理", audience="person")
    kaiban = ThemeFactory(code="kaiban", name="开办企业", audience="enterprise")
    items = {
        "sbk": ServiceItemFactory.published(
            name="社会保障卡申领", department=rsj, themes=[theme], keywords=["社保卡"]
        ),
        "yl": ServiceItemFactory.published(
            name="城乡居民基本养老保险参保登记", department=rsj, themes=[theme], keywords=[]
        ),
        "hk": ServiceItemFactory.published(
            name="户口迁移登记", department=gaj, themes=[huji], keywords=["迁户口"]
        ),
        "sfz": ServiceItemFactory.published(
            name="居民身份证换领", department=gaj, themes=[huji], keywords=[]
        ),
        "gt": ServiceItemFactory.published(
            name="个体工商户设立登记",
            department=scj,
            themes=[kaiban],
            for_person=True,
            for_enterprise=True,
            keywords=["开店"],
        ),
        "sp": ServiceItemFactory.published(
            name="食品经营许可",
            department=scj,
            themes=[kaiban],
            for_person=False,
            for_enterprise=True,
            keywords=["开饭店"],
        ),
        "town": ServiceItemFactory.published(
            name="高龄津贴申领", department=rsj, region=town, keywords=["老人补贴"]
        ),
    }
    Synonym.objects.create(term="社保", synonyms=["社会保险", "社会保障"])
    Synonym.objects.create(term="生孩子", synonyms=["出生登记"])
    return items


def names(page):
    return [i.name for i in page.items]


def test_two_character_queries_hit(catalogue):
    assert "社会保障卡申领" in names(item_search(q="社保"))
    assert "户口迁移登记" in names(item_search(q="户口"))


def test_one_character_query_hits(catalogue):
    assert "食品经营许可" in names(item_search(q="食"))


def test_synonym_brings_official_wording(catalogue):
    page = item_search(q="社保")
    assert {"社会保障卡申领", "城乡居民基本养老保险参保登记"} <= set(names(page))


def test_name_match_ranks_first(catalogue):
    assert names(item_search(q="身份证"))[0] == "居民身份证换领"
    assert names(item_search(q="食品经营"))[0] == "食品经营许可"


def test_keywords_are_searched(catalogue):
    assert names(item_search(q="开饭店")) == ["食品经营许可"]


def test_no_full_match_falls_back_to_any_word(catalogue):
    page = item_search(q="户口 宠物")
    assert page.relaxed and "户口迁移登记" in names(page)


def test_filters(catalogue, county):
    assert set(names(item_search(filters=SearchFilters(audience="enterprise")))) == {
        "个体工商户设立登记",
        "食品经营许可",
    }
    assert set(names(item_search(q="迁移", filters=SearchFilters(department="gaj")))) == {"户口迁移登记"}
    assert set(names(item_search(filters=SearchFilters(theme="huji")))) == {"户口迁移登记", "居民身份证换领"}
    other_town = RegionFactory(code="330523101000", name="孝丰镇", level="town", parent=county)
    ServiceItemFactory.published(
        name="孝丰镇临时救助", department=catalogue["town"].department, region=other_town
    )
    town_items = names(item_search(filters=SearchFilters(region="330523104000")))
    assert "高龄津贴申领" in town_items and "居民身份证换领" in town_items  # its own and the county's
    assert "孝丰镇临时救助" not in town_items
    assert len(item_search(filters=SearchFilters(region="330523")).items) == 8


def test_paging_and_counts(catalogue):
    first = item_search(page=1, page_size=3)
    second = item_search(page=3, page_size=3)
    assert first.count == 7 and len(first.items) == 3 and len(second.items) == 1
    assert item_search(page=9, page_size=3).items == []


# Expected counts: the fixture publishes 7 items. A query with nothing searchable in it lists them all
# (like an empty query); a query whose words match nothing finds nothing, whatever FTS syntax it contains.
@pytest.mark.parametrize(
    ("q", "count"),
    [
        ("", 7),
        ("   ", 7),
        ("'; DROP TABLE catalogue_serviceitem; --", 0),
        ('" OR 1=1', 7),
        ("NEAR(a b)", 0),
        ("*", 7),
        ("💡🚀", 7),
        ("\x00", 7),
        ("䷀䷁", 7),
        ("ㄅㄆ", 7),
        ("〇", 7),
        ("ﾀﾁ", 7),
    ],
)
def test_odd_queries_never_fail(catalogue, q, count):
    page = item_search(q=q)
    assert page.count == count and len(page.items) == count


def test_a_repeated_term_is_the_term_once(catalogue):
    assert names(item_search(q="社保" * 32)) == names(item_search(q="社保"))


def test_too_long_query_and_bad_paging_are_validation_errors(catalogue):
    with pytest.raises(ValidationFailed) as err:
        item_search(q="社保" * 5000)
    assert err.value.field == "q" and "64" in err.value.message
    with pytest.raises(ValidationFailed):
        item_search(page=0)
    with pytest.raises(ValidationFailed):
        item_search(page_size=500)
    with pytest.raises(ValidationFailed):
        item_search(filters=SearchFilters(audience="alien"))


def test_only_published_versions_are_found(catalogue):
    ServiceItemFactory(name="社保草稿事项")
    assert "社保草稿事项" not in names(item_search(q="社保草稿"))


def test_guide_loads_with_materials(catalogue):
    item = item_get_published(catalogue["sbk"].implementation_code)
    assert [m.name for m in item.materials.all()] == ["居民身份证", "申领登记表"]
    with pytest.raises(NotFound):
        item_get_published("nope")


def test_search_is_a_fixed_number_of_queries(catalogue, django_assert_max_num_queries):
    # lexicon signature, synonyms, count, name page, rest page, load; on PostgreSQL also savepoint,
    # SET LOCAL, release. The first search after the catalogue changed also rebuilds the spelling lexicon
    # (two more queries), once per process: warm it first.
    item_search(q="社保")
    with django_assert_max_num_queries(9):
        page = item_search(q="登记")
        [i.department.name for i in page.items]


def test_item_for_application_follows_publishing(catalogue):
    from govhall.catalogue.selectors import item_for_application
    from govhall.catalogue.services import item_draft_create_from, item_publish

    first = item_for_application(catalogue["sbk"].implementation_code)
    assert first.version == 1 and [m.name for m in first.materials.all()] == ["居民身份证", "申领登记表"]
    draft = item_draft_create_from(catalogue["sbk"])
    draft.name = "社会保障卡申领（新）"
    draft.save()
    item_publish(draft)
    second = item_for_application(catalogue["sbk"].implementation_code)
    assert second.version == 2 and second.name == "社会保障卡申领（新）"
    with pytest.raises(NotFound):
        item_for_application("nope")
