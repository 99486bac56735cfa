"""Form pieces shared by every app: Bootstrap styling, date inputs, several files at once."""

from __future__ import annotations

from django import forms


class StyledFormMixin:
    """Gives every widget its Bootstrap class, so templates render fields uniformly.

    Fields named in ``rendered_apart`` are laid out by the page itself, not by the generic loop.
    """

    rendered_apart: tuple[str, ...] = ()

    @property
    def main_fields(self):
        return [field for field in self.visible_fields() if field.name not in self.rendered_apart]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by content in the service, not here."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class MoneyField(forms.DecimalField):
    """Yuan with two places, read by ``rectify.core.money.parse_amount`` (the one rule for money, as in the
    API and the import), so the form's message is the service's; the service re-checks."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("required", False)
        kwargs.setdefault("localize", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("step", "0.01")

    def to_python(self, value):
        from rectify.core.exceptions import ActionRefused
        from rectify.core.money import parse_amount

        if value in self.empty_values:
            return None
        try:
            return parse_amount(value, self.label or "")
        except ActionRefused as refusal:
            raise forms.ValidationError(refusal.messages, code="invalid") from None


def version_field() -> forms.IntegerField:
    """The hidden version an edit form carries (optimistic locking, ``rectify.core.locking``)."""
    return forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
