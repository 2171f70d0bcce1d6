"""Who may see the statistics, and the filters a request asks for (period, region, department), checked once
for the API and the page alike. Refusals are domain errors with a Chinese message naming the field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from govhall.core.errors import PermissionDenied, ValidationFailed
from govhall.core.schemas import query_date
from govhall.identity.models import Department, Region, StaffRole
from govhall.identity.permissions import is_staff_member

DEFAULT_DAYS = 30  # the last 30 days, today included
MAX_DAYS = 3 * 365 + 1  # three years
FIELD_LABELS = {"from": "起始日期", "to": "截止日期"}
VIEWER_ROLES = (StaffRole.SUPERVISOR, StaffRole.DEPARTMENT_HEAD, StaffRole.SYSTEM_ADMIN)
WHO_MAY = "只有电子监察人员、部门负责人和系统管理员可以查看统计分析"


@dataclass(frozen=True)
class StatsFilter:
    """A checked request: the period [start, end] in local dates, a region code and a department, when asked."""

    start: dt.date
    end: dt.date
    region: Region | None = None
    department: Department | None = None
    department_locked: bool = False  # a department head: always their own department

    @property
    def region_code(self) -> str | None:
        return self.region.code if self.region else None

    @property
    def department_code(self) -> str | None:
        return self.department.code if self.department else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start,
            "to": self.end,
            "region": self.region_code,
            "department": self.department_code,
        }


def may_view(user: Any) -> bool:
    """Supervisors, department heads (with a department) and system administrators."""
    if not is_staff_member(user):
        return False
    if user.is_superuser or user.has_role(StaffRole.SUPERVISOR, StaffRole.SYSTEM_ADMIN):
        return True
    return bool(user.department_id) and user.has_role(StaffRole.DEPARTMENT_HEAD)


def is_department_bound(user: Any) -> bool:
    """A department head who is neither supervisor nor administrator sees only their own department."""
    return not (user.is_superuser or user.has_role(StaffRole.SUPERVISOR, StaffRole.SYSTEM_ADMIN))


def parse_date(value: str | None, field: str) -> dt.date | None:
    """A YYYY-MM-DD date within the bounds every date parameter has, or None when the field is empty."""
    return query_date(value, field=field, label=FIELD_LABELS[field])


def period(start: dt.date | None, end: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period asked for; by default the last 30 days. Only ``from``: up to today; only ``to``: the 30 days
    up to it."""
    if end is None:
        end = max(today, start) if start else today
    if start is None:
        start = end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValidationFailed("起始日期（from）不能晚于截止日期（to）", field="from")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationFailed("统计期间最长为三年，请缩短起止日期（from、to）", field="to")
    return start, end


def stats_filter(
    user: Any,
    *,
    start: str | None = None,
    end: str | None = None,
    region: str | None = None,
    department: str | None = None,
    today: dt.date | None = None,
) -> StatsFilter:
    """Check who asks and what: 403 for those who may not see statistics or ask for another department's;
    422 for a malformed or too long period and an unknown region or department."""
    if not may_view(user):
        raise PermissionDenied(WHO_MAY)
    first, last = period(parse_date(start, "from"), parse_date(end, "to"), today or timezone.localdate())
    region_code, department_code = (region or "").strip(), (department or "").strip()
    found_region = Region.objects.filter(code=region_code).first() if region_code else None
    if region_code and found_region is None:
        raise ValidationFailed("未找到该行政区划（region）", field="region")
    if is_department_bound(user):
        own = user.department
        if department_code and department_code != own.code:
            raise PermissionDenied("部门负责人只能查看本部门的统计", field="department")
        return StatsFilter(first, last, found_region, own, department_locked=True)
    found_department = Department.objects.filter(code=department_code).first() if department_code else None
    if department_code and found_department is None:
        raise ValidationFailed("未找到该部门（department）", field="department")
    return StatsFilter(first, last, found_region, found_department)
