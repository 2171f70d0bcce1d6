"""The Idempotency-Key check of case_submit: a retry with the same key and the same request returns the
first case; the same key with another request is a conflict; a key belongs to the account that used it."""

import datetime as dt
import hashlib

import pytest

from govhall.cases.models import Case
from govhall.cases.services import case_submit, request_digest, upload_store
from govhall.core.errors import Conflict
from tests.factories import make_citizen
from tests.factories.cases import PDF


def _submit(item, user, key, digest):
    upload = upload_store(owner=user, name="id.pdf", data=PDF)
    form = {"applicant_name": user.real_name, "id_number": user.id_number, "phone": user.phone}
    return case_submit(
        user=user,
        item_code=item.implementation_code,
        form=form,
        materials=[(m.pk, str(upload.pk)) for m in item.materials.all()],
        idempotency_key=key,
        digest=digest,
    )


def test_a_retry_returns_the_first_case(media, items, applicant):
    first, created = _submit(items["promised"], applicant, "k-1", "d1")
    again, created_again = _submit(items["promised"], applicant, "k-1", "d1")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and Case.objects.count() == 1


def test_the_same_key_with_another_request_is_a_conflict(media, items, applicant):
    _submit(items["promised"], applicant, "k-1", "d1")
    with pytest.raises(Conflict) as err:
        _submit(items["promised"], applicant, "k-1", "d2")
    assert err.value.field == "Idempotency-Key" and err.value.code == "idempotency_conflict"
    assert str(err.value) == "该 Idempotency-Key 已用于另一份不同的申请"
    assert Case.objects.count() == 1


def test_a_key_is_scoped_to_its_account(media, items, applicant):
    other = make_citizen(name="李四", phone="13905720098")
    mine, _ = _submit(items["promised"], applicant, "shared-key", "d1")
    theirs, created = _submit(items["promised"], other, "shared-key", "d1")
    assert created and theirs.pk != mine.pk
    assert theirs.applicant_id == other.pk and mine.applicant_id == applicant.pk
    assert Case.objects.count() == 2


def test_another_key_is_another_case(media, items, applicant):
    first, _ = _submit(items["promised"], applicant, "k-1", "d1")
    second, created = _submit(items["promised"], applicant, "k-2", "d1")
    assert created and second.pk != first.pk


def test_no_key_never_deduplicates(media, items, applicant):
    first, _ = _submit(items["promised"], applicant, None, "d1")
    second, created = _submit(items["promised"], applicant, None, "d1")
    assert created and second.pk != first.pk


def test_a_retry_is_recognised_in_one_query(media, items, applicant, django_assert_num_queries):
    first, _ = _submit(items["promised"], applicant, "k-1", "d1")
    with django_assert_num_queries(1):  # the look-up loads what the answer needs: number and digest
        again, created = case_submit(
            user=applicant,
            item_code="ignored on a retry",
            form={},
            materials=[],
            idempotency_key="k-1",
            digest="d1",
        )
        assert (again.number, created) == (first.number, False)


def test_request_digest_depends_on_the_request_not_on_key_order():
    assert request_digest({"a": 1, "b": 2}) == request_digest({"b": 2, "a": 1})
    assert request_digest({"a": 1}) != request_digest({"a": 2})
    # SHA-256 of the canonical JSON text, UTF-8, non-ASCII kept as is: {"a": "王"}
    assert request_digest({"a": "王"}) == hashlib.sha256('{"a": "王"}'.encode()).hexdigest()
    assert request_digest({"d": dt.date(2026, 11, 18)}) == hashlib.sha256(b'{"d": "2026-11-18"}').hexdigest()
