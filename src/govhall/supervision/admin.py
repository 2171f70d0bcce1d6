from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from govhall.core.admin_access import RoleAdminMixin

from .models import Order, Rule, ScanRun, Warning


@admin.register(Rule)
class RuleAdmin(RoleAdminMixin, admin.ModelAdmin):
    admin_roles = ("system_admin", "supervisor")
    list_display = ["code", "enabled", "level", "threshold", "window_days"]
    list_editable = ["enabled", "level", "threshold", "window_days"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RecordAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Warnings, orders and scans are records: read them here, act on them in the supervision pages."""

    admin_roles = ("system_admin", "supervisor")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Warning)
class WarningAdmin(RecordAdmin):
    list_display = ["opened_at", "level", "rule", "subject", "department", "resolved_at", "resolution"]
    list_filter = ["level", "rule", "department"]
    search_fields = ["case__number", "subject"]
    list_select_related = ["department"]
    raw_id_fields = ["case", "responsible"]


@admin.register(Order)
class OrderAdmin(RecordAdmin):
    list_display = ["issued_at", "department", "state", "respond_by", "answered_at"]
    list_filter = ["state", "department"]
    raw_id_fields = ["case", "warning", "issued_by", "answered_by"]


@admin.register(ScanRun)
class ScanRunAdmin(RecordAdmin):
    list_display = ["started_at", "finished_at", "trigger", "opened", "resolved"]
