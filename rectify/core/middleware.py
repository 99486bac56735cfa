from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from rectify.core.request_context import _request_id, new_request_id


class RequestIdMiddleware:
    """Gives every request an id, kept in the history and returned as X-Request-ID."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id()
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response
