"""Shared API: the working-day calendar departments' systems use to compute the same deadlines."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from .schemas import WorkdaysOut, WorkdaysParams, responses
from .selectors import work_calendar_for

router = Router(tags=["工作日历"])


@router.get(
    "/calendar/workdays",
    response=responses(WorkdaysOut, auth=False),
    summary="计算N个工作日后的日期",
    auth=None,
)
def workdays(request: HttpRequest, params: Query[WorkdaysParams]) -> WorkdaysOut:
    calendar = work_calendar_for(params.start, params.days)
    due = calendar.add_workdays(params.start, params.days)
    missing = calendar.unconfirmed_years(params.start, due)
    return WorkdaysOut(
        start=params.start, days=params.days, due=due, estimated=bool(missing), unconfirmed_years=missing
    )
