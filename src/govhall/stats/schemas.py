"""Statistics API schemas: the filters every endpoint takes, and each answer (the filters it was computed for,
then its figures)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Self

from ninja import Schema
from pydantic import Field

from .scope import StatsFilter


class StatsParams(Schema):
    """The filters every statistics endpoint takes."""

    start: str | None = Field(None, alias="from", description="起始日期 YYYY-MM-DD（默认为截止日期前 29 天）")
    end: str | None = Field(None, alias="to", description="截止日期 YYYY-MM-DD（含；默认今天）")
    region: str | None = Field(None, description="行政区划代码（含下级区划）")
    department: str | None = Field(None, description="部门简码；部门负责人只能查看本部门")


class StatsAnswer(Schema):
    """The checked filters an answer was computed for (serialised with ``from`` and ``to``)."""

    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    region: str | None
    department: str | None

    @classmethod
    def of(cls, f: StatsFilter, **figures: Any) -> Self:
        return cls.model_validate({**f.as_dict(), **figures})


class DayOut(Schema):
    date: dt.date
    web: int
    window: int
    api: int
    total: int


class DailyOut(StatsAnswer):
    days: list[DayOut]


class DepartmentPerformanceOut(Schema):
    department: str
    department_name: str
    short_name: str
    submitted: int
    completed: int
    timed: int = Field(description="有承诺时限的办结件")
    on_time: int
    ratings: int
    good_ratings: int
    on_time_rate: float | None
    satisfaction_rate: float | None


class PerformanceOut(StatsAnswer):
    departments: list[DepartmentPerformanceOut]


class WarningLevelOut(Schema):
    level: str
    label: str
    opened: int = Field(description="期间内发出的预警")
    open: int = Field(description="目前未解除的预警")


class WarningRuleOut(Schema):
    rule: str
    level: str
    opened: int
    open: int
    label: str
    level_label: str


class WarningsOut(StatsAnswer):
    levels: list[WarningLevelOut]
    rules: list[WarningRuleOut]


class BusyItemOut(Schema):
    implementation_code: str
    name: str
    department_name: str
    count: int
    completed: int


class ItemsOut(StatsAnswer):
    items: list[BusyItemOut]
