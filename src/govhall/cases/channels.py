"""The one rule for the channel a case action is recorded under (受理渠道)."""

from __future__ import annotations

from typing import Any

from govhall.identity.models import StaffRole
from govhall.identity.permissions import is_staff_member, staff_with

from .models import Channel


def channel_of(user: Any, *, bearer_token: bool = False, on_behalf: bool = False) -> Channel:
    """An application made for someone present is a window one; a call with a bearer token comes from another
    system (API); a window clerk's own pages are the window, other staff's (approvers, heads) the department;
    the applicant's pages are the web portal."""
    if on_behalf:
        return Channel.WINDOW
    if bearer_token:
        return Channel.API
    if staff_with(user, StaffRole.WINDOW_CLERK):
        return Channel.WINDOW
    return Channel.DEPARTMENT if is_staff_member(user) else Channel.WEB
