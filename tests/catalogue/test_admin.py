import json

import pytest
from django.test import Client

from govhall.catalogue.models import ItemStatus, ServiceItem
from govhall.catalogue.processes import template
from tests.factories import DepartmentFactory, ServiceItemFactory, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(catalogue_admin):
    client = Client()
    client.force_login(catalogue_admin)
    return client


def test_catalogue_admin_sees_items_of_own_department_only(admin_client, item, county):
    other = ServiceItemFactory.published(
        department=DepartmentFactory(code="gaj", region=county), name="户口迁移"
    )
    page = admin_client.get("/admin/catalogue/serviceitem/").content.decode()
    assert item.name in page and other.name not in page


def test_platform_catalogue_admin_sees_the_whole_region(item, county):
    platform = DepartmentFactory(code="sjj", name="安吉县数据局", region=county)
    client = Client()
    client.force_login(make_staff(username="platform", department=platform, roles=["catalogue_admin"]))
    assert item.name in client.get("/admin/catalogue/serviceitem/").content.decode()


def test_approver_cannot_manage_the_catalogue(item, department):
    client = Client()
    client.force_login(make_staff(username="approver", department=department, roles=["approver"]))
    assert client.get("/admin/catalogue/serviceitem/").status_code == 403
    assert client.get("/admin/catalogue/exchange/").status_code == 403


def test_published_item_is_read_only_in_admin(admin_client, item):
    url = f"/admin/catalogue/serviceitem/{item.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert 'name="name"' not in page
    admin_client.post(url, {"name": "改名"})
    item.refresh_from_db()
    assert item.name == "社会保障卡申领"


def test_new_draft_then_publish_actions(admin_client, item):
    admin_client.post("/admin/catalogue/serviceitem/", {"action": "new_draft", "_selected_action": [item.pk]})
    draft = ServiceItem.objects.get(implementation_code=item.implementation_code, version=2)
    assert draft.status == ItemStatus.DRAFT
    admin_client.post("/admin/catalogue/serviceitem/", {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    item.refresh_from_db()
    assert draft.status == ItemStatus.PUBLISHED and item.status == ItemStatus.SUPERSEDED


@pytest.fixture
def platform_client(county):
    platform = DepartmentFactory(code="sjj", name="安吉县数据局", region=county)
    client = Client()
    client.force_login(make_staff(username="platform", department=platform, roles=["catalogue_admin"]))
    return client


def test_department_admin_cannot_import_or_take_over_another_departments_item(
    admin_client, catalogue_admin, item, county
):
    assert admin_client.get("/admin/catalogue/exchange/").status_code == 403
    other = ServiceItemFactory.published(
        department=DepartmentFactory(code="gaj", region=county), name="户口迁移"
    )
    form = admin_client.get("/admin/catalogue/serviceitem/add/").content.decode()
    assert item.department.name in form and other.department.name not in form
    from govhall.catalogue.services import item_draft_save
    from govhall.core.errors import PermissionDenied

    hijack = ServiceItem(
        **{
            f.name: getattr(other, f.name)
            for f in ServiceItem._meta.concrete_fields
            if f.name not in ("id", "status", "version")
        }
    )
    hijack.department, hijack.version = item.department, 2
    with pytest.raises(PermissionDenied):
        item_draft_save(hijack, editor=catalogue_admin)


def test_export_and_import_pages(platform_client, item):
    admin_client = platform_client
    exported = admin_client.get("/admin/catalogue/exchange/export.json")
    assert exported.status_code == 200
    data = json.loads(exported.content)
    assert data["items"][0]["implementation_code"] == item.implementation_code
    xlsx = admin_client.get("/admin/catalogue/exchange/export.xlsx")
    assert xlsx.content[:2] == b"PK"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_client.post(
        "/admin/catalogue/exchange/", {"file": SimpleUploadedFile("c.xlsx", xlsx.content)}, follow=True
    )
    assert "导入完成" in response.content.decode()
    response = admin_client.post(
        "/admin/catalogue/exchange/", {"file": SimpleUploadedFile("c.json", b"{broken")}, follow=True
    )
    assert "导入失败" in response.content.decode()


def _form_data(item):
    import json as _json

    from django.forms.models import model_to_dict

    data = model_to_dict(item)
    for key, value in list(data.items()):
        if isinstance(value, list | dict) and key != "themes":
            data[key] = _json.dumps(value, ensure_ascii=False)
        if value is None:
            data[key] = ""
    data["themes"] = [t.pk for t in data.get("themes", [])]
    return data


def test_custom_bpmn_upload_is_checked(item):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from govhall.catalogue.admin import ServiceItemForm

    good = template("promised").encode()
    form = ServiceItemForm(
        _form_data(item), {"process_file": SimpleUploadedFile("p.bpmn", good)}, instance=item
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["process"] == good.decode()
    broken = SimpleUploadedFile("p.bpmn", b"<not-bpmn")
    form = ServiceItemForm(_form_data(item), {"process_file": broken}, instance=item)
    assert not form.is_valid() and "BPMN" in form.errors["process_file"][0]
    unrouted = good.replace(b'name="department"', b'name="dept"')
    form = ServiceItemForm(
        _form_data(item), {"process_file": SimpleUploadedFile("p.bpmn", unrouted)}, instance=item
    )
    assert not form.is_valid() and "办理部门" in form.errors["process_file"][0]


def test_the_tolerable_flag_is_edited_on_a_draft(admin_client, item):
    from govhall.catalogue.services import item_draft_create_from

    draft = item_draft_create_from(item)
    page = admin_client.get(f"/admin/catalogue/serviceitem/{draft.pk}/change/").content.decode()
    assert 'name="materials-1-tolerable"' in page and "可容缺" in page
    published = admin_client.get(f"/admin/catalogue/serviceitem/{item.pk}/change/").content.decode()
    assert 'name="materials-1-tolerable"' not in published
