"""Errors a service raises when it refuses to act; their messages are shown to the user as they are."""

from django.core.exceptions import ValidationError


class ActionRefused(ValidationError):
    """The action is not allowed: wrong state, wrong role, out of scope, or bad input.

    A ValidationError so that forms and DRF show it as they show any other; ``code`` tells the
    API which status to answer with (``not_found`` for out of scope, ``forbidden`` for the role).
    ``message`` may be a dict keyed by field (``{"deadline": [...]}``): the form shows the message on
    that field, the API answers it keyed by the field, the import at that column.
    """

    def __init__(self, message, code: str = "invalid", params=None) -> None:
        super().__init__(message, code=code, params=params)
        if hasattr(self, "error_dict"):
            # Django keeps no code for a dict of errors; the API's status is chosen by it.
            self.code = code


def add_refusal_to_form(form, refusal: ValidationError) -> None:
    """Shows a service's refusal on the form: on the field it names when the form has that field, else
    above the form."""
    if hasattr(refusal, "error_dict"):
        for field, errors in refusal.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return
    for message in refusal.messages:
        form.add_error(None, message)
