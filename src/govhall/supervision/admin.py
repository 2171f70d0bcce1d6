from __future__ import annotations

from django.contrib import admin

from govhall.core.admin_access import ReadOnlyRoleAdmin

from .models import Order, Rule, ScanRun, Warning


class RecordAdmin(ReadOnlyRoleAdmin, admin.ModelAdmin):
    """Warnings, orders and scans are records: read them here, act on them in the supervision pages."""

    admin_roles = ("system_admin", "supervisor")


@admin.register(Rule)
class RuleAdmin(RecordAdmin):
    """Supervisors change rules on the 监察规则 page (/supervision/rules/), where the thresholds are checked."""

    list_display = ["code", "enabled", "level", "threshold", "window_days"]


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
