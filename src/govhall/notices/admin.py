from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from govhall.core.admin_access import RoleAdminMixin

from .models import Notice, SmsLogEntry


@admin.register(Notice)
class NoticeAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "channel", "case_number", "title", "state", "attempts", "sent_at"]
    list_filter = ["channel", "state"]
    search_fields = ["case_number"]
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(SmsLogEntry)
class SmsLogAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "phone_masked", "text"]
    readonly_fields = ["notice", "text", "created_at", "phone_masked"]
    exclude = ["phone_encrypted"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False
