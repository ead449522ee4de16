"""The database itself refuses to change a history entry (DESIGN.md §2: append-only)."""

from django.db import migrations

SQLITE = """
CREATE TRIGGER petitions_historyentry_no_update BEFORE UPDATE ON petitions_historyentry
BEGIN SELECT RAISE(ABORT, 'history entries are append-only'); END;
"""
POSTGRES = """
CREATE OR REPLACE FUNCTION petitions_historyentry_refuse_update() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'history entries are append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER petitions_historyentry_no_update BEFORE UPDATE ON petitions_historyentry
FOR EACH ROW EXECUTE FUNCTION petitions_historyentry_refuse_update();
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute("DROP TRIGGER IF EXISTS petitions_historyentry_no_update" + (" ON petitions_historyentry" if vendor == "postgresql" else ""))


class Migration(migrations.Migration):
    dependencies = [("petitions", "0003_canonical_topics")]
    operations = [migrations.RunPython(forwards, backwards)]
