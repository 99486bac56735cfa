"""Errors a service raises when it refuses to act; their messages are shown to the user as they are."""

from django.core.exceptions import ValidationError


class ActionRefused(ValidationError):
    """The action is not allowed: wrong state, wrong role, out of scope, or bad input.

    A ValidationError so that forms and DRF show it as they show any other; ``code`` tells the
    API which status to answer with (``not_found`` for out of scope, ``forbidden`` for the role).
    """

    def __init__(self, message, code: str = "invalid", params=None) -> None:
        super().__init__(message, code=code, params=params)
