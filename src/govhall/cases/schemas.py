"""Cases API schemas: what a client sends (applications, drafts, staff actions) and every answer about a case.

Personal data is masked here, in one place: the applicant's ID and phone numbers in the form, and the
delivery address, are shown in full only to the staff who handle the case (``sees_full_personal_data``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from govhall.core.schemas import Code, LongText, ShortText, Text500

from .documents import document_links
from .materials import superseded
from .models import BundleCase, Case, CaseMaterial, CaseTask, Upload
from .permissions import case_actions, sees_full_personal_data
from .selectors import BundleCaseView, TimelineEntry, case_form_shown, case_timeline, deadlines_estimated
from .tolerance import ToleratedGap
from .transitions import STATUS_LABELS
from .transitions import Status as CaseStatus

# --- input ---------------------------------------------------------------------------------------------------


class MaterialIn(Schema):
    material: int
    upload: Code


class ToleratedGapIn(Schema):
    """容缺材料：a secondary material not handed in, to be handed in by ``due``."""

    material: int = Field(description="申请材料编号（须在本事项的容缺受理清单中）")
    due: dt.date = Field(description="补交日期：工作日，晚于今天且不晚于承诺办结日期")

    def gap(self) -> ToleratedGap:
        return ToleratedGap(material=self.material, due=self.due)


class CaseIn(Schema):
    item: Code = Field(description="事项实施编码")
    form: dict[str, Any] = {}
    materials: list[MaterialIn] = Field([], max_length=200)
    tolerated_gaps: list[ToleratedGapIn] = Field(
        [], description="容缺材料（仅窗口工作人员）：未提交的可容缺材料及补交日期"
    )
    on_behalf_of: Code | None = Field(
        None, description="窗口代办：申请人的公民身份号码（18位，含校验码）或手机号（11位）"
    )
    enterprise: Code | None = Field(None, description="以法人身份申请时，单位的统一社会信用代码")


class DraftIn(Schema):
    item: Code | None = None
    form: dict[str, Any] | None = None
    materials: list[MaterialIn] | None = Field(None, max_length=200)
    enterprise: Code | None = None


class ReasonIn(Schema):
    reason: LongText = ""
    legal_basis: Text500 = ""


class AcceptIn(Schema):
    tolerated_gaps: list[ToleratedGapIn] | None = Field(
        None, description="容缺材料：未提交的可容缺材料及补交日期；省略时沿用窗口收件时登记的容缺材料"
    )
    commitment: bool = False


class CorrectionIn(Schema):
    items: list[Text500] = Field([], max_length=50)


class ResubmitIn(Schema):
    form: dict[str, Any] | None = None
    materials: list[MaterialIn] = Field([], max_length=200)


class SuspendIn(Schema):
    reason: LongText = ""
    kind: Code = "other"


class IssueIn(Schema):
    method: Code = "window"
    address: ShortText = ""
    carrier: Code = ""
    tracking_number: Code = ""


class TaskCompleteIn(Schema):
    decision: str = Field(
        description="审查环节：approve（同意）、object（有异议，须写理由）、return（退回）；"
        "决定环节：approve（准予许可）、deny（不予许可，须写理由和法律依据）、return（退回）；"
        "告知承诺核查：pass（核查合格）、fail（核查不合格，撤销决定，须写理由）"
    )
    opinion: LongText = ""
    legal_basis: Text500 = ""


# --- output --------------------------------------------------------------------------------------------------


class UploadOut(Schema):
    id: str
    name: str
    content_type: str
    size: int

    @classmethod
    def of(cls, u: Upload) -> UploadOut:
        return cls(id=str(u.pk), name=u.original_name, content_type=u.content_type, size=u.size)


class CaseItemOut(Schema):
    implementation_code: str
    name: str
    version: int


class DeadlinesOut(Schema):
    promised_due: dt.date | None
    legal_due: dt.date | None
    suspended_workdays: int
    estimated: bool = Field(
        description="true when a due date falls in or crosses a year whose holidays are estimated "
        "(not yet published: statutory holidays counted, 调休 not known)"
    )


class EventOut(Schema):
    """One timeline event: who, when, through which channel, what. The applicant side reads it without the
    process's internal steps, staff named by their department or window; staff read every step."""

    at: dt.datetime
    actor: str
    channel: str
    channel_label: str
    action: str
    action_label: str
    status: str
    note: str

    @classmethod
    def of(cls, e: TimelineEntry) -> EventOut:
        return cls(
            at=e.at, actor=e.actor, channel=e.channel, channel_label=e.channel_label, action=e.action,
            action_label=e.label, status=e.status, note=e.note,
        )  # fmt: skip


def task_kind(t: CaseTask) -> str:
    if t.step == "commitment_verify":
        return "verification"
    return "decision" if t.decides else "review"


class TaskOut(Schema):
    id: int
    name: str
    department: str
    kind: str = Field(description="review（审查：提出意见）、decision（决定）或 verification（告知承诺核查）")
    state: str
    due_on: dt.date | None
    decision: str
    opinion: str

    @classmethod
    def of(cls, t: CaseTask) -> TaskOut:
        return cls(
            id=t.pk,
            name=t.name,
            department=t.department.name,
            kind=task_kind(t),
            state=t.state,
            due_on=t.due_on,
            decision=t.decision,
            opinion=t.opinion,
        )


class CaseMaterialOut(Schema):
    id: int
    material: str
    satisfied_by: str = Field(
        description="upload（上传文件）、licence（电子证照）或 shared_data（共享数据），后两者免提交"
    )
    reference: str = Field(description="免提交时：证照标识或数据核验编号；上传文件时为空")
    file_name: str = Field(description="上传文件的文件名；免提交时为空")
    size: int
    url: str | None = Field(description="下载上传文件的地址；免提交时为空")
    superseded: bool = Field(False, description="已被替换：a later file for the same material counts instead")

    @classmethod
    def of(cls, case: Case, cm: CaseMaterial, replaced: set[int] | None = None) -> CaseMaterialOut:
        upload = cm.upload
        return cls(
            id=cm.pk,
            material=cm.material.name,
            satisfied_by=cm.satisfied_by,
            reference=cm.reference,
            file_name=upload.original_name if upload else "",
            size=upload.size if upload else 0,
            url=reverse("api:case_file", args=[case.number, cm.pk]) if upload else None,
            superseded=cm.pk in (replaced or set()),
        )


class OwedMaterialOut(Schema):
    """容缺后补：a material accepted as missing, owed by ``due``."""

    material: int
    name: str
    due: dt.date


def _materials_out(case: Case) -> list[CaseMaterialOut]:
    replaced = superseded(case.materials.all())
    return [CaseMaterialOut.of(case, cm, replaced) for cm in case.materials.all()]


class DocumentOut(Schema):
    name: str
    url: str


class CaseOut(Schema):
    """A case as its applicant or a member of staff with access sees it."""

    number: str | None
    status: str
    status_label: str
    item: CaseItemOut
    department: str
    applicant_name: str
    channel: str
    submitted_at: dt.datetime | None
    accepted_at: dt.datetime | None
    completed_at: dt.datetime | None
    decision: str
    deadlines: DeadlinesOut
    corrections: int
    owed_materials: list[OwedMaterialOut] = Field(description="容缺后补：尚未补交的容缺材料及补交日期")
    delivery: dict[str, Any] = Field(description="出件方式；地址仅对经办人员显示")
    form: dict[str, Any] = Field(description="申请表；身份证号、电话仅对经办人员完整显示")
    timeline: list[EventOut]
    tasks: list[TaskOut]
    materials: list[CaseMaterialOut]
    documents: list[DocumentOut]
    actions: list[str] = Field(
        description="调用者此刻可以对本办件执行的操作（按状态流转表和调用者的角色、部门、地区）"
    )

    @classmethod
    def of(cls, case: Case, viewer: Any) -> CaseOut:
        full = sees_full_personal_data(case, viewer)
        status = CaseStatus(case.status)
        return cls(
            number=case.number,
            status=case.status,
            status_label=STATUS_LABELS[status],
            item=CaseItemOut(
                implementation_code=case.item.implementation_code,
                name=case.item.name,
                version=case.item.version,
            ),
            department=case.department.name,
            applicant_name=case.applicant_name,
            channel=case.channel,
            submitted_at=case.submitted_at,
            accepted_at=case.accepted_at,
            completed_at=case.completed_at,
            decision=case.decision,
            deadlines=DeadlinesOut(
                promised_due=case.promised_due,
                legal_due=case.legal_due,
                suspended_workdays=case.suspended_workdays,
                estimated=deadlines_estimated(case),
            ),
            corrections=case.corrections,
            owed_materials=[OwedMaterialOut(**o) for o in case.owed_materials],
            delivery=case.delivery if full else {k: v for k, v in case.delivery.items() if k != "address"},
            form=case_form_shown(case, viewer),
            timeline=[EventOut.of(e) for e in case_timeline(case, viewer)],
            tasks=[TaskOut.of(t) for t in case.tasks.all()],
            materials=_materials_out(case),
            documents=[DocumentOut(name=name, url=url) for name, url in document_links(case)],
            actions=[a.value for a in case_actions(case, viewer)],
        )


class CaseRow(Schema):
    """A line of the applicant's case list; a draft has ``draft_id`` and no number."""

    number: str | None
    draft_id: int | None
    item: str
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    promised_due: dt.date | None

    @classmethod
    def of(cls, c: Case) -> CaseRow:
        return cls(
            number=c.number,
            draft_id=c.pk if c.status == CaseStatus.DRAFT else None,
            item=c.item.name,
            status=c.status,
            status_label=c.status_label,
            submitted_at=c.submitted_at,
            promised_due=c.promised_due,
        )


class CasePage(Schema):
    count: int
    items: list[CaseRow]


class DraftOut(Schema):
    id: int
    status: str
    item: str


class DraftFormOut(Schema):
    id: int
    status: str
    form: dict[str, Any]


class TaskRow(Schema):
    """A line of a staff member's to-do list."""

    id: int
    case: str | None
    item: str
    applicant_name: str
    name: str
    kind: str = Field(description="review（审查：提出意见）、decision（决定）或 verification（告知承诺核查）")
    role: str
    state: str
    due_on: dt.date | None
    claimed_by: str | None
    case_promised_due: dt.date | None

    @classmethod
    def of(cls, t: CaseTask) -> TaskRow:
        return cls(
            id=t.pk,
            case=t.case.number,
            item=t.case.item.name,
            applicant_name=t.case.applicant_name,
            name=t.name,
            kind=task_kind(t),
            role=t.role,
            state=t.state,
            due_on=t.due_on,
            claimed_by=t.claimed_by.display_name if t.claimed_by else None,
            case_promised_due=t.case.promised_due,
        )


class TaskPage(Schema):
    count: int
    items: list[TaskRow]


class TaskStateOut(Schema):
    id: int
    state: str


class ProgressStepOut(Schema):
    at: dt.datetime
    action_label: str


class ProgressCaseOut(Schema):
    number: str
    item: str
    status: str
    status_label: str


class ProgressOut(Schema):
    number: str
    item: str
    department: str
    status: str
    status_label: str
    submitted_at: dt.datetime | None
    accepted_at: dt.datetime | None
    promised_due: dt.date | None
    completed_at: dt.datetime | None
    steps: list[ProgressStepOut]
    cases: list[ProgressCaseOut] = Field(
        [], description="一件事：各事项的办件与状态（办件编号以 YJS 开头时）"
    )

    @classmethod
    def of_bundle(cls, view: BundleCaseView) -> ProgressOut:
        """A bundle case's public progress: the bundle as a whole and each item's status, nothing personal."""
        bundle_case = view.bundle_case
        return cls(
            number=bundle_case.number,
            item=bundle_case.bundle.name,
            department=bundle_case.bundle.lead_department.name,
            status=bundle_case.state,
            status_label=bundle_case.get_state_display(),
            submitted_at=bundle_case.submitted_at,
            accepted_at=None,
            promised_due=bundle_case.promised_due,
            completed_at=bundle_case.completed_at,
            steps=[],
            cases=[
                ProgressCaseOut(number=c.number or "", item=c.item.name, status=c.status,
                                status_label=c.status_label)
                for c in view.cases
            ],
        )  # fmt: skip

    @classmethod
    def of(cls, case: Case) -> ProgressOut:
        """The public progress answer: no personal data beyond the name the caller already gave."""
        return cls(
            number=case.number or "",
            item=case.item.name,
            department=case.department.name,
            status=case.status,
            status_label=case.status_label,
            submitted_at=case.submitted_at,
            accepted_at=case.accepted_at,
            promised_due=case.promised_due,
            completed_at=case.completed_at,
            steps=[ProgressStepOut(at=e.at, action_label=e.action_label) for e in getattr(case, "steps", [])],
            cases=[],
        )


class LookupIn(Schema):
    resource: Code = Field(description="资源代码")
    items: list[Code] = Field(max_length=100, description="查询的信息项标识")
    subject: Code | None = Field(
        None, description="查询对象的证件号码或统一社会信用代码；不填为该办件的申请人（或申请单位）"
    )


class SnapshotOut(Schema):
    id: int
    resource: str
    resource_name: str
    data_items: list[str]
    digest: str = Field(description="数据的 SM3 摘要")
    lookup: int = Field(description="查询日志编号")
    at: dt.datetime


class LookupOut(Schema):
    """The data a look-up returned, and the material it satisfied (免提交), if the item has one for it."""

    data: dict[str, Any]
    snapshot: SnapshotOut
    material: CaseMaterialOut | None

    @classmethod
    def of(cls, done: Any) -> LookupOut:
        s = done.snapshot
        material = CaseMaterialOut.of(s.case, done.material) if done.material else None
        return cls(
            data=done.data,
            snapshot=SnapshotOut(
                id=s.pk, resource=s.resource_code, resource_name=s.resource_name, data_items=s.data_items,
                digest=s.digest, lookup=s.lookup_id, at=s.at,
            ),
            material=material,
        )  # fmt: skip


class MaterialPlanOut(Schema):
    """零证明: how one material of the item will be handed in by this applicant."""

    material: int = Field(description="材料编号（提交时 materials[].material）")
    name: str
    required: bool
    way: Literal["upload", "licence", "shared_data"] = Field(
        description="upload：须上传；licence：由电子证照自动调取；shared_data：提交时查询共享数据核验"
    )
    paperless: bool = Field(description="免提交：无需上传")
    consent_needed: bool = Field(description="该共享数据须经本人授权（POST /me/data-consents），授权前须上传")
    note: str = Field(description="免提交材料的来源，或须上传的原因")
    licence: str | None = Field(None, description="调取的电子证照标识")
    resource: str | None = Field(None, description="核验的共享数据资源代码")

    @classmethod
    def of(cls, row: Any) -> MaterialPlanOut:
        return cls(
            material=row.material.pk, name=row.material.name, required=row.material.requirement == "required",
            way=row.way, paperless=row.paperless, consent_needed=row.consent_needed, note=row.note,
            licence=row.licence.identifier if row.licence else None,
            resource=row.resource.code if row.resource else None,
        )  # fmt: skip


class MaterialPlanPage(Schema):
    count: int
    items: list[MaterialPlanOut]


class BundleCaseIn(Schema):
    bundle: Code = Field(description="一件事编码，如 birth")
    form: dict[str, Any] = Field({}, description="一件事的一张表单：字段名见 GET /bundles/{code} 的 form")
    materials: list[MaterialIn] = Field(
        [],
        max_length=200,
        description="一套材料：material 为 GET /bundles/{code} 中材料的 id，一份上传服务所有需要它的事项",
    )
    items: list[Code] = Field([], max_length=50, description="选办事项的实施编码（必办事项无需列出）")
    on_behalf_of: Code | None = Field(None, description="窗口受理：在场申请人的公民身份号码或手机号")
    enterprise: Code | None = Field(None, description="以法人身份申请时，单位的统一社会信用代码")


class BundleCaseItemOut(Schema):
    number: str
    item: str = Field(description="事项实施编码")
    item_name: str
    department: str
    status: str
    status_label: str
    waits_for: list[str] = Field(description="须先办结的事项实施编码")
    on_critical_path: bool
    held: str = Field(description="前序事项未办成而暂缓的原因；为空表示未暂缓")
    promised_due: dt.date | None


class BundleCaseOut(Schema):
    number: str
    bundle: str
    bundle_name: str
    version: int
    status: str
    status_label: str
    submitted_at: dt.datetime
    promised_due: dt.date
    promised_due_estimated: bool
    completed_at: dt.datetime | None
    delivered_at: dt.datetime | None
    delivery_method: str
    done: int
    total: int
    critical_path: list[str]
    cases: list[BundleCaseItemOut]

    @classmethod
    def of(cls, view: BundleCaseView) -> BundleCaseOut:
        bundle_case = view.bundle_case
        return cls(
            number=bundle_case.number, bundle=bundle_case.bundle.code, bundle_name=bundle_case.bundle.name,
            version=bundle_case.bundle.version, status=bundle_case.state,
            status_label=bundle_case.get_state_display(), submitted_at=bundle_case.submitted_at,
            promised_due=bundle_case.promised_due, promised_due_estimated=bundle_case.estimated_due,
            completed_at=bundle_case.completed_at, delivered_at=bundle_case.delivered_at,
            delivery_method=str(bundle_case.delivery.get("method", "")), done=view.done, total=view.total,
            critical_path=[g.code for g in view.critical_path],
            cases=[
                BundleCaseItemOut(
                    number=r.case.number or "", item=r.guide.code, item_name=r.case.item.name,
                    department=r.case.department.name, status=r.case.status, status_label=r.case.status_label,
                    waits_for=[i.implementation_code for i in r.guide.waits_for],
                    on_critical_path=r.on_critical_path, held=r.case.bundle_hold,
                    promised_due=r.case.promised_due,
                )
                for r in view.rows
                if r.case is not None
            ],
        )  # fmt: skip


class BundleCaseRowOut(Schema):
    number: str
    bundle: str
    bundle_name: str
    status: str
    status_label: str
    submitted_at: dt.datetime
    promised_due: dt.date

    @classmethod
    def of(cls, bundle_case: BundleCase) -> BundleCaseRowOut:
        return cls(
            number=bundle_case.number, bundle=bundle_case.bundle.code, bundle_name=bundle_case.bundle.name,
            status=bundle_case.state, status_label=bundle_case.get_state_display(),
            submitted_at=bundle_case.submitted_at, promised_due=bundle_case.promised_due,
        )  # fmt: skip


class BundleCasePage(Schema):
    count: int
    items: list[BundleCaseRowOut]


class BundleDeliverIn(Schema):
    method: Literal["window", "express"] = "window"
    address: ShortText = ""
    carrier: ShortText = ""
    tracking_number: ShortText = ""
