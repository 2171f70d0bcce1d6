"""电子证照 in a case: a completed case whose item issues a licence issues it to the applicant (or the
enterprise), and a material whose source is a licence type is satisfied (免提交) by the holder's valid licence,
with an audited use record. Both run in the caller's transaction and write a timeline event on the case."""

from __future__ import annotations

from django.db import transaction

from govhall.identity.models import User
from govhall.licences.models import Licence
from govhall.licences.selectors import licence_type_for_ref, licence_types_for_item, valid_licence_of
from govhall.licences.services import licence_issue, licence_use_record

from ..models import Case, CaseMaterial, Satisfaction
from .timeline import event_write


def licences_issue_for_case(case: Case, user: User | None, channel: str) -> list[Licence]:
    """On completion of an approved case: a licence of every type the item issues."""
    if case.decision != "approve":
        return []
    issued = []
    form = case.form
    for licence_type in licence_types_for_item(case.item.implementation_code):
        face = {
            f["name"]: form[f["name"]]
            for f in licence_type.face_fields
            if form.get(f["name"]) not in (None, "")
        }
        licence = licence_issue(
            type=licence_type, holder=case.applicant, enterprise=case.enterprise, face=face,
            source_case=case.number or "", actor=user,
        )  # fmt: skip
        event_write(
            case, user, "licence_issue", case.status, case.status, channel,
            note=f"颁发电子证照 {licence_type.name}（{licence.identifier}）",
            data={"identifier": licence.identifier, "type": licence_type.code},
        )  # fmt: skip
        issued.append(licence)
    return issued


def materials_satisfy_by_licence(case: Case, user: User | None, channel: str) -> list[CaseMaterial]:
    """Each of the item's licence-sourced materials not handed in yet, satisfied by the holder's valid licence
    of that type: a CaseMaterial (satisfied_by=licence, reference=identifier), a use record, an event."""
    handed_in = set(case.materials.values_list("material_id", flat=True))
    created = []
    with transaction.atomic():
        for material in case.item.materials.all():
            if material.source != "licence" or material.pk in handed_in:
                continue
            licence_type = licence_type_for_ref(material.source_ref)
            if licence_type is None:
                continue
            licence = valid_licence_of(licence_type, user=case.applicant, enterprise=case.enterprise)
            if licence is None:
                continue
            created.append(
                CaseMaterial.objects.create(
                    case=case,
                    material=material,
                    satisfied_by=Satisfaction.LICENCE,
                    reference=licence.identifier,
                )
            )
            licence_use_record(
                licence=licence, department=case.department, case_number=case.number or "",
                staff=user if user is not None and user.kind == "staff" else None, purpose=material.name,
            )  # fmt: skip
            event_write(
                case, user, "licence_use", case.status, case.status, channel,
                note=f"免提交：“{material.name}”由电子证照 {licence_type.name}（{licence.identifier}）核验",
                data={"identifier": licence.identifier, "material": material.pk},
            )  # fmt: skip
    return created
