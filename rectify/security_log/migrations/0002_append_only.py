"""The chain head's one row, and on PostgreSQL a trigger that refuses UPDATE and DELETE on the log's
records to every database role, the application's included (等保 2.0: the log cannot be altered
through the application nor by its database account). SQLite has no roles: there the application
refuses, and ``rectify verify-log`` detects any change made to the file behind its back."""

from django.db import migrations

CREATE = [
    """CREATE OR REPLACE FUNCTION security_log_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the security log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS security_log_append_only ON security_log_securityevent",
    """CREATE TRIGGER security_log_append_only BEFORE UPDATE OR DELETE ON security_log_securityevent
    FOR EACH ROW EXECUTE FUNCTION security_log_refuse_change()""",
]

DROP = [
    "DROP TRIGGER IF EXISTS security_log_append_only ON security_log_securityevent",
    "DROP FUNCTION IF EXISTS security_log_refuse_change()",
]


def _run(schema_editor, statements):
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def create_head(apps, schema_editor):
    apps.get_model("security_log", "ChainHead").objects.get_or_create(pk=1)


def install_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, CREATE)


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, DROP)


class Migration(migrations.Migration):
    dependencies = [("security_log", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(install_trigger, remove_trigger),
    ]
