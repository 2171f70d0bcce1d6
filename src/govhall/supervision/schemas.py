"""电子监察 API schemas: warnings, rules, supervision orders, the scan, the monthly department report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from .models import Order, Rule, Warning
from .scan import ScanResult


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


class WarningOut(Schema):
    id: int
    rule: str
    rule_label: str
    level: str
    level_label: str
    case: str | None
    item: str | None
    department: str
    department_name: str
    responsible: str
    reason: str
    opened_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution: str

    @classmethod
    def of(cls, w: Warning) -> WarningOut:
        return cls(
            id=w.pk,
            rule=w.rule,
            rule_label=w.get_rule_display(),
            level=w.level,
            level_label=w.get_level_display(),
            case=w.case.number if w.case else None,
            item=w.case.item.name if w.case else None,
            department=w.department.code,
            department_name=w.department.name,
            responsible=w.responsible.display_name if w.responsible else "部门负责人",
            reason=w.reason,
            opened_at=w.opened_at,
            resolved_at=w.resolved_at,
            resolution=w.resolution,
        )


class WarningPage(Schema):
    count: int
    items: list[WarningOut]


class OrderOut(Schema):
    id: int
    warning: int | None
    case: str | None
    department: str
    department_name: str
    requirement: str
    respond_by: dt.date
    issued_by: str
    issued_at: dt.datetime
    state: str
    state_label: str
    answer: str
    answered_by: str | None
    answered_at: dt.datetime | None

    @classmethod
    def of(cls, o: Order) -> OrderOut:
        return cls(
            id=o.pk,
            warning=o.warning_id,
            case=o.case.number if o.case else None,
            department=o.department.code,
            department_name=o.department.name,
            requirement=o.requirement,
            respond_by=o.respond_by,
            issued_by=o.issued_by.display_name,
            issued_at=o.issued_at,
            state=o.state,
            state_label=o.get_state_display(),
            answer=o.answer,
            answered_by=o.answered_by.display_name if o.answered_by else None,
            answered_at=o.answered_at,
        )


class OrderPage(Schema):
    count: int
    items: list[OrderOut]


class RuleOut(Schema):
    code: str
    name: str
    enabled: bool
    level: str
    threshold: int
    window_days: int

    @classmethod
    def of(cls, rule: Rule) -> RuleOut:
        return cls(
            code=rule.code,
            name=rule.get_code_display(),
            enabled=rule.enabled,
            level=rule.level,
            threshold=rule.threshold,
            window_days=rule.window_days,
        )


class ScanOut(Schema):
    skipped: bool = Field(description="另一次扫描正在运行时为 true（本次未运行）")
    opened: int
    resolved: int
    seconds: float

    @classmethod
    def of(cls, result: ScanResult) -> ScanOut:
        return cls(
            skipped=result.skipped,
            opened=result.opened,
            resolved=result.resolved,
            seconds=round(result.seconds, 3),
        )


class DepartmentReportRow(Schema):
    """One department's month, ranked by on-time rate, then satisfaction, then fewer warnings."""

    department: str
    department_name: str
    department_uscc: str
    accepted: int
    instant: int
    completed: int
    timed: int
    on_time: int
    one_visit: int
    submitted: int
    online: int
    ratings: int
    good_ratings: int
    bad_ratings: int
    yellow_warnings: int
    red_warnings: int
    orders: int
    orders_answered: int
    on_time_rate: float | None
    on_time_lower_bound: float | None = Field(
        description="按时办结率的 Wilson 95% 区间下限：月报排名依据，件数少的部门不因偶然的100%排在前面"
    )
    avg_used_workdays: float | None
    avg_promised_workdays: float | None
    instant_share: float | None
    online_rate: float | None
    one_visit_share: float | None
    satisfaction_rate: float | None
    warnings: int
    rank: int


class DepartmentReportOut(Schema):
    month: str
    region: str | None
    rows: list[DepartmentReportRow]

    @classmethod
    def of(cls, month: str, region: str | None, rows: list[dict[str, Any]]) -> DepartmentReportOut:
        return cls.model_validate({"month": month, "region": region, "rows": rows})
