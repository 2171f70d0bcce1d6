from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from govhall.core.middleware import API_PREFIX, api_error


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A failed CSRF check: a Chinese page, or the API's error shape."""
    if request.path.startswith(API_PREFIX):
        return api_error("csrf_failed", "页面已过期或缺少CSRF校验，请刷新页面后重试", 403)
    return render(request, "403_csrf.html", status=403)
