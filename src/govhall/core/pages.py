"""One way to turn a DomainError into a page: a thing that is not there (or not theirs to see) is the 404 page;
anything else is a message on the page the person came from (a refused action, a field to correct). The 403
page is for pages someone may not open at all (``forbidden``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import DomainError, NotFound


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "web/not_found.html", {"crumbs": [("未找到", None)]}, status=404)


def forbidden(
    request: HttpRequest, message: str, *, title: str = "", hint: str = "", **context: Any
) -> HttpResponse:
    """The one 403 page: what was refused and what to do about it."""
    page = {"message": message, "title": title, "hint": hint, "crumbs": [("没有权限", None)], **context}
    return render(request, "web/forbidden.html", page, status=403)


def page_error(request: HttpRequest, exc: DomainError, back: HttpResponse) -> HttpResponse:
    """The answer to a failed action on a page: the 404 page, or the message shown on ``back``."""
    if isinstance(exc, NotFound):
        return not_found(request)
    messages.error(request, exc.message)
    return back
