"""Role-based access for Django admin pages: each ModelAdmin says which staff roles may use it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def user_has_role(request: HttpRequest, roles: tuple[str, ...]) -> bool:
    user: Any = request.user
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or (hasattr(user, "has_role") and user.has_role(*roles)))


class RoleAdminMixin:
    """Grant a ModelAdmin to holders of ``admin_roles`` (and superusers), whatever Django permissions say."""

    admin_roles: tuple[str, ...] = ("system_admin",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_has_role(request, self.admin_roles)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_has_role(request, self.admin_roles)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return user_has_role(request, self.admin_roles)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_has_role(request, self.admin_roles)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_has_role(request, self.admin_roles)


class ReadOnlyRoleAdmin(RoleAdminMixin):
    """Records people act on elsewhere (ratings, warnings, orders): holders of ``admin_roles`` read them here,
    nobody adds, changes or deletes them in the admin."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
