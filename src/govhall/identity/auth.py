"""Authentication: the Django login backend (ID number, phone or username) and API bearer tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from govhall.core.errors import DomainError

from .models import User
from .services import login_attempt, token_authenticate


class LoginBackend(ModelBackend):
    """Django's backend, with our login names and the lockout of ``login_attempt``."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        try:
            client = request.META.get("REMOTE_ADDR", "") if request is not None else ""
            return login_attempt(login=username, password=password, client=client)
        except DomainError as exc:
            if request is not None:
                request.login_error = exc  # type: ignore[attr-defined]
            return None


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionCookie(SessionAuth):
    """A logged-in session, with its CSRF check. A request without any session cookie carries no ambient
    credential a forged form could use: it is simply unauthenticated (401), not a CSRF failure (403)."""

    def __call__(self, request: HttpRequest) -> User | None:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        user: User | None = super().__call__(request)
        return user


bearer = BearerToken()
# An endpoint that needs an account accepts a bearer token or a logged-in session (with its CSRF check).
api_auth = [bearer, SessionCookie()]


class AuthedRequest(HttpRequest):
    """A request whose account is known: an API operation behind ``api_auth`` (bearer token or session), or
    a page behind ``login_required``. Annotate ``request`` with it; the caller was authenticated before the
    body runs."""

    user: User
    auth: User
