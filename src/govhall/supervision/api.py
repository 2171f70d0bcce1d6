"""电子监察 API: warnings, the rules, supervision orders and their answers, the monthly department report."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from govhall.core.errors import PermissionDenied
from govhall.identity.auth import api_auth
from govhall.identity.models import StaffRole, User

from . import selectors, services
from .models import Order, Rule, Warning
from .scan import rules_current, supervision_scan

router = Router(tags=["电子监察"], auth=api_auth)
PAGE = Query(1, ge=1, le=1000)
PAGE_SIZE = Query(20, ge=1, le=100)
LEVEL = Query(None, pattern="^(yellow|red)$", description="yellow 黄牌 / red 红牌")
OPEN = Query(1, ge=0, le=1, description="1 只看未解除的预警，0 含已解除")
MONTH = Query(..., pattern=r"^\d{4}-\d{2}$", description="月份 YYYY-MM")


class OrderIn(Schema):
    warning: int | None = None
    case: str | None = Field(None, max_length=30)
    department: str | None = Field(None, max_length=30)
    requirement: str = Field(max_length=4000)
    respond_by: str = Field(max_length=10, description="答复期限 YYYY-MM-DD")


class AnswerIn(Schema):
    answer: str = Field(max_length=8000)


class RuleIn(Schema):
    enabled: bool = True
    level: str = Field(pattern="^(yellow|red)$")
    threshold: int = Field(0, ge=0, le=1000)
    window_days: int = Field(0, ge=0, le=365)


def warning_out(w: Warning) -> dict[str, Any]:
    return {
        "id": w.pk, "rule": w.rule, "rule_label": w.get_rule_display(), "level": w.level,
        "level_label": w.get_level_display(), "case": w.case.number if w.case else None,
        "item": w.case.item.name if w.case else None, "department": w.department.code,
        "department_name": w.department.name,
        "responsible": w.responsible.display_name if w.responsible else "部门负责人",
        "reason": w.reason, "opened_at": w.opened_at, "resolved_at": w.resolved_at, "resolution": w.resolution,
    }  # fmt: skip


def order_out(o: Order) -> dict[str, Any]:
    return {
        "id": o.pk, "warning": o.warning_id, "case": o.case.number if o.case else None,
        "department": o.department.code, "department_name": o.department.name, "requirement": o.requirement,
        "respond_by": o.respond_by, "issued_by": o.issued_by.display_name, "issued_at": o.issued_at,
        "state": o.state, "state_label": o.get_state_display(), "answer": o.answer,
        "answered_by": o.answered_by.display_name if o.answered_by else None, "answered_at": o.answered_at,
    }  # fmt: skip


def rule_out(rule: Rule) -> dict[str, Any]:
    return {"code": rule.code, "name": rule.get_code_display(), "enabled": rule.enabled, "level": rule.level,
            "threshold": rule.threshold, "window_days": rule.window_days}  # fmt: skip


def _supervisor(user: User) -> None:
    if not user.has_role(StaffRole.SUPERVISOR):
        raise PermissionDenied("只有电子监察人员可以执行该操作")


@router.get("/warnings", response=dict, summary="监察预警（监察人员看本区划，部门负责人看本部门）")
def warnings(
    request: HttpRequest, level: str | None = LEVEL, department: str | None = None, open: int = OPEN,
    page: int = PAGE, page_size: int = PAGE_SIZE,
) -> dict[str, Any]:  # fmt: skip
    rows = selectors.warnings_for(request.user, level=level, department=department, open_only=bool(open))
    return {
        "count": rows.count(),
        "items": [warning_out(w) for w in rows[(page - 1) * page_size : page * page_size]],
    }


@router.post("/supervision/scan", response=dict, summary="立即运行监察扫描（监察人员）")
def scan(request: HttpRequest) -> dict[str, Any]:
    _supervisor(request.user)  # type: ignore[arg-type]
    result = supervision_scan(trigger="api")
    return {"skipped": result.skipped, "opened": result.opened, "resolved": result.resolved,
            "seconds": round(result.seconds, 3)}  # fmt: skip


@router.get("/supervision/rules", response=list[dict], summary="监察规则")
def rules(request: HttpRequest) -> list[dict[str, Any]]:
    selectors.scope_departments(request.user)
    return [rule_out(r) for r in rules_current().values()]


@router.put("/supervision/rules/{code}", response=dict, summary="修改监察规则（监察人员）")
def rule_update(request: HttpRequest, code: str, payload: RuleIn) -> dict[str, Any]:
    rule = services.rule_update(
        user=request.user, code=code, enabled=payload.enabled, level=payload.level,  # type: ignore[arg-type]
        threshold=payload.threshold, window_days=payload.window_days,
    )  # fmt: skip
    return rule_out(rule)


@router.get("/supervision/orders", response=dict, summary="督办单")
def orders(
    request: HttpRequest, state: str | None = Query(None, pattern="^(open|answered)$"),
    page: int = PAGE, page_size: int = PAGE_SIZE,
) -> dict[str, Any]:  # fmt: skip
    rows = selectors.orders_for(request.user, state=state)
    return {
        "count": rows.count(),
        "items": [order_out(o) for o in rows[(page - 1) * page_size : page * page_size]],
    }


@router.post("/supervision/orders", response={201: dict}, summary="发出督办单（监察人员）")
def order_issue(request: HttpRequest, payload: OrderIn) -> Status[dict[str, Any]]:
    order = services.order_issue(
        user=request.user, requirement=payload.requirement, respond_by=payload.respond_by,  # type: ignore[arg-type]
        warning_id=payload.warning, case_number=payload.case, department_code=payload.department,
    )  # fmt: skip
    return Status(201, order_out(order))


@router.post("/supervision/orders/{order_id}/answer", response=dict, summary="答复督办单（部门负责人）")
def order_answer(request: HttpRequest, order_id: int, payload: AnswerIn) -> dict[str, Any]:
    order = services.order_answer(user=request.user, order_id=order_id, answer=payload.answer)  # type: ignore[arg-type]
    return order_out(order)


@router.get("/stats/departments", response=dict, summary="部门月度监察报表（含排名）")
def department_report(request: HttpRequest, month: str = MONTH, region: str | None = None) -> dict[str, Any]:
    visible = set(selectors.scope_departments(request.user).values_list("code", flat=True))
    rows = [r for r in selectors.monthly_report(month, region) if r["department"] in visible]
    return {"month": month, "region": region, "rows": rows}
