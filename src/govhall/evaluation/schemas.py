"""好差评 API schemas: a rating, the published figures, rectifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja import Schema
from pydantic import Field

from .models import BundleRating, Rating, Rectification


class RatingIn(Schema):
    stage: str = Field(description="accept（受理）或 complete（办结）")
    level: int = Field(description="5 非常满意，4 满意，3 基本满意，2 不满意，1 非常不满意")
    tags: list[str] = Field(default_factory=list, max_length=10)
    text: str = Field("", max_length=2000)


class CloseIn(Schema):
    action: str = Field(max_length=4000)
    follow_up: str = Field(max_length=4000)


class RectificationRatingIn(Schema):
    level: int
    text: str = Field("", max_length=2000)


class RatingOut(Schema):
    id: int
    case: str | None
    stage: str
    level: int
    level_label: str
    tags: list[str]
    text: str
    channel: str
    is_default: bool
    created_at: dt.datetime
    rectification: int | None = Field(description="差评的整改单编号")

    @classmethod
    def of(cls, rating: Rating) -> RatingOut:
        rectification = getattr(rating, "rectification", None) if rating.is_bad else None
        return cls(
            id=rating.pk,
            case=rating.case.number,
            stage=rating.stage,
            level=rating.level,
            level_label=rating.get_level_display(),
            tags=rating.tags,
            text=rating.text,
            channel=rating.channel,
            is_default=rating.is_default,
            created_at=rating.created_at,
            rectification=rectification.pk if rectification else None,
        )


class RectificationOut(Schema):
    id: int
    case: str | None
    item: str
    department: str
    department_name: str
    rating_level: int
    rating_label: str
    rating_tags: list[str]
    rating_text: str
    state: str
    state_label: str
    created_at: dt.datetime
    due_on: dt.date
    overdue: bool
    action: str
    follow_up: str
    closed_at: dt.datetime | None
    on_time: bool | None
    applicant_level: int | None
    applicant_text: str

    @classmethod
    def of(cls, r: Rectification) -> RectificationOut:
        return cls(
            id=r.pk,
            case=r.case.number,
            item=r.case.item.name,
            department=r.department.code,
            department_name=r.department.name,
            rating_level=r.rating.level,
            rating_label=r.rating.get_level_display(),
            rating_tags=r.rating.tags,
            rating_text=r.rating.text,
            state=r.state,
            state_label=r.get_state_display(),
            created_at=r.created_at,
            due_on=r.due_on,
            overdue=r.state == Rectification.State.OPEN and r.due_on < timezone.localdate(),
            action=r.action,
            follow_up=r.follow_up,
            closed_at=r.closed_at,
            on_time=r.on_time,
            applicant_level=r.applicant_level,
            applicant_text=r.applicant_text,
        )


class RectificationPage(Schema):
    count: int
    items: list[RectificationOut]


class RatingFigures(Schema):
    count: int
    good: int = Field(description="好评（基本满意及以上）")
    bad: int = Field(description="差评")
    default: int = Field(description="默认好评")
    rectified: int = Field(description="已完成整改的差评")
    rectified_on_time: int = Field(description="在整改期限内完成整改")
    rectification_late: int = Field(description="逾期完成整改，或已过整改期限仍未完成")
    rectification_pending: int = Field(description="整改中且未到期限：不计入按期整改率")
    satisfaction_rate: float | None
    rectified_on_time_rate: float | None = Field(
        description="按期整改率：按期完成 ÷（按期完成 + 逾期），未到期的整改不计"
    )


class DepartmentRatingFigures(RatingFigures):
    department: str = Field(description="部门简码")
    department_name: str


class RatingStatsOut(RatingFigures):
    """The published figures, with the filters they were computed for. ``departments`` (per department) only
    when neither a department nor an item is named."""

    department: str | None
    item: str | None
    start: dt.date | None = Field(alias="from")
    end: dt.date | None = Field(alias="to")
    departments: list[DepartmentRatingFigures] | None = None

    @classmethod
    def of(
        cls,
        figures: dict[str, Any],
        *,
        department: str | None,
        item: str | None,
        start: dt.date | None,
        end: dt.date | None,
        by_department: list[dict[str, Any]] | None = None,
    ) -> RatingStatsOut:
        extra = {} if by_department is None else {"departments": by_department}
        return cls.model_validate(
            {**figures, "department": department, "item": item, "from": start, "to": end, **extra}
        )


class BundleRatingIn(Schema):
    level: int = Field(description="5 非常满意，4 满意，3 基本满意，2 不满意，1 非常不满意")
    tags: list[str] = Field(default_factory=list, max_length=10)
    text: str = Field("", max_length=2000)


class BundleRatingOut(Schema):
    bundle_case: str
    level: int
    level_label: str
    tags: list[str]
    text: str
    created_at: dt.datetime

    @classmethod
    def of(cls, rating: BundleRating) -> BundleRatingOut:
        return cls(
            bundle_case=rating.bundle_case.number, level=rating.level, level_label=rating.get_level_display(),
            tags=list(rating.tags), text=rating.text, created_at=rating.created_at,
        )  # fmt: skip
