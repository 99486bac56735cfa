"""Fills the findings' denormalized columns (findings 0006)."""

from django.db import migrations


def fill(apps, schema_editor):
    from rectify.rectification.denormalized import rebuild_denormalized

    rebuild_denormalized()


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0006_denormalized_columns"),
        ("rectification", "0003_delay_decision"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
