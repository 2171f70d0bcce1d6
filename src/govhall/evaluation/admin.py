from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from govhall.core.admin_access import ReadOnlyRoleAdmin, RoleAdminMixin

from .models import Rating, RatingPolicy, Rectification


@admin.register(RatingPolicy)
class RatingPolicyAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Reminder and default-rating periods, the default level and the rectification limit."""

    list_display = [
        "__str__",
        "reminder_days",
        "default_after_days",
        "default_level",
        "rectification_workdays",
    ]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request) and not RatingPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyRoleAdmin, admin.ModelAdmin):
    """Ratings are the applicants' words: nobody edits them in the admin."""

    admin_roles = ("system_admin", "supervisor")


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "case", "stage", "level", "channel", "is_default", "department"]
    list_filter = ["stage", "level", "channel", "is_default", "department"]
    search_fields = ["case__number"]
    list_select_related = ["case", "department"]
    raw_id_fields = ["case", "rater", "item"]


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "case", "department", "state", "due_on", "closed_at"]
    list_filter = ["state", "department"]
    search_fields = ["case__number"]
    list_select_related = ["case", "department"]
    raw_id_fields = ["case", "rating", "closed_by"]
