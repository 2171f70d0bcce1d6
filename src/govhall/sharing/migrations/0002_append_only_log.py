"""The look-up log is append-only: on PostgreSQL a trigger refuses UPDATE and DELETE of its rows (SQLite relies on
the services, which never issue them). The chain's head row is created here."""

from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION sharing_lookuplog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'sharing_lookuplog is append-only (' || TG_OP || ' refused)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sharing_lookuplog_append_only
    BEFORE UPDATE OR DELETE ON sharing_lookuplog
    FOR EACH ROW EXECUTE FUNCTION sharing_lookuplog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS sharing_lookuplog_append_only ON sharing_lookuplog;
DROP FUNCTION IF EXISTS sharing_lookuplog_append_only();
"""


def trigger_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def trigger_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


def head_create(apps, schema_editor):
    apps.get_model("sharing", "LookupLogHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]

    operations = [
        migrations.RunPython(trigger_create, trigger_drop),
        migrations.RunPython(head_create, migrations.RunPython.noop),
    ]
