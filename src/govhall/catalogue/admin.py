"""Catalogue administration: items and materials (drafts editable, published versions read-only),
bundles (一件事) with their items and order, themes and synonyms. Import and export live in admin_views.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as PermissionDeniedError
from django.http import HttpRequest

from govhall.core.admin_access import RoleAdminMixin
from govhall.core.errors import DomainError

from . import selectors, services
from .models import Bundle, BundleEdge, BundleItem, ItemStatus, Material, ServiceItem, Synonym, Theme
from .processes import ProcessInvalid, validate_process

CATALOGUE_ROLES = ("catalogue_admin", "system_admin")


@admin.register(Theme)
class ThemeAdmin(RoleAdminMixin, admin.ModelAdmin):
    admin_roles = CATALOGUE_ROLES
    list_display = ["code", "name", "audience", "order"]
    list_filter = ["audience"]
    list_editable = ["order"]


@admin.register(Synonym)
class SynonymAdmin(RoleAdminMixin, admin.ModelAdmin):
    admin_roles = CATALOGUE_ROLES
    list_display = ["term", "synonym_list"]
    search_fields = ["term"]

    @admin.display(description="对应规范词")
    def synonym_list(self, obj: Synonym) -> str:
        return "、".join(obj.synonyms)


class MaterialInline(admin.StackedInline):
    model = Material
    extra = 0
    fields = [
        ("position", "name", "requirement", "tolerable"), "condition", ("form", "copies", "medium"), ("source", "source_ref"),
        "sample", "common_mistakes", "legal_basis", "notes",
    ]  # fmt: skip

    def _editable(self, obj: ServiceItem | None) -> bool:
        return obj is None or obj.status == ItemStatus.DRAFT

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


PROCESS_FILE_LIMIT = 1024 * 1024


class ServiceItemForm(forms.ModelForm):
    """The item form, with an upload for a custom BPMN process: parsed and checked before it is saved."""

    process_file = forms.FileField(
        label="上传BPMN流程文件", required=False,
        help_text="BPMN 2.0 XML（.bpmn），不超过1MB；每个用户任务须指定办理部门和角色。上传后替换上方的流程内容。",
    )  # fmt: skip

    class Meta:
        model = ServiceItem
        exclude: list[str] = []  # the admin's fieldsets choose what is shown

    def clean_process_file(self) -> str | None:
        upload = self.cleaned_data.get("process_file")
        if not upload:
            return None
        if upload.size > PROCESS_FILE_LIMIT:
            raise forms.ValidationError("BPMN文件不能超过1MB")
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError("BPMN文件应为UTF-8编码的XML") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("process_file"):
            data["process"] = data["process_file"]
        if data.get("process"):
            try:
                promised = data.get("promised_time_limit")
                validate_process(
                    data["process"], promised_days=promised if isinstance(promised, int) else None
                )
            except ProcessInvalid as exc:
                field = "process_file" if self.cleaned_data.get("process_file") else "process"
                self.add_error(field, str(exc))
        return data


@admin.register(ServiceItem)
class ServiceItemAdmin(RoleAdminMixin, admin.ModelAdmin):
    admin_roles = CATALOGUE_ROLES
    form = ServiceItemForm
    change_list_template = "admin/catalogue/serviceitem/change_list.html"
    list_display = [
        "name",
        "implementation_code",
        "version",
        "status",
        "department",
        "case_kind",
        "published_at",
    ]
    list_filter = ["status", "case_kind", "item_type", "department"]
    search_fields = ["name", "implementation_code", "basic_code"]
    filter_horizontal = ["themes"]
    inlines = [MaterialInline]
    actions = ["publish", "new_draft"]
    fieldsets = (
        ("版本", {"fields": ("implementation_code", "basic_code", "version", "status", "published_at")}),
        ("基本信息", {"fields": ("name", "item_type", "department", "level", "region", ("for_person", "for_enterprise"),
                             "themes", "case_kind", "result_name", "result_type")}),
        ("时限与收费", {"fields": (("legal_time_limit", "promised_time_limit"), "special_procedures",
                              "fee_charged", "fee_standard", "fee_basis")}),
        ("办理方式", {"fields": ("visits", "online_depth", ("tag_immediate", "tag_online", "tag_one_visit", "tag_nearby"),
                             "regionwide", "place", "office_hours", "consult_phone", "complaint_phone")}),
        ("指南内容", {"fields": ("legal_basis", "conditions", "process_steps", "keywords", "faqs", "popularity")}),
        ("申请表与审批流程", {"fields": ("form_fields", "process", "process_file", "joint_departments",
                                 "escalation_department", "commitment_allowed")}),
    )  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> Any:
        return selectors.items_manageable_by(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: ServiceItem | None = None) -> Any:
        base = ["version", "status", "published_at"]
        if obj is not None and obj.status != ItemStatus.DRAFT:
            return [f.name for f in ServiceItem._meta.concrete_fields if f.name != "id"] + ["themes"]
        return base

    def get_fieldsets(self, request: HttpRequest, obj: ServiceItem | None = None) -> Any:
        if obj is None or obj.status == ItemStatus.DRAFT:
            return self.fieldsets
        return [(name, {"fields": tuple(f for f in opts["fields"] if f != "process_file")})
                for name, opts in self.fieldsets]  # fmt: skip

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.status == ItemStatus.DRAFT)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "department":
            kwargs["queryset"] = selectors.departments_manageable_by(request.user)
        if db_field.name == "escalation_department":  # 上报件: decided at a higher level
            from govhall.identity.models import Department, RegionLevel

            kwargs["queryset"] = Department.objects.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: ServiceItem, form: Any, change: bool) -> None:
        if not change:
            latest = selectors.item_versions(obj.implementation_code).first()
            obj.version = latest.version + 1 if latest else 1
        try:
            services.item_draft_save(obj, editor=request.user)
        except DomainError as exc:
            raise PermissionDeniedError(exc.message) from exc

    @admin.action(description="发布所选草稿（替代当前发布版本）")
    def publish(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        for item in queryset.filter(status=ItemStatus.DRAFT).select_related("department"):
            try:
                services.item_publish(item)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{item.name}：{exc.message}", messages.ERROR)
        self.message_user(request, f"已发布 {done} 个事项版本")

    @admin.action(description="以所选版本为基础创建新草稿")
    def new_draft(self, request: HttpRequest, queryset: Any) -> None:
        for item in queryset:
            try:
                draft = services.item_draft_create_from(item)
                self.message_user(request, f"已创建“{draft.name}”第{draft.version}版草稿")
            except DomainError as exc:
                self.message_user(request, f"{item.name}：{exc.message}", messages.ERROR)


class _DraftOnlyInline:
    """An inline editable only while its bundle is a draft."""

    def _editable(self, obj: Bundle | None) -> bool:
        return obj is None or obj.status == ItemStatus.DRAFT

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


class BundleItemInline(_DraftOnlyInline, admin.TabularInline):
    model = BundleItem
    extra = 0
    fields = ["position", "item_code", "optional", "condition", "time_limit"]


class BundleEdgeInline(_DraftOnlyInline, admin.TabularInline):
    model = BundleEdge
    extra = 0
    fields = ["before", "after", "on_failure"]


@admin.register(Bundle)
class BundleAdmin(RoleAdminMixin, admin.ModelAdmin):
    """一件事: platform catalogue administrators (and system administrators) keep them, since a bundle spans
    departments. Publishing checks the whole: items published, order acyclic, shared fields and materials."""

    admin_roles = CATALOGUE_ROLES
    list_display = [
        "name",
        "code",
        "version",
        "status",
        "lead_department",
        "promised_time_limit",
        "published_at",
    ]
    list_filter = ["status", "audience", "lead_department"]
    search_fields = ["name", "code"]
    filter_horizontal = ["themes"]
    inlines = [BundleItemInline, BundleEdgeInline]
    actions = ["publish", "new_draft"]
    fieldsets = (
        ("版本", {"fields": ("code", "version", "status", "published_at")}),
        ("基本信息", {"fields": ("name", "summary", "audience", "region", "lead_department", "themes",
                             "promised_time_limit", "keywords")}),
        ("指南内容", {"fields": ("conditions", "results", "legal_basis", "place", "office_hours", "consult_phone",
                             "complaint_phone", "faqs", "popularity")}),
        ("一张表单、一套材料", {"fields": ("shared_fields", "shared_materials")}),
    )  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)
        return queryset if selectors.manages_whole_catalogue(request.user) else queryset.none()

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request) and selectors.manages_whole_catalogue(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Bundle | None = None) -> Any:
        if obj is not None and obj.status != ItemStatus.DRAFT:
            return [f.name for f in Bundle._meta.concrete_fields if f.name != "id"] + ["themes"]
        return ["version", "status", "published_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.status == ItemStatus.DRAFT)

    def save_model(self, request: HttpRequest, obj: Bundle, form: Any, change: bool) -> None:
        try:
            services.bundle_draft_save(obj)
        except DomainError as exc:
            raise PermissionDeniedError(exc.message) from exc

    @admin.action(description="发布所选草稿（检查事项、顺序、共用字段和材料，替代当前发布版本）")
    def publish(self, request: HttpRequest, queryset: Any) -> None:
        done = 0
        for bundle in queryset.filter(status=ItemStatus.DRAFT):
            try:
                services.bundle_publish(bundle)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{bundle.name}：{exc.message}", messages.ERROR)
        self.message_user(request, f"已发布 {done} 个一件事版本")

    @admin.action(description="以所选版本为基础创建新草稿")
    def new_draft(self, request: HttpRequest, queryset: Any) -> None:
        for bundle in queryset:
            try:
                draft = services.bundle_draft_create_from(bundle)
                self.message_user(request, f"已创建“{draft.name}”第{draft.version}版草稿")
            except DomainError as exc:
                self.message_user(request, f"{bundle.name}：{exc.message}", messages.ERROR)
