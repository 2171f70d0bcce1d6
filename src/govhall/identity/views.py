"""Account pages: login, registration, logout, my account, enterprise accounts and their operators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from govhall.core.errors import DomainError
from govhall.core.pages import not_found

from . import selectors, services
from .auth import AuthedRequest

REGISTER_FIELDS = ["name", "id_number", "phone", "password"]


def _next_url(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _landing(request: HttpRequest) -> str:
    """Where a login goes: a safe ``next``, else staff to their workbench, everyone else home."""
    return _next_url(request, default=reverse(selectors.landing_url_name(request.user)))


def login_view(request: HttpRequest) -> HttpResponse:
    error, username = None, ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        user = authenticate(request, username=username, password=request.POST.get("password", ""))
        if user is not None:
            login(request, user)
            return redirect(_landing(request))
        failure = getattr(request, "login_error", None)
        error = failure.message if failure else "账号或密码错误"
    asked = request.POST.get("next") or request.GET.get("next") or ""
    next_url = _next_url(request, default="") if asked else ""  # empty: the login picks the landing page
    context = {"error": error, "username": username, "next": next_url, "crumbs": [("登录", None)]}
    return render(request, "identity/login.html", context, status=400 if error else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "您已安全退出")
    return redirect("web:home")


def register_view(request: HttpRequest) -> HttpResponse:
    values = {f: request.POST.get(f, "") for f in REGISTER_FIELDS if f != "password"}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if request.POST.get("password") != request.POST.get("password2"):
                raise DomainError("两次输入的密码不一致", field="password2")
            user = services.citizen_register(**{f: request.POST.get(f, "") for f in REGISTER_FIELDS})
        except DomainError as exc:
            errors[exc.field or "form"] = exc.message
        else:
            login(request, user, backend="govhall.identity.auth.LoginBackend")
            messages.success(request, "注册成功，已为您登录")
            return redirect(_next_url(request))
    context = {"values": values, "errors": errors, "next": _next_url(request), "crumbs": [("注册", None)]}
    return render(request, "identity/register.html", context, status=400 if errors else 200)


@login_required
def account_view(request: AuthedRequest) -> HttpResponse:
    user = request.user
    enterprises = user.enterprise_memberships.select_related("enterprise")
    return render(
        request, "identity/account.html", {"enterprises": enterprises, "crumbs": [("我的空间", None)]}
    )


@login_required
def enterprise_register_view(request: AuthedRequest) -> HttpResponse:
    """开通法人账户: only the registered legal representative of a market entity may open it."""
    values = {"uscc": request.POST.get("uscc", "")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            enterprise = services.enterprise_register(operator=request.user, uscc=values["uscc"])
        except DomainError as exc:
            errors[exc.field or "form"] = exc.message
        else:
            messages.success(request, f"已开通“{enterprise.name}”的法人账户，您是该单位的管理员")
            return redirect("web:enterprise", uscc=enterprise.uscc)
    crumbs = [("我的空间", "/account/"), ("开通法人账户", None)]
    context = {"values": values, "errors": errors, "crumbs": crumbs}
    return render(request, "identity/enterprise_register.html", context, status=400 if errors else 200)


MEMBER_FIELDS = ["name", "id_number", "role"]


@login_required
def enterprise_view(request: AuthedRequest, uscc: str) -> HttpResponse:
    """One enterprise account: its operators; an administrator authorises and removes them."""
    try:
        members = list(selectors.enterprise_members(request.user, uscc))
    except DomainError:
        return not_found(request)  # not an operator: nothing tells whether the enterprise has an account
    values = {f: request.POST.get(f, "") for f in MEMBER_FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            _member_change(request, uscc, values)
        except DomainError as exc:
            errors[exc.field or "form"] = exc.message
        else:
            return redirect("web:enterprise", uscc=uscc)
    me = next(m for m in members if m.user_id == request.user.pk)
    crumbs = [("我的空间", "/account/"), (me.enterprise.name, None)]
    context = {"members": members, "me": me, "enterprise": me.enterprise, "values": values,
               "errors": errors, "crumbs": crumbs}  # fmt: skip
    return render(request, "identity/enterprise.html", context, status=400 if errors else 200)


def _member_change(request: AuthedRequest, uscc: str, values: dict[str, str]) -> None:
    if request.POST.get("remove"):
        member_id = int(request.POST["remove"]) if request.POST["remove"].isdigit() else 0
        services.enterprise_member_remove(admin=request.user, uscc=uscc, member_id=member_id)
        messages.success(request, "已取消授权")
        return
    member = services.enterprise_member_add(
        admin=request.user, uscc=uscc, name=values["name"], id_number=values["id_number"],
        role=values["role"] or "agent",
    )  # fmt: skip
    messages.success(request, f"已授权 {member.user.real_name} 为{member.get_role_display()}")


def password_reset_view(request: HttpRequest) -> HttpResponse:
    """找回密码: step 1 sends a code to the phone number, step 2 sets the new password with it, or only lifts a
    login lock (短信解锁)."""
    phone = request.POST.get("phone", "").strip()
    errors: dict[str, str] = {}
    notice, step = "", "phone"
    if request.method == "POST":
        try:
            if request.POST.get("step") == "unlock":
                step = "reset"
                services.account_unlock(phone=phone, code=request.POST.get("code", ""))
                messages.success(request, "账户已解除锁定，请使用原密码登录")
                return redirect("web:login")
            if request.POST.get("step") == "reset":
                step = "reset"
                if request.POST.get("password") != request.POST.get("password2"):
                    raise DomainError("两次输入的密码不一致", field="password2")
                services.password_reset_confirm(
                    phone=phone, code=request.POST.get("code", ""), password=request.POST.get("password", "")
                )
                messages.success(request, "密码已重置，请使用新密码登录")
                return redirect("web:login")
            notice = services.password_reset_request(phone=phone, client=request.META.get("REMOTE_ADDR", ""))
            step = "reset"
        except DomainError as exc:
            errors[exc.field or "form"] = exc.message
    context = {
        "phone": phone,
        "errors": errors,
        "notice": notice,
        "step": step,
        "crumbs": [("找回密码", None)],
    }
    return render(request, "identity/password_reset.html", context, status=400 if errors else 200)
