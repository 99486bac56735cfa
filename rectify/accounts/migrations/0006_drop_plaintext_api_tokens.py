# API tokens moved from DRF's authtoken (one eternal token per user, kept in plain text) to
# django-rest-knox (hashed, expiring, one per sign-in). The old table, whose rows are working
# credentials in plain text, is dropped where it exists; every old token is dead.

from django.db import migrations


def drop_plaintext_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" in connection.introspection.table_names():
        schema_editor.execute("DROP TABLE authtoken_token")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_password_policy_and_resets"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(drop_plaintext_tokens, migrations.RunPython.noop)]
