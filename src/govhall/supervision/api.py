"""电子监察 API: warnings, the rules, supervision orders and their answers, the monthly department report."""

from __future__ import annotations

from ninja import Router, Status
from ninja.params.functions import Query as QueryParam

from govhall.core.schemas import responses
from govhall.identity.auth import AuthedRequest, api_auth
from govhall.identity.models import StaffRole
from govhall.identity.permissions import require_staff_with

from . import selectors, services
from .scan import rules_current, supervision_scan
from .schemas import (
    AnswerIn,
    DepartmentReportOut,
    OrderIn,
    OrderOut,
    OrderPage,
    RuleIn,
    RuleOut,
    ScanOut,
    WarningOut,
    WarningPage,
)

router = Router(tags=["电子监察"], auth=api_auth)
PAGE = QueryParam(1, ge=1, le=1000)
PAGE_SIZE = QueryParam(20, ge=1, le=100)
LEVEL = QueryParam(None, pattern="^(yellow|red)$", description="yellow 黄牌 / red 红牌")
OPEN = QueryParam(1, ge=0, le=1, description="1 只看未解除的预警，0 含已解除")
MONTH = QueryParam(..., pattern=r"^\d{4}-\d{2}$", description="月份 YYYY-MM")


@router.get(
    "/warnings",
    response=responses(WarningPage, 403),
    summary="监察预警（监察人员看本区划，部门负责人看本部门）",
)
def warnings(
    request: AuthedRequest, level: str | None = LEVEL, department: str | None = None, open: int = OPEN,
    page: int = PAGE, page_size: int = PAGE_SIZE,
) -> WarningPage:  # fmt: skip
    rows = selectors.warnings_for(request.user, level=level, department=department, open_only=bool(open))
    return WarningPage(
        count=rows.count(),
        items=[WarningOut.of(w) for w in rows[(page - 1) * page_size : page * page_size]],
    )


@router.post("/supervision/scan", response=responses(ScanOut, 403), summary="立即运行监察扫描（监察人员）")
def scan(request: AuthedRequest) -> ScanOut:
    require_staff_with(request.user, StaffRole.SUPERVISOR, message="只有电子监察人员可以执行该操作")
    return ScanOut.of(supervision_scan(trigger="api"))


@router.get("/supervision/rules", response=responses(list[RuleOut], 403), summary="监察规则")
def rules(request: AuthedRequest) -> list[RuleOut]:
    selectors.scope_departments(request.user)
    return [RuleOut.of(r) for r in rules_current().values()]


@router.put(
    "/supervision/rules/{code}",
    response=responses(RuleOut, 403, 404),
    summary="修改监察规则（监察人员）",
)
def rule_update(request: AuthedRequest, code: str, payload: RuleIn) -> RuleOut:
    rule = services.rule_update(
        user=request.user, code=code, enabled=payload.enabled, level=payload.level,
        threshold=payload.threshold, window_days=payload.window_days,
    )  # fmt: skip
    return RuleOut.of(rule)


@router.get("/supervision/orders", response=responses(OrderPage, 403), summary="督办单")
def orders(
    request: AuthedRequest, state: str | None = QueryParam(None, pattern="^(open|answered)$"),
    page: int = PAGE, page_size: int = PAGE_SIZE,
) -> OrderPage:  # fmt: skip
    rows = selectors.orders_for(request.user, state=state)
    return OrderPage(
        count=rows.count(),
        items=[OrderOut.of(o) for o in rows[(page - 1) * page_size : page * page_size]],
    )


@router.post(
    "/supervision/orders",
    response=responses(OrderOut, 403, 404, 409, status=201),
    summary="发出督办单（监察人员）",
)
def order_issue(request: AuthedRequest, payload: OrderIn) -> Status[OrderOut]:
    order = services.order_issue(
        user=request.user, requirement=payload.requirement, respond_by=payload.respond_by,
        warning_id=payload.warning, case_number=payload.case, department_code=payload.department,
    )  # fmt: skip
    return Status(201, OrderOut.of(order))


@router.post(
    "/supervision/orders/{order_id}/answer",
    response=responses(OrderOut, 403, 404, 409),
    summary="答复督办单（部门负责人）",
)
def order_answer(request: AuthedRequest, order_id: int, payload: AnswerIn) -> OrderOut:
    order = services.order_answer(user=request.user, order_id=order_id, answer=payload.answer)
    return OrderOut.of(order)


@router.get(
    "/stats/departments",
    response=responses(DepartmentReportOut, 403),
    summary="部门月度监察报表（含排名）",
)
def department_report(
    request: AuthedRequest, month: str = MONTH, region: str | None = None
) -> DepartmentReportOut:
    visible = set(selectors.scope_departments(request.user).values_list("code", flat=True))
    rows = [r for r in selectors.monthly_report(month, region) if r["department"] in visible]
    return DepartmentReportOut.of(month, region, rows)
