"""Uploads with active content are refused, written as the attacker's files: a PDF that is really a web page,
one that runs JavaScript when opened (plainly, with escaped names, or hidden in a compressed object stream),
an OFD carrying HTML or scripts, a PNG that claims 20000×20000 pixels. Downloads carry the detected type's
extension, not the uploaded one."""

import contextlib
import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from govhall.cases.uploads import UploadRefused, checked_content_type, download_name
from tests.cases.api_helpers import client_for
from tests.factories.cases import PDF, PNG, ofd_bytes, png_bytes

JS_OPEN = b"%PDF-1.7\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _pdf_with_object_stream(content: bytes) -> bytes:
    packed = zlib.compress(content)
    return (
        b"%PDF-1.7\n1 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length "
        + str(len(packed)).encode()
        + b">>stream\n"
        + packed
        + b"\nendstream endobj\ntrailer<<>>\n%%EOF\n"
    )


def _png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


def _ofd_with(name: str, content: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("OFD.xml", "<ofd:OFD/>")
        package.writestr(name, content)
    return buffer.getvalue()


def _jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (_jpeg(), "image/jpeg"), (ofd_bytes(), "application/ofd")],
)
def test_ordinary_files_pass(data, expected):
    assert checked_content_type(data) == expected


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n", "网页内容"),
        (JS_OPEN, "JavaScript"),
        (JS_OPEN.replace(b"/JavaScript/JS", b"/J#61vaScript/J#53"), "JavaScript"),
        (_pdf_with_object_stream(b"<</S/Launch/F(cmd.exe)>>"), "Launch"),
        (_pdf_with_object_stream(b"<</Names<</EmbeddedFiles 2 0 R>>>>"), "EmbeddedFiles"),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "结构不完整"),
        (_png_claiming(20000, 20000), "图片尺寸"),
        (_png_claiming(12000, 100), "12000×100"),
        (PNG[:40], "已损坏"),
        (_ofd_with("Doc_0/page.html", "<p>hi</p>"), "page.html"),
        (_ofd_with("Doc_0/Document.xml", "<x><script>alert(1)</script></x>"), "脚本"),
        (_ofd_with("../evil.xml", "<x/>"), "evil.xml"),
    ],
)
def test_active_or_broken_content_is_refused(data, says):
    with pytest.raises(UploadRefused, match=says):
        checked_content_type(data)


@settings(max_examples=60, deadline=None)
@given(garbage=st.binary(max_size=300))
def test_no_file_makes_the_checks_crash(garbage):
    for prefix in (b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04"):
        with contextlib.suppress(UploadRefused):
            checked_content_type(prefix + garbage)


def test_downloads_carry_the_detected_extension():
    assert download_name("身份证.html", "application/pdf") == "身份证.pdf"
    assert download_name("C:\\扫描\\户口本.exe", "image/png") == "户口本.png"
    assert download_name(".pdf", "application/ofd").endswith(".ofd")


@pytest.mark.django_db
def test_the_api_refuses_an_active_pdf_and_serves_the_real_extension(media, applicant):
    api = client_for(applicant)
    refused = api.post("/api/v1/uploads", {"file": SimpleUploadedFile("report.pdf", JS_OPEN)})
    assert refused.status_code == 422 and refused.json()["field"] == "file"
    assert "JavaScript" in refused.json()["message"]
    big = api.post("/api/v1/uploads", {"file": SimpleUploadedFile("photo.png", _png_claiming(20000, 20000))})
    assert big.status_code == 422 and "图片尺寸" in big.json()["message"]
    assert api.post("/api/v1/uploads", {"file": SimpleUploadedFile("x.png", png_bytes())}).status_code == 201


@pytest.mark.django_db
def test_a_download_is_named_by_its_content_not_by_the_uploaded_name(media, items, applicant):
    from govhall.cases.models import Upload
    from tests.factories.cases import submit

    case = submit(items["promised"], applicant)
    Upload.objects.update(original_name="scan.html")
    api = client_for(applicant)
    url = api.get(f"/api/v1/cases/{case.number}").json()["materials"][0]["url"]
    response = api.get(url)
    assert response.status_code == 200
    assert (
        response["Content-Disposition"].endswith("scan.pdf")
        and response["X-Content-Type-Options"] == "nosniff"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/cases", "/api/v1/drafts"])
def test_a_duplicate_material_upload_pair_is_a_422_and_burns_no_case_number(url, media, items, applicant):
    """It was an IntegrityError (500), and each try drew a case number."""
    from govhall.cases.models import Case

    api = client_for(applicant)
    item = items["promised"]
    upload_id = api.post("/api/v1/uploads", {"file": SimpleUploadedFile("a.pdf", PDF)}).json()["id"]
    materials = [{"material": m.pk, "upload": upload_id} for m in item.materials.all()]
    form = {"applicant_name": applicant.real_name, "id_number": applicant.id_number, "phone": applicant.phone}
    payload = {"item": item.implementation_code, "form": form, "materials": materials + materials[:1]}
    for _ in range(3):
        response = api.post(url, payload, content_type="application/json")
        assert response.status_code == 422 and response.json()["field"] == "materials"
        assert "提交了两次" in response.json()["message"]
    payload["materials"] = materials
    created = api.post("/api/v1/cases", payload, content_type="application/json")
    assert created.status_code == 201 and created.json()["number"].endswith("-00001")
    assert Case.objects.exclude(status="draft").count() == 1
