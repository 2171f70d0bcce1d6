"""Refuse input that no field may hold (NUL characters) before it reaches a view or the database.

PostgreSQL cannot store NUL in text; rather than a 500 deep inside a query, the request gets a 400.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

MESSAGE = "请求中含有不允许的控制字符（NUL），请检查输入内容"


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "bad_input", "message": MESSAGE, "field": None},
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
            return HttpResponse(MESSAGE, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path:
            return True
        for values in request.GET.lists():
            if any("\x00" in v for v in values[1]):
                return True
        content_type = request.content_type or ""
        if content_type == "application/json":
            body = request.body
            return b"\x00" in body or b"\\u0000" in body
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return any("\x00" in v for _, values in request.POST.lists() for v in values)
        return False
