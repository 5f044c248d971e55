"""A database lost during a request gives a clean 503 page with Retry-After, not a 500."""

import pytest
from django.template.loader import get_template
from django.test import Client, RequestFactory

from portal.db_errors import server_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/closed/", "/terminated/"])
def test_a_lost_connection_in_a_view_gets_the_503_page(settings, path):
    settings.ROOT_URLCONF = "tests.portal.db_error_urls"

    response = Client().get(path)

    content = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Portalen er utilgjengelig en kort stund" in content
    assert "Traceback" not in content
    assert "terminating connection" not in content


def test_other_errors_still_get_the_500_page(settings):
    settings.ROOT_URLCONF = "tests.portal.crash_urls"

    response = Client(raise_request_exception=False).get("/crash/")

    assert response.status_code == 500


def test_the_503_page_renders_from_the_template_alone():
    content = get_template("503.html").render()  # no context, no request, no context processors

    assert "Battery Norway" in content
    assert "main-nav" not in content


def test_the_503_page_is_in_the_visitors_language(settings):
    settings.ROOT_URLCONF = "tests.portal.db_error_urls"

    response = Client().get("/closed/", headers={"accept-language": "nb"})

    assert '<html lang="nb">' in response.content.decode()


def test_a_page_while_the_database_is_unreachable_gets_the_503_page(unreachable_database):
    response = Client().get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Portalen er utilgjengelig en kort stund" in response.content.decode()


def test_a_signed_in_page_while_the_database_is_unreachable_gets_the_503_page(
    unreachable_database,
):
    # The session and the user are read by middleware, before any view runs.
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a-session-the-database-would-know"

    response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Portalen er utilgjengelig en kort stund" in response.content.decode()


def test_the_500_handler_outside_a_database_error_gives_the_500_page():
    response = server_error(RequestFactory().get("/somewhere/"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
