import io
import zipfile

import pytest

from govhall.cases.models import Channel
from govhall.cases.services import case_submit, upload_store
from tests.factories import DepartmentFactory, ServiceItemFactory, make_citizen, make_staff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def ofd_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("OFD.xml", "<ofd:OFD/>")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def platform(county):
    return DepartmentFactory(code="sjj", name="安吉县数据局", region=county)


@pytest.fixture
def joint_department(county):
    return DepartmentFactory(code="scjgj", name="安吉县市场监督管理局", region=county)


@pytest.fixture
def staff(department, platform, joint_department):
    return {
        "clerk": make_staff(username="clerk", department=platform, roles=["window_clerk"]),
        "approver": make_staff(username="approver", department=department, roles=["approver"]),
        "head": make_staff(username="head", department=department, roles=["department_head", "approver"]),
        "joint": make_staff(username="joint", department=joint_department, roles=["approver"]),
        "other": make_staff(username="other", department=joint_department, roles=["department_head"]),
    }


@pytest.fixture
def items(department, joint_department, county):
    city = DepartmentFactory(code="city", name="湖州市某局", region=county)
    return {
        "instant": ServiceItemFactory.published(department=department, case_kind="instant", name="即办事项"),
        "promised": ServiceItemFactory.published(
            department=department, case_kind="promised", name="承诺事项"
        ),
        "joint": ServiceItemFactory.published(
            department=department,
            case_kind="joint",
            name="联办事项",
            joint_departments=[joint_department.code],
        ),
        "escalated": ServiceItemFactory.published(
            department=department, case_kind="escalated", name="上报事项", escalation_department=city
        ),
        "commitment": ServiceItemFactory.published(
            department=department, case_kind="promised", name="承诺制事项", commitment_allowed=True
        ),
    }


@pytest.fixture
def applicant(db):
    return make_citizen(name="王小红", phone="13905720011")


def submit(item, applicant, **kwargs):
    upload = upload_store(owner=applicant, name="id.pdf", data=PDF)
    form = {"applicant_name": applicant.real_name, "id_number": applicant.id_number, "phone": applicant.phone}
    materials = [(m.pk, str(upload.pk)) for m in item.materials.all()]
    case, _ = case_submit(
        user=kwargs.pop("user", applicant),
        item_code=item.implementation_code,
        form=kwargs.pop("form", form),
        materials=kwargs.pop("materials", materials),
        channel=kwargs.pop("channel", Channel.WEB),
        **kwargs,
    )
    return case
