"""好差评 API: rate a case, the published figures, the export, rectifications and their closing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Router, Status
from ninja.params.functions import Query as QueryParam

from govhall.core.schemas import EARLIEST_DATE, LATEST_DATE, binary_answer, errors, responses
from govhall.identity.auth import AuthedRequest, api_auth
from govhall.identity.models import StaffRole
from govhall.identity.permissions import require_staff_with

from . import selectors, services
from .export import XLSX_TYPE, ratings_csv, ratings_xlsx
from .models import RatingChannel
from .schemas import (
    BundleRatingIn,
    BundleRatingOut,
    CloseIn,
    RatingIn,
    RatingOut,
    RatingStatsOut,
    RectificationOut,
    RectificationPage,
    RectificationRatingIn,
)

router = Router(tags=["好差评"], auth=api_auth)
# pydantic bounds dates as it bounds numbers; ninja's signature names only numbers
DATE_BOUNDS: dict[str, Any] = {"ge": EARLIEST_DATE, "le": LATEST_DATE}
FROM_DATE = QueryParam(None, alias="from", description="起始日期 YYYY-MM-DD", **DATE_BOUNDS)
TO_DATE = QueryParam(None, alias="to", description="截止日期 YYYY-MM-DD（含）", **DATE_BOUNDS)
FORMAT = QueryParam("csv", pattern="^(csv|xlsx)$", description="csv 或 xlsx")
public = Router(tags=["好差评"])


@router.post(
    "/cases/{number}/ratings",
    response=responses(RatingOut, 403, 404, 409, status=201),
    summary="评价办件（申请人本人）",
)
def rate(request: AuthedRequest, number: str, payload: RatingIn) -> Status[RatingOut]:
    channel = RatingChannel.API if request.headers.get("Authorization") else RatingChannel.WEB
    rating = services.rating_submit(
        number=number, user=request.user, stage=payload.stage, level=payload.level,
        tags=payload.tags, text=payload.text, channel=channel,
    )  # fmt: skip
    return Status(201, RatingOut.of(rating))


@router.post(
    "/bundle-cases/{number}/rating",
    response=responses(BundleRatingOut, 404, 409, status=201),
    summary="一件事整体评价（申请人本人，全部事项办结后；各事项在其办件上分别评价）",
)
def rate_bundle(request: AuthedRequest, number: str, payload: BundleRatingIn) -> Status[BundleRatingOut]:
    channel = RatingChannel.API if request.headers.get("Authorization") else RatingChannel.WEB
    rating = services.bundle_rating_submit(
        number=number,
        user=request.user,
        level=payload.level,
        tags=payload.tags,
        text=payload.text,
        channel=channel,
    )
    return Status(201, BundleRatingOut.of(rating))


@public.get(
    "/ratings/stats",
    response=responses(RatingStatsOut, auth=False),
    by_alias=True,
    exclude_unset=True,
    summary="好差评统计（公开）",
    auth=None,
)
def rating_stats(
    request: HttpRequest,
    department: str | None = None,
    item: str | None = None,
    start: dt.date | None = FROM_DATE,
    end: dt.date | None = TO_DATE,
) -> RatingStatsOut:
    ratings = selectors.ratings_in(start=start, end=end, department=department, item=item)
    by_department = None if department or item else selectors.rating_figures_by(ratings, "department")
    return RatingStatsOut.of(
        selectors.rating_figures(ratings),
        department=department, item=item, start=start, end=end, by_department=by_department,
    )  # fmt: skip


@router.get(
    "/ratings/export",
    response=errors(403),
    openapi_extra=binary_answer("CSV 或 Excel 文件", "text/csv", XLSX_TYPE),
    summary="导出好差评数据（CSV 或 Excel，监察人员）",
)
def export(
    request: AuthedRequest,
    department: str | None = None,
    start: dt.date | None = FROM_DATE,
    end: dt.date | None = TO_DATE,
    format: str = FORMAT,
) -> HttpResponse | StreamingHttpResponse:
    require_staff_with(
        request.user, StaffRole.SUPERVISOR, StaffRole.SYSTEM_ADMIN,
        message="只有电子监察人员和系统管理员可以导出评价数据",
    )  # fmt: skip
    ratings = selectors.ratings_in(start=start, end=end, department=department)
    name = f"haochaping-{start or 'all'}-{end or 'now'}"
    if format == "xlsx":
        response = HttpResponse(ratings_xlsx(ratings), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    streamed = StreamingHttpResponse(ratings_csv(ratings), content_type="text/csv; charset=utf-8")
    streamed["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return streamed


@router.get(
    "/rectifications",
    response=responses(RectificationPage, 403),
    summary="差评整改单（本部门；监察人员看本区划）",
)
def rectifications(
    request: AuthedRequest,
    state: str | None = QueryParam(None, pattern="^(open|closed)$"),
    page: int = QueryParam(1, ge=1, le=1000),
    page_size: int = QueryParam(20, ge=1, le=100),
) -> RectificationPage:
    require_staff_with(
        request.user, StaffRole.SUPERVISOR, StaffRole.DEPARTMENT_HEAD, StaffRole.APPROVER,
        message="只有部门工作人员和电子监察人员可以查看整改单",
    )  # fmt: skip
    rows = selectors.rectifications_for(request.user, state=state)
    return RectificationPage(
        count=rows.count(),
        items=[RectificationOut.of(r) for r in rows[(page - 1) * page_size : page * page_size]],
    )


@router.post(
    "/rectifications/{rectification_id}/close",
    response=responses(RectificationOut, 403, 404, 409),
    summary="整改办结并记录回访",
)
def close(request: AuthedRequest, rectification_id: int, payload: CloseIn) -> RectificationOut:
    r = services.rectification_close(
        rectification_id=rectification_id, user=request.user,
        action=payload.action, follow_up=payload.follow_up,
    )  # fmt: skip
    return RectificationOut.of(r)


@router.post(
    "/rectifications/{rectification_id}/rating",
    response=responses(RectificationOut, 403, 404, 409),
    summary="申请人评价整改情况",
)
def rate_rectification(
    request: AuthedRequest, rectification_id: int, payload: RectificationRatingIn
) -> RectificationOut:
    r = services.rectification_rate(
        rectification_id=rectification_id, user=request.user, level=payload.level, text=payload.text,
    )  # fmt: skip
    return RectificationOut.of(r)
