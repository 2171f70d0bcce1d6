"""The admin for 一库共享: the catalogue for catalogue administrators; requests, grants, consents and the
look-up log read-only (they change only through the services; the log never changes)."""

from __future__ import annotations

from django.contrib import admin

from govhall.core.admin_access import ReadOnlyRoleAdmin, RoleAdminMixin

from .models import Consent, DataItem, Grant, LookupLog, Resource, SharingRequest

ROLES = ("system_admin", "catalogue_admin")


class DataItemInline(admin.TabularInline):
    model = DataItem
    extra = 0


@admin.register(Resource)
class ResourceAdmin(RoleAdminMixin, admin.ModelAdmin):
    admin_roles = ROLES
    list_display = ["code", "name", "provider", "sharing_type", "needs_consent"]
    list_filter = ["sharing_type", "provider"]
    search_fields = ["code", "name"]
    inlines = [DataItemInline]


class ReadOnlyAdmin(ReadOnlyRoleAdmin, admin.ModelAdmin):
    admin_roles = ("system_admin", "supervisor")


@admin.register(SharingRequest)
class SharingRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "department", "resource", "state", "due_on"]
    list_filter = ["state"]


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ["id", "department", "resource", "expires_on", "revoked_at"]


@admin.register(LookupLog)
class LookupLogAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "at", "department_label", "case_number", "resource_code", "outcome"]
    list_filter = ["outcome"]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["id", "resource", "given_at", "revoked_at"]
