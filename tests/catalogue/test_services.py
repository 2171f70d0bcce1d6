"""Versions: drafts, publishing, supersession, immutability."""

import pytest

from govhall.catalogue.models import ItemSearchDocument, ItemStatus, ServiceItem
from govhall.catalogue.selectors import item_get_published, item_search
from govhall.catalogue.services import item_draft_create_from, item_draft_save, item_publish
from govhall.core.errors import Conflict, ValidationFailed
from tests.factories import ServiceItemFactory

pytestmark = pytest.mark.django_db


def test_publish_new_version_supersedes_and_keeps_old_readable(item):
    draft = item_draft_create_from(item)
    assert draft.version == 2 and draft.status == ItemStatus.DRAFT
    assert [m.name for m in draft.materials.all()] == [m.name for m in item.materials.all()]
    draft.name = "社会保障卡申领（新版）"
    item_draft_save(draft)
    item_publish(draft)
    item.refresh_from_db()
    assert item.status == ItemStatus.SUPERSEDED and item.superseded_at
    assert item_get_published(item.implementation_code).version == 2
    assert (
        ServiceItem.objects.get(implementation_code=item.implementation_code, version=1).name
        == "社会保障卡申领"
    )
    assert not ItemSearchDocument.objects.filter(item=item).exists()
    assert [i.version for i in item_search(q="社会保障卡").items] == [2]


def test_published_version_cannot_change(item):
    item.name = "改名"
    with pytest.raises(Conflict):
        item_draft_save(item)
    with pytest.raises(Conflict):
        item_publish(item)


def test_only_one_draft_at_a_time(item):
    item_draft_create_from(item)
    with pytest.raises(Conflict):
        item_draft_create_from(item)


def test_publish_checks_the_guide(department):
    draft = ServiceItemFactory(department=department)
    draft.promised_time_limit = 30
    with pytest.raises(ValidationFailed) as err:
        item_draft_save(draft)
    assert err.value.field == "promised_time_limit"
    draft = ServiceItemFactory(department=department, for_person=False, for_enterprise=False)
    with pytest.raises(ValidationFailed) as err:
        item_publish(draft)
    assert err.value.field == "audiences"


def test_database_refuses_two_published_versions(item):
    from django.db import IntegrityError, transaction

    draft = item_draft_create_from(item)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItem.objects.filter(pk=draft.pk).update(status=ItemStatus.PUBLISHED)


def test_search_index_follows_deletes_and_supersession(item):
    from django.db import connection

    draft = item_draft_create_from(item)
    item_publish(draft)
    ServiceItem.objects.filter(pk=draft.pk).delete()
    assert item_search(q="社会保障卡").count == 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM catalogue_item_tsv")
            assert cursor.fetchone()[0] == 0


def test_joint_and_escalated_items_need_their_departments(department, county):
    from tests.factories import DepartmentFactory

    joint = ServiceItemFactory(department=department, case_kind="joint")
    with pytest.raises(ValidationFailed) as err:
        item_publish(joint)
    assert err.value.field == "joint_departments"
    joint.joint_departments = ["ghost"]
    joint.save()
    with pytest.raises(ValidationFailed, match="ghost"):
        item_publish(joint)
    escalated = ServiceItemFactory(department=department, case_kind="escalated")
    with pytest.raises(ValidationFailed) as err:
        item_publish(escalated)
    assert err.value.field == "escalation_department"
    escalated.escalation_department = DepartmentFactory(code="city", region=county)
    escalated.save()
    assert item_publish(escalated).status == ItemStatus.PUBLISHED


def test_publishing_refuses_step_budgets_beyond_the_promised_limit(item):
    from govhall.catalogue.processes import template

    draft = item_draft_create_from(item)
    draft.case_kind, draft.promised_time_limit = "promised", 2
    draft.process = template("promised")  # a custom process as drawn: 审查 3 + 决定 2 working days
    with pytest.raises(ValidationFailed) as err:
        item_draft_save(draft)
    assert err.value.field == "process" and "超过承诺办结时限2个工作日" in err.value.message
    draft.process = ""  # the platform template, its budgets fitted to the 2 days
    item_publish(item_draft_save(draft))
