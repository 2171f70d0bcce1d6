"""The default supervision rules, enabled, with the thresholds the issue names; supervisors change them."""

from django.db import migrations

from govhall.supervision.rules import RULE_DEFAULTS



def seed(apps, schema_editor):
    rule = apps.get_model("supervision", "Rule")
    rule.objects.bulk_create(
        [rule(code=c, level=lv, threshold=t, window_days=w) for c, lv, t, w in RULE_DEFAULTS], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
