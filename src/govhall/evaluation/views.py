"""Pages of 好差评: rating a case (signed in, through a single-use link, or on the hall's tablet), the public
figures, and the department's rectification list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from govhall.cases.models import Case
from govhall.cases.permissions import can_view
from govhall.core.errors import DomainError, NotFound, ValidationFailed
from govhall.core.pages import forbidden
from govhall.core.schemas import query_date
from govhall.identity.auth import AuthedRequest
from govhall.identity.models import StaffRole
from govhall.identity.permissions import is_staff_member, staff_with

from . import selectors, services
from .models import BAD_TAGS, GOOD_TAGS, Level, RatingChannel, Stage, TabletSession

LEVELS = [(lv.value, lv.label) for lv in Level]


def _form_context(
    case: Case, stage: str, post: Any = None, error: DomainError | None = None
) -> dict[str, Any]:
    return {
        "case": case, "stage": stage, "stage_label": Stage(stage).label, "levels": LEVELS,
        "good_tags": GOOD_TAGS, "bad_tags": BAD_TAGS, "error": error,
        "chosen_level": (post or {}).get("level", ""), "chosen_tags": (post.getlist("tags") if post else []),
        "text": (post or {}).get("text", ""),
    }  # fmt: skip


def _submit(
    request: HttpRequest, case: Case, stage: str, channel: str, user: Any, tablet: TabletSession | None = None
) -> DomainError | None:
    try:
        services.rating_submit(
            number=case.number or "", user=user, case=case, stage=stage, level=request.POST.get("level"),
            tags=request.POST.getlist("tags"), text=request.POST.get("text", ""), channel=channel,
            tablet=tablet,
        )  # fmt: skip
    except DomainError as exc:
        return exc
    return None


@login_required
def rate_case(request: HttpRequest, number: str, stage: str) -> HttpResponse:
    """The signed-in applicant rates one stage of their case."""
    case = selectors.case_by_number(number)
    if case is None or not selectors.is_applicant(case, request.user) or stage not in Stage.values:
        raise Http404
    error = None
    if request.method == "POST":
        error = _submit(request, case, stage, RatingChannel.WEB, request.user)
        if error is None:
            messages.success(request, "感谢您的评价！")
            return redirect("web:case", number=number)
    context = _form_context(case, stage, request.POST if error else None, error)
    context["crumbs"] = [("我的办件", reverse("web:my_cases")), (number, reverse("web:case", args=[number])),
                         ("评价", None)]  # fmt: skip
    return render(request, "evaluation/rate.html", context, status=_status(error))


def _status(error: DomainError | None) -> int:
    return error.status if error else 200


def rate_link(request: HttpRequest, token: str) -> HttpResponse:
    """A single-use link (from an SMS, or opened on the hall's tablet): no login needed."""
    try:
        case, stage, channel, tablet = services.rating_link_open(token)
    except NotFound as exc:
        crumbs = [("评价链接无效", None)]
        return render(request, "web/not_found.html", {"crumbs": crumbs, "message": exc.message}, status=404)
    done = case.ratings.filter(stage=stage).exists()
    error = None
    if request.method == "POST" and not done:
        error = _submit(request, case, stage, channel, None, tablet)
        done = error is None
    context = _form_context(case, stage, request.POST if error else None, error)
    context.update(
        done=done, via_link=True, tablet=channel == RatingChannel.WINDOW, crumbs=[("服务评价", None)]
    )
    return render(request, "evaluation/rate.html", context, status=_status(error))


@login_required
@require_POST
def rate_tablet(request: HttpRequest, number: str, stage: str) -> HttpResponse:
    """A window clerk opens the rating tablet for the applicant in front of them, for a case they are
    serving; the clerk does not rate. The tablet link works once, for a few minutes."""
    user: Any = request.user
    case = selectors.case_by_number(number)
    if case is None or stage not in Stage.values or not staff_with(user, StaffRole.WINDOW_CLERK):
        raise Http404
    if not can_view(case, user):
        raise Http404
    try:
        token = services.tablet_open(case=case, stage=stage, clerk=user)
    except DomainError as exc:
        return forbidden(request, exc.message) if exc.status == 403 else _conflict(request, case, exc)
    return redirect("evaluation:rate_link", token=token)


def _conflict(request: HttpRequest, case: Case, exc: DomainError) -> HttpResponse:
    messages.error(request, exc.message)
    return redirect("web:case", number=case.number)


def _period(request: HttpRequest) -> tuple[dt.date | None, dt.date | None, str | None]:
    try:
        start = query_date(request.GET.get("from"), field="from", label="起始日期")
        end = query_date(request.GET.get("to"), field="to", label="截止日期")
    except ValidationFailed as exc:
        return None, None, exc.message
    return start, end, None


def public_figures(request: HttpRequest) -> HttpResponse:
    """好差评公示: satisfaction per department and per item, for everyone."""
    start, end, error = _period(request)
    ratings = selectors.ratings_in(start=start, end=end)
    context = {
        "overall": selectors.rating_figures(ratings),
        "departments": selectors.rating_figures_by(ratings, "department"),
        "items": selectors.rating_figures_by(ratings, "item")[:30],
        "start": start, "end": end, "error": error, "crumbs": [("好差评公示", None)],
    }  # fmt: skip
    return render(request, "evaluation/public.html", context, status=422 if error else 200)


@login_required
def rectification_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not is_staff_member(user):
        raise Http404
    state = request.GET.get("state") if request.GET.get("state") in ("open", "closed") else None
    case_number = request.GET.get("case", "")[:30] or None
    rows = selectors.rectifications_for(user, state=state, case_number=case_number)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    context = {
        "page": page, "state": state, "case_number": case_number, "crumbs": [("工作台", reverse("web:tasks")), ("差评整改", None)],
        "can_close": user.has_role(StaffRole.DEPARTMENT_HEAD, StaffRole.APPROVER),
        "today": timezone.localdate(),
    }  # fmt: skip
    return render(request, "evaluation/rectifications.html", context)


@login_required
@require_POST
def rectification_close(request: AuthedRequest, rectification_id: int) -> HttpResponse:
    try:
        services.rectification_close(
            rectification_id=rectification_id, user=request.user,
            action=request.POST.get("action"), follow_up=request.POST.get("follow_up"),
        )  # fmt: skip
        messages.success(request, "整改已办结，回访记录已保存。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("evaluation:rectifications") + f"#r{rectification_id}")


@login_required
@require_POST
def rectification_rate(request: AuthedRequest, rectification_id: int) -> HttpResponse:
    rectification = selectors.rectification_by_id(rectification_id)
    try:
        services.rectification_rate(
            rectification_id=rectification_id, user=request.user,
            level=request.POST.get("level"), text=request.POST.get("text", ""),
        )  # fmt: skip
        messages.success(request, "感谢您对整改情况的评价。")
    except DomainError as exc:
        messages.error(request, exc.message)
    if rectification is None:
        raise Http404
    return redirect("web:case", number=rectification.case.number)


@login_required
def rate_bundle(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant rates a finished bundle case as a whole; each item is rated on its own case's page."""
    bundle_case = selectors.bundle_case_by_number(number)
    user: Any = request.user
    if bundle_case is None or user.pk not in (bundle_case.applicant_id, bundle_case.submitted_by_id):
        raise Http404
    error, done = None, hasattr(bundle_case, "rating")
    if request.method == "POST" and not done:
        try:
            services.bundle_rating_submit(
                number=number, user=user, level=request.POST.get("level"), tags=request.POST.getlist("tags"),
                text=request.POST.get("text", ""),
            )  # fmt: skip
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, "感谢您的评价！")
            return redirect("web:bundle_case", number=number)
    context = {
        "bundle_case": bundle_case, "done": done, "stage_label": "整件事", "levels": LEVELS,
        "good_tags": GOOD_TAGS, "bad_tags": BAD_TAGS, "error": error,
        "chosen_level": request.POST.get("level", "") if error else "",
        "chosen_tags": request.POST.getlist("tags") if error else [], "text": request.POST.get("text", "") if error else "",
        "items": [c for c in bundle_case.cases.select_related("item") if c.status == "completed"],
        "crumbs": [("我的办件", reverse("web:my_cases")), (number, reverse("web:bundle_case", args=[number])),
                   ("评价", None)],
    }  # fmt: skip
    return render(request, "evaluation/rate.html", context, status=_status(error))
