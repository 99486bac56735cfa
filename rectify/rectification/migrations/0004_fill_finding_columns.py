"""Fills the findings' denormalized columns (findings 0006) and, on PostgreSQL, builds the keyword search's
bigram function and index (rectify.findings.denormalized)."""

from django.db import migrations


def fill(apps, schema_editor):
    from rectify.rectification.denormalized import rebuild_denormalized

    rebuild_denormalized()


def create_search_index(apps, schema_editor):
    from rectify.findings.denormalized import CREATE_FUNCTION, CREATE_INDEX

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_FUNCTION)
        schema_editor.execute(CREATE_INDEX)


def drop_search_index(apps, schema_editor):
    from rectify.findings.denormalized import DROP_FUNCTION, DROP_INDEX

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)
        schema_editor.execute(DROP_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0006_denormalized_columns"),
        ("rectification", "0003_delay_decision"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
