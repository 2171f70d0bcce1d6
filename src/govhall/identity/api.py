"""Accounts and organisation API: registration, tokens, departments."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from govhall.core.errors import AuthenticationFailed
from govhall.core.schemas import responses

from . import selectors, services
from .auth import AuthedRequest, api_auth
from .schemas import AccountOut, CitizenIn, DepartmentOut, EnterpriseIn, EnterpriseOut, TokenIn, TokenOut

router = Router(tags=["账户与组织"])


@router.post(
    "/accounts/citizens",
    response=responses(AccountOut, 409, status=201, auth=False),
    summary="注册自然人账户",
    auth=None,
)
def register_citizen(request: HttpRequest, payload: CitizenIn) -> Status[AccountOut]:
    user = services.citizen_register(**payload.dict())
    return Status(201, AccountOut.of(user))


@router.get("/accounts/me", response=responses(AccountOut), summary="当前账户", auth=api_auth)
def me(request: AuthedRequest) -> AccountOut:
    return AccountOut.of(request.user)


@router.post(
    "/auth/token", response=responses(TokenOut, 401, 423, auth=False), summary="获取访问令牌", auth=None
)
def issue_token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    user = services.login_attempt(login=payload.username, password=payload.password)
    if not user.is_active:
        raise AuthenticationFailed("账户已停用", field="username")
    plain, token = services.token_issue(user=user, label="api")
    return TokenOut(access_token=plain, expires_at=token.expires_at)


@router.post(
    "/accounts/enterprises",
    response=responses(EnterpriseOut, 403, 409, status=201),
    summary="注册法人单位",
    auth=api_auth,
)
def register_enterprise(request: AuthedRequest, payload: EnterpriseIn) -> Status[EnterpriseOut]:
    enterprise = services.enterprise_register(operator=request.user, **payload.dict())
    return Status(201, EnterpriseOut.of(enterprise))


@router.get(
    "/departments", response=responses(list[DepartmentOut], auth=False), summary="部门列表", auth=None
)
def departments(request: HttpRequest) -> list[DepartmentOut]:
    return [DepartmentOut.of(d, item_count=getattr(d, "item_count", 0)) for d in selectors.department_list()]
