"""Case lifecycles against the database: every case kind, corrections, gaps, commitment, suspension,
return, refusal, denial, idempotency and permissions."""

import datetime as dt

import pytest
import time_machine

from govhall.cases.models import Case, CaseEvent, CaseTask, Channel
from govhall.cases.services import case_act, case_submit, task_claim, task_complete, upload_store
from govhall.cases.tolerance import ToleratedGap
from govhall.cases.transitions import Action, Status
from govhall.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.factories.cases import PDF, PNG, ofd_bytes, registered_with_gaps, submit
from tests.fixtures.clock import CST

pytestmark = pytest.mark.django_db


def open_tasks(case):
    return list(CaseTask.objects.filter(case=case, state__in=["open", "claimed"]).order_by("id"))


def approve_all(case, people):
    for task in open_tasks(case):
        user = next(
            p
            for p in people
            if p.department_id == task.department_id
            and (task.role != "department_head" or p.has_role("department_head"))
        )
        task_complete(task_id=task.pk, user=user, decision="approve", opinion="同意")


def test_promised_case_from_submission_to_completion(media, items, staff, applicant):
    case = submit(items["promised"], applicant)
    assert case.status == Status.SUBMITTED and case.number.startswith("330523-")
    case = case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT, channel=Channel.WINDOW)
    assert case.status == Status.ACCEPTED and case.promised_due and case.legal_due >= case.promised_due
    [review] = open_tasks(case)
    assert review.name == "审查" and review.department == items["promised"].department
    task_claim(task_id=review.pk, user=staff["approver"])
    task_complete(task_id=review.pk, user=staff["approver"], decision="approve", opinion="材料齐全")
    [decide] = open_tasks(case)
    assert decide.role == "department_head"
    with pytest.raises(PermissionDenied):
        task_complete(task_id=decide.pk, user=staff["approver"], decision="approve", opinion="")
    case = task_complete(task_id=decide.pk, user=staff["head"], decision="approve", opinion="准予")
    assert case.status == Status.DECIDED and case.decision == "approve"
    case = case_act(
        number=case.number,
        user=staff["clerk"],
        action=Action.ISSUE,
        method="express",
        address="递铺街道1号",
        carrier="EMS",
        tracking_number="1234567890",
    )
    case = case_act(number=case.number, user=staff["clerk"], action=Action.COMPLETE)
    assert case.status == Status.COMPLETED and case.completed_at
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["submit", "accept", "claim", "task", "task", "decide", "issue", "complete"]


def test_instant_case_completes_in_one_step(media, items, staff, applicant):
    case = submit(items["instant"], applicant)
    case = case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT, channel=Channel.WINDOW)
    case.refresh_from_db()
    assert case.status == Status.COMPLETED and case.decision == "approve"
    assert not open_tasks(case)


def test_joint_case_is_reviewed_in_parallel(media, items, staff, applicant):
    case = submit(items["joint"], applicant)
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    reviews = open_tasks(case)
    assert {t.department.code for t in reviews} == {"rsj", "scjgj"} and {t.step for t in reviews} == {
        "joint_review"
    }
    task_complete(task_id=reviews[1].pk, user=staff["joint"], decision="approve", opinion="同意")
    assert [t.step for t in open_tasks(case)] == ["joint_review"]
    task_complete(task_id=reviews[0].pk, user=staff["approver"], decision="approve", opinion="同意")
    [decide] = open_tasks(case)
    case = task_complete(task_id=decide.pk, user=staff["head"], decision="approve", opinion="准予")
    assert case.status == Status.DECIDED


def test_joint_department_staff_can_see_but_other_departments_cannot(media, items, staff, applicant):
    from govhall.cases.permissions import can_view

    case = submit(items["promised"], applicant)
    assert not can_view(case, staff["joint"])
    assert can_view(case, staff["approver"]) and can_view(case, staff["clerk"]) and can_view(case, applicant)


def test_escalated_case_is_decided_by_the_higher_level(media, items, staff, applicant):
    from tests.factories import make_staff

    city_head = make_staff(
        username="cityhead", department=items["escalated"].escalation_department, roles=["department_head"]
    )
    case = submit(items["escalated"], applicant)
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    approve_all(case, [staff["approver"]])
    [decide] = open_tasks(case)
    assert decide.department.code == "city"
    with pytest.raises(NotFound):
        task_complete(task_id=decide.pk, user=staff["head"], decision="approve", opinion="")
    case = task_complete(task_id=decide.pk, user=city_head, decision="approve", opinion="同意")
    assert case.status == Status.DECIDED


def test_correction_and_resubmission_before_acceptance(media, items, staff, applicant):
    case = submit(items["promised"], applicant)
    case = case_act(
        number=case.number,
        user=staff["clerk"],
        action=Action.REQUEST_CORRECTION,
        items=["身份证复印件不清晰", "缺少申请表签字"],
    )
    assert case.status == Status.CORRECTION and case.corrections == 1
    event = CaseEvent.objects.filter(case=case, action="request_correction").get()
    assert event.data["items"] == ["身份证复印件不清晰", "缺少申请表签字"]
    upload = upload_store(owner=applicant, name="new.png", data=PNG)
    material = items["promised"].materials.first()
    case = case_act(
        number=case.number, user=applicant, action=Action.RESUBMIT, materials=[(material.pk, str(upload.pk))]
    )
    assert case.status == Status.SUBMITTED and case.materials.count() == 3
    with pytest.raises(ValidationFailed):
        case_act(number=case.number, user=staff["clerk"], action=Action.REQUEST_CORRECTION, items=[])


def test_correction_after_acceptance_stops_the_clock(media, items, staff, applicant):
    # 2026 National Day: 10-01..10-07 off, Saturday 10-10 worked (国办发明电〔2025〕7号)
    with time_machine.travel(dt.datetime(2026, 9, 29, 10, tzinfo=CST), tick=False):
        case = submit(items["promised"], applicant)
        case = case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
        assert case.promised_due == dt.date(2026, 10, 12)  # 09-30, 10-08, 10-09, 10-10, 10-12
        case = case_act(
            number=case.number, user=staff["approver"], action=Action.REQUEST_CORRECTION, items=["补充说明"]
        )
    with time_machine.travel(dt.datetime(2026, 10, 12, 15, tzinfo=CST), tick=False):
        case = case_act(number=case.number, user=applicant, action=Action.RESUBMIT)
    assert case.status == Status.ACCEPTED
    assert case.suspended_workdays == 5  # the same five working days
    assert case.promised_due == dt.date(2026, 10, 19)  # 10-13, 14, 15, 16, 19
    assert case.corrections == 1


@pytest.mark.clock("2026-11-18T10:00")  # expected dates worked out for this day
def test_suspension_and_resume(media, items, staff, applicant):
    case = submit(items["promised"], applicant)
    case = case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    case = case_act(
        number=case.number, user=staff["approver"], action=Action.SUSPEND, kind="expert", reason="专家评审"
    )
    assert case.status == Status.SUSPENDED
    [review] = open_tasks(case)
    assert review.due_on == dt.date(2026, 11, 23)  # 3 working days after acceptance
    with pytest.raises(Conflict):
        task_complete(task_id=review.pk, user=staff["approver"], decision="approve", opinion="")
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=CST), tick=False):
        case = case_act(number=case.number, user=staff["approver"], action=Action.RESUME, reason="评审完成")
    assert case.status == Status.ACCEPTED and case.suspended_workdays == 2
    review.refresh_from_db()
    assert review.due_on == dt.date(2026, 11, 25)  # the step's due date moves with the stopped clock
    with pytest.raises(ValidationFailed):
        case_act(number=case.number, user=staff["approver"], action=Action.SUSPEND, kind="nap", reason="x")


def test_return_to_previous_step(media, items, staff, applicant):
    case = submit(items["promised"], applicant)
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    [review] = open_tasks(case)
    with pytest.raises(Conflict):
        task_complete(task_id=review.pk, user=staff["approver"], decision="return", opinion="退回")
    task_complete(task_id=review.pk, user=staff["approver"], decision="approve", opinion="同意")
    [decide] = open_tasks(case)
    with pytest.raises(ValidationFailed):
        task_complete(task_id=decide.pk, user=staff["head"], decision="return", opinion="")
    task_complete(task_id=decide.pk, user=staff["head"], decision="return", opinion="请补充审查意见")
    [again] = open_tasks(case)
    assert again.step == "review"


def test_refusal_needs_reason_and_basis(media, items, staff, applicant):
    case = submit(items["promised"], applicant)
    with pytest.raises(ValidationFailed) as err:
        case_act(number=case.number, user=staff["clerk"], action=Action.REFUSE, reason="不属于受理范围")
    assert err.value.field == "legal_basis"
    case = case_act(
        number=case.number,
        user=staff["clerk"],
        action=Action.REFUSE,
        reason="不属于受理范围",
        legal_basis="《行政许可法》第三十二条",
    )
    assert case.status == Status.REFUSED
    with pytest.raises(Conflict) as err:
        case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    assert "不予受理" in err.value.message


def test_denial_needs_a_legal_basis_and_ends_the_process(media, items, staff, applicant):
    case = submit(items["promised"], applicant)
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    [review] = open_tasks(case)
    task_complete(task_id=review.pk, user=staff["approver"], decision="object", opinion="不符合条件")
    [decide] = open_tasks(case)
    with pytest.raises(ValidationFailed) as err:
        task_complete(task_id=decide.pk, user=staff["head"], decision="deny", opinion="不符合条件")
    assert err.value.field == "legal_basis"
    case = task_complete(
        task_id=decide.pk,
        user=staff["head"],
        decision="deny",
        opinion="不符合条件",
        legal_basis="《某条例》第十条",
    )
    assert case.status == Status.DECIDED and case.decision == "deny" and not open_tasks(case)


def test_a_review_step_records_an_opinion_and_never_decides(media, items, staff, applicant):
    """承诺件: the approver's 审查 gives an opinion; a deny there is refused, an objection goes on to 决定."""
    case = submit(items["promised"], applicant)
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    [review] = open_tasks(case)
    assert not review.decides
    with pytest.raises(ValidationFailed) as err:
        task_complete(
            task_id=review.pk, user=staff["approver"], decision="deny", opinion="不符合", legal_basis="某条"
        )
    assert err.value.field == "decision" and "审查环节" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        task_complete(task_id=review.pk, user=staff["approver"], decision="object", opinion="")
    assert err.value.field == "opinion"
    case = task_complete(task_id=review.pk, user=staff["approver"], decision="object", opinion="场地面积不足")
    assert case.status == Status.ACCEPTED and not case.decision
    [decide] = open_tasks(case)
    assert decide.decides and decide.role == "department_head"
    with pytest.raises(ValidationFailed):  # the decision step decides; it does not object
        task_complete(task_id=decide.pk, user=staff["head"], decision="object", opinion="有异议")
    case = task_complete(task_id=decide.pk, user=staff["head"], decision="approve", opinion="整改后符合")
    assert case.status == Status.DECIDED and case.decision == "approve"
    notes = [e.note for e in CaseEvent.objects.filter(case=case, action="task").order_by("id")]
    assert "有异议" in notes[0] and "场地面积不足" in notes[0]


def test_joint_co_reviewer_objects_and_the_lead_head_decides(media, items, staff, applicant):
    """联办件: the co-reviewing department's deny no longer ends the case; its objection reaches the lead
    department's head, who decides; the co-reviewer cannot suspend, issue or complete the lead's case."""
    case = submit(items["joint"], applicant)
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    theirs = next(t for t in open_tasks(case) if t.department.code == "scjgj")
    ours = next(t for t in open_tasks(case) if t.department.code == "rsj")
    with pytest.raises(ValidationFailed):
        task_complete(
            task_id=theirs.pk, user=staff["joint"], decision="deny", opinion="不符合", legal_basis="某条"
        )
    case = task_complete(task_id=theirs.pk, user=staff["joint"], decision="object", opinion="排污设施未验收")
    assert case.status == Status.ACCEPTED and CaseTask.objects.get(pk=ours.pk).state == CaseTask.State.OPEN
    for action in (Action.SUSPEND, Action.REQUEST_CORRECTION):
        with pytest.raises(PermissionDenied):
            case_act(number=case.number, user=staff["joint"], action=action, reason="现场核查", items=["x"])
    task_complete(task_id=ours.pk, user=staff["approver"], decision="approve", opinion="同意")
    [decide] = open_tasks(case)
    assert decide.decides and decide.department.code == "rsj"
    with pytest.raises(NotFound):  # the co-reviewing department never decides
        task_complete(task_id=decide.pk, user=staff["other"], decision="approve", opinion="")
    case = task_complete(task_id=decide.pk, user=staff["head"], decision="approve", opinion="已核实，准予")
    assert case.status == Status.DECIDED and case.decision == "approve"
    with pytest.raises(PermissionDenied):
        case_act(number=case.number, user=staff["joint"], action=Action.ISSUE, method="window")
    case = case_act(number=case.number, user=staff["head"], action=Action.ISSUE, method="window")
    with pytest.raises(PermissionDenied):
        case_act(number=case.number, user=staff["joint"], action=Action.COMPLETE)


@pytest.mark.clock("2026-11-18T10:00")  # expected dates worked out for this day
def test_step_due_dates_follow_each_other_within_the_promised_limit(media, items, staff, applicant):
    """Each step falls due after the one before it, and the last no later than the promised date."""
    from govhall.catalogue.services import item_draft_create_from, item_publish

    draft = item_draft_create_from(items["joint"])
    draft.promised_time_limit = 3
    draft.save()
    item = item_publish(draft)
    case = submit(item, applicant)
    case = case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    reviews = open_tasks(case)
    assert {t.due_on for t in reviews} == {dt.date(2026, 11, 20)}  # 2 of the 3 working days
    approve_all(case, [staff["approver"], staff["joint"]])
    [decide] = open_tasks(case)
    assert decide.due_on == case.promised_due == dt.date(2026, 11, 23) > reviews[0].due_on


@pytest.mark.clock("2026-11-18T10:00")  # expected dates worked out for this day
def test_approval_on_commitment_is_verified_and_a_failed_check_revokes_it(
    media, items, staff, applicant, settings
):
    from govhall.notices.models import Notice

    settings.COMMITMENT_VERIFY_WORKDAYS = 5
    case = submit(items["commitment"], applicant)
    case = case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT, commitment=True)
    case.refresh_from_db()
    assert case.status == Status.DECIDED and case.decision == "approve"
    [check] = open_tasks(case)
    assert (check.step, check.name, check.department) == (
        "commitment_verify",
        "告知承诺核查",
        case.department,
    )
    assert check.due_on == dt.date(2026, 11, 25)
    with pytest.raises(ValidationFailed):
        task_complete(task_id=check.pk, user=staff["approver"], decision="approve", opinion="")
    with pytest.raises(ValidationFailed) as err:
        task_complete(task_id=check.pk, user=staff["approver"], decision="fail", opinion="")
    assert err.value.field == "opinion"
    with pytest.raises(NotFound):
        task_complete(task_id=check.pk, user=staff["joint"], decision="pass", opinion="")
    case = case_act(number=case.number, user=staff["clerk"], action=Action.ISSUE, method="window")
    case = task_complete(task_id=check.pk, user=staff["approver"], decision="fail", opinion="现场无消毒设施")
    assert case.status == Status.REVOKED and case.decision == "revoked" and not open_tasks(case)
    revoke = CaseEvent.objects.get(case=case, action="revoke")
    assert (revoke.from_status, revoke.to_status) == ("issued", "revoked") and "现场无消毒设施" in revoke.note
    notices = Notice.objects.filter(case_number=case.number, event_id=revoke.pk)
    assert {n.channel for n in notices} == {"site", "sms"} and all("撤销" in n.title for n in notices)
    with pytest.raises(Conflict):
        case_act(number=case.number, user=staff["clerk"], action=Action.COMPLETE)


@pytest.mark.clock("2026-11-18T10:00")  # expected dates worked out for this day
def test_a_passed_verification_leaves_the_decision(media, items, staff, applicant):
    case = submit(items["commitment"], applicant)
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT, commitment=True)
    [check] = open_tasks(case)
    assert check.due_on == dt.date(2026, 12, 16)  # 20 working days by default
    case = task_complete(task_id=check.pk, user=staff["head"], decision="pass", opinion="与承诺一致")
    assert case.status == Status.DECIDED and case.decision == "approve"
    assert CaseEvent.objects.filter(case=case, action="verify").count() == 1


@pytest.mark.clock("2026-11-18T10:00")  # expected dates worked out for this day
def test_tolerated_gaps_and_commitment(media, items, staff, applicant):
    item = items["tolerant"]
    health = item.materials.get(name="健康证明")
    case = submit(item, applicant, materials=[(m.pk, upload(applicant)) for m in item.materials.all()][:2],
                  user=staff["clerk"], on_behalf_of=applicant.phone,
                  tolerated_gaps=[ToleratedGap(health.pk, dt.date(2026, 11, 24))])  # fmt: skip
    case = case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    assert case.owed_materials == [{"material": health.pk, "name": "健康证明", "due": "2026-11-24"}]
    other = submit(items["promised"], applicant)
    with pytest.raises(ValidationFailed):
        case_act(number=other.number, user=staff["clerk"], action=Action.ACCEPT, commitment=True)
    committed = submit(items["commitment"], applicant)
    committed = case_act(number=committed.number, user=staff["clerk"], action=Action.ACCEPT, commitment=True)
    committed.refresh_from_db()
    assert committed.status == Status.DECIDED and committed.decision == "approve"


def upload(owner):
    return str(upload_store(owner=owner, name="a.pdf", data=PDF).pk)


def test_permissions(media, items, staff, applicant):
    case = submit(items["promised"], applicant)
    with pytest.raises(NotFound):
        case_act(
            number=case.number, user=staff["joint"], action=Action.ACCEPT
        )  # another department sees nothing
    with pytest.raises(PermissionDenied):
        case_act(number=case.number, user=applicant, action=Action.ACCEPT)
    with pytest.raises(Conflict):  # not in this status, whoever asks
        case_act(number=case.number, user=staff["clerk"], action=Action.DECIDE, decision="approve")
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    with pytest.raises(PermissionDenied):  # only the process decides
        case_act(number=case.number, user=staff["clerk"], action=Action.DECIDE, decision="approve")


def test_submission_checks(media, items, applicant):
    item = items["promised"]
    with pytest.raises(ValidationFailed) as err:
        submit(item, applicant, materials=[])
    assert err.value.field == "materials" and "居民身份证" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        submit(item, applicant, form={"applicant_name": "王小红"})
    assert err.value.field.startswith("form.")
    with pytest.raises(ValidationFailed) as err:
        submit(
            item,
            applicant,
            form={"applicant_name": "王小红", "id_number": "330523199003150013", "phone": "13905720011"},
        )
    assert err.value.field == "form.id_number"


def test_the_form_is_tied_to_the_applicants_account(media, items, staff, applicant):
    from govhall.cases.services import case_draft_save
    from tests.factories.identity import make_citizen

    item = items["promised"]
    other = make_citizen(name="李四", phone="13905720098")
    form = {"applicant_name": other.real_name, "id_number": other.id_number, "phone": applicant.phone}
    with pytest.raises(ValidationFailed) as err:
        submit(item, applicant, form=form)
    assert err.value.field == "form.applicant_name" and "王小红" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        submit(item, applicant, form={**form, "applicant_name": applicant.real_name})
    assert err.value.field == "form.id_number" and err.value.status == 422
    # left empty, the account's values are filled in; the contact phone may be another number
    case = submit(item, applicant, form={"phone": "13905720097"})
    assert case.form["applicant_name"] == "王小红" and case.form["id_number"] == applicant.id_number
    assert case.form["phone"] == "13905720097"
    # a window applying for someone gets that person's data, not the clerk's
    case = submit(item, other, user=staff["clerk"], on_behalf_of=other.phone, form={"phone": other.phone})
    assert case.form["applicant_name"] == "李四" and case.form["id_number"] == other.id_number
    draft = case_draft_save(user=applicant, item_code=item.implementation_code, form={})
    with pytest.raises(ValidationFailed):
        case_draft_save(user=applicant, draft_id=draft.pk, form={"id_number": other.id_number})


def test_idempotency_key(media, items, applicant):
    first = submit(items["promised"], applicant, idempotency_key="k1", digest="a")
    again = submit(items["promised"], applicant, idempotency_key="k1", digest="a")
    assert again.pk == first.pk and Case.objects.count() == 1
    with pytest.raises(Conflict):
        submit(items["promised"], applicant, idempotency_key="k1", digest="b")


def test_window_clerk_applies_on_behalf_of_a_citizen(media, items, staff, applicant):
    upload = upload_store(owner=staff["clerk"], name="scan.pdf", data=PDF)
    item = items["promised"]
    form = {"applicant_name": applicant.real_name, "id_number": applicant.id_number, "phone": applicant.phone}
    case, _ = case_submit(
        user=staff["clerk"], item_code=item.implementation_code, form=form,
        materials=[(m.pk, str(upload.pk)) for m in item.materials.all()], channel=Channel.WINDOW,
        on_behalf_of=applicant.phone,
    )  # fmt: skip
    assert case.applicant == applicant and case.submitted_by == staff["clerk"]
    with pytest.raises(PermissionDenied):
        submit(item, applicant, on_behalf_of=staff["clerk"].username)


@pytest.mark.parametrize(
    ("name", "data", "ok"),
    [
        ("a.pdf", PDF, True),
        ("a.png", PNG, True),
        ("a.ofd", ofd_bytes(), True),
        ("evil.pdf", b"MZ\x90\x00 not a pdf", False),
        ("x.pdf", b"", False),
    ],
)
def test_uploads_are_checked_by_content(media, applicant, name, data, ok):
    if ok:
        assert upload_store(owner=applicant, name=name, data=data).size == len(data)
    else:
        with pytest.raises(ValidationFailed):
            upload_store(owner=applicant, name=name, data=data)


def test_upload_size_limit(media, settings, applicant):
    settings.UPLOAD_MAX_MB = 1
    with pytest.raises(ValidationFailed, match="1MB"):
        upload_store(owner=applicant, name="big.pdf", data=PDF + b"0" * (1024 * 1024))


@pytest.mark.clock("2026-11-18T10:00")  # expected dates worked out for this day
def test_owed_material_is_supplied_later(media, items, staff, applicant):
    from govhall.cases.services import case_supply_owed

    item = items["tolerant"]
    second = item.materials.get(name="健康证明")
    case = registered_with_gaps(item, applicant, staff["clerk"], dt.date(2026, 11, 24))
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    upload = upload_store(owner=applicant, name="later.pdf", data=PDF)
    with pytest.raises(ValidationFailed):
        case_supply_owed(
            number=case.number,
            user=applicant,
            material_id=item.materials.first().pk,
            upload_id=str(upload.pk),
        )
    case = case_supply_owed(
        number=case.number, user=applicant, material_id=second.pk, upload_id=str(upload.pk)
    )
    assert case.owed_materials == [] and case.events.filter(action="supply").exists()
    with pytest.raises(ValidationFailed):  # nothing owed any more
        case_supply_owed(number=case.number, user=applicant, material_id=second.pk, upload_id=str(upload.pk))


@pytest.mark.clock("2026-11-18T10:00")  # expected dates worked out for this day
def test_correction_notice_numbers_items_ties_them_to_materials_and_sets_a_deadline(
    media, items, staff, applicant
):
    item = items["promised"]
    first, second = item.materials.order_by("position", "id")[:2]
    case = submit(item, applicant)
    case = case_act(
        number=case.number,
        user=staff["clerk"],
        action=Action.REQUEST_CORRECTION,
        items=[
            "联系电话有误",
            {"material": second.pk, "text": "缺少签字"},
            {"material": first.pk, "text": ""},
        ],
    )
    event = CaseEvent.objects.get(case=case, action="request_correction")
    notice = event.data["notice"]
    assert [(n["no"], n["material"]) for n in notice] == [(1, first.pk), (2, second.pk), (3, None)]
    assert notice[1]["label"] == f"{second.name}：缺少签字" and notice[2]["label"] == "联系电话有误"
    assert event.data["due"] == "2026-12-02"  # CORRECTION_DEADLINE_WORKDAYS=10 from Wednesday 2026-11-18
    assert "1. " in event.note and "请于2026年12月02日前补正" in event.note


@pytest.mark.clock("2026-11-18T10:00")  # expected dates worked out for this day
def test_correction_deadline_follows_the_setting(media, items, staff, applicant, settings):
    settings.CORRECTION_DEADLINE_WORKDAYS = 3
    case = submit(items["promised"], applicant)
    case_act(number=case.number, user=staff["clerk"], action=Action.REQUEST_CORRECTION, items=["补充说明"])
    assert CaseEvent.objects.get(case=case, action="request_correction").data["due"] == "2026-11-23"


def test_correction_of_a_material_of_another_item_is_refused(media, items, staff, applicant):
    case = submit(items["promised"], applicant)
    foreign = items["joint"].materials.first()
    with pytest.raises(ValidationFailed) as raised:
        case_act(
            number=case.number,
            user=staff["clerk"],
            action=Action.REQUEST_CORRECTION,
            items=[{"material": foreign.pk, "text": "x"}],
        )
    assert raised.value.field == "items"


def test_a_task_someone_claimed_says_so(media, items, staff, applicant):
    case = submit(items["promised"], applicant)
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    [review] = open_tasks(case)
    task_claim(task_id=review.pk, user=staff["approver"])
    with pytest.raises(Conflict) as err:
        task_claim(task_id=review.pk, user=staff["head"])
    assert err.value.message == "该任务已由他人签收办理"
    task_complete(task_id=review.pk, user=staff["approver"], decision="approve", opinion="同意")
    with pytest.raises(Conflict) as err:
        task_claim(task_id=review.pk, user=staff["approver"])
    assert err.value.message == "该任务已办理完毕"


def _window_clerk(staff, county):
    from govhall.identity.models import Hall, Window

    hall = Hall.objects.create(
        code="zwzx", name="安吉县政务服务中心", region=county, address="昌硕街道", hours="9-17"
    )
    clerk = staff["clerk"]
    clerk.window = Window.objects.create(hall=hall, number="3", name="综合受理窗口3")
    clerk.save(update_fields=["window"])
    return clerk


def test_events_record_the_real_channel_and_place(media, items, staff, applicant, county):
    from govhall.cases.channels import channel_of
    from govhall.cases.services import case_draft_save, case_draft_submit

    assert channel_of(applicant) == Channel.WEB and channel_of(staff["clerk"]) == Channel.WINDOW
    assert channel_of(staff["approver"]) == Channel.DEPARTMENT  # an approver's web page is not 网上申报
    assert channel_of(staff["approver"], bearer_token=True) == Channel.API
    clerk = _window_clerk(staff, county)
    upload = upload_store(owner=clerk, name="id.pdf", data=PDF)
    item = items["promised"]
    draft = case_draft_save(
        user=clerk, item_code=item.implementation_code, on_behalf_of=applicant.phone,
        form={"applicant_name": applicant.real_name, "id_number": applicant.id_number, "phone": applicant.phone},
        materials=[(m.pk, str(upload.pk)) for m in item.materials.all()],
    )  # fmt: skip
    case = case_draft_submit(user=clerk, draft_id=draft.pk, channel=Channel.WEB)
    submitted = case.events.get(action="submit")
    assert submitted.channel == Channel.WINDOW and case.channel == Channel.WINDOW
    assert submitted.actor_label == "安吉县政务服务中心3号窗口 工作人员"
    case_act(number=case.number, user=clerk, action=Action.ACCEPT, channel=channel_of(clerk))
    [review] = open_tasks(case)
    task_claim(task_id=review.pk, user=staff["approver"])
    claimed = case.events.get(action="claim")
    assert (
        claimed.channel == Channel.DEPARTMENT
        and claimed.actor_place == staff["approver"].department.short_name
    )


def test_the_citizens_timeline_speaks_to_citizens(media, items, staff, applicant):
    from govhall.cases.selectors import case_get_for, case_timeline

    case = submit(items["promised"], applicant)
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT, channel=Channel.WINDOW)
    while Case.objects.get(pk=case.pk).status == Status.ACCEPTED:
        approve_all(case, [staff["approver"], staff["head"]])
    case = case_get_for(applicant, case.number)
    mine = case_timeline(case, applicant)
    assert [e.label for e in mine] == ["提交申请", "受理", "部门审查", "部门审查", "作出审批决定"]
    words = " ".join(f"{e.label} {e.actor} {e.note}" for e in mine)
    assert "审批流程" not in words and "签收" not in words and "工作人员" not in words
    assert mine[0].actor == "王小红" and mine[1].actor == staff["clerk"].department.short_name
    assert mine[-1].actor == case.department.short_name and mine[2].note == "“审查”环节已通过"
    detailed = case_timeline(case, staff["approver"])
    assert "审批流程" in [e.actor for e in detailed] and any("工作人员" in e.actor for e in detailed)


def test_an_item_not_regionwide_is_registered_only_in_its_departments_area(
    media, items, staff, applicant, county
):
    from govhall.identity.models import Hall, Region, Window
    from tests.factories.catalogue import ServiceItemFactory

    clerk = _window_clerk(staff, county)  # at the county's centre: the department's own area
    item = items["promised"]
    assert submit(item, applicant, user=clerk, on_behalf_of=applicant.phone, window=clerk.window).number
    town = Hall.objects.create(
        code="xfz",
        name="孝丰镇便民服务中心",
        region=Region.objects.get(code="330523101000"),
        address="孝丰",
        hours="9-17",
    )
    clerk.window = Window.objects.create(hall=town, number="1", name="综合窗口")
    clerk.save(update_fields=["window"])
    with pytest.raises(PermissionDenied) as err:
        submit(item, applicant, user=clerk, on_behalf_of=applicant.phone, window=clerk.window)
    assert err.value.message == "“承诺事项”未开通全域通办，不能在本窗口登记，请申请人到安吉县政务服务中心办理"
    assert err.value.field == "item" and err.value.status == 403
    anywhere = ServiceItemFactory.published(department=item.department, name="通办事项", regionwide=True)
    assert submit(anywhere, applicant, user=clerk, on_behalf_of=applicant.phone, window=clerk.window).number
