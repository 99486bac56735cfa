"""On PostgreSQL, the keyword search's bigram function and index (rectify.findings.denormalized); outside the
transaction of the fill before it, whose deferred checks would keep the index from being built."""

from django.db import migrations


def create_search_index(apps, schema_editor):
    from rectify.findings.denormalized import CREATE_FUNCTIONS, CREATE_INDEX

    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE_FUNCTIONS:
            schema_editor.execute(sql)
        schema_editor.execute(CREATE_INDEX)


def drop_search_index(apps, schema_editor):
    from rectify.findings.denormalized import DROP_FUNCTIONS, DROP_INDEX

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)
        for sql in DROP_FUNCTIONS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("rectification", "0004_fill_finding_columns")]

    operations = [migrations.RunPython(create_search_index, drop_search_index)]
