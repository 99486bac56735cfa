from django.db import migrations

ROLES = [
    "auditor", "audit_leader", "unit_contact", "unit_head", "dept_supervisor", "org_officer",
    "discipline_officer", "committee_officer", "government_officer", "finance_officer", "congress_officer",
    "system_admin", "security_admin", "log_auditor",
]


def seed(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code in ROLES:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
