"""Pages of 电子证照: the wallet (我的证照), one licence (with authorising and, for the issuer's staff,
revoking), the face download, and the public verification page the QR code opens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from govhall.core.errors import DomainError, NotFound
from govhall.identity.models import Department
from govhall.identity.permissions import is_staff_member

from . import selectors, services

MAX_FACE_BYTES = 10 * 1024 * 1024


def _user(request: HttpRequest) -> Any:
    return request.user


@login_required
def wallet(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    licences = list(selectors.licence_list_for(user))
    today = timezone.localdate()
    context = {
        "licences": licences,
        "today": today,
        "crumbs": [("我的空间", reverse("web:account")), ("我的证照", None)],
    }
    return render(request, "licences/wallet.html", context)


def _licence_or_404(request: HttpRequest, identifier: str) -> Any:
    try:
        return selectors.licence_get_for(request.user, identifier)
    except NotFound:
        raise Http404 from None


@login_required
def detail(request: HttpRequest, identifier: str) -> HttpResponse:
    licence = _licence_or_404(request, identifier)
    user: Any = request.user
    context = {
        "licence": licence, "status": licence.effective_status(),
        "is_holder": services.is_holder(user, licence),
        "may_revoke": is_staff_member(user) and user.department_id == licence.issuer_id
        and licence.status == "valid",
        "departments": Department.objects.order_by("code"),
        "events": licence.events.all(), "authorisations": licence.authorisations.select_related("department"),
        "default_until": timezone.localdate() + dt.timedelta(days=30),
        "verify_url": services.verify_url(licence.identifier),
        "crumbs": [("我的证照", reverse("licences:wallet")), (licence.type.name, None)],
    }  # fmt: skip
    return render(request, "licences/detail.html", context)


@login_required
def face(request: HttpRequest, identifier: str) -> FileResponse:
    licence = _licence_or_404(request, identifier)
    path = selectors.face_file(licence)
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), content_type="application/pdf", as_attachment=False,
                        filename=f"{licence.type.name}-{licence.serial}.pdf")  # fmt: skip


@login_required
@require_POST
def authorise(request: HttpRequest, identifier: str) -> HttpResponse:
    try:
        until = dt.date.fromisoformat(request.POST.get("until", ""))
    except ValueError:
        messages.error(request, "请填写授权期限（年-月-日）")
        return redirect("licences:detail", identifier=identifier)
    try:
        services.licence_authorise(
            identifier=identifier, user=_user(request), department=request.POST.get("department", ""),
            until=until, case_number=request.POST.get("case_number", ""),
        )  # fmt: skip
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已授权该部门使用此证照")
    return redirect("licences:detail", identifier=identifier)


@login_required
@require_POST
def revoke(request: HttpRequest, identifier: str) -> HttpResponse:
    try:
        services.licence_revoke(
            identifier=identifier, user=_user(request), reason=request.POST.get("reason", "")
        )
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "证照已注销")
    return redirect("licences:detail", identifier=identifier)


def verify(request: HttpRequest) -> HttpResponse:
    """Public: the QR code's target. By identifier (GET id=) or by an uploaded face document (POST file)."""
    result = None
    identifier = request.GET.get("id", "").strip()
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or upload.size is None or upload.size > MAX_FACE_BYTES:
            messages.error(request, "请选择不超过10MB的照面PDF文件")
        else:
            result = selectors.licence_verify_document(upload.read())
    elif identifier:
        result = selectors.licence_verify(identifier)
    context = {"result": result, "identifier": identifier, "crumbs": [("电子证照核验", None)]}
    return render(request, "licences/verify.html", context)
