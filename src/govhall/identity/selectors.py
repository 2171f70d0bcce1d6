"""Reads of accounts and organisation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q, QuerySet

from govhall.core import crypto
from govhall.core.errors import PermissionDenied
from govhall.core.ids import IdentifierError, validate_id_number

from .models import Department, EnterpriseMember, Hall, Region, User


def user_find_by_login(login: str) -> User | None:
    """The account a login name means: an ID number, a phone number or a username."""
    login = (login or "").strip()
    if not login:
        return None
    queryset = User.objects.filter(is_active=True)
    if len(login) == 18:
        try:
            return queryset.filter(id_number_hash=crypto.lookup_hash(validate_id_number(login))).first()
        except IdentifierError:
            pass
    if login.isdigit() and len(login) == 11:
        found = queryset.filter(phone_hash=crypto.lookup_hash(login)).first()
        if found:
            return found
    return queryset.filter(username=login).first()


def department_list(*, region: str | None = None) -> QuerySet[Department]:
    """Departments with the number of published items each implements."""
    queryset = Department.objects.select_related("region").annotate(
        item_count=Count("items", filter=Q(items__status="published"))
    )
    if region:
        queryset = queryset.filter(region__code__startswith=region[:6])
    return queryset.order_by("code")


def hall_list() -> QuerySet[Hall]:
    return Hall.objects.select_related("region").prefetch_related("windows").order_by("region_id", "code")


def region_service_codes(code: str) -> list[str]:
    """Where services for people in a region come from: the region itself, every region below it, and
    every region above it (a county's items serve its towns). One query."""
    rows = list(Region.objects.values_list("code", "parent_id"))
    parents = dict(rows)
    above, current = [], parents.get(code)
    while current:
        above.append(current)
        current = parents.get(current)
    return _subtree(rows, code) + above


def region_subtree_codes(code: str) -> list[str]:
    """A region's code and those of every region below it (regions are few: one query)."""
    return _subtree(list(Region.objects.values_list("code", "parent_id")), code)


def _subtree(rows: Sequence[tuple[str, str | None]], code: str) -> list[str]:
    children: dict[str | None, list[str]] = {}
    for child, parent in rows:
        children.setdefault(parent, []).append(child)
    out, stack = [], [code]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(children.get(current, []))
    return out


def region_list(*, levels: Sequence[str] | None = None, codes: Any = None) -> QuerySet[Region]:
    """Regions in code order, of the given levels or codes (a list or a subquery of codes)."""
    regions = Region.objects.order_by("code")
    if levels is not None:
        regions = regions.filter(level__in=levels)
    if codes is not None:
        regions = regions.filter(code__in=codes)
    return regions


# A staff member's workbench by role, first match wins: window clerks accept at the desk, approvers work
# their task list, supervisors watch the board.
LANDING_BY_ROLE = [
    ("window_clerk", "web:desk"),
    ("approver", "web:tasks"),
    ("department_head", "web:tasks"),
    ("supervisor", "supervision:board"),
]


def landing_url_name(user: Any) -> str:
    """The page a login lands on when no ``next`` was asked for."""
    if getattr(user, "kind", None) == "staff":
        for role, url_name in LANDING_BY_ROLE:
            if user.has_role(role):
                return url_name
    return "web:home"


def enterprise_members(user: User, uscc: str) -> QuerySet[EnterpriseMember]:
    """The operators of an enterprise, for one of them; nobody else learns who operates it."""
    if not EnterpriseMember.objects.filter(enterprise__uscc=uscc, user=user).exists():
        raise PermissionDenied("您不是该单位的经办人", field=None, code="not_member")
    return (
        EnterpriseMember.objects.select_related("user")
        .filter(enterprise__uscc=uscc)
        .order_by("role", "created_at", "pk")
    )
