from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from .selectors import platform_health


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers (the worker's state is reported, not required); 503 otherwise."""
    health = platform_health()
    return JsonResponse(health, status=503 if health["database"]["status"] != "ok" else 200)
