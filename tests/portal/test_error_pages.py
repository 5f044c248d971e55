"""Branded, translated error pages; 400 and 500 render with no request context at all."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.views import defaults

from tests.factories import UserFactory
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db


def bare_request():
    """A request that never went through the middleware: no user, no session."""
    return RequestFactory().get("/somewhere/")


def test_the_500_page_renders_without_any_context_and_is_branded():
    response = defaults.server_error(bare_request())

    content = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in content
    assert "Battery Norway" in content
    assert "/static/css/portal.css" in content


@pytest.mark.parametrize("name", ["400.html", "500.html", "403_csrf.html"])
def test_the_context_free_pages_render_from_the_template_alone(name):
    content = get_template(name).render()  # no context, no request, no context processors

    assert "Battery Norway" in content
    assert "main-nav" not in content  # nothing that needs a user or a request


def test_the_400_page_renders_without_any_context():
    response = defaults.bad_request(bare_request(), exception=Exception())

    assert response.status_code == 400
    assert "The request could not be read" in response.content.decode()


def test_a_bad_host_gets_the_branded_400_page(client):
    response = client.get("/", headers={"host": "evil.example"})

    assert response.status_code == 400
    assert "The request could not be read" in response.content.decode()


def test_an_unknown_address_gets_the_branded_404_page_with_the_navigation(client):
    response = client.get("/no-such-page/")

    content = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in content
    assert 'class="main-nav"' in content


def test_the_404_page_for_a_signed_in_user_renders(client):
    response = logged_in(UserFactory()).get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_404_and_403_pages_render_for_a_request_without_user_or_session():
    not_found = defaults.page_not_found(bare_request(), Http404())
    denied = defaults.permission_denied(bare_request(), PermissionDenied())

    assert (not_found.status_code, denied.status_code) == (404, 403)
    assert "Page not found" in not_found.content.decode()
    assert "Not allowed" in denied.content.decode()


def test_a_form_sent_without_its_csrf_token_gets_the_branded_page():
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})

    response = client.post("/i18n/setlang/", {"language": "en"})

    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()


def test_a_crash_in_a_view_gets_the_branded_500_page(settings):
    settings.ROOT_URLCONF = "tests.portal.crash_urls"
    client = Client(raise_request_exception=False, headers={"accept-language": "en"})

    response = client.get("/crash/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_the_error_pages_are_translated(client_nb):
    response = client_nb.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" not in response.content.decode()
