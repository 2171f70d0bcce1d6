"""Bundles in the database: publishing checks everything (published items, an acyclic order, shared fields
and materials that exist, a promise the order allows), versions supersede, the guide and the search."""

from __future__ import annotations

import json

import pytest

from govhall.catalogue.exchange import catalogue_export_json, catalogue_import
from govhall.catalogue.models import Bundle, BundleItem, ItemStatus
from govhall.catalogue.selectors import bundle_get_published, bundle_guide, bundle_list, bundle_search
from govhall.catalogue.services import (
    BundleEdgeIn,
    bundle_draft_create_from,
    bundle_draft_save,
    bundle_publish,
)
from govhall.core.errors import Conflict, NotFound, ValidationFailed
from tests.factories import ServiceItemFactory
from tests.factories.catalogue import make_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def birth_items(department):
    """出生医学证明 → 出生登记 → 社保卡, and 预防接种 on its own."""
    certificate = ServiceItemFactory.published(
        department=department, name="出生医学证明首次签发", case_kind="instant", legal_time_limit=0,
        promised_time_limit=0, materials=["父母双方居民身份证", "出生医学证明自填单"], result_name="出生医学证明",
    )  # fmt: skip
    registration = ServiceItemFactory.published(
        department=department, name="出生登记", case_kind="instant", legal_time_limit=0, promised_time_limit=0,
        materials=["出生医学证明", "父母双方居民身份证", "居民户口簿"],
    )  # fmt: skip
    card = ServiceItemFactory.published(
        department=department, name="社会保障卡申领", promised_time_limit=3, materials=["出生医学证明"],
        form_fields=[{"name": "child", "label": "新生儿姓名", "required": True}, {"name": "photo_ok", "label": "照片已采集", "type": "boolean"}],
    )  # fmt: skip
    vaccine = ServiceItemFactory.published(
        department=department, name="预防接种证办理", promised_time_limit=0, legal_time_limit=0, case_kind="instant",
        materials=["出生医学证明"], form_fields=[{"name": "baby_name", "label": "儿童姓名"}],
    )  # fmt: skip
    return certificate, registration, card, vaccine


@pytest.fixture
def birth(birth_items):
    certificate, registration, card, vaccine = birth_items
    return make_bundle(
        items=[certificate, registration, card, vaccine],
        edges=[(certificate, registration), (registration, card, "pause")],
        shared_fields=[{"name": "newborn", "label": "新生儿姓名", "required": True,
                        "items": {card.implementation_code: "child", vaccine.implementation_code: "baby_name"}}],
    )  # fmt: skip


def test_a_published_bundle_has_its_guide(birth, birth_items):
    certificate, registration, _card, _vaccine = birth_items
    guide = bundle_guide(bundle_get_published("birth"))
    assert [[g.item.name for g in stage] for stage in guide.stages] == [
        ["出生医学证明首次签发", "预防接种证办理"], ["出生登记"], ["社会保障卡申领"],
    ]  # fmt: skip
    assert guide.critical_days == 3
    assert [g.item.name for g in guide.critical_path] == [
        "出生医学证明首次签发",
        "出生登记",
        "社会保障卡申领",
    ]
    assert [w.name for w in guide.items[1].waits_for] == ["出生医学证明首次签发"]
    form = {m.field.name: m for m in guide.form}
    assert form["newborn"].field.label == "新生儿姓名" and len(form["newborn"].targets) == 2
    assert form["applicant_name"].shared  # the general form's fields of three items, asked once
    materials = {m.name: m for m in guide.materials}
    assert len(materials["出生医学证明"].serves) == 3
    assert materials["出生医学证明"].id == registration.materials.get(name="出生医学证明").pk
    assert [t.item for t in materials["父母双方居民身份证"].serves] == [
        certificate.implementation_code, registration.implementation_code,
    ]  # fmt: skip
    assert [r.item.name for r in guide.results] == ["出生医学证明首次签发"]
    assert guide.failure_lines == [
        ("出生医学证明首次签发", "出生登记", "refuse"),
        ("出生登记", "社会保障卡申领", "pause"),
    ]


def test_publishing_refuses_a_cycle_naming_the_items(birth_items):
    certificate, registration, card, _ = birth_items
    with pytest.raises(ValidationFailed) as err:
        make_bundle(
            items=[certificate, registration, card],
            edges=[(certificate, registration), (registration, card), (card, certificate)],
        )
    assert err.value.field == "edges"
    assert "循环依赖" in err.value.message and "出生登记 → 社会保障卡申领" in err.value.message
    assert not Bundle.objects.filter(status=ItemStatus.PUBLISHED).exists()


def test_publishing_refuses_a_promise_shorter_than_the_critical_path(birth_items):
    certificate, registration, card, _ = birth_items
    with pytest.raises(ValidationFailed) as err:
        make_bundle(
            items=[certificate, registration, card], edges=[(certificate, card)], promised_time_limit=2
        )
    assert err.value.field == "promised_time_limit"
    assert "关键路径" in err.value.message and "共3个工作日" in err.value.message


def test_an_item_may_promise_less_inside_the_bundle_but_not_more(birth_items):
    certificate, _registration, card, _ = birth_items
    bundle = make_bundle(
        items=[certificate, card], edges=[(certificate, card)], promised_time_limit=1, publish=False
    )
    BundleItem.objects.filter(bundle=bundle, item_code=card.implementation_code).update(time_limit=1)
    assert bundle_publish(bundle).status == ItemStatus.PUBLISHED
    draft = bundle_draft_create_from(bundle)
    BundleItem.objects.filter(bundle=draft, item_code=card.implementation_code).update(time_limit=4)
    with pytest.raises(ValidationFailed, match="不能长于其自身承诺办结时限"):
        bundle_publish(draft)


def test_publishing_needs_published_items(department, birth_items):
    certificate = birth_items[0]
    draft_item = ServiceItemFactory(department=department, name="草稿事项")
    with pytest.raises(ValidationFailed, match="不存在或尚未发布"):
        make_bundle(items=[certificate, draft_item])
    with pytest.raises(ValidationFailed, match="2到30个事项"):
        make_bundle(items=[certificate], code="birth-2")


@pytest.mark.parametrize(
    ("shared_fields", "words"),
    [
        ([{"name": "x", "label": "某字段", "items": {"NOPE": "a"}}], "不在本一件事中"),
        ([{"name": "x", "label": "某字段", "items": {"{card}": "nope"}}], "没有字段“nope”"),
        ([{"name": "x", "label": "某字段", "type": "date", "items": {"{card}": "child"}}], "类型"),
        (
            [
                {"name": "x", "label": "某字段", "items": {"{card}": "child"}},
                {"name": "y", "label": "又一", "items": {"{card}": "child"}},
            ],
            "被多个共用表单字段对应",
        ),
        (
            [{"name": "X!", "label": "某字段", "items": {"{card}": "child"}}],
            "共用表单字段第1项“字段名”格式不正确",
        ),
        ([{"label": "某字段", "items": {"{card}": "child"}}], "缺少“name”"),
        (
            [{"name": "x", "label": "某字段", "items": {"{card}": "child"}, "colour": "red"}],
            "不认识的键“colour”",
        ),
        ("not a list", "类型不正确"),
    ],
)
def test_shared_fields_are_checked_against_the_schema_and_the_items(birth_items, shared_fields, words):
    certificate, _registration, card, _ = birth_items
    text = json.dumps(shared_fields, ensure_ascii=False).replace("{card}", card.implementation_code)
    with pytest.raises(ValidationFailed, match=words) as err:
        make_bundle(items=[certificate, card], shared_fields=json.loads(text))
    assert err.value.field == "shared_fields"


def test_shared_materials_must_exist_and_come_from_one_source(birth_items):
    certificate, _registration, card, _ = birth_items
    group = {
        "name": "身份证",
        "items": {
            certificate.implementation_code: "父母双方居民身份证",
            card.implementation_code: "没有这份",
        },
    }
    with pytest.raises(ValidationFailed, match="没有材料“没有这份”"):
        make_bundle(items=[certificate, card], shared_materials=[group])
    card.materials.filter(name="出生医学证明").update(source="licence", source_ref="130001")
    group["items"][card.implementation_code] = "出生医学证明"
    with pytest.raises(ValidationFailed, match="来源不一致"):
        make_bundle(items=[certificate, card], shared_materials=[group], code="birth-2")


def test_versions_supersede_and_published_versions_do_not_change(birth):
    birth.name = "改个名字"
    with pytest.raises(Conflict):
        bundle_draft_save(birth)
    draft = bundle_draft_create_from(birth)
    assert draft.version == 2 and draft.bundle_items.count() == 4 and draft.edges.count() == 2
    with pytest.raises(Conflict):
        bundle_draft_create_from(birth)
    draft.name = "出生一件事（新版）"
    bundle_draft_save(draft, edges=[BundleEdgeIn(*birth.edges.values_list("before", "after").first())])
    bundle_publish(draft)
    birth.refresh_from_db()
    assert birth.status == ItemStatus.SUPERSEDED and birth.superseded_at
    assert bundle_get_published("birth").version == 2
    assert [b.name for b in bundle_list()] == ["出生一件事（新版）"]
    with pytest.raises(NotFound):
        bundle_get_published("nope")


def test_a_draft_code_must_be_a_slug(birth_items):
    with pytest.raises(ValidationFailed) as err:
        make_bundle(items=list(birth_items[:2]), code="出生")
    assert err.value.field == "code"


def test_search_finds_bundles_by_citizens_words_and_synonyms(birth):
    from govhall.catalogue.models import Synonym

    Synonym.objects.create(term="生小孩", synonyms=["生孩子"])
    assert [b.code for b in bundle_search("生孩子")] == ["birth"]
    assert [b.code for b in bundle_search("我生了孩子怎么办")] == ["birth"]
    assert [b.code for b in bundle_search("出生一件事")] == ["birth"]
    assert bundle_search("社会保障卡") == []  # an item's name is found as the item
    assert bundle_search("") == []
    with pytest.raises(ValidationFailed) as err:
        bundle_list(q="生" * 65)
    assert err.value.field == "q"


def test_export_and_import_round_trip(birth):
    data = json.loads(catalogue_export_json())
    assert [b["code"] for b in data["bundles"]] == ["birth"]
    exported = data["bundles"][0]
    assert len(exported["items"]) == 4 and exported["edges"][1]["on_failure"] == "pause"
    report = catalogue_import(data)
    assert report.unchanged >= 1 and report.bundles == 0  # identical published versions are skipped
    exported["summary"] = "改了简介"
    with pytest.raises(ValidationFailed, match="已发布，内容不可修改"):
        catalogue_import(data)
    exported.update(version=2)
    report = catalogue_import(data)
    assert report.bundles == 1
    assert bundle_get_published("birth").summary == "改了简介"
    assert Bundle.objects.get(code="birth", version=1).status == ItemStatus.SUPERSEDED


def test_an_import_with_a_bad_bundle_changes_nothing(birth):
    data = json.loads(catalogue_export_json())
    bad = data["bundles"][0]
    bad.update(
        version=3,
        edges=[*bad["edges"], {"before": bad["edges"][1]["after"], "after": bad["edges"][0]["before"]}],
    )
    with pytest.raises(ValidationFailed, match="第1个一件事（出生一件事）：办理顺序存在循环依赖"):
        catalogue_import(data)
    assert Bundle.objects.count() == 1
