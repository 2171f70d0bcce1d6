"""Schemas every app's API shares: the one error shape, and the responses an operation declares for its 4xx."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from .errors import ValidationFailed
from .workdays import MAX_DAYS


class ErrorOut(Schema):
    """Every 4xx answer: a machine code, a Chinese message, and the input at fault (when there is one)."""

    code: str = Field(description="机器可读的错误码，如 validation_error、not_found、forbidden、conflict")
    message: str = Field(description="中文说明")
    field: str | None = Field(None, description="出错的输入项（如 form.phone），没有时为 null")


# Every operation can answer 400 (a body that is not JSON) and 422 (parameters that do not validate); an
# operation behind a login answers 401 without one, and 403 to a session without its CSRF token.
COMMON_ERRORS = (400, 422)
AUTH_ERRORS = (401, 403)


def errors(*statuses: int, auth: bool = True) -> dict[int, type[ErrorOut]]:
    """The error part of an operation's ``response=``: 400 and 422 always, 401 and 403 when it needs an
    account, and the named statuses (403, 404, 409, 423 ...)."""
    codes = {*COMMON_ERRORS, *statuses, *(AUTH_ERRORS if auth else ())}
    return dict.fromkeys(sorted(codes), ErrorOut)


def responses(ok: Any, *statuses: int, auth: bool = True, status: int = 200) -> dict[int, Any]:
    """An operation's ``response=``: ``ok`` under ``status`` (200 by default), and its errors."""
    return {status: ok, **errors(*statuses, auth=auth)}


# The dates an API parameter may name: earlier or later ones are refused (422) rather than overflowing a
# datetime when a day's bounds are computed.
EARLIEST_DATE = dt.date(1949, 10, 1)
LATEST_DATE = dt.date(2100, 12, 31)


# Every text a request may carry has a length limit (a 500,000-character legal basis used to be stored).
Code = Annotated[str, Field(max_length=40)]
ShortText = Annotated[str, Field(max_length=200)]
Text500 = Annotated[str, Field(max_length=500)]
LongText = Annotated[str, Field(max_length=2000)]


def query_date(value: str | None, *, field: str, label: str) -> dt.date | None:
    """A YYYY-MM-DD date typed into a page's query string, between EARLIEST_DATE and LATEST_DATE; None when
    empty. Raises ValidationFailed naming the field."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(f"{label}（{field}）应为 YYYY-MM-DD 格式的日期", field=field) from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationFailed(
            f"{label}（{field}）应在 {EARLIEST_DATE.isoformat()} 至 {LATEST_DATE.isoformat()} 之间",
            field=field,
        )
    return day


class WorkdaysParams(Schema):
    start: dt.date = Field(ge=EARLIEST_DATE, le=LATEST_DATE)
    days: int = Field(ge=0, le=MAX_DAYS)


class WorkdaysOut(Schema):
    start: dt.date
    days: int
    due: dt.date
    estimated: bool = Field(
        description="true when a year in the range has no official holiday data: its statutory holidays are "
        "estimated (《全国年节及纪念日放假办法》), its 调休 weekends are not known and count as days off"
    )
    unconfirmed_years: list[int]


def binary_answer(description: str, *content_types: str) -> dict[str, Any]:
    """``openapi_extra`` of a download operation: its 200 is a file of one of ``content_types``."""
    content = {t: {"schema": {"type": "string", "format": "binary"}} for t in content_types}
    return {"responses": {200: {"description": description, "content": content}}}
