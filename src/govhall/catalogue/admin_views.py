"""Admin pages to import and export the whole catalogue (JSON or Excel)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from govhall.core.errors import DomainError

from .exchange import (
    catalogue_export_json,
    catalogue_export_xlsx,
    catalogue_import_json,
    catalogue_import_xlsx,
)
from .selectors import manages_whole_catalogue

MAX_IMPORT_BYTES = 20 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def exchange(request: HttpRequest) -> HttpResponse:
    if not manages_whole_catalogue(request.user):
        return HttpResponseForbidden("只有系统管理员和平台事项管理员可以导入导出整个目录")
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            report = _import(upload)
        except DomainError as exc:
            messages.error(request, f"导入失败，未做任何修改：{exc.message}")
        else:
            messages.success(
                request,
                f"导入完成：新增 {report.created}，更新草稿 {report.updated}，未变 {report.unchanged}；"
                f"主题 {report.themes}，同义词 {report.synonyms}",
            )
        return redirect("catalogue_exchange")
    context = {**admin.site.each_context(request), "title": "导入 / 导出事项目录"}
    return render(request, "admin/catalogue/exchange.html", context)


def _import(upload):  # type: ignore[no-untyped-def]
    if upload is None:
        raise DomainError("请选择要导入的文件", field="file")
    if upload.size > MAX_IMPORT_BYTES:
        raise DomainError("文件超过20MB", field="file")
    raw = upload.read()
    if raw[:2] == b"PK":
        return catalogue_import_xlsx(raw)
    return catalogue_import_json(raw)


def export(request: HttpRequest, fmt: str) -> HttpResponse:
    if not manages_whole_catalogue(request.user):
        return HttpResponseForbidden("只有系统管理员和平台事项管理员可以导出整个目录")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        response = HttpResponse(catalogue_export_xlsx(), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(catalogue_export_json(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="govhall-catalogue-{stamp}.{fmt}"'
    return response


catalogue_exchange_urls = [
    path("", admin.site.admin_view(exchange), name="catalogue_exchange"),
    path("export.<str:fmt>", admin.site.admin_view(export), name="catalogue_export"),
]
