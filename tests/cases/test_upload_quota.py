"""Uploads no case or draft uses: an account holds at most UPLOAD_PENDING_MAX_COUNT files and
UPLOAD_PENDING_MAX_MB of them (429 naming `file` beyond, nothing stored); using a file in an application frees
its place; the worker's cleanup deletes those older than UPLOAD_ORPHAN_HOURS, rows and files, and nothing
else. Written as the attacker's run first: a citizen who uploads 60 files and attaches none."""

import datetime as dt
import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections

from govhall.cases.models import Upload
from govhall.cases.services import upload_store, uploads_orphans_delete
from govhall.cases.services.uploads import uploads_hold
from govhall.core.errors import QuotaExceeded, ValidationFailed
from tests.cases.api_helpers import client_for
from tests.factories.cases import PDF, submit

pytestmark = pytest.mark.django_db


def _files(media) -> int:
    return sum(1 for p in media.rglob("*") if p.is_file())


def _upload(api, data: bytes = PDF, name: str = "a.pdf"):
    return api.post("/api/v1/uploads", {"file": SimpleUploadedFile(name, data)})


def test_a_citizen_uploading_60_files_is_refused_after_the_quota(media, applicant):
    api = client_for(applicant)
    answers = [_upload(api, PDF + str(i).encode(), f"junk{i}.pdf") for i in range(60)]
    statuses = [a.status_code for a in answers]
    assert statuses == [201] * 50 + [429] * 10
    refused = answers[-1].json()
    assert refused["field"] == "file" and refused["code"] == "quota_exceeded"
    assert "50个" in refused["message"] and "尚未用于申请" in refused["message"]
    assert Upload.objects.filter(owner=applicant).count() == 50
    assert _files(media) == 50  # nothing of the refused ones reached the disk


def _pdf_of(size: int) -> bytes:
    head = b"%PDF-1.4\n"
    return head + b"%" + b"x" * (size - len(PDF) - 2) + b"\n" + PDF[len(head) :]


def test_the_megabytes_of_unused_files_are_limited_too(settings, media, applicant):
    settings.UPLOAD_PENDING_MAX_MB = 1
    api = client_for(applicant)
    assert _upload(api, _pdf_of(600 * 1024)).status_code == 201
    second = _upload(api, _pdf_of(600 * 1024))
    assert second.status_code == 429 and second.json()["field"] == "file"
    assert "1MB" in second.json()["message"]
    assert _upload(api, _pdf_of(300 * 1024)).status_code == 201  # what still fits is taken
    assert Upload.objects.filter(owner=applicant).count() == 2 and _files(media) == 2


def test_using_a_file_in_a_case_or_a_draft_frees_its_place(settings, media, items, applicant):
    settings.UPLOAD_PENDING_MAX_COUNT = 2
    api = client_for(applicant)
    first, second = (_upload(api).json()["id"] for _ in range(2))
    assert _upload(api).status_code == 429
    item = items["promised"]
    form = {"applicant_name": applicant.real_name, "id_number": applicant.id_number, "phone": applicant.phone}
    materials = [{"material": m.pk, "upload": first} for m in item.materials.all()]
    payload = {"item": item.implementation_code, "form": form, "materials": materials}
    assert api.post("/api/v1/cases", payload, content_type="application/json").status_code == 201
    assert _upload(api).status_code == 201  # the case's file no longer counts
    assert _upload(api).status_code == 429
    draft = {
        "item": item.implementation_code,
        "materials": [{"material": materials[0]["material"], "upload": second}],
    }
    assert api.post("/api/v1/drafts", draft, content_type="application/json").status_code in (200, 201)
    assert _upload(api).status_code == 201  # a draft's file does not count either


def test_the_quota_is_per_account(settings, media, applicant, citizen):
    settings.UPLOAD_PENDING_MAX_COUNT = 1
    upload_store(owner=applicant, name="a.pdf", data=PDF)
    with pytest.raises(QuotaExceeded):
        upload_store(owner=applicant, name="b.pdf", data=PDF)
    upload_store(owner=citizen, name="c.pdf", data=PDF)


def _age(upload: Upload, hours: float) -> None:
    Upload.objects.filter(pk=upload.pk).update(created_at=upload.created_at - dt.timedelta(hours=hours))


def test_the_cleanup_deletes_only_old_unused_files(media, items, applicant):
    old_unused = [upload_store(owner=applicant, name=f"old{i}.pdf", data=PDF) for i in range(3)]
    young_unused = upload_store(owner=applicant, name="young.pdf", data=PDF)
    case = submit(items["promised"], applicant)
    attached = case.materials.first().upload
    for upload in (*old_unused, attached):
        _age(upload, 25)
    _age(young_unused, 23)
    assert uploads_orphans_delete(batch=2) == 3  # in batches of two
    assert set(Upload.objects.values_list("pk", flat=True)) == {young_unused.pk, attached.pk}
    for upload in old_unused:
        assert not (media / upload.path).exists()
    assert (media / young_unused.path).exists() and (media / attached.path).exists()
    assert uploads_orphans_delete() == 0


def test_an_attach_after_the_cleanup_deleted_the_file_is_a_422_not_a_dangling_reference(
    media, items, applicant
):
    upload = upload_store(owner=applicant, name="a.pdf", data=PDF)
    material = items["promised"].materials.first()
    _age(upload, 25)
    assert uploads_orphans_delete() == 1
    with pytest.raises(ValidationFailed) as refused:
        uploads_hold([(material, upload)])  # the upload was read before the cleanup ran
    assert refused.value.field == "materials"


def test_the_operator_sees_the_counts_and_cleans_by_hand(media, applicant):
    kept = upload_store(owner=applicant, name="a.pdf", data=PDF)
    _age(upload_store(owner=applicant, name="b.pdf", data=PDF), 30)
    out = io.StringIO()
    call_command("uploads", stdout=out)
    assert "未使用的上传文件：2 个" in out.getvalue() and "待清理的 1 个" in out.getvalue()
    out = io.StringIO()
    call_command("uploads", "--clean", stdout=out)
    assert "已删除 1 个" in out.getvalue() and "未使用的上传文件：1 个" in out.getvalue()
    assert list(Upload.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_of_one_account_cannot_pass_the_quota_together(settings, media, applicant):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL (DATABASE_URL)")
    settings.UPLOAD_PENDING_MAX_COUNT = 3
    barrier = threading.Barrier(8)
    results: list = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(upload_store(owner=applicant, name="a.pdf", data=PDF))
        except Exception as exc:  # collected and asserted on
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(isinstance(r, Upload) for r in results) == 3
    assert sum(isinstance(r, QuotaExceeded) for r in results) == 5, results
    assert Upload.objects.filter(owner=applicant).count() == 3 and _files(media) == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_cleanup_skips_an_old_file_being_attached_at_that_moment(media, items, applicant):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL (DATABASE_URL)")
    from django.db import transaction

    from govhall.cases.models import CaseMaterial

    upload = upload_store(owner=applicant, name="a.pdf", data=PDF)
    _age(upload, 25)
    case = submit(items["instant"], applicant)
    material = items["instant"].materials.first()
    held, release = threading.Event(), threading.Event()

    def attach() -> None:
        try:
            with transaction.atomic():
                uploads_hold([(material, upload)])
                held.set()
                release.wait(10)
                CaseMaterial.objects.create(case=case, material=material, upload=upload)
        finally:
            connections.close_all()

    attaching = threading.Thread(target=attach)
    attaching.start()
    assert held.wait(10)
    try:
        assert uploads_orphans_delete() == 0  # locked by the attaching transaction: skipped, not waited for
    finally:
        release.set()
        attaching.join(10)
    assert CaseMaterial.objects.filter(upload=upload).exists() and (media / upload.path).exists()
    assert uploads_orphans_delete() == 0  # used now
