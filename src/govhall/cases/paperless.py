"""零证明 at application: for each material of an item, how this applicant will hand it in — a file, the
holder's valid e-licence, or a look-up of shared data by the item's department under its grant — and, for a
licence or shared-data material that cannot be satisfied, why the applicant must upload it after all.

Read-only: the page shows the plan, the submission follows it (``services.paperless`` does the look-ups)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from govhall.catalogue.models import Material, MaterialSource, Requirement, ServiceItem
from govhall.core import crypto
from govhall.identity.models import Enterprise, User
from govhall.licences.models import Licence
from govhall.licences.selectors import licence_type_for_ref, valid_licence_of
from govhall.sharing.models import Resource, SharingType, SubjectType
from govhall.sharing.selectors import grants_of_department, resource_for_material
from govhall.sharing.services import consent_live

from .models import Satisfaction


@dataclass(frozen=True)
class MaterialPlan:
    """How one material will be handed in. ``way`` is a Satisfaction; ``note`` says where a 免提交 material
    comes from, or why a licence / shared-data material must be uploaded after all."""

    material: Material
    way: str
    note: str = ""
    licence: Licence | None = None
    resource: Resource | None = None
    consent_needed: bool = False  # shared data that needs the applicant's consent, not given yet

    @property
    def paperless(self) -> bool:
        return self.way != Satisfaction.UPLOAD and not self.consent_needed

    @property
    def must_upload(self) -> bool:
        """A required material the applicant hands in as a file (a consent not given counts as not given)."""
        return self.material.requirement == Requirement.REQUIRED and not self.paperless


def materials_plan(
    item: ServiceItem,
    applicant: User,
    enterprise: Enterprise | None,
    *,
    consents: Iterable[str] = (),
) -> list[MaterialPlan]:
    """The plan for every material of the item, in the guide's order. ``consents``: the resource codes the
    applicant agrees to now (the page's ticks), besides the consents already on record."""
    who = _Applying(applicant, enterprise, item.department.name, _granted_resources(item), set(consents))
    return [_plan(m, who) for m in item.materials.all()]


@dataclass(frozen=True)
class _Applying:
    """Who applies, the item's department, the resources it may look up for the item, the consents given now."""

    applicant: User
    enterprise: Enterprise | None
    department: str
    granted: set[str]
    agreed: set[str]


def paperless_ids(plan: Iterable[MaterialPlan]) -> set[int]:
    return {p.material.pk for p in plan if p.paperless}


def _granted_resources(item: ServiceItem) -> set[str]:
    """The resources the item's department may look up for this item today."""
    grants = grants_of_department(item.department_id, timezone.localdate())
    return {g.resource.code for g in grants if item.implementation_code in g.item_codes}


def _plan(material: Material, who: _Applying) -> MaterialPlan:
    if material.source == MaterialSource.LICENCE:
        return _licence_plan(material, who.applicant, who.enterprise)
    if material.source == MaterialSource.SHARED_DATA:
        return _shared_plan(material, who)
    return MaterialPlan(material, Satisfaction.UPLOAD)


def _licence_plan(material: Material, applicant: User, enterprise: Enterprise | None) -> MaterialPlan:
    licence_type = licence_type_for_ref(material.source_ref)
    if licence_type is None:
        return MaterialPlan(material, Satisfaction.UPLOAD, f"“{material.source_ref}”尚未发放电子证照，请上传")
    licence = valid_licence_of(licence_type, user=applicant, enterprise=enterprise)
    if licence is None:
        holder = "申请单位" if enterprise else "您"
        return MaterialPlan(
            material, Satisfaction.UPLOAD, f"未查到{holder}持有的有效电子证照“{licence_type.name}”，请上传"
        )
    until = f"，有效期至{licence.valid_until:%Y-%m-%d}" if licence.valid_until else ""
    note = f"由电子证照“{licence_type.name}”（{licence.identifier}{until}）自动调取"
    return MaterialPlan(material, Satisfaction.LICENCE, note, licence=licence)


def _shared_plan(material: Material, who: _Applying) -> MaterialPlan:
    applicant, enterprise = who.applicant, who.enterprise
    resource = resource_for_material(material.source_ref)
    if resource is None or resource.sharing_type == SharingType.NOT_SHARED:
        return MaterialPlan(material, Satisfaction.UPLOAD, f"“{material.source_ref}”尚未接入共享数据，请上传")
    if resource.subject_type == SubjectType.ENTERPRISE and enterprise is None:
        return MaterialPlan(material, Satisfaction.UPLOAD, "以个人身份申请时不能调取单位的共享数据，请上传")
    if resource.subject_type == SubjectType.PERSON and not applicant.id_number_hash:
        return MaterialPlan(material, Satisfaction.UPLOAD, "申请人未完成实名认证，不能调取共享数据，请上传")
    if resource.code not in who.granted:
        return MaterialPlan(material, Satisfaction.UPLOAD, f"本事项尚未开通“{resource.name}”共享核验，请上传")
    note = f"提交后由{who.department}查询“{resource.name}”（{resource.provider.name}）核验"
    consent_needed = (
        resource.needs_consent
        and resource.code not in who.agreed
        and not consent_live(subject_hash=_subject_hash(resource, applicant, enterprise), resource=resource)
    )
    return MaterialPlan(
        material, Satisfaction.SHARED_DATA, note, resource=resource, consent_needed=consent_needed
    )


def _subject_hash(resource: Resource, applicant: User, enterprise: Enterprise | None) -> str:
    if resource.subject_type == SubjectType.ENTERPRISE and enterprise is not None:
        return crypto.lookup_hash(enterprise.uscc)
    return str(applicant.id_number_hash or "")
