"""Every text field has a length limit in the model, enforced by the database itself (a CHECK per field), so a
path that forgets the schema's limit still cannot store a 500,000-character text."""

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction

from govhall.core.errors import ValidationFailed
from govhall.core.models import text_lengths_check
from govhall.notices.models import Notice

pytestmark = pytest.mark.django_db


# Derived by the indexer from bounded item fields; a CHECK would make SQLite rebuild the table and drop its
# FTS5 triggers.
DERIVED = {"ItemSearchDocument"}


def test_every_text_field_of_govhall_has_a_limit_and_a_database_check():
    for model in apps.get_models():
        if not model.__module__.startswith("govhall.") or model.__name__ in DERIVED:
            continue
        checks = {c.name for c in model._meta.constraints}
        for field in model._meta.fields:
            if isinstance(field, models.TextField):
                assert field.max_length, f"{model.__name__}.{field.name} has no max_length"
                name = f"{model._meta.app_label}_{model._meta.model_name}_{field.name}_length"
                assert name in checks, f"{model.__name__}.{field.name} has no CHECK {name}"


def test_the_database_refuses_a_text_over_the_limit(citizen):
    limit = Notice._meta.get_field("body").max_length
    Notice.objects.create(recipient=citizen, channel="site", title="ok", body="字" * limit)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.create(recipient=citizen, channel="site", title="too long", body="字" * (limit + 1))


def test_the_check_before_saving_names_the_field():
    notice = Notice(channel="site", title="x", body="字" * 40_000)
    with pytest.raises(ValidationFailed) as err:
        text_lengths_check(notice)
    assert err.value.field == "body" and "不能超过30000个字符" in err.value.message
