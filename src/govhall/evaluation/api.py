"""好差评 API: rate a case, the published figures, the export, rectifications and their closing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from govhall.core.errors import PermissionDenied
from govhall.identity.auth import api_auth
from govhall.identity.models import StaffRole, User

from . import selectors, services
from .export import XLSX_TYPE, ratings_csv, ratings_xlsx
from .models import Rating, RatingChannel, Rectification

router = Router(tags=["好差评"], auth=api_auth)
FROM_DATE = Query(None, alias="from", description="起始日期 YYYY-MM-DD")
TO_DATE = Query(None, alias="to", description="截止日期 YYYY-MM-DD（含）")
FORMAT = Query("csv", pattern="^(csv|xlsx)$", description="csv 或 xlsx")
public = Router(tags=["好差评"])


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


def rating_out(rating: Rating) -> dict[str, Any]:
    rectification = getattr(rating, "rectification", None) if rating.is_bad else None
    return {
        "id": rating.pk, "case": rating.case.number, "stage": rating.stage, "level": rating.level,
        "level_label": rating.get_level_display(), "tags": rating.tags, "text": rating.text,
        "channel": rating.channel, "is_default": rating.is_default, "created_at": rating.created_at,
        "rectification": rectification.pk if rectification else None,
    }  # fmt: skip


def rectification_out(r: Rectification) -> dict[str, Any]:
    return {
        "id": r.pk, "case": r.case.number, "item": r.case.item.name, "department": r.department.code,
        "department_name": r.department.name, "rating_level": r.rating.level,
        "rating_label": r.rating.get_level_display(), "rating_tags": r.rating.tags, "rating_text": r.rating.text,
        "state": r.state, "state_label": r.get_state_display(), "created_at": r.created_at, "due_on": r.due_on,
        "overdue": r.state == Rectification.State.OPEN and r.due_on < timezone.localdate(), "action": r.action,
        "follow_up": r.follow_up, "closed_at": r.closed_at, "on_time": r.on_time,
        "applicant_level": r.applicant_level, "applicant_text": r.applicant_text,
    }  # fmt: skip


@router.post("/cases/{number}/ratings", response={201: dict}, summary="评价办件（申请人本人）")
def rate(request: HttpRequest, number: str, payload: RatingIn) -> Status[dict[str, Any]]:
    channel = RatingChannel.API if request.headers.get("Authorization") else RatingChannel.WEB
    rating = services.rating_submit(
        number=number, user=request.user, stage=payload.stage, level=payload.level,  # type: ignore[arg-type]
        tags=payload.tags, text=payload.text, channel=channel,
    )  # fmt: skip
    return Status(201, rating_out(rating))


@public.get("/ratings/stats", response=dict, summary="好差评统计（公开）", auth=None)
def rating_stats(
    request: HttpRequest,
    department: str | None = None,
    item: str | None = None,
    start: dt.date | None = FROM_DATE,
    end: dt.date | None = TO_DATE,
) -> dict[str, Any]:
    ratings = selectors.ratings_in(start=start, end=end, department=department, item=item)
    answer = selectors.rating_figures(ratings)
    answer.update({"department": department, "item": item, "from": start, "to": end})
    if not department and not item:
        answer["departments"] = selectors.rating_figures_by(ratings, "department")
    return answer


@router.get("/ratings/export", summary="导出好差评数据（CSV 或 Excel，监察人员）")
def export(
    request: HttpRequest,
    department: str | None = None,
    start: dt.date | None = FROM_DATE,
    end: dt.date | None = TO_DATE,
    format: str = FORMAT,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user.has_role(StaffRole.SUPERVISOR, StaffRole.SYSTEM_ADMIN):
        raise PermissionDenied("只有电子监察人员和系统管理员可以导出评价数据")
    ratings = selectors.ratings_in(start=start, end=end, department=department)
    name = f"haochaping-{start or 'all'}-{end or 'now'}"
    if format == "xlsx":
        response = HttpResponse(ratings_xlsx(ratings), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    streamed = StreamingHttpResponse(ratings_csv(ratings), content_type="text/csv; charset=utf-8")
    streamed["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return streamed  # type: ignore[return-value]


def _staff_or_supervisor(user: User) -> None:
    if not user.has_role(StaffRole.SUPERVISOR, StaffRole.DEPARTMENT_HEAD, StaffRole.APPROVER):
        raise PermissionDenied("只有部门工作人员和电子监察人员可以查看整改单")


@router.get("/rectifications", response=dict, summary="差评整改单（本部门；监察人员看本区划）")
def rectifications(
    request: HttpRequest,
    state: str | None = Query(None, pattern="^(open|closed)$"),
    page: int = Query(1, ge=1, le=1000),
    page_size: int = Query(20, ge=1, le=100),
) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    _staff_or_supervisor(user)
    rows = selectors.rectifications_for(user, state=state)
    return {
        "count": rows.count(),
        "items": [rectification_out(r) for r in rows[(page - 1) * page_size : page * page_size]],
    }


@router.post("/rectifications/{rectification_id}/close", response=dict, summary="整改办结并记录回访")
def close(request: HttpRequest, rectification_id: int, payload: CloseIn) -> dict[str, Any]:
    r = services.rectification_close(
        rectification_id=rectification_id, user=request.user,  # type: ignore[arg-type]
        action=payload.action, follow_up=payload.follow_up,
    )  # fmt: skip
    return rectification_out(r)


@router.post("/rectifications/{rectification_id}/rating", response=dict, summary="申请人评价整改情况")
def rate_rectification(
    request: HttpRequest, rectification_id: int, payload: RectificationRatingIn
) -> dict[str, Any]:
    r = services.rectification_rate(
        rectification_id=rectification_id, user=request.user, level=payload.level, text=payload.text,  # type: ignore[arg-type]
    )  # fmt: skip
    return rectification_out(r)
