"""The public front page, the shared layout (navigation by role, language) and the sign-in
pages rendered in it."""

import re

import pytest
from django.urls import reverse

from members.models import Role, ValueChainSegment
from tests.factories import OrganisationRoleFactory, UserFactory, active_organisation, member_of

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)">', response.content.decode()).group(1)


def _links(response) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', response.content.decode()))


# --- Front page ------------------------------------------------------------------------------


def test_front_page_tells_what_the_network_is_and_links_to_apply_and_sign_in(client):
    response = client.get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "industry network for the Norwegian battery value chain" in content
    assert "Recycling" in content  # the value chain, from the seeded segments
    assert {reverse("members:apply"), reverse("account_login")} <= _links(response)


def test_front_page_offers_a_signed_in_member_their_page(client):
    client.force_login(member_of(active_organisation()))
    response = client.get("/")
    assert response.status_code == 200
    assert reverse("members:home") in _links(response)


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("rows", [1, 5])
def test_front_page_query_count_is_fixed(client, django_assert_num_queries, signed_in, rows):
    user = UserFactory()
    for n in range(rows):
        ValueChainSegment.objects.create(name_nb=f"Ekstra {n}", name_en=f"Extra {n}", slug=f"x{n}")
        OrganisationRoleFactory(user=user, organisation=active_organisation())
    if signed_in:
        client.force_login(user)
    # the segments; signed in also session, user and the navigation's organisations
    with django_assert_num_queries(4 if signed_in else 1):
        response = client.get("/")
    assert response.status_code == 200


# --- Language --------------------------------------------------------------------------------


def test_pages_are_norwegian_by_default(client_nb):
    assert _html_lang(client_nb.get("/")) == "nb"
    assert _html_lang(client_nb.get(reverse("account_login"))) == "nb"


def test_the_language_switcher_switches_the_portal_to_english_and_back(client_nb):
    response = client_nb.get("/")
    assert f'action="{reverse("set_language")}"' in response.content.decode()
    assert 'name="language" value="en"' in response.content.decode()

    response = client_nb.post(reverse("set_language"), {"language": "en", "next": "/apply/"})
    assert response.status_code == 302
    assert response.url == "/apply/"
    response = client_nb.get("/apply/")
    assert _html_lang(response) == "en"
    assert "Apply for membership" in response.content.decode()

    client_nb.post(reverse("set_language"), {"language": "nb", "next": "/"})
    assert _html_lang(client_nb.get("/")) == "nb"


def test_the_switcher_marks_the_current_language(client):
    content = client.get("/").content.decode()
    assert re.search(r'value="en" lang="en" aria-current="true"', content)
    assert not re.search(r'value="nb" lang="nb" aria-current', content)


def test_a_signed_in_member_switches_language_on_the_organisation_page(client_nb):
    organisation = active_organisation()
    client_nb.force_login(member_of(organisation))
    url = reverse("members:organisation", kwargs={"pk": organisation.pk})
    assert _html_lang(client_nb.get(url)) == "nb"
    response = client_nb.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.url == url
    assert _html_lang(client_nb.get(url)) == "en"


# --- Navigation by role ----------------------------------------------------------------------


def test_signed_out_navigation_offers_home_apply_and_sign_in(client):
    links = _links(client.get(reverse("members:apply")))
    assert {"/", reverse("members:apply"), reverse("account_login")} <= links
    assert reverse("members:directory") not in links


def test_member_navigation_offers_their_organisation_directory_competence_and_sign_out(client):
    organisation = active_organisation()
    client.force_login(member_of(organisation))
    response = client.get(reverse("members:directory"))
    links = _links(response)
    assert reverse("members:organisation", kwargs={"pk": organisation.pk}) in links
    assert {reverse("members:directory"), reverse("members:competence")} <= links
    assert reverse("admin:index") not in links
    assert reverse("members:apply") not in links
    assert f'action="{reverse("account_logout")}"' in response.content.decode()


def test_a_member_of_several_organisations_gets_the_list_in_the_navigation(client):
    user = member_of(active_organisation())
    OrganisationRoleFactory(user=user, organisation=active_organisation())
    client.force_login(user)
    response = client.get(reverse("members:home"))
    assert "My organisations" in response.content.decode()


def test_staff_navigation_links_to_the_administration(client):
    client.force_login(UserFactory(is_staff=True))
    assert reverse("admin:index") in _links(client.get(reverse("members:home")))


def test_organisation_admin_has_people_and_edit_links_on_the_organisation_page(client):
    organisation = active_organisation()
    client.force_login(member_of(organisation, Role.ADMIN))
    links = _links(client.get(reverse("members:organisation", kwargs={"pk": organisation.pk})))
    assert reverse("members:people", kwargs={"pk": organisation.pk}) in links
    assert reverse("members:organisation_edit", kwargs={"pk": organisation.pk}) in links


def test_the_sign_out_button_signs_out(client):
    client.force_login(member_of(active_organisation()))
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


# --- allauth's pages in the portal layout ----------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["account_login", "account_reset_password", "account_reset_password_done"]
)
def test_sign_in_and_password_reset_pages_use_the_portal_layout(client, url_name):
    response = client.get(reverse(url_name))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in content
    assert f'action="{reverse("set_language")}"' in content
    assert "portal.css" in content


def test_sign_in_page_points_to_the_application_form_instead_of_sign_up(client):
    response = client.get(reverse("account_login"))
    content = response.content.decode()
    assert 'name="login"' in content
    assert 'name="password"' in content
    assert reverse("members:apply") in _links(response)
    assert reverse("account_reset_password") in _links(response)
    assert reverse("account_signup") not in _links(response)


@pytest.mark.parametrize("url_name", ["mfa_index", "account_change_password", "account_email"])
def test_account_pages_use_the_portal_layout_with_the_account_menu(client, url_name):
    client.force_login(member_of(active_organisation()))
    response = client.get(reverse(url_name))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in content
    assert reverse("mfa_index") in _links(response)
    assert reverse("account_change_password") in _links(response)


def test_two_factor_set_up_and_its_password_check_use_the_portal_layout(client):
    client.force_login(member_of(active_organisation()))
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("account_reauthenticate"))
    assert 'class="site-header"' in response.content.decode()

    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert 'class="site-header"' in response.content.decode()
    assert 'name="code"' in response.content.decode()


def test_sign_in_page_query_count_is_fixed(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("account_login"))
    assert response.status_code == 200
