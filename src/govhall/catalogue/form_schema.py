"""JSON Schemas of what the catalogue declares as data: an item's application-form fields and a bundle's
shared fields and shared materials, with one validator that answers in Chinese naming the entry and key.

The schemas are data too (``FORM_FIELDS_SCHEMA`` ...), so an integrating system or an editor can check a
declaration before sending it. Validation is by ``jsonschema_rs`` (Draft 2020-12)."""

from __future__ import annotations

import functools
import json
from typing import Any

import jsonschema_rs

from govhall.core.errors import ValidationFailed

from .forms import FIELD_TYPES

# The part of a field a bundle may declare (the same keys as an item's field).
_FIELD_PROPERTIES: dict[str, Any] = {
    "name": {"title": "字段名", "type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"},
    "label": {"title": "字段标题", "type": "string", "minLength": 1, "maxLength": 50},
    "type": {"title": "字段类型", "enum": sorted(FIELD_TYPES)},
    "required": {"title": "是否必填", "type": "boolean"},
    "options": {
        "title": "可选值",
        "type": "array",
        "maxItems": 50,
        "items": {"type": "string", "minLength": 1, "maxLength": 50},
    },
    "help": {"title": "填写说明", "type": "string", "maxLength": 200},
    "prefill": {"title": "预填来源", "type": "string", "pattern": "^$|^[a-z_]+\\.[a-z_]+$"},
}

FORM_FIELD_SCHEMA: dict[str, Any] = {
    "title": "申请表字段",
    "type": "object",
    "required": ["name"],
    "properties": _FIELD_PROPERTIES,
    "additionalProperties": False,
}

FORM_FIELDS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "申请表字段",
    "type": "array",
    "maxItems": 100,
    "items": FORM_FIELD_SCHEMA,
}

_ITEM_CODE = {"type": "string", "pattern": "^[0-9A-Za-z]{1,40}$"}

SHARED_FIELDS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "共用表单字段",
    "type": "array",
    "maxItems": 100,
    "items": {
        "title": "共用表单字段",
        "type": "object",
        "required": ["name", "label", "items"],
        "properties": {
            **_FIELD_PROPERTIES,
            "items": {
                "title": "对应事项字段",
                "description": "事项实施编码 → 该事项申请表中的字段名",
                "type": "object",
                "minProperties": 1,
                "maxProperties": 50,
                "propertyNames": _ITEM_CODE,
                "additionalProperties": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"},
            },
        },
        "additionalProperties": False,
    },
}

SHARED_MATERIALS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "共用申请材料",
    "type": "array",
    "maxItems": 100,
    "items": {
        "title": "共用申请材料",
        "type": "object",
        "required": ["name", "items"],
        "properties": {
            "name": {"title": "材料名称", "type": "string", "minLength": 1, "maxLength": 200},
            "items": {
                "title": "对应事项材料",
                "description": "事项实施编码 → 该事项的材料名称",
                "type": "object",
                "minProperties": 2,
                "maxProperties": 50,
                "propertyNames": _ITEM_CODE,
                "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 200},
            },
        },
        "additionalProperties": False,
    },
}

_REASONS = {
    "required": "缺少必填项",
    "type": "类型不正确",
    "enum": "取值不在允许范围内",
    "pattern": "格式不正确",
    "minLength": "不能为空",
    "maxLength": "过长",
    "maxItems": "条目过多",
    "minProperties": "对应关系过少",
    "maxProperties": "对应关系过多",
    "additionalProperties": "含有不认识的键",
    "propertyNames": "事项实施编码格式不正确",
}


@functools.cache
def _validator(schema_json: str) -> Any:
    return jsonschema_rs.validator_for(json.loads(schema_json))


def _title_at(schema: dict[str, Any], schema_path: list[Any]) -> str:
    """The nearest title along the failing schema path (the key's Chinese name)."""
    title, node = str(schema.get("title", "")), schema
    for step in schema_path:
        if not isinstance(node, dict | list):
            break
        node = node[step] if isinstance(node, list) else node.get(step)  # type: ignore[assignment]
        if isinstance(node, dict) and node.get("title"):
            title = str(node["title"])
    return title


def validate_declaration(value: Any, schema: dict[str, Any], *, field: str) -> None:
    """Refuse ``value`` unless it is valid against ``schema``: a Chinese message naming the entry (第N项),
    the key and what is wrong."""
    validator = _validator(json.dumps(schema, sort_keys=True))
    error = next(iter(validator.iter_errors(value)), None)
    if error is None:
        return
    path = list(error.instance_path)
    where = f"第{path[0] + 1}项" if path and isinstance(path[0], int) else ""
    keyword = str(list(error.schema_path)[-1]) if list(error.schema_path) else ""
    key = _title_at(schema, list(error.schema_path))
    if keyword == "required":
        missing = str(error.message).split('"')[1] if '"' in str(error.message) else ""
        detail = f"缺少“{missing}”"
    elif keyword == "additionalProperties" and "'" in str(error.message):
        detail = f"含有不认识的键“{str(error.message).split(chr(39))[1]}”"
    else:
        detail = f"“{key}”{_REASONS.get(keyword, '不符合要求')}"
    label = str(schema.get("title", "声明"))
    raise ValidationFailed(f"{label}{where}{detail}", field=field)
