"""The JSON API root: /api/v1/, OpenAPI 3 at /api/v1/openapi.json, docs at /api/v1/docs.

Every error has the shape {"code", "message", "field"} with a Chinese message and a 4xx status.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import JSONRenderer

from govhall.cases.api import public_router as progress_router
from govhall.cases.api import router as cases_router
from govhall.catalogue.api import router as catalogue_router
from govhall.core.api import router as core_router
from govhall.core.errors import DomainError
from govhall.core.validation_messages import describe_validation_errors
from govhall.evaluation.api import public as evaluation_public_router
from govhall.evaluation.api import router as evaluation_router
from govhall.identity.api import router as identity_router
from govhall.licences.api import router as licences_router
from govhall.sharing.api import router as sharing_router
from govhall.stats.api import router as stats_router
from govhall.supervision.api import router as supervision_router


class Utf8JSONRenderer(JSONRenderer):
    """JSON with Chinese text as it is, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


# What RejectBadInputMiddleware answers before any view runs, on every method that may carry a body: 413 for a
# body over JSON_BODY_MAX_KB (400, for one nested too deep, every operation declares already).
BODY_METHODS = ("post", "put", "patch", "delete")
TOO_LARGE = {
    "description": "Content Too Large（请求内容超过 JSON_BODY_MAX_KB）",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
}


class GovHallAPI(NinjaAPI):
    """The API whose OpenAPI document also declares the answers the request middleware gives."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                if method in BODY_METHODS:
                    operation["responses"].setdefault(413, TOO_LARGE)
        return schema


api = GovHallAPI(
    renderer=Utf8JSONRenderer(),
    title="GovHall 一网通办 API",
    version="1.0.0",
    description="政务服务事项、账户与办件接口。错误统一为 {code, message, field}，message 为中文说明。",
    urls_namespace="api",
)
api.add_router("", identity_router)
api.add_router("", catalogue_router)
api.add_router("", core_router)
api.add_router("", cases_router)
api.add_router("", progress_router)
api.add_router("", evaluation_router)
api.add_router("", licences_router)
api.add_router("", evaluation_public_router)
api.add_router("", supervision_router)
api.add_router("", stats_router)
api.add_router("", sharing_router)


def _error(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "field": field}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.field)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    field, message = describe_validation_errors(exc.errors, request.path)
    return _error(request, 422, "validation_error", message, field)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "请先登录或提供有效的访问令牌（Authorization: Bearer …）")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "未找到请求的资源")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    messages = {
        400: "请求格式不正确",
        401: "请先登录",
        403: "没有权限",
        404: "未找到",
        405: "不支持该请求方法",
    }
    return _error(request, exc.status_code, "http_error", messages.get(exc.status_code, str(exc.message)))
