import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # the factories' password


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, is_superuser=True)


def sign_in(client, user):
    """Through allauth's real login, so the session records a fresh authentication."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_staff_without_totp_is_sent_to_the_enrolment_page_when_required(client, settings, staff):
    settings.MFA_REQUIRED_FOR_STAFF = True
    sign_in(client, staff)

    for path in ("/admin/", reverse("members:home"), "/", reverse("mfa_activate_totp")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("portal:staff_enrolment"), path


def test_staff_sets_up_totp_through_the_link_and_reauthentication_then_reaches_the_admin(
    client, settings, staff, mailoutbox, django_capture_on_commit_callbacks
):
    settings.MFA_REQUIRED_FOR_STAFF = True
    sign_in(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:staff_enrolment"))
    link = re.search(r"(/two-factor/enrol/\S+/)", mailoutbox[-1].body).group(1)
    client.post(link)

    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    secret = response.context["form"].secret
    counters = list(yield_hotp_counters_from_time())
    code = format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302

    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == 200


def test_staff_asked_to_reauthenticate_before_setup_is_not_caught_in_a_redirect_loop(
    client, settings, staff
):
    # A session without a recent authentication (force_login records none) makes allauth ask
    # for the password again before TOTP can be activated; that page must stay reachable.
    settings.MFA_REQUIRED_FOR_STAFF = True
    client.force_login(staff)

    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("portal:staff_enrolment")

    response = client.get(reverse("account_reauthenticate"))
    assert response.status_code == 200


def test_staff_without_totp_can_still_sign_out(client, settings, staff):
    settings.MFA_REQUIRED_FOR_STAFF = True
    sign_in(client, staff)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_with_totp_is_let_through(client, settings, staff):
    settings.MFA_REQUIRED_FOR_STAFF = True
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 200


def test_nothing_happens_when_the_setting_is_off(client, settings, staff):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 200


def test_members_who_are_not_staff_are_never_asked(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    member = UserFactory()
    client.force_login(member)

    response = client.get(reverse("members:home"))

    assert response.get("Location") not in (
        reverse("mfa_activate_totp"),
        reverse("portal:staff_enrolment"),
    )


def test_anonymous_visitors_are_never_asked(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True

    response = client.get("/")

    assert response.status_code == 200
