from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from govhall.evaluation.selectors import rectifications_to_do


def platform(request: HttpRequest) -> dict[str, Any]:
    return {"PLATFORM_NAME": settings.PLATFORM_NAME}


def workbench(request: HttpRequest) -> dict[str, Any]:
    """Counts the menu and the workbench show staff; counted only when a page asks (once per request)."""
    user = getattr(request, "user", None)
    return {"RECTIFICATIONS_TO_DO": functools.cache(lambda: rectifications_to_do(user))}
