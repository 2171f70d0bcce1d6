"""Pages of 一库共享: the resource catalogue for staff (list and detail), the provider department's requests to
answer (and the department's own), the citizen's 我的数据使用记录 with their consents, and the catalogue export."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from govhall.core.errors import DomainError
from govhall.core.pages import forbidden
from govhall.identity.auth import AuthedRequest
from govhall.identity.permissions import is_staff_member

from . import selectors, services
from .exchange import resource_catalogue_export


def _staff_only(request: AuthedRequest) -> HttpResponse | None:
    if not is_staff_member(request.user):
        return forbidden(request, "政务信息资源目录仅供工作人员查看", hint="请使用工作人员账户登录。")
    return None


@login_required
def resource_list(request: AuthedRequest) -> HttpResponse:
    refused = _staff_only(request)
    if refused:
        return refused
    query = request.GET.get("q", "").strip()[:50]
    return render(
        request,
        "sharing/resources.html",
        {
            "resources": selectors.resource_list(query=query),
            "q": query,
            "crumbs": [("政务信息资源目录", None)],
        },
    )


@login_required
def resource_detail(request: AuthedRequest, code: str) -> HttpResponse:
    refused = _staff_only(request)
    if refused:
        return refused
    resource = selectors.resource_get(code)
    if resource is None:
        raise Http404
    grants = selectors.grants_of_department(request.user.department_id or 0, timezone.localdate()).filter(
        resource=resource
    )
    return render(
        request,
        "sharing/resource.html",
        {
            "resource": resource,
            "grants": grants,
            "crumbs": [("政务信息资源目录", "/sharing/resources/"), (resource.name, None)],
        },
    )


@login_required
def resource_export(request: AuthedRequest) -> HttpResponse:
    refused = _staff_only(request)
    if refused:
        return refused
    body = json.dumps(resource_catalogue_export(), ensure_ascii=False, indent=1)
    answer = HttpResponse(body, content_type="application/json; charset=utf-8")
    answer["Content-Disposition"] = 'attachment; filename="sharing-catalogue.json"'
    return answer


@login_required
def request_list(request: AuthedRequest) -> HttpResponse:
    refused = _staff_only(request)
    if refused:
        return refused
    return render(
        request,
        "sharing/requests.html",
        {
            "to_answer": selectors.requests_to_answer(request.user)[:200],
            "mine": selectors.requests_of_department(request.user)[:200],
            "today": timezone.localdate(),
            "crumbs": [("共享申请", None)],
        },
    )


@login_required
@require_POST
def request_decide(request: AuthedRequest, request_id: int) -> HttpResponse:
    decision, reason = request.POST.get("decision"), request.POST.get("reason", "")
    try:
        if decision == "approve":
            services.sharing_request_approve(request_id=request_id, user=request.user, reason=reason)
            messages.success(request, "已同意共享申请，授权已生效。")
        else:
            services.sharing_request_refuse(request_id=request_id, user=request.user, reason=reason)
            messages.success(request, "已拒绝共享申请。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("sharing:requests")


@login_required
def data_usage(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "sharing/data_usage.html",
        {
            "uses": selectors.data_usage(request.user),
            "consents": selectors.consents_of(request.user),
            "crumbs": [("我的空间", "/account/"), ("我的数据使用记录", None)],
        },
    )


@login_required
@require_POST
def consent_revoke(request: AuthedRequest, consent_id: int) -> HttpResponse:
    try:
        services.consent_revoke(user=request.user, consent_id=consent_id)
        messages.success(request, "已撤回授权，此后部门不能再使用该数据。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("sharing:data_usage")
