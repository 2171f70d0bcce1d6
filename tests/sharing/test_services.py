"""一库共享 services: requests and grants, look-ups granted and denied (and always logged), consent, data usage,
and the chain over real log rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from govhall.core.errors import Conflict, PermissionDenied, ValidationFailed
from govhall.sharing import selectors, services
from govhall.sharing.models import Grant, LookupLog, SharingRequest
from govhall.sharing.services import Subject
from tests.factories.catalogue import ServiceItemFactory
from tests.factories.identity import make_citizen
from tests.factories.sharing import make_grant, make_resource, put_record

CASE = "330523202611180001"


def _lookup(user, item, resource, subject, items=("name",), **kwargs):
    return services.lookup_perform(
        user=user, department=user.department, case_number=kwargs.pop("case_number", CASE),
        subject=Subject("id_number", subject.id_number), resource=resource.code, items=list(items),
        item_code=kwargs.pop("item_code", item.implementation_code), **kwargs,
    )  # fmt: skip


@pytest.mark.clock("2026-11-18T10:00")
def test_a_conditional_request_waits_ten_working_days_for_the_provider(user_head, resource, lookup_item):
    request = services.sharing_request_create(
        user=user_head, resource=resource.code, data_items=["name"], item_codes=[lookup_item.implementation_code],
        purpose="核验户籍",
    )  # fmt: skip
    assert request.state == SharingRequest.State.PENDING
    # 2026-11-18 (Wednesday) + 10 working days, no holidays in between: Wednesday 2026-12-02
    assert request.due_on == dt.date(2026, 12, 2)
    assert not Grant.objects.exists()


def test_an_unconditional_resource_is_granted_on_request(user_head, provider, lookup_item):
    open_resource = make_resource(provider, code="GA-OPEN", sharing_type="unconditional", legal_basis="")
    request = services.sharing_request_create(
        user=user_head, resource=open_resource.code, data_items=["name"],
        item_codes=[lookup_item.implementation_code], purpose="核验",
    )  # fmt: skip
    assert request.state == SharingRequest.State.APPROVED
    assert Grant.objects.get(request=request).data_items == ["name"]


def test_a_resource_not_shared_cannot_be_requested(user_head, provider, lookup_item):
    closed = make_resource(provider, code="GA-CLOSED", sharing_type="not_shared", legal_basis="涉密")
    with pytest.raises(Conflict):
        services.sharing_request_create(
            user=user_head, resource=closed.code, data_items=["name"],
            item_codes=[lookup_item.implementation_code], purpose="核验",
        )  # fmt: skip


def test_a_conditional_resource_needs_its_legal_basis(provider):
    with pytest.raises(ValidationFailed) as caught:
        make_resource(provider, code="GA-NOBASIS", legal_basis="")
    assert caught.value.field == "legal_basis"


def test_unknown_data_items_and_items_are_refused_naming_the_field(user_head, resource, lookup_item):
    with pytest.raises(ValidationFailed) as caught:
        services.sharing_request_create(
            user=user_head, resource=resource.code, data_items=["salary"],
            item_codes=[lookup_item.implementation_code], purpose="核验",
        )  # fmt: skip
    assert caught.value.field == "items"
    with pytest.raises(ValidationFailed) as caught:
        services.sharing_request_create(
            user=user_head, resource=resource.code, data_items=["name"], item_codes=["NOPE"], purpose="核验"
        )
    assert caught.value.field == "item_codes"


def test_only_the_provider_department_answers_a_request(user_head, provider_head, resource, lookup_item):
    request = services.sharing_request_create(
        user=user_head, resource=resource.code, data_items=["name"], item_codes=[lookup_item.implementation_code],
        purpose="核验",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.sharing_request_approve(request_id=request.pk, user=user_head)
    with pytest.raises(ValidationFailed):
        services.sharing_request_refuse(request_id=request.pk, user=provider_head, reason=" ")
    refused = services.sharing_request_refuse(request_id=request.pk, user=provider_head, reason="用途不明确")
    assert (refused.state, refused.decided_by) == (SharingRequest.State.REFUSED, provider_head)
    with pytest.raises(Conflict):
        services.sharing_request_approve(request_id=request.pk, user=provider_head)


def test_a_granted_look_up_returns_only_the_asked_items_and_is_logged(
    user_head, user_approver, provider_head, resource, lookup_item, record
):
    make_grant(
        asker=user_head,
        approver=provider_head,
        resource=resource,
        item_codes=[lookup_item.implementation_code],
    )
    result = _lookup(user_approver, lookup_item, resource, record, items=["name", "address"])
    assert result.data == {"name": "张晓明", "address": "安吉县递铺街道"}
    log = LookupLog.objects.get()
    assert (log.outcome, log.case_number, log.user, log.data_items) == (
        "granted",
        CASE,
        user_approver,
        ["name", "address"],
    )
    assert log.subject_hash == record.id_number_hash and record.id_number not in str(log.__dict__)
    assert len(log.answer_digest) == 64


@pytest.mark.parametrize(
    "case",
    ["no grant", "other item", "other data item", "expired", "no case number", "other department's staff"],
)
def test_a_look_up_outside_its_grant_is_denied_and_logged(
    case, user_head, user_approver, provider_head, resource, lookup_item, record, _pinned_clock
):
    other_item = ServiceItemFactory.published(department=lookup_item.department, name="其他事项")
    kwargs: dict = {}
    user = user_approver
    if case != "no grant":
        make_grant(
            asker=user_head, approver=provider_head, resource=resource, item_codes=[lookup_item.implementation_code],
            data_items=["name"],
        )  # fmt: skip
    items = ["name"]
    if case == "other item":
        kwargs["item_code"] = other_item.implementation_code
    if case == "other data item":
        items = ["name", "address"]
    if case == "expired":
        _pinned_clock.shift(dt.timedelta(days=400))
    if case == "no case number":
        kwargs["case_number"] = ""
    if case == "other department's staff":
        user = provider_head
    with pytest.raises(PermissionDenied):
        _lookup(user, lookup_item, resource, record, items=items, **kwargs)
    log = LookupLog.objects.get()
    assert log.outcome == "denied" and log.reason
    assert log.answer_digest == ""


def test_a_refusal_named_by_the_caller_is_logged(
    user_head, user_approver, provider_head, resource, lookup_item, record
):
    make_grant(
        asker=user_head,
        approver=provider_head,
        resource=resource,
        item_codes=[lookup_item.implementation_code],
    )
    with pytest.raises(PermissionDenied):
        _lookup(user_approver, lookup_item, resource, record, refusal="查询对象不是该办件的申请人")
    assert LookupLog.objects.get().reason == "查询对象不是该办件的申请人"


@pytest.mark.django_db(transaction=True)
def test_a_denied_look_up_stays_logged_after_the_error(
    user_head, user_approver, provider_head, resource, lookup_item, record
):
    with pytest.raises(PermissionDenied):
        _lookup(user_approver, lookup_item, resource, record)
    assert LookupLog.objects.filter(outcome="denied").count() == 1


def test_a_resource_that_needs_consent_is_read_only_while_consent_lasts(
    user_head, user_approver, provider_head, provider, lookup_item, record
):
    private = make_resource(
        provider, code="MZ-DBTK", name="低保/特困信息", needs_consent=True, legal_basis="须本人授权"
    )
    put_record(private, record.id_number, name="张晓明")
    make_grant(
        asker=user_head,
        approver=provider_head,
        resource=private,
        item_codes=[lookup_item.implementation_code],
    )
    with pytest.raises(PermissionDenied, match="授权"):
        _lookup(user_approver, lookup_item, private, record)
    consent = services.consent_give(user=record, resource=private.code)
    assert _lookup(user_approver, lookup_item, private, record).data == {"name": "张晓明"}
    services.consent_revoke(user=record, consent_id=consent.pk)
    with pytest.raises(PermissionDenied):
        _lookup(user_approver, lookup_item, private, record)
    assert list(LookupLog.objects.values_list("outcome", flat=True)) == ["denied", "granted", "denied"]


def test_someone_else_cannot_revoke_a_consent(provider, record):
    private = make_resource(provider, code="MZ-DBTK", needs_consent=True, legal_basis="须本人授权")
    consent = services.consent_give(user=record, resource=private.code)
    stranger = make_citizen(name="路人")
    with pytest.raises(Exception, match="未找到"):
        services.consent_revoke(user=stranger, consent_id=consent.pk)


def test_the_citizen_sees_every_look_up_of_their_records(
    user_head, user_approver, provider_head, resource, lookup_item, record
):
    make_grant(
        asker=user_head,
        approver=provider_head,
        resource=resource,
        item_codes=[lookup_item.implementation_code],
    )
    _lookup(user_approver, lookup_item, resource, record, items=["name", "address"])
    with pytest.raises(PermissionDenied):
        _lookup(user_approver, lookup_item, resource, record, items=["name"], case_number="")
    other = make_citizen(name="李慧")
    put_record(resource, other.id_number, name="李慧")
    _lookup(user_approver, lookup_item, resource, other)
    usage = selectors.data_usage(record)
    assert [(u.outcome, u.case_number) for u in usage] == [("denied", ""), ("granted", CASE)]
    granted = usage[1]
    assert granted.data_items == ["姓名", "户籍地址"]
    assert granted.department == user_approver.department.name and granted.purpose == f"办理办件 {CASE}"
    assert [u.outcome for u in selectors.data_usage(other)] == ["granted"]


def test_look_ups_chain_and_verify(
    user_head, user_approver, provider_head, resource, lookup_item, record, capsys
):
    make_grant(
        asker=user_head,
        approver=provider_head,
        resource=resource,
        item_codes=[lookup_item.implementation_code],
    )
    for _ in range(3):
        _lookup(user_approver, lookup_item, resource, record)
    logs = list(LookupLog.objects.all())
    assert [log.sequence for log in logs] == [1, 2, 3]
    assert logs[1].previous_hash == logs[0].entry_hash and logs[2].previous_hash == logs[1].entry_hash
    call_command("audit", "verify")
    assert "OK" in capsys.readouterr().out and selectors.chain_verify().count == 3


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # past the append-only trigger
        cursor.execute(sql, params)


def test_an_edited_row_is_caught_by_verify(
    user_head, user_approver, provider_head, resource, lookup_item, record
):
    make_grant(
        asker=user_head,
        approver=provider_head,
        resource=resource,
        item_codes=[lookup_item.implementation_code],
    )
    for _ in range(3):
        _lookup(user_approver, lookup_item, resource, record)
    _tamper("UPDATE sharing_lookuplog SET case_number = %s WHERE sequence = 2", ["330523202611189999"])
    with pytest.raises(CommandError, match="第 2 条") as caught:
        call_command("audit", "verify")
    assert caught.value.returncode == 1


@pytest.mark.postgres
def test_postgresql_refuses_to_update_or_delete_a_log_row(
    user_head, user_approver, provider_head, resource, lookup_item, record
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    make_grant(
        asker=user_head,
        approver=provider_head,
        resource=resource,
        item_codes=[lookup_item.implementation_code],
    )
    _lookup(user_approver, lookup_item, resource, record)
    for statement in ("UPDATE sharing_lookuplog SET reason = 'x'", "DELETE FROM sharing_lookuplog"):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)


@pytest.mark.clock("2026-11-18T10:00")
def test_a_request_unanswered_past_its_due_date_is_a_supervision_warning(
    user_head, provider_head, resource, lookup_item, provider
):
    from govhall.supervision.models import Warning
    from govhall.supervision.scan import supervision_scan

    request = services.sharing_request_create(
        user=user_head, resource=resource.code, data_items=["name"], item_codes=[lookup_item.implementation_code],
        purpose="核验",
    )  # fmt: skip
    assert request.due_on == dt.date(2026, 12, 2)
    open_warnings = Warning.objects.filter(rule="sharing_overdue", resolved_at__isnull=True)
    supervision_scan(now=dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC))  # the due day, 17:00 in Shanghai
    assert not open_warnings.exists()
    supervision_scan(now=dt.datetime(2026, 12, 3, 2, tzinfo=dt.UTC))  # the next morning
    warning = open_warnings.get()
    assert (warning.subject, warning.department, warning.case) == (
        f"sharing_request:{request.pk}",
        provider,
        None,
    )
    assert "2026-12-02" in warning.reason
    services.sharing_request_approve(request_id=request.pk, user=provider_head)
    supervision_scan(now=dt.datetime(2026, 12, 3, 3, tzinfo=dt.UTC))
    assert not open_warnings.exists()
