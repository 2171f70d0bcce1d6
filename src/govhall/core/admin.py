from django.contrib import admin

from .admin_access import RoleAdminMixin
from .models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["name", "pid", "seen_at"]

    def has_add_permission(self, request, *args):  # type: ignore[no-untyped-def]
        return False
