"""Declarations validated by JSON Schema, answered in Chinese naming the entry and the key."""

from __future__ import annotations

import pytest

from govhall.catalogue.form_schema import (
    FORM_FIELDS_SCHEMA,
    SHARED_FIELDS_SCHEMA,
    SHARED_MATERIALS_SCHEMA,
    validate_declaration,
)
from govhall.catalogue.services import item_draft_save
from govhall.core.errors import ValidationFailed
from tests.factories import ServiceItemFactory


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([{"name": "shop", "type": "magic"}], "申请表字段第1项“字段类型”取值不在允许范围内"),
        ([{"label": "店名"}], "申请表字段第1项缺少“name”"),
        ([{"name": "shop"}, {"name": "Shop Name"}], "申请表字段第2项“字段名”格式不正确"),
        ([{"name": "shop", "options": "餐饮"}], "申请表字段第1项“可选值”类型不正确"),
        ([{"name": "shop", "colour": "red"}], "申请表字段第1项含有不认识的键“colour”"),
        ({"name": "shop"}, "申请表字段“申请表字段”类型不正确"),
    ],
)
def test_form_fields(value, message):
    with pytest.raises(ValidationFailed) as err:
        validate_declaration(value, FORM_FIELDS_SCHEMA, field="form_fields")
    assert err.value.message == message and err.value.field == "form_fields"


def test_valid_declarations_pass():
    validate_declaration(
        [{"name": "shop", "label": "店名", "type": "select", "options": ["餐饮"]}],
        FORM_FIELDS_SCHEMA,
        field="f",
    )
    validate_declaration(
        [{"name": "addr", "label": "房屋坐落", "items": {"A1": "water_address"}}],
        SHARED_FIELDS_SCHEMA,
        field="f",
    )
    validate_declaration(
        [{"name": "身份证", "items": {"A1": "身份证", "B2": "居民身份证"}}],
        SHARED_MATERIALS_SCHEMA,
        field="f",
    )


def test_a_shared_material_names_two_items_at_least():
    with pytest.raises(ValidationFailed, match="共用申请材料第1项“对应事项材料”对应关系过少"):
        validate_declaration(
            [{"name": "身份证", "items": {"A1": "身份证"}}], SHARED_MATERIALS_SCHEMA, field="f"
        )


@pytest.mark.django_db
def test_an_items_form_is_checked_by_the_schema_and_names_are_unique(department):
    item = ServiceItemFactory(department=department, form_fields=[{"name": "shop"}, {"name": "shop"}])
    with pytest.raises(ValidationFailed, match="申请表字段名“shop”重复"):
        item_draft_save(item)
    item.form_fields = [{"name": "shop", "required": "yes"}]
    with pytest.raises(ValidationFailed, match="“是否必填”类型不正确"):
        item_draft_save(item)
