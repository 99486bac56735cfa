"""Model fields of the platform: ``EncryptedCharField`` keeps a sensitive personal value (a phone or
identity number) encrypted with SM4 at rest (``rectify.core.crypto``); Python code sees plain text.

The column holds ciphertext, so the value cannot be searched or ordered in the database; an empty value
stays empty (a blank field reveals only that it is blank); every other value is encrypted on its way in,
with a fresh nonce each time, so an exact lookup never matches. A value stored before encryption was switched
on reads as it is until the migration or ``rectify rotate-keys`` encrypts it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import validators
from django.db import models

from rectify.core import crypto


class EncryptedCharField(models.TextField):
    """A short text encrypted at rest; ``max_length`` bounds the plain text (forms and validation)."""

    description = "Text encrypted with SM4 at rest"

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        self.plain_max_length = max_length
        super().__init__(*args, **kwargs)
        if max_length is not None:
            self.validators.append(validators.MaxLengthValidator(max_length))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length is not None:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    @property
    def purpose(self) -> str:
        """Associated data binding each value to its field: a value copied elsewhere does not decrypt."""
        return f"{self.model._meta.label_lower}.{self.attname}"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "" or not crypto.is_encrypted(value):
            return value
        return crypto.decrypt(value, self.purpose)

    def to_python(self, value):
        if value is None or isinstance(value, str):
            return value
        return str(value)

    def get_prep_value(self, value):
        if isinstance(value, crypto.Sealed):
            return str(value)
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value, self.purpose)

    def formfield(self, **kwargs):
        # A one-line input, as the plain CharField it replaces, not the text area of a TextField.
        return models.Field.formfield(
            self, **{"form_class": forms.CharField, "max_length": self.plain_max_length, **kwargs}
        )
