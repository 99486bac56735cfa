"""Filter pieces every filterset shares (the web lists, the API and the export)."""

import django_filters
from django import forms

# The largest id any supported database stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An object's id: a whole number in the database's range. Anything else is a field error (400),
    never a value sent to the database. A well-formed id of an object outside the scope filters to nothing."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
