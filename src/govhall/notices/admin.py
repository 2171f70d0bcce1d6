from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from govhall.core.admin_access import RoleAdminMixin

from .models import Notice, SmsLogEntry
from .services import notices_resend


@admin.register(Notice)
class NoticeAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "channel", "case_number", "title", "state", "attempts", "sent_at"]
    list_filter = ["channel", "state"]
    search_fields = ["case_number"]
    readonly_fields = [f.name for f in Notice._meta.fields]
    actions = ["resend"]

    @admin.action(description="重新发送所选的发送失败短信")
    def resend(self, request: HttpRequest, queryset: QuerySet[Notice]) -> None:
        queued = notices_resend(list(queryset.values_list("pk", flat=True)))
        skipped = queryset.count() - queued
        self.message_user(
            request,
            f"已重新排队发送 {queued} 条短信"
            + (f"，{skipped} 条不是发送失败的短信，未处理" if skipped else ""),
            messages.SUCCESS,
        )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(SmsLogEntry)
class SmsLogAdmin(RoleAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "phone_masked", "text"]
    readonly_fields = ["notice", "text", "created_at", "phone_masked"]
    exclude = ["phone_encrypted"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False
