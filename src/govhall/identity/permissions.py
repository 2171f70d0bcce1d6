"""The permission vocabulary every app speaks: who is staff, with which roles. Scope by department and region
is each app's own rule, built on these.

- ``staff_with(user, *roles)``: an active staff member holding any of ``roles`` (any staff member when no role
  is named) — for ``if`` tests in services and selectors.
- ``require_staff_with(user, *roles, message=...)``: the same, raising PermissionDenied (403) with a Chinese
  message — for services and API endpoints.
"""

from __future__ import annotations

from typing import Any

from govhall.core.errors import PermissionDenied

from .models import AccountKind, StaffRole


def is_staff_member(user: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False)) and user.is_active and user.kind == AccountKind.STAFF
    )


def staff_with(user: Any, *roles: str) -> bool:
    """An active staff member holding any of ``roles`` (any staff member when none is named)."""
    return is_staff_member(user) and (not roles or user.has_role(*roles))


def roles_label(*roles: str) -> str:
    return "或".join(str(StaffRole(r).label) for r in roles) if roles else "工作人员"


def require_staff_with(user: Any, *roles: str, message: str = "") -> None:
    if not staff_with(user, *roles):
        raise PermissionDenied(message or f"仅{roles_label(*roles)}可以进行此操作")
