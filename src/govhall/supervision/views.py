"""电子监察 pages: the warning board, supervision orders and their answers, the rules, the monthly department
report (printable, and as Excel). Thin: selectors read, services write; the same functions as ``api.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from govhall.core.errors import DomainError, PermissionDenied, ValidationFailed
from govhall.core.pages import forbidden
from govhall.identity.auth import AuthedRequest
from govhall.identity.models import Department, StaffRole
from govhall.identity.selectors import region_list

from . import selectors, services
from .export import REPORT_COLUMNS, XLSX_TYPE, report_cells, report_xlsx
from .models import Order, RuleCode, WarningLevel
from .rules import rule_limits
from .scan import rules_current, supervision_scan

HOME = ("电子监察", "supervision:board")
STATES = [("open", "未解除"), ("resolved", "已解除"), ("all", "全部")]
ORDER_STATES = [("", "全部"), ("open", "待答复"), ("answered", "已答复")]
# what the threshold and the window mean for each rule; rules not listed use neither
RULE_HELP = {
    RuleCode.PROMISED_NEAR: ("已用承诺时限的百分比（1–100）", None),
    RuleCode.REPEATED_CORRECTION: ("同一办件补正次数（至少2次）", None),
    RuleCode.REPEATED_VISIT: ("同一申请人申请次数（至少2次）", "统计的自然日天数（至少1天）"),
}


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(HOME[0], reverse(HOME[1]) if tail else None), *tail]


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    hint = "电子监察页面供电子监察人员（本区划）和部门负责人（本部门）使用。"
    return forbidden(request, message, hint=hint, crumbs=_crumbs(("没有权限", None)))


def _is_supervisor(user: Any) -> bool:
    return bool(user.has_role(StaffRole.SUPERVISOR))


def _scope(request: HttpRequest) -> QuerySet[Department]:
    return selectors.scope_departments(request.user)


def _page_context(request: HttpRequest, active: str) -> dict[str, Any]:
    user: Any = request.user
    return {"active": active, "is_supervisor": _is_supervisor(user),
            "is_head": user.has_role(StaffRole.DEPARTMENT_HEAD)}  # fmt: skip


# --- the warning board ---


@login_required
def board(request: HttpRequest) -> HttpResponse:
    try:
        return _board(request)
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)


def _board(request: HttpRequest, order_form: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    user: Any = request.user
    departments = list(_scope(request).order_by("code").values_list("code", "name"))
    level = request.GET.get("level", "")
    level = level if level in WarningLevel.values else ""
    department = request.GET.get("department", "")
    department = department if department in {code for code, _ in departments} else ""
    state = request.GET.get("state", "open")
    state = state if state in {s for s, _ in STATES} else "open"
    rows = selectors.warnings_for(user, level=level or None, department=department or None,
                                  open_only=state == "open")  # fmt: skip
    if state == "resolved":
        rows = rows.filter(resolved_at__isnull=False)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    counts = selectors.warning_board(user)
    shown = {w.pk for w in page.object_list}
    context = {
        **_page_context(request, "board"),
        "crumbs": _crumbs(),
        "counts": counts,
        "totals": {k: sum(r[k] for r in counts) for k in ("yellow", "red", "total")},
        "page": page,
        "departments": departments,
        "levels": WarningLevel.choices,
        "states": STATES,
        "asked": {"level": level, "department": department, "state": state},
        "last_scan": selectors.scan_latest(),
        "order_form": order_form,
        "order_form_elsewhere": bool(order_form and order_form["warning"] not in shown),
        "order_form_warning": {"pk": order_form["warning"]} if order_form else None,
        "default_respond_by": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        "min_respond_by": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
    }
    return render(request, "supervision/board.html", context, status=status)


def _back_to_board(request: HttpRequest) -> HttpResponse:
    query = request.GET.urlencode()
    return redirect(reverse("supervision:board") + (f"?{query}" if query else ""))


@login_required
@require_POST
def order_issue(request: AuthedRequest) -> HttpResponse:
    """督办 from a warning: on an error the board comes back with the form filled in and the message beside it."""
    raw = request.POST.get("warning", "")
    warning_id = int(raw) if raw.isascii() and raw.isdigit() else None
    form = {"warning": warning_id, "requirement": request.POST.get("requirement", "")[:4000],
            "respond_by": request.POST.get("respond_by", "")[:10]}  # fmt: skip
    try:
        if warning_id is None:
            raise ValidationFailed("请从预警列表选择要督办的预警", field="warning")
        order = services.order_issue(
            user=request.user,
            requirement=form["requirement"], respond_by=form["respond_by"], warning_id=warning_id,
        )  # fmt: skip
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    except DomainError as exc:
        try:
            return _board(request, {**form, "error": exc.message, "field": exc.field}, status=exc.status)
        except PermissionDenied as denied:
            return _forbidden(request, denied.message)
    messages.success(request, f"已向{order.department.name}发出督办单，答复期限 {order.respond_by:%Y-%m-%d}")
    return _back_to_board(request)


@login_required
@require_POST
def scan(request: HttpRequest) -> HttpResponse:
    """立即扫描 (supervisors)."""
    if not _is_supervisor(request.user):
        return _forbidden(request, "只有电子监察人员可以运行监察扫描")
    result = supervision_scan(trigger="page")
    if result.skipped:
        messages.info(request, "另一次监察扫描正在进行，请稍后刷新本页查看结果")
    else:
        messages.success(
            request,
            f"扫描完成：新增预警 {result.opened} 条，解除预警 {result.resolved} 条，用时 {result.seconds:.1f} 秒",
        )
    return _back_to_board(request)


# --- supervision orders ---


@login_required
def orders(request: HttpRequest) -> HttpResponse:
    try:
        return _orders(request)
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)


def _orders(
    request: HttpRequest, answer_form: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user: Any = request.user
    state = request.GET.get("state", "")
    state = state if state in ("open", "answered") else ""
    page = Paginator(selectors.orders_for(user, state=state or None), 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows: list[dict[str, Any]] = [
        {
            "order": o,
            "overdue": o.state == Order.State.OPEN and o.respond_by < today,
            "may_answer": o.state == Order.State.OPEN
            and o.department_id == user.department_id
            and user.has_role(StaffRole.DEPARTMENT_HEAD),
        }
        for o in page.object_list
    ]
    context = {
        **_page_context(request, "orders"),
        "crumbs": _crumbs(("督办单", None)),
        "page": page,
        "rows": rows,
        "states": ORDER_STATES,
        "asked": {"state": state},
        "answer_form": answer_form,
        "answer_form_elsewhere": bool(
            answer_form and answer_form["order"] not in {r["order"].pk for r in rows if r["may_answer"]}
        ),
    }
    return render(request, "supervision/orders.html", context, status=status)


@login_required
@require_POST
def order_answer(request: AuthedRequest, order_id: int) -> HttpResponse:
    answer = request.POST.get("answer", "")[:8000]
    try:
        services.order_answer(user=request.user, order_id=order_id, answer=answer)
    except DomainError as exc:
        try:
            form = {"order": order_id, "answer": answer, "error": exc.message}
            return _orders(request, form, status=exc.status)
        except PermissionDenied as denied:
            return _forbidden(request, denied.message)
    messages.success(request, "督办单已答复，监察人员将收到通知")
    query = request.GET.urlencode()
    return redirect(reverse("supervision:orders") + (f"?{query}" if query else ""))


# --- rules ---


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    try:
        _scope(request)
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    return _rules(request)


def _rules(request: HttpRequest, edited: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    rows = []
    for code, rule in sorted(rules_current().items(), key=lambda pair: RuleCode.values.index(pair[0])):
        threshold_help, window_help = RULE_HELP.get(RuleCode(code), (None, None))
        values = {"enabled": rule.enabled, "level": rule.level, "threshold": rule.threshold,
                  "window_days": rule.window_days, "error": None, "field": None}  # fmt: skip
        if edited and edited["code"] == code:
            values |= edited
        (t_low, t_high), (w_low, w_high) = rule_limits(code)
        rows.append({"rule": rule, "values": values, "threshold_help": threshold_help,
                     "window_help": window_help, "threshold_min": t_low, "threshold_max": t_high,
                     "window_min": w_low, "window_max": w_high})  # fmt: skip
    context = {**_page_context(request, "rules"), "crumbs": _crumbs(("监察规则", None)), "rows": rows,
               "levels": WarningLevel.choices}  # fmt: skip
    return render(request, "supervision/rules.html", context, status=status)


@login_required
@require_POST
def rule_update(request: AuthedRequest, code: str) -> HttpResponse:
    posted: dict[str, Any] = {
        "code": code,
        "enabled": request.POST.get("enabled") == "on",
        "level": request.POST.get("level", ""),
        "threshold": request.POST.get("threshold", "")[:10],
        "window_days": request.POST.get("window_days", "")[:10],
    }
    try:
        rule = services.rule_update(user=request.user, **posted)
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    except DomainError as exc:
        return _rules(request, {**posted, "error": exc.message, "field": exc.field}, status=exc.status)
    state = "启用" if rule.enabled else "停用"
    messages.success(
        request,
        f"已保存规则“{rule.get_code_display()}”（{state}，{rule.get_level_display()}），下次扫描起生效",
    )
    return redirect(reverse("supervision:rules") + f"#rule-{code}")


# --- the monthly report ---


def previous_month(today: dt.date) -> str:
    return (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")


@login_required
def report(request: HttpRequest) -> HttpResponse:
    try:
        departments = _scope(request)
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    month = request.GET.get("month", "").strip()[:7] or previous_month(timezone.localdate())
    region = request.GET.get("region", "").strip()[:12]
    regions = region_list(codes=departments.values("region_id"))
    context: dict[str, Any] = {
        **_page_context(request, "report"),
        "wide": True,
        "crumbs": _crumbs(("月度报表", None)),
        "month": month,
        "region": region,
        "regions": regions,
        "columns": REPORT_COLUMNS,
        "issuer": settings.SUPERVISION_REPORT_ISSUER,
    }
    try:
        visible = set(departments.values_list("code", flat=True))
        rows = [r for r in selectors.monthly_report(month, region or None) if r["department"] in visible]
    except DomainError as exc:
        context.update(error=exc.message)
        return render(request, "supervision/report.html", context, status=exc.status)
    if request.GET.get("format") == "xlsx":
        region_name = next((r.name for r in regions if r.code == region), "")
        response = HttpResponse(
            report_xlsx(
                rows, month=month, region_name=region_name, issuer=settings.SUPERVISION_REPORT_ISSUER
            ),
            content_type=XLSX_TYPE,
        )
        response["Content-Disposition"] = content_disposition_header(True, f"部门月度监察报表-{month}.xlsx")
        return response
    context.update(
        rows=[report_cells(r) for r in rows],
        region_name=next((r.name for r in regions if r.code == region), ""),
        generated_at=timezone.localtime(),
    )
    return render(request, "supervision/report.html", context)
