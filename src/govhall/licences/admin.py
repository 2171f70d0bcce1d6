"""Admin: system administrators maintain licence types; keys, licences and their records are read-only here
(licences are issued, revoked and replaced only through the services)."""

from __future__ import annotations

from django.contrib import admin

from govhall.core.admin_access import ReadOnlyRoleAdmin, RoleAdminMixin

from .models import IssuerKey, Licence, LicenceAuthorisation, LicenceEvent, LicenceType, LicenceUse


@admin.register(LicenceType)
class LicenceTypeAdmin(RoleAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "department", "holder_kind", "validity_years"]
    search_fields = ["code", "name"]


class ReadOnlyAdmin(ReadOnlyRoleAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    admin_roles = ("system_admin", "supervisor")


@admin.register(IssuerKey)
class IssuerKeyAdmin(ReadOnlyAdmin):
    list_display = ["department", "public_key", "created_at", "retired_at"]
    exclude = ["private_key_enc"]


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    list_display = ["identifier", "type", "holder_name", "issuer", "issued_on", "valid_until", "status"]
    list_filter = ["status", "type"]
    search_fields = ["identifier", "source_case"]
    exclude = ["holder_id_enc", "signature"]


@admin.register(LicenceEvent)
class LicenceEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "licence", "kind", "actor_label", "note"]


@admin.register(LicenceAuthorisation)
class LicenceAuthorisationAdmin(ReadOnlyAdmin):
    list_display = ["licence", "department", "case_number", "valid_until", "revoked_at"]


@admin.register(LicenceUse)
class LicenceUseAdmin(ReadOnlyAdmin):
    list_display = ["at", "licence", "department", "case_number", "staff"]
