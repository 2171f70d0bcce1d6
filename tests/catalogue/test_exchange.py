"""Import and export of the whole catalogue: lossless round trips through JSON and Excel."""

import json

import pytest

from govhall.catalogue.exchange import (
    catalogue_as_dict,
    catalogue_export_json,
    catalogue_export_xlsx,
    catalogue_import,
    catalogue_import_json,
    catalogue_import_xlsx,
)
from govhall.catalogue.models import Material, ServiceItem, Synonym, Theme
from govhall.catalogue.services import item_draft_create_from
from govhall.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_catalogue(item):
    Synonym.objects.create(term="社保", synonyms=["社会保险"])
    draft = item_draft_create_from(item)
    draft.special_procedures = [{"name": "现场核查", "time_limit": "5个工作日"}]
    draft.faqs = [{"question": "能代办吗？", "answer": "可以，需委托书。"}]
    draft.save()
    draft.materials.filter(position=1).update(tolerable=True)  # 容缺受理清单
    return item


def _wipe():
    Material.objects.all().delete()
    ServiceItem.objects.all().delete()
    Synonym.objects.all().delete()


def test_json_round_trip_is_lossless(rich_catalogue):
    before = catalogue_as_dict()
    raw = catalogue_export_json()
    _wipe()
    report = catalogue_import_json(raw)
    assert report.created == 2
    assert catalogue_as_dict() == before


def test_xlsx_round_trip_is_lossless(rich_catalogue):
    before = catalogue_as_dict()
    raw = catalogue_export_xlsx()
    _wipe()
    catalogue_import_xlsx(raw)
    assert catalogue_as_dict() == before


def test_the_tolerable_flag_travels_through_json_and_excel(rich_catalogue):
    draft = ServiceItem.objects.get(implementation_code=rich_catalogue.implementation_code, status="draft")
    exported = catalogue_as_dict()
    assert [
        m["tolerable"] for i in exported["items"] if i["version"] == draft.version for m in i["materials"]
    ] == [
        False,
        True,
    ]
    for export, load in (
        (catalogue_export_json, catalogue_import_json),
        (catalogue_export_xlsx, catalogue_import_xlsx),
    ):
        raw = export()
        _wipe()
        load(raw)
        assert Material.objects.filter(tolerable=True).count() == 1


@pytest.mark.parametrize(("cell", "tolerable"), [(True, True), ("是", True), ("TRUE", True), (1, True), ("", False),
                                                ("否", False), (None, False), (False, False)])  # fmt: skip
def test_the_tolerable_cell_reads_yes_and_no(rich_catalogue, cell, tolerable):
    data = catalogue_as_dict()
    for i in data["items"]:
        for m in i["materials"]:
            m["tolerable"] = cell
    _wipe()
    catalogue_import(data)
    assert set(Material.objects.values_list("tolerable", flat=True)) == {tolerable}


def test_the_demo_catalogue_never_tolerates_the_primary_material():
    from govhall.demo.seeding import seed_demo

    seed_demo()
    tolerable = Material.objects.filter(tolerable=True)
    assert tolerable.count() >= 20
    for material in tolerable.select_related("item"):
        first = material.item.materials.filter(source="applicant").order_by("position").first()
        assert material.pk != first.pk and "身份" not in material.name and "申请" not in material.name
        assert material.item.case_kind != "instant"


def test_reimport_is_idempotent(rich_catalogue):
    raw = catalogue_export_json()
    report = catalogue_import_json(raw)
    assert report.unchanged == 1 and report.updated == 1 and report.created == 0


def test_changing_a_published_version_is_refused_and_nothing_changes(rich_catalogue):
    data = json.loads(catalogue_export_json())
    data["items"][0]["name"] = "被篡改的名称"
    data["themes"].append({"code": "new", "name": "新主题", "audience": "person", "order": 1})
    with pytest.raises(ValidationFailed, match="不可修改"):
        catalogue_import(data)
    assert not Theme.objects.filter(code="new").exists()
    assert not ServiceItem.objects.filter(name="被篡改的名称").exists()


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (lambda i: i.update(department="nowhere"), "部门"),
        (lambda i: i.update(region="999999"), "行政区划"),
        (lambda i: i.update(themes=["ghost"]), "主题"),
        (lambda i: i.update(item_type="magic"), "事项类型"),
        (lambda i: i.pop("name"), "事项名称"),
        (lambda i: i.pop("legal_basis"), "设定依据"),
        (lambda i: i.pop("audiences"), "不完整"),
        (lambda i: i.update(legal_basis="依据" * 250_000), "设定依据不能超过10000个字符"),
        (lambda i: i["materials"][0].update(sample="样" * 5001), "示范文本不能超过5000个字符"),
    ],
)
def test_bad_items_are_named(rich_catalogue, mutate, match):
    data = json.loads(catalogue_export_json())
    item = data["items"][0]
    item["version"] = 9
    mutate(item)
    with pytest.raises(ValidationFailed, match=match):
        catalogue_import(data)


def test_garbage_files_are_refused():
    with pytest.raises(ValidationFailed):
        catalogue_import_json(b"\xff\xfe not json")
    with pytest.raises(ValidationFailed):
        catalogue_import_xlsx(b"PK not really a workbook")
    with pytest.raises(ValidationFailed):
        catalogue_import({"format": "other"})


def test_whole_demo_catalogue_round_trips_through_excel_and_json():
    from govhall.demo.seeding import seed_demo

    seed_demo()
    before = catalogue_as_dict()
    assert len(before["items"]) >= 80
    workbook = catalogue_export_xlsx()
    _wipe()
    catalogue_import_xlsx(workbook)
    assert catalogue_as_dict() == before
    raw = catalogue_export_json()
    _wipe()
    catalogue_import_json(raw)
    assert catalogue_as_dict() == before


def test_export_and_import_commands(rich_catalogue, tmp_path):
    from django.core.management import CommandError, call_command

    before = catalogue_as_dict()
    for fmt in ("json", "xlsx"):
        target = tmp_path / f"catalogue.{fmt}"
        call_command("catalogue_export", format=fmt, output=str(target))
        _wipe()
        call_command("catalogue_import", str(target))
        assert catalogue_as_dict() == before
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(CommandError, match="未做任何修改"):
        call_command("catalogue_import", str(bad))


@pytest.mark.parametrize(
    "data",
    [
        {"format": "govhall-catalogue", "themes": [{}]},
        {"format": "govhall-catalogue", "synonyms": [{"term": "a", "synonyms": 5}]},
        {"format": "govhall-catalogue", "items": ["not an item"]},
    ],
)
def test_malformed_files_are_validation_errors(db, data):
    with pytest.raises(ValidationFailed):
        catalogue_import(data)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda i: i.update(materials=["a string"]),
        lambda i: i["materials"][0].update(copies=10**20),
        lambda i: i.update(faqs={"q": "a"}),
        lambda i: i.update(process_steps=[{"description": "no name"}]),
        lambda i: i.update(form_fields=[{"name": "x", "type": "magic"}]),
        lambda i: i.update(process="<not bpmn"),
        lambda i: i.update(legal_time_limit=10**20),
    ],
)
def test_malformed_items_are_validation_errors_and_change_nothing(rich_catalogue, mutate):
    data = json.loads(catalogue_export_json())
    item = data["items"][0]
    item["version"] = 7
    mutate(item)
    count = ServiceItem.objects.count()
    with pytest.raises(ValidationFailed):
        catalogue_import(data)
    assert ServiceItem.objects.count() == count


def test_workbook_with_bad_cells(rich_catalogue):
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(catalogue_export_xlsx()))
    book["申请材料"]["C2"] = "abc"  # position
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationFailed):
        catalogue_import_xlsx(out.getvalue())
