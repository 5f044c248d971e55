"""A clean 503 page when the database goes away during a request (a PostgreSQL restart)."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """Answers a lost database connection with 503.html and Retry-After instead of a 500.

    The page renders without the request (no context processors, no user, no session), so it
    cannot touch the database again. Django closes the broken connection when the request ends
    (the error marks it unusable), and with CONN_HEALTH_CHECKS the next request opens a new one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning(
            "Database unavailable during %s %s: %s",
            request.method,
            request.path,
            exception.__class__.__name__,
        )
        return unavailable_response()


def unavailable_response() -> HttpResponse:
    """503.html rendered without the request, with Retry-After."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: the 503 page for a database lost in a middleware (reading the session or
    the user, before any view runs, where process_exception does not see it); else the 500 page.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return unavailable_response()
    return defaults.server_error(request, template_name)
