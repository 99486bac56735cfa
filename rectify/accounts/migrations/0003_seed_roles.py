from django.db import migrations

from rectify.accounts.reference import ensure_roles


def seed(apps, schema_editor):
    ensure_roles(apps.get_model("accounts", "Role"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
