"""Accounts and organisation API: registration, tokens, departments."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from govhall.core.errors import AuthenticationFailed
from govhall.core.schemas import responses

from . import selectors, services
from .auth import AuthedRequest, api_auth
from .schemas import (
    AccountOut,
    AccountUnlockIn,
    CitizenIn,
    DepartmentOut,
    EnterpriseIn,
    EnterpriseMemberIn,
    EnterpriseMemberOut,
    EnterpriseMemberPage,
    EnterpriseOut,
    MessageOut,
    PasswordResetCodeIn,
    PasswordResetIn,
    TokenIn,
    TokenOut,
)

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


@router.post(
    "/accounts/password-reset/code",
    response=responses(MessageOut, 429, status=202, auth=False),
    summary="找回密码：发送短信验证码",
    description="无论该号码是否已注册，答复相同；同一号码每分钟1次、每天5次，同一客户端地址每小时20次。",
    auth=None,
)
def password_reset_code(request: HttpRequest, payload: PasswordResetCodeIn) -> Status[MessageOut]:
    message = services.password_reset_request(phone=payload.phone, client=request.META.get("REMOTE_ADDR", ""))
    return Status(202, MessageOut(message=message))


@router.post(
    "/accounts/password-reset",
    response=responses(MessageOut, auth=False),
    summary="找回密码：凭验证码设置新密码",
    description="成功后该账户的访问令牌全部吊销，已登录的会话失效。",
    auth=None,
)
def password_reset(request: HttpRequest, payload: PasswordResetIn) -> MessageOut:
    services.password_reset_confirm(phone=payload.phone, code=payload.code, password=payload.password)
    return MessageOut(message="密码已重置，请使用新密码登录")


@router.post(
    "/accounts/unlock",
    response=responses(MessageOut, auth=False),
    summary="短信解锁：凭验证码解除登录锁定（不改密码）",
    description="验证码由 /accounts/password-reset/code 发送；他人多次输错密码造成的锁定，本人可凭验证码解除。",
    auth=None,
)
def account_unlock(request: HttpRequest, payload: AccountUnlockIn) -> MessageOut:
    services.account_unlock(phone=payload.phone, code=payload.code)
    return MessageOut(message="账户已解除锁定，请使用原密码登录")


@router.get("/accounts/me", response=responses(AccountOut), summary="当前账户", auth=api_auth)
def me(request: AuthedRequest) -> AccountOut:
    return AccountOut.of(request.user)


@router.post(
    "/auth/token", response=responses(TokenOut, 401, 423, 429, auth=False), summary="获取访问令牌", auth=None
)
def issue_token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    client = request.META.get("REMOTE_ADDR", "")
    user = services.login_attempt(login=payload.username, password=payload.password, client=client)
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
    "/accounts/enterprises/{uscc}/members",
    response=responses(EnterpriseMemberPage, 403),
    summary="法人单位的经办人",
    auth=api_auth,
)
def enterprise_members(request: AuthedRequest, uscc: str) -> EnterpriseMemberPage:
    members = [EnterpriseMemberOut.of(m) for m in selectors.enterprise_members(request.user, uscc)]
    return EnterpriseMemberPage(count=len(members), items=members)


@router.post(
    "/accounts/enterprises/{uscc}/members",
    response=responses(EnterpriseMemberOut, 403, 404, 409, status=201),
    summary="授权经办人（法人账户管理员）",
    auth=api_auth,
)
def enterprise_member_add(
    request: AuthedRequest, uscc: str, payload: EnterpriseMemberIn
) -> Status[EnterpriseMemberOut]:
    member = services.enterprise_member_add(admin=request.user, uscc=uscc, **payload.dict())
    return Status(201, EnterpriseMemberOut.of(member))


@router.delete(
    "/accounts/enterprises/{uscc}/members/{member_id}",
    response=responses(None, 403, 404, 409, status=204),
    summary="取消经办人授权（法人账户管理员）",
    auth=api_auth,
)
def enterprise_member_remove(request: AuthedRequest, uscc: str, member_id: int) -> Status[None]:
    services.enterprise_member_remove(admin=request.user, uscc=uscc, member_id=member_id)
    return Status(204, None)


@router.get(
    "/departments", response=responses(list[DepartmentOut], auth=False), summary="部门列表", auth=None
)
def departments(request: HttpRequest) -> list[DepartmentOut]:
    return [DepartmentOut.of(d, item_count=getattr(d, "item_count", 0)) for d in selectors.department_list()]
