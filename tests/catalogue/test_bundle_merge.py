"""One form and one set of materials from several items, as pure code."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from govhall.catalogue.bundle_merge import (
    FieldTarget,
    ItemForm,
    ItemMaterials,
    merge_form,
    merge_materials,
    split_form,
)
from govhall.catalogue.forms import FormField, default_fields


@dataclass
class M:
    pk: int
    name: str
    source: str = "applicant"
    source_ref: str = ""
    requirement: str = "required"
    condition: str = ""
    tolerable: bool = False
    copies: int = 1


PERSON = default_fields(for_enterprise=False)
WATER = ItemForm("W", "用水过户", [*PERSON[:2], FormField("water_address", "用水地址", required=True)])
POWER = ItemForm("P", "用电过户", [*PERSON[:2], FormField("power_address", "用电地址")])
ADDRESS = {
    "name": "property_address",
    "label": "房屋坐落",
    "items": {"W": "water_address", "P": "power_address"},
}


def test_fields_of_the_same_name_and_kind_are_asked_once():
    merged = merge_form([ItemForm("A", "甲", PERSON), ItemForm("B", "乙", PERSON)])
    assert [m.field.name for m in merged] == [f.name for f in PERSON]
    assert all(m.shared and len(m.targets) == 2 for m in merged)


def test_a_declared_shared_field_joins_fields_of_different_names():
    merged = merge_form([WATER, POWER], [ADDRESS])
    by_name = {m.field.name: m for m in merged}
    assert list(by_name) == ["applicant_name", "id_number", "property_address"]
    address = by_name["property_address"]
    assert address.field.label == "房屋坐落" and address.field.required  # required where any item requires it
    assert address.targets == (FieldTarget("W", "water_address"), FieldTarget("P", "power_address"))
    forms = split_form(merged, {"applicant_name": "王芳", "property_address": "递铺街道阳光小区3幢201室"})
    assert forms == {
        "W": {"applicant_name": "王芳", "water_address": "递铺街道阳光小区3幢201室"},
        "P": {"applicant_name": "王芳", "power_address": "递铺街道阳光小区3幢201室"},
    }


def test_a_declared_target_the_item_lacks_is_skipped():
    stale = {**ADDRESS, "items": {"W": "water_address", "P": "gone"}}
    merged = {m.field.name: m for m in merge_form([WATER, POWER], [stale])}
    assert merged["property_address"].targets == (FieldTarget("W", "water_address"),)
    assert merged["power_address"].targets == (FieldTarget("P", "power_address"),)


def test_same_name_of_another_kind_is_asked_separately_with_the_items_name():
    a = ItemForm("A", "甲", [FormField("kind", "类别", "select", options=("一", "二"))])
    b = ItemForm("B", "乙", [FormField("kind", "类别", "text")])
    merged = merge_form([a, b])
    assert [(m.field.name, m.field.label) for m in merged] == [("kind", "类别"), ("kind_2", "类别（乙）")]


names = st.sampled_from(["applicant_name", "phone", "address", "child", "kind", "date", "note"])
kinds = st.sampled_from(["text", "textarea", "date", "phone"])


@st.composite
def item_forms(draw):
    forms = []
    for n in range(draw(st.integers(1, 5))):
        fields = draw(st.lists(st.tuples(names, kinds, st.booleans()), unique_by=lambda t: t[0], max_size=6))
        forms.append(ItemForm(f"I{n}", f"事项{n}", [FormField(nm, nm, k, required=r) for nm, k, r in fields]))
    shared = []
    if draw(st.booleans()) and len(forms) > 1:
        chosen = {f.code: f.fields[0].name for f in forms if f.fields and draw(st.booleans())}
        if chosen:
            shared.append({"name": "shared_one", "label": "共用", "items": chosen})
    return forms, shared


@given(item_forms())
def test_every_item_field_is_asked_exactly_once_and_splits_back(case):
    forms, shared = case
    merged = merge_form(forms, shared)
    names_ = [m.field.name for m in merged]
    assert len(names_) == len(set(names_))
    targets = [(t.item, t.field) for m in merged for t in m.targets]
    assert sorted(targets) == sorted((f.code, fld.name) for f in forms for fld in f.fields)
    for m in merged:
        assert len({t.item for t in m.targets}) == len(m.targets)  # never two fields of one item
        sources = [
            fld
            for f in forms
            for fld in f.fields
            if (f.code, fld.name) in {(t.item, t.field) for t in m.targets}
        ]
        if m.field.name == "shared_one":
            assert m.field.required or not any(s.required for s in sources)
        else:
            assert m.field.required == any(s.required for s in sources)
    values = {m.field.name: f"值{n}" for n, m in enumerate(merged)}
    split = split_form(merged, values)
    for f in forms:
        assert set(split.get(f.code, {})) == {fld.name for fld in f.fields}


def test_a_material_several_items_need_appears_once_with_its_submission_id():
    birth_cert = ItemMaterials(
        "C", "出生医学证明", [M(1, "父母双方居民身份证", "licence", "110001"), M(2, "自填单")]
    )
    registration = ItemMaterials(
        "R", "出生登记",
        [M(10, "出生医学证明", "licence", "130001"), M(11, "父母双方居民身份证", "licence", "110001"), M(12, "户口簿")],
    )  # fmt: skip
    insurance = ItemMaterials("I", "医保参保", [M(20, "出生医学证明", "licence", "130001", "conditional")])
    merged = merge_materials([birth_cert, registration, insurance])
    assert [(m.id, m.name, len(m.serves)) for m in merged] == [
        (1, "父母双方居民身份证", 2), (2, "自填单", 1), (10, "出生医学证明", 2), (12, "户口簿", 1),
    ]  # fmt: skip
    assert merged[2].requirement == "required"  # the strictest
    assert [(t.item, t.material) for t in merged[0].serves] == [("C", 1), ("R", 11)]


def test_same_name_other_source_is_another_paper_and_declared_groups_join_names():
    a = ItemMaterials("A", "甲", [M(1, "不动产权证书"), M(2, "夫妻双方居民身份证", "licence", "110001")])
    b = ItemMaterials(
        "B",
        "乙",
        [M(3, "不动产权证书", "licence", "150001"), M(4, "男女双方居民身份证", "licence", "110001")],
    )
    declared = [{"name": "双方居民身份证", "items": {"A": "夫妻双方居民身份证", "B": "男女双方居民身份证"}}]
    merged = merge_materials([a, b], declared)
    assert [(m.name, [t.material for t in m.serves]) for m in merged] == [
        ("不动产权证书", [1]), ("双方居民身份证", [2, 4]), ("不动产权证书", [3]),
    ]  # fmt: skip


def test_tolerable_only_when_every_item_tolerates_it():
    a = ItemMaterials("A", "甲", [M(1, "健康证明", tolerable=True)])
    b = ItemMaterials("B", "乙", [M(2, "健康证明", tolerable=False)])
    assert merge_materials([a, b])[0].tolerable is False
    c = ItemMaterials("C", "丙", [M(3, "健康证明", tolerable=True)])
    assert merge_materials([a, c])[0].tolerable is True


material_names = st.sampled_from(["身份证", "户口簿", "结婚证", "照片", "申请表"])


@given(
    st.lists(
        st.lists(st.tuples(material_names, st.sampled_from(["applicant", "licence"])), max_size=5),
        min_size=1,
        max_size=5,
    )
)
def test_every_item_material_is_served_by_exactly_one_merged_material(spec):
    pk = iter(range(1, 1000))
    items = [
        ItemMaterials(
            f"I{n}",
            f"事项{n}",
            [M(next(pk), name, source, "x" if source == "licence" else "") for name, source in mats],
        )
        for n, mats in enumerate(spec)
    ]
    merged = merge_materials(items)
    served = [(t.item, t.material) for m in merged for t in m.serves]
    assert sorted(served) == sorted((i.code, m.pk) for i in items for m in i.materials)
    for m in merged:
        assert m.id == m.serves[0].material
        assert len({t.item for t in m.serves}) == len(m.serves)
    keys = [(m.name, m.first.source) for m in merged if m.shared]
    assert len(keys) == len(set(keys))
