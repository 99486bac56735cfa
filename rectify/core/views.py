from django.db import connection
from django.http import HttpRequest, HttpResponseForbidden, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 and {"status": "ok"} when the database answers; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return JsonResponse({"status": "error", "detail": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponseForbidden:
    """A refused form post (an expired page, cookies off) as a page of the site, saying what to do.

    Django's own view renders ``403_csrf.html`` without the request, so the layout would lose the
    user's header; this one renders it with the request (CSRF_FAILURE_VIEW)."""
    template = loader.get_template("403_csrf.html")
    return HttpResponseForbidden(template.render({"reason": reason}, request))


def server_error(request: HttpRequest):
    """The 500 page; a database that turned the request away (in a middleware, outside any view) is a 503."""
    import sys

    from django.views.defaults import server_error as default_server_error

    from rectify.core.middleware import database_busy_response, database_trouble

    trouble = database_trouble(sys.exc_info()[1]) if sys.exc_info()[1] is not None else None
    if trouble is not None:
        return database_busy_response(request, trouble)
    return default_server_error(request)
