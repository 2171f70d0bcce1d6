"""Request hygiene before views run, and one error shape for every API answer.

- Input no field may hold (NUL characters, lone UTF-16 surrogates) is refused with a 400 before it reaches
  a view or the database: PostgreSQL cannot store NUL, and neither database can encode a lone surrogate.
- A JSON (or other non-form) body larger than JSON_BODY_MAX_KB answers 413, and one nested deeper than
  JSON_MAX_DEPTH answers 400, before anything parses it (a deep nesting made the parser recurse to a 500).
- Under /api/, an error Django or the router produced itself (404 for an unknown path, 405, CSRF 403)
  is rewritten to {"code", "message", "field"} with a Chinese message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError

MESSAGE = "请求中含有不允许的控制字符或无效字符，请检查输入内容"
TOO_DEEP = "请求内容的嵌套层数过多（最多 {depth} 层），请检查请求格式"
TOO_LARGE = "请求内容过大（不超过 {kb} KB；上传文件请使用材料上传接口）"
BAD_FORM = "上传的表单无法解析（文件名过长或格式不正确），请缩短文件名（不超过 200 个字）后重试"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
API_PREFIX = "/api/"
_STATUS_MESSAGES = {
    400: ("bad_request", "请求格式不正确"),
    401: ("unauthenticated", "请先登录或提供有效的访问令牌"),
    403: ("forbidden", "没有权限执行该操作"),
    404: ("not_found", "未找到请求的资源"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("too_large", "请求内容过大"),
    415: ("unsupported_media_type", "不支持该内容类型"),
}


def api_error(code: str, message: str, status: int, field: str | None = None) -> JsonResponse:
    return JsonResponse(
        {"code": code, "message": message, "field": field},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


class RejectBadInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = _body_shape_refusal(request)
        if refusal is not None:
            return _refuse(request, *refusal)
        try:
            bad = _has_bad_input(request)
        except MultiPartParserError:
            return _refuse(request, "bad_form", BAD_FORM, 400)
        if bad:
            return _refuse(request, "bad_input", MESSAGE, 400)
        return self.get_response(request)


def _refuse(request: HttpRequest, code: str, message: str, status: int) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return api_error(code, message, status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _body_shape_refusal(request: HttpRequest) -> tuple[str, str, int] | None:
    """Size and nesting of a non-form body, checked on the raw bytes."""
    if request.method in ("GET", "HEAD", "OPTIONS") or (request.content_type or "") in FORM_TYPES:
        return None
    limit_kb = int(settings.JSON_BODY_MAX_KB)
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit_kb * 1024:
        return "too_large", TOO_LARGE.format(kb=limit_kb), 413
    body = request.body
    if len(body) > limit_kb * 1024:
        return "too_large", TOO_LARGE.format(kb=limit_kb), 413
    if nesting_exceeds(body, int(settings.JSON_MAX_DEPTH)):
        return "too_deep", TOO_DEEP.format(depth=settings.JSON_MAX_DEPTH), 400
    return None


def nesting_exceeds(body: bytes, limit: int) -> bool:
    """Whether brackets outside JSON strings nest deeper than limit; linear, without parsing."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            escaped, in_string = (False, True) if escaped else (byte == 0x5C, byte != 0x22)
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _bad_text(value: str) -> bool:
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _has_bad_input(request: HttpRequest) -> bool:
    if _bad_text(request.path) or any(_bad_text(v) for _, values in request.GET.lists() for v in values):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    body = request.body  # read first: later parsing of POST and FILES reuses it
    if (request.content_type or "") == "multipart/form-data":
        return any(_bad_text(v) for _, values in request.POST.lists() for v in values)
    if (request.content_type or "") == "application/x-www-form-urlencoded":
        return b"%00" in body or any(_bad_text(v) for _, values in request.POST.lists() for v in values)
    if b"\x00" in body or b"\\u0000" in body:
        return True
    if b"\\ud" in body.lower():  # escaped surrogates: only lone ones are a problem
        try:
            return _any_bad_string(json.loads(body))
        except ValueError:
            return False  # not JSON: the view will say so
    return False


def _any_bad_string(data: Any) -> bool:
    if isinstance(data, str):
        return _bad_text(data)
    if isinstance(data, dict):
        return any(_any_bad_string(k) or _any_bad_string(v) for k, v in data.items())
    if isinstance(data, list):
        return any(_any_bad_string(v) for v in data)
    return False


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        code, message = _STATUS_MESSAGES.get(response.status_code, ("error", "请求无法处理"))
        return api_error(code, message, response.status_code)
