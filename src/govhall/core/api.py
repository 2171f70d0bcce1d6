"""Shared API: the working-day calendar departments' systems use to compute the same deadlines."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from .selectors import work_calendar_for
from .workdays import MAX_DAYS

router = Router(tags=["工作日历"])


class WorkdaysParams(Schema):
    start: dt.date = Field(ge=dt.date(1949, 10, 1), le=dt.date(2100, 12, 31))
    days: int = Field(ge=0, le=MAX_DAYS)


class WorkdaysOut(Schema):
    start: dt.date
    days: int
    due: dt.date
    estimated: bool = Field(
        description="true when a year in the range has no official holiday data (Monday–Friday used)"
    )
    unconfirmed_years: list[int]


@router.get("/calendar/workdays", response=WorkdaysOut, summary="计算N个工作日后的日期", auth=None)
def workdays(request: HttpRequest, params: Query[WorkdaysParams]) -> WorkdaysOut:
    calendar = work_calendar_for(params.start, params.days)
    due = calendar.add_workdays(params.start, params.days)
    missing = calendar.unconfirmed_years(params.start, due)
    return WorkdaysOut(
        start=params.start, days=params.days, due=due, estimated=bool(missing), unconfirmed_years=missing
    )
