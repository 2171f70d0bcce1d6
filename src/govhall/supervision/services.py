"""Writes of supervision (besides the scan in scan.py): supervision orders (督办) and their answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from govhall.cases.models import Case
from govhall.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from govhall.identity.models import Department, StaffRole, User
from govhall.identity.permissions import staff_with
from govhall.notices.outbox import notify_users

from .models import Order, Rule, Warning, WarningLevel
from .rules import rule_settings_problem
from .scan import rules_current
from .selectors import scope_departments


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed("答复期限应为 YYYY-MM-DD 格式的日期", field=field) from None


def order_issue(
    *, user: User, requirement: Any, respond_by: Any, warning_id: int | None = None, case_number: str | None = None,
    department_code: str | None = None,
) -> Order:  # fmt: skip
    """A supervisor orders a department to act on a warning (or a case) and answer by a date."""
    if not staff_with(user, StaffRole.SUPERVISOR):
        raise PermissionDenied("只有电子监察人员可以发出督办单")
    requirement = str(requirement or "").strip()
    if not requirement:
        raise ValidationFailed("请填写督办要求", field="requirement")
    if len(requirement) > 2000:
        raise ValidationFailed("督办要求不超过2000字", field="requirement")
    due = _date(respond_by, "respond_by")
    if due <= timezone.localdate():
        raise ValidationFailed("答复期限应晚于今天", field="respond_by")
    visible = scope_departments(user)
    warning, case, department = _target(visible, warning_id, case_number, department_code)
    with transaction.atomic():
        order = Order.objects.create(
            warning=warning, case=case, department=department, requirement=requirement, respond_by=due,
            issued_by=user, issued_at=timezone.now(),
        )  # fmt: skip
        heads = User.objects.filter(
            department=department, is_active=True, roles__role=StaffRole.DEPARTMENT_HEAD
        )
        notify_users(
            heads, title="督办通知",
            body=f"电子监察督办：{requirement[:60]}。请于{due:%Y年%m月%d日}前答复。",
            case_number=case.number or "" if case else "",
        )  # fmt: skip
    return order


def _target(
    visible: Any, warning_id: int | None, case_number: str | None, department_code: str | None
) -> tuple[Warning | None, Case | None, Department]:
    if warning_id is not None:
        warning = Warning.objects.select_related("case", "department").filter(pk=warning_id).first()
        if warning is None or not visible.filter(pk=warning.department_id).exists():
            raise NotFound("未找到该预警", field="warning")
        return warning, warning.case, warning.department
    if case_number:
        case = Case.objects.select_related("department").filter(number=case_number).first()
        if case is None or not visible.filter(pk=case.department_id).exists():
            raise NotFound("未找到该办件", field="case")
        return None, case, case.department
    department = visible.filter(code=department_code or "").first()
    if department is None:
        raise ValidationFailed("请指定预警、办件或督办部门", field="department")
    return None, None, department


def order_answer(*, user: User, order_id: int, answer: Any) -> Order:
    """The department head answers an order for their department; once."""
    answer = str(answer or "").strip()
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or not (
            staff_with(user, StaffRole.DEPARTMENT_HEAD) and user.department_id == order.department_id
        ):
            raise NotFound("未找到该督办单", field="id")
        if order.state == Order.State.ANSWERED:
            raise Conflict("该督办单已答复", field="state", code="already_answered")
        if not answer:
            raise ValidationFailed("请填写答复内容（已采取的措施和结果）", field="answer")
        if len(answer) > 4000:
            raise ValidationFailed("答复内容不超过4000字", field="answer")
        order.state, order.answer, order.answered_by, order.answered_at = (
            Order.State.ANSWERED, answer, user, timezone.now(),
        )  # fmt: skip
        order.save(update_fields=["state", "answer", "answered_by", "answered_at"])
        notify_users(
            [order.issued_by], title="督办已答复", body=f"{order.department.name}已答复督办：{answer[:60]}"
        )
    return order


def _whole(value: Any, field: str, label: str, low: int, high: int) -> int:
    if isinstance(value, bool):
        value = int(value)
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise ValidationFailed(f"{label}应为整数", field=field) from None
    if not low <= number <= high:
        raise ValidationFailed(f"{label}应在{low}到{high}之间", field=field)
    return number


def rule_update(
    *, user: User, code: str, enabled: bool, level: Any, threshold: Any, window_days: Any
) -> Rule:
    """A supervisor changes a rule's settings; the next scan uses them."""
    if not staff_with(user, StaffRole.SUPERVISOR):
        raise PermissionDenied("只有电子监察人员可以修改监察规则")
    rule = rules_current().get(code)
    if rule is None:
        raise NotFound("没有该监察规则", field="code")
    if level not in WarningLevel.values:
        raise ValidationFailed("预警级别应为黄牌预警或红牌警告", field="level")
    threshold = _whole(threshold, "threshold", "阈值", 0, 1000)
    window_days = _whole(window_days, "window_days", "统计天数", 0, 365)
    problem = rule_settings_problem(code, threshold=threshold, window_days=window_days)
    if problem:
        raise ValidationFailed(problem[0], field=problem[1])
    rule.enabled, rule.level, rule.threshold, rule.window_days = (
        bool(enabled), WarningLevel(level), threshold, window_days,
    )  # fmt: skip
    rule.save()
    return rule
