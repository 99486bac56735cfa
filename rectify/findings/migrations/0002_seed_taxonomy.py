from django.db import migrations

from rectify.findings.reference import ensure_reference_data


def seed(apps, schema_editor):
    ensure_reference_data(apps.get_model("findings", "Category"), apps.get_model("findings", "DeadlineRule"))


class Migration(migrations.Migration):
    dependencies = [("findings", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
