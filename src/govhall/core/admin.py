from django.contrib import admin

from .admin_access import RoleAdminMixin
from .models import CalendarDay, CalendarYear, WorkerHeartbeat
from .services import calendar_day_save, calendar_days_delete, calendar_year_save, calendar_years_delete


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["name", "pid", "seen_at"]

    def has_add_permission(self, request, *args):  # type: ignore[no-untyped-def]
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Holidays and adjusted working weekends; what administrators enter overrides the package."""

    admin_roles = ("catalogue_admin", "system_admin")
    list_display = ["date", "weekday", "is_workday", "name", "source"]
    list_filter = ["is_workday", "source"]
    date_hierarchy = "date"
    search_fields = ["name"]

    @admin.display(description="星期")
    def weekday(self, obj: CalendarDay) -> str:
        return "一二三四五六日"[obj.date.weekday()]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        calendar_day_save(obj)

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        calendar_days_delete([obj])

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        calendar_days_delete(list(queryset))


@admin.register(CalendarYear)
class CalendarYearAdmin(RoleAdminMixin, admin.ModelAdmin):
    admin_roles = ("catalogue_admin", "system_admin")
    list_display = ["year", "confirmed", "note"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        calendar_year_save(obj)

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        calendar_years_delete([obj])

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        calendar_years_delete(list(queryset))
