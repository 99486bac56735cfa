"""Users' phone numbers encrypted at rest with SM4 (rectify.core.fields.EncryptedCharField), their
history included: the column is widened, then every stored value is rewritten through the field."""

import rectify.core.fields
from django.db import migrations


def encrypt_existing(apps, schema_editor):
    for name in ("User", "HistoricalUser"):
        model = apps.get_model("accounts", name)
        # Reading yields the plain text (a value not yet encrypted reads as it is); writing encrypts it.
        for pk, phone in model._base_manager.exclude(phone="").values_list("pk", "phone").iterator(chunk_size=500):
            if phone:
                model._base_manager.filter(pk=pk).update(phone=phone)


def decrypt_existing(apps, schema_editor):
    for name in ("User", "HistoricalUser"):
        model = apps.get_model("accounts", name)
        values = list(model._base_manager.exclude(phone="").values_list("pk", "phone"))
        with schema_editor.connection.cursor() as cursor:
            for pk, phone in values:
                cursor.execute(
                    f"UPDATE {model._meta.db_table} SET phone = %s WHERE {model._meta.pk.column} = %s", [phone, pk]
                )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_drop_plaintext_api_tokens'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicaluser',
            name='phone',
            field=rectify.core.fields.EncryptedCharField(blank=True, max_length=30, verbose_name='联系电话'),
        ),
        migrations.AlterField(
            model_name='user',
            name='phone',
            field=rectify.core.fields.EncryptedCharField(blank=True, max_length=30, verbose_name='联系电话'),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
