"""Account pages: login, registration, logout, my account, registering an enterprise."""

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
    fields = ["name", "uscc", "legal_representative"]
    values = {f: request.POST.get(f, "") for f in fields}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.enterprise_register(operator=request.user, **values)
        except DomainError as exc:
            errors[exc.field or "form"] = exc.message
        else:
            messages.success(request, "法人单位已注册，您是该单位的管理员")
            return redirect("web:account")
    crumbs = [("我的空间", "/account/"), ("注册法人单位", None)]
    context = {"values": values, "errors": errors, "crumbs": crumbs}
    return render(request, "identity/enterprise_register.html", context, status=400 if errors else 200)


def password_reset_view(request: HttpRequest) -> HttpResponse:
    """找回密码: step 1 sends a code to the phone number, step 2 sets the new password with it."""
    phone = request.POST.get("phone", "").strip()
    errors: dict[str, str] = {}
    notice, step = "", "phone"
    if request.method == "POST":
        try:
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
