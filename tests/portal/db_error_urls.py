"""A URL configuration with views that lose the database, for the 503-page test."""

from django.db import InterfaceError, OperationalError
from django.urls import include, path


def connection_closed(request):
    raise InterfaceError("connection already closed")


def server_terminated(request):
    raise OperationalError("terminating connection due to administrator command")


urlpatterns = [
    path("closed/", connection_closed),
    path("terminated/", server_terminated),
    path("", include("battery_norway.urls")),
]
