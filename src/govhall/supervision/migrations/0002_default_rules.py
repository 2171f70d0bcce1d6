"""The default supervision rules, enabled, with the thresholds the issue names; supervisors change them."""

from django.db import migrations

DEFAULTS = [
    ("promised_near", "yellow", 80, 0),
    ("promised_over", "red", 0, 0),
    ("legal_over", "red", 0, 0),
    ("step_over", "yellow", 0, 0),
    ("repeated_correction", "yellow", 2, 0),
    ("repeated_visit", "yellow", 2, 30),
    ("owed_overdue", "yellow", 0, 0),
    ("rectification_overdue", "red", 0, 0),
]


def seed(apps, schema_editor):
    rule = apps.get_model("supervision", "Rule")
    rule.objects.bulk_create(
        [rule(code=c, level=lv, threshold=t, window_days=w) for c, lv, t, w in DEFAULTS], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
