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


class PaperlessFigures(Schema):
    """免提交率 and the look-ups behind it. Materials are those of the cases submitted in the period, each counted
    once per case; look-ups and licence uses are counted on the day they were made."""

    materials: int = Field(description="申请材料（每件办件每项材料计一次）")
    paperless: int = Field(description="免提交：未上传文件，由电子证照或共享数据满足")
    by_licence: int = Field(description="其中由电子证照满足")
    by_shared_data: int = Field(description="其中由共享数据满足")
    paperless_rate: float | None = Field(description="免提交率：免提交 ÷ 申请材料；没有材料时为 null")
    lookups_granted: int = Field(description="共享数据查询（已授权）")
    licence_uses: int = Field(description="电子证照用证")
    lookups: int = Field(description="数据调用合计：已授权的共享数据查询 + 用证")
    lookups_denied: int = Field(description="被拒绝的共享数据查询")
    lookups_failed: int = Field(description="提供部门未能应答的查询")


class PaperlessDepartmentOut(PaperlessFigures):
    department: str | None = Field(description="部门简码；查询人不属于任何部门时为 null")
    department_name: str
    short_name: str


class PaperlessOut(StatsAnswer):
    summary: PaperlessFigures
    count: int
    departments: list[PaperlessDepartmentOut]


class PaperlessItemOut(PaperlessFigures):
    implementation_code: str
    name: str
    department_name: str


class PaperlessItemsOut(StatsAnswer):
    count: int = Field(description="期间内有材料或数据调用的事项数（items 只列前 limit 个）")
    items: list[PaperlessItemOut]


class BundleFiguresOut(Schema):
    code: str
    name: str
    promise: int = Field(description="承诺办结时限（工作日）")
    submitted: int
    finished: int = Field(description="已办结（含部分事项未办成）")
    completed: int = Field(description="全部事项办成")
    on_time: int
    on_time_rate: float | None
    average_workdays: float | None = Field(description="自提交至最后一个事项办结的平均工作日")


class BundlesOut(StatsAnswer):
    count: int
    bundles: list[BundleFiguresOut]
