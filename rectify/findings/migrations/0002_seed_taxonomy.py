from django.db import migrations

from rectify.findings.data.categories import CATEGORIES, DEADLINE_DAYS


def seed(apps, schema_editor):
    Category = apps.get_model("findings", "Category")
    DeadlineRule = apps.get_model("findings", "DeadlineRule")
    for code, name, fiscal, children in CATEGORIES:
        parent, _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "involves_fiscal_funds": fiscal}
        )
        for child_code, child_name in children:
            Category.objects.get_or_create(
                code=child_code, defaults={"name": child_name, "parent": parent, "involves_fiscal_funds": fiscal}
            )
    for kind, (days, interval) in DEADLINE_DAYS.items():
        DeadlineRule.objects.get_or_create(kind=kind, defaults={"days": days, "reporting_interval_days": interval})


class Migration(migrations.Migration):
    dependencies = [("findings", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
