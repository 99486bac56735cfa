"""The id of the request (or command run) being served, for the history and the event log."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("rectify_request_id", default="")


def get_request_id() -> str:
    return _request_id.get()


def new_request_id(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex}"


@contextmanager
def request_id_context(request_id: str | None = None, prefix: str = "cmd-") -> Iterator[str]:
    """Binds a request id for the duration of a command or job."""
    value = request_id or new_request_id(prefix)
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)
