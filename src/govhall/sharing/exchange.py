"""Import and export of the data resource catalogue as JSON, like the item catalogue's (catalogue/exchange.py):
export is a read; import goes through ``resource_save`` in one transaction, so a file with an error changes
nothing.

Format: ``{"format": "govhall-sharing-catalogue", "version": 1, "resources": [{code, name, class_code, …,
provider (department code), data_items: [{key, name, type, description}]}]}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from govhall.core.errors import ValidationFailed

from .models import Resource
from .selectors import resource_list
from .services import RESOURCE_FIELDS, resource_save

FORMAT = "govhall-sharing-catalogue"
FORMAT_VERSION = 1


def resource_to_dict(resource: Resource) -> dict[str, Any]:
    data: dict[str, Any] = {"code": resource.code, "provider": resource.provider.code}
    data.update({name: getattr(resource, name) for name in RESOURCE_FIELDS})
    data["published_on"] = resource.published_on.isoformat() if resource.published_on else None
    data["data_items"] = [
        {"key": d.key, "name": d.name, "type": d.type, "description": d.description}
        for d in resource.data_items.all()
    ]
    return data


def resource_catalogue_export() -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "resources": [resource_to_dict(r) for r in resource_list()],
    }


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int


@transaction.atomic
def resource_catalogue_import(data: dict[str, Any]) -> ImportReport:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationFailed(f"文件格式应为 {FORMAT}", field="format")
    if data.get("version") != FORMAT_VERSION:
        raise ValidationFailed(
            f"不支持的版本：{data.get('version')}（应为 {FORMAT_VERSION}）", field="version"
        )
    resources = data.get("resources")
    if not isinstance(resources, list):
        raise ValidationFailed("resources 应为资源列表", field="resources")
    created = updated = 0
    for raw in resources:
        if not isinstance(raw, dict):
            raise ValidationFailed("resources 中的每一项应为对象", field="resources")
        _, new = resource_save(data=raw)
        created, updated = created + new, updated + (not new)
    return ImportReport(created=created, updated=updated)
