"""Provider systems: where a resource's data comes from.

A provider is anything with ``fetch(resource_code, subject_id_type, subject_id, items) -> dict | None``
(``Provider`` below): the record of one subject (``subject_id_type`` is ``id_number`` or ``uscc``), restricted
to the named data items, or None when the provider holds no record for the subject. A provider that cannot
answer raises ``ProviderFailed``; it never returns partial data.

Which provider serves a resource is the resource's ``provider_system`` looked up in the ``SHARING_PROVIDERS``
setting (JSON: ``{"system": {"url": "https://…", "token": "…", "timeout": 5}}``) — an ``HttpProvider``; a system
not configured there is served by the demo's simulated departmental databases (``DemoProvider``; the enterprise
registry's ``MarketEntityProvider`` for ``scjg-registry``).

``HttpProvider`` speaks a small REST protocol: ``POST {url}`` with JSON
``{"resource": code, "subject_id_type": ..., "subject_id": ..., "items": [...]}``; answers ``200`` with
``{"data": {...}}``, or ``404`` when there is no record. Any other status, a timeout, or a body that is not
that JSON is a ``ProviderFailed``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Protocol

from django.conf import settings

from govhall.core import crypto
from govhall.core.errors import DomainError
from govhall.identity.models import MarketEntity

from .models import DemoRecord


class ProviderFailed(DomainError):
    """The provider system could not answer (down, timed out, or answered nonsense)."""

    status = 424
    code = "provider_failed"


class Provider(Protocol):
    def fetch(
        self, resource_code: str, subject_id_type: str, subject_id: str, items: list[str]
    ) -> dict[str, Any] | None: ...


def _only(record: dict[str, Any], items: list[str]) -> dict[str, Any]:
    return {key: record[key] for key in items if key in record}


class DemoProvider:
    """The demo's departmental databases: ``DemoRecord`` rows inside sharing, one per resource and subject."""

    def fetch(
        self, resource_code: str, subject_id_type: str, subject_id: str, items: list[str]
    ) -> dict[str, Any] | None:
        record = DemoRecord.objects.filter(
            resource_code=resource_code, subject_hash=crypto.lookup_hash(subject_id)
        ).first()
        return None if record is None else _only(record.data, items)


class MarketEntityProvider:
    """市场主体登记信息 from the platform's copy of the enterprise registry (identity's ``MarketEntity``)."""

    def fetch(
        self, resource_code: str, subject_id_type: str, subject_id: str, items: list[str]
    ) -> dict[str, Any] | None:
        entity = MarketEntity.objects.filter(uscc=subject_id.strip().upper()).first()
        if entity is None:
            return None
        record = {
            "uscc": entity.uscc,
            "name": entity.name,
            "kind": entity.kind,
            "legal_representative": entity.legal_representative,
            "address": entity.address,
            "authority": entity.authority,
            "established": entity.established.isoformat() if entity.established else "",
            "status": entity.get_status_display(),
        }
        return _only(record, items)


class HttpProvider:
    """A provider system behind a REST endpoint (stdlib ``urllib``, with a timeout)."""

    def __init__(self, url: str, *, token: str = "", timeout: float = 5.0) -> None:
        self.url, self.token, self.timeout = url, token, timeout

    def fetch(
        self, resource_code: str, subject_id_type: str, subject_id: str, items: list[str]
    ) -> dict[str, Any] | None:
        body = json.dumps(
            {"resource": resource_code, "subject_id_type": subject_id_type, "subject_id": subject_id,
             "items": items},
            ensure_ascii=False,
        ).encode()  # fmt: skip
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise ProviderFailed(
                f"数据提供系统返回错误（HTTP {exc.code}），请稍后再试", field="resource"
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ProviderFailed("数据提供系统无法连接或响应超时，请稍后再试", field="resource") from exc
        try:
            data = json.loads(raw)["data"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderFailed("数据提供系统的应答格式不正确", field="resource") from exc
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ProviderFailed("数据提供系统的应答格式不正确", field="resource")
        return _only(data, items)


MARKET_REGISTRY_SYSTEM = "scjg-registry"


def provider_for(system: str) -> Provider:
    """The provider of a system key: configured HTTP endpoints first, else the demo's databases."""
    configured: dict[str, Any] = settings.SHARING_PROVIDERS.get(system) or {}
    if configured.get("url"):
        return HttpProvider(
            str(configured["url"]),
            token=str(configured.get("token", "")),
            timeout=float(configured.get("timeout", settings.SHARING_PROVIDER_TIMEOUT)),
        )
    if system == MARKET_REGISTRY_SYSTEM:
        return MarketEntityProvider()
    return DemoProvider()
