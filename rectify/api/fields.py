"""Serializer fields every app's API uses: money, references within the caller's scope, JSON lists in forms."""

from __future__ import annotations

import json
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.utils import html

from rectify.core.exceptions import ActionRefused
from rectify.core.money import parse_amount


class MoneyField(serializers.DecimalField):
    """Yuan with two places, read and written as a decimal string ("125000.00"); never a float.

    Input is checked by ``rectify.core.money.parse_amount`` (the one rule for money, as in the web forms
    and the import), whatever JSON holds (a string, a number, ``1e30``, a list): a bad amount answers
    400 keyed by its field, never 500; the service checks it again.

    A writable field must be given its ``label``: the messages name the field by it, and without one
    DRF would make it from the field's name in English ("Amount involved不能为负数").
    """

    def __init__(self, **kwargs) -> None:
        if not kwargs.get("read_only") and not kwargs.get("label"):
            raise TypeError("A writable MoneyField needs its (translated) label.")
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return parse_amount(data, self.label)
        except ActionRefused as refusal:
            raise serializers.ValidationError(refusal.messages, code="invalid") from None


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id to an object the caller may see; any other id reads as "does not exist"."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return queryset.restrict(request.user if request else None)


class JSONListField(serializers.ListField):
    """A list of objects. In a JSON body it is a list; in a multipart form, one field holding JSON text."""

    default_error_messages = {"invalid_json": _("Value must be valid JSON.")}

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and self.field_name in dictionary:
            return dictionary.get(self.field_name)
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data, parse_float=Decimal) if data.strip() else []
            except ValueError:
                self.fail("invalid_json")
        return super().to_internal_value(data)
