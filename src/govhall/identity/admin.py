from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from govhall.core.admin_access import RoleAdminMixin

from .models import (
    ApiToken,
    Department,
    Enterprise,
    EnterpriseMember,
    Hall,
    MarketEntity,
    Region,
    StaffRoleGrant,
    User,
    Window,
)


@admin.register(Region)
class RegionAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "uscc", "region", "level", "phone"]
    search_fields = ["code", "name", "uscc"]
    list_filter = ["level"]


class WindowInline(admin.TabularInline):
    model = Window
    extra = 0


@admin.register(Hall)
class HallAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "region", "address"]
    inlines = [WindowInline]


class RoleInline(admin.TabularInline):
    model = StaffRoleGrant
    extra = 0


@admin.register(User)
class AccountAdmin(RoleAdminMixin, UserAdmin):
    """Accounts; ID and phone numbers appear masked and are never editable here."""

    list_display = [
        "username",
        "real_name",
        "kind",
        "department",
        "masked_phone",
        "is_active",
        "locked_until",
    ]
    list_filter = ["kind", "department", "is_active"]
    search_fields = ["username", "real_name"]
    readonly_fields = ["masked_id_number", "masked_phone", "failed_logins", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "password", "kind", "real_name", "masked_id_number", "masked_phone")}),
        ("工作人员", {"fields": ("department", "region", "window", "is_staff", "is_superuser")}),
        ("安全", {"fields": ("is_active", "failed_logins", "locked_until", "last_login", "date_joined")}),
    )
    inlines = [RoleInline]

    @admin.display(description="公民身份号码")
    def masked_id_number(self, obj: User) -> str:
        return obj.id_number_masked

    @admin.display(description="手机号码")
    def masked_phone(self, obj: User) -> str:
        return obj.phone_masked

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("department")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "window":
            kwargs["queryset"] = Window.objects.select_related("hall")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MemberInline(admin.TabularInline):
    model = EnterpriseMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Enterprise)
class EnterpriseAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["name", "uscc", "legal_representative", "created_at"]
    search_fields = ["name", "uscc"]
    inlines = [MemberInline]


@admin.register(MarketEntity)
class MarketEntityAdmin(RoleAdminMixin, admin.ModelAdmin):
    """The registry copy is written by its synchronisation (market_entity_record), not edited by hand."""

    list_display = ["uscc", "name", "kind", "legal_representative", "status", "established"]
    list_filter = ["status"]
    search_fields = ["uscc", "name"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["prefix", "user", "label", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["digest", "prefix", "user", "created_at", "last_used_at"]
    actions = ["revoke"]

    @admin.action(description="吊销所选令牌")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        from .services import token_revoke

        for token in queryset:
            token_revoke(token=token)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False
