"""Errors of the API: ``{"detail": …}`` or field errors keyed by field, in the request's language.

A service that refuses raises ``ActionRefused`` with a code; the code chooses the status:

- ``not_found``: 404, the object is outside the caller's scope (existence does not leak);
- ``forbidden``: 403, the caller sees the object but their role may not do this;
- ``invalid_state``: 409 Conflict, the request is well formed but the object's current state forbids it
  (issuing an issued finding, verifying a round twice …); retrying it as it is will not succeed;
- ``stale``: 412 Precondition Failed, an edit made from an older version (``If-Match`` / ``version``);
- ``invalid`` and anything else: 400, bad input; keyed by field when the refusal names one.

Django's own ``ValidationError`` (a model's ``full_clean``) answers 400 with its field keys. The
service has run in a transaction, so a refusal leaves the data as it was.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from rectify.core.exceptions import ActionRefused

REFUSAL_STATUS = {
    "not_found": status.HTTP_404_NOT_FOUND,
    "forbidden": status.HTTP_403_FORBIDDEN,
    "invalid_state": status.HTTP_409_CONFLICT,
    # An edit made from a version other than the current one (If-Match or "version"): nothing was written.
    "stale": status.HTTP_412_PRECONDITION_FAILED,
}


def refusal_status(refusal: ActionRefused) -> int:
    return REFUSAL_STATUS.get(getattr(refusal, "code", None) or "invalid", status.HTTP_400_BAD_REQUEST)


def _field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    errors = {}
    for field, messages in error.message_dict.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
        errors[key] = list(messages)
    return errors


def exception_handler(exc, context):
    if isinstance(exc, ActionRefused):
        set_rollback()
        status_code = refusal_status(exc)
        if hasattr(exc, "error_dict") and status_code == status.HTTP_400_BAD_REQUEST:
            # A refusal located on a field (the deadline …) answers keyed by that field.
            return Response(_field_errors(exc), status=status_code)
        return Response({"detail": " ".join(exc.messages)}, status=status_code)
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        if hasattr(exc, "error_dict"):
            return Response(_field_errors(exc), status=status.HTTP_400_BAD_REQUEST)
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.Throttled):
        # The rate limits (rectify.core.throttling): a Chinese message, Retry-After set by DRF.
        seconds = max(int(exc.wait or 1), 1)
        exc.detail = exceptions.ErrorDetail(
            _("请求过于频繁，请 %(seconds)d 秒后再试。") % {"seconds": seconds}, code="throttled"
        )
    if isinstance(exc, RecursionError):
        # Whatever nests too deeply for Python (a body past the parser's bound is refused before): 400, never 500.
        set_rollback()
        return Response({"detail": _("请求内容嵌套过深，无法处理。")}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        # Django's message names the model in English; the API says "not found" in the request's language.
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
