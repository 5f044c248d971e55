"""A URL configuration with one view that crashes, for the 500-page test."""

from django.urls import include, path


def crash(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("crash/", crash),
    path("", include("battery_norway.urls")),
]
