"""Accounts and organisation API: registration, tokens, departments."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status

from govhall.core.errors import AuthenticationFailed

from . import selectors, services
from .auth import api_auth
from .models import Enterprise, User

router = Router(tags=["账户与组织"])


class CitizenIn(Schema):
    name: str
    id_number: str
    phone: str
    password: str


class AccountOut(Schema):
    id: int
    username: str
    kind: str
    name: str
    id_number: str
    phone: str


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    access_token: str
    token_type: str = "bearer"
    expires_at: dt.datetime


class EnterpriseIn(Schema):
    name: str
    uscc: str
    legal_representative: str


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    legal_representative: str


class DepartmentOut(Schema):
    code: str
    name: str
    short_name: str
    uscc: str
    region: str
    region_name: str
    level: str
    phone: str
    item_count: int


def account_out(user: User) -> AccountOut:
    """An account as the API shows it: personal data masked."""
    return AccountOut(
        id=user.pk,
        username=user.username,
        kind=user.kind,
        name=user.display_name,
        id_number=user.id_number_masked,
        phone=user.phone_masked,
    )


@router.post("/accounts/citizens", response={201: AccountOut}, summary="注册自然人账户", auth=None)
def register_citizen(request: HttpRequest, payload: CitizenIn) -> Status[AccountOut]:
    user = services.citizen_register(**payload.dict())
    return Status(201, account_out(user))


@router.get("/accounts/me", response=AccountOut, summary="当前账户", auth=api_auth)
def me(request: HttpRequest) -> AccountOut:
    return account_out(request.user)  # type: ignore[arg-type]


@router.post("/auth/token", response=TokenOut, summary="获取访问令牌", auth=None)
def issue_token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    user = services.login_attempt(login=payload.username, password=payload.password)
    if not user.is_active:
        raise AuthenticationFailed("账户已停用", field="username")
    plain, token = services.token_issue(user=user, label="api")
    return TokenOut(access_token=plain, expires_at=token.expires_at)


@router.post("/accounts/enterprises", response={201: EnterpriseOut}, summary="注册法人单位", auth=api_auth)
def register_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Status[Enterprise]:
    enterprise = services.enterprise_register(operator=request.user, **payload.dict())  # type: ignore[arg-type]
    return Status(201, enterprise)


@router.get("/departments", response=list[DepartmentOut], summary="部门列表", auth=None)
def departments(request: HttpRequest) -> list[DepartmentOut]:
    return [
        DepartmentOut(
            code=d.code,
            name=d.name,
            short_name=d.short_name,
            uscc=d.uscc,
            region=d.region_id,
            region_name=d.region.name,
            level=d.level,
            phone=d.phone,
            item_count=d.item_count,  # type: ignore[attr-defined]
        )
        for d in selectors.department_list()
    ]
