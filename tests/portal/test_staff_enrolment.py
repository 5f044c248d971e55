"""Staff enrol two-factor with an e-mailed one-time link or from the command line (issue 7)."""

import io
import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import signing
from django.core.management import CommandError, call_command
from django.urls import reverse

from members.models import User
from portal import two_factor
from portal.middleware import _withhold_staff_rights
from portal.models import OutboundEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # the factories' password
ACTIVATE = "/accounts/2fa/totp/activate/"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


@pytest.fixture
def staff():
    return UserFactory(email="sekretariat@example.no", is_staff=True, is_superuser=True)


def sign_in(client, user):
    """Through allauth's real login, so the session records a fresh authentication."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _code(secret):
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def _request_link(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:staff_enrolment"))
    assert response.status_code == 302
    body = mailoutbox[-1].body
    return re.search(r"https?://\S+(/two-factor/enrol/\S+/)", body).group(1)


def _activate(client):
    """allauth asks for the password again first, then shows the set-up with its secret."""
    response = client.get(ACTIVATE, follow=True)
    if response.redirect_chain and "reauthenticate" in response.redirect_chain[-1][0]:
        response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == ACTIVATE
    secret = response.context["form"].secret
    return client.post(ACTIVATE, {"code": _code(secret)})


# --- A password alone gets no staff rights and cannot enrol ----------------------------------


def test_password_only_staff_cannot_reach_the_admin_or_staff_pages(client, staff):
    sign_in(client, staff)

    for path in ("/admin/", "/admin/members/user/", reverse("members:home"), "/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("portal:staff_enrolment"), path
    response = client.get(reverse("portal:staff_enrolment"))
    assert response.status_code == 200
    assert "sekretariat@example.no" in response.content.decode()
    assert response.context["user"].is_staff is False
    assert response.context["user"].is_superuser is False


def test_password_only_staff_cannot_open_the_totp_set_up(client, staff):
    sign_in(client, staff)

    assert client.get(ACTIVATE)["Location"] == reverse("portal:staff_enrolment")
    response = client.post(ACTIVATE, {"code": "123456"})

    assert response["Location"] == reverse("portal:staff_enrolment")
    assert not Authenticator.objects.filter(user=staff).exists()


def test_withheld_rights_are_never_saved(staff):
    user = User.objects.get(pk=staff.pk)
    _withhold_staff_rights(user)
    user.full_name = "Ny Navn"
    user.save()
    user.save(update_fields=["is_staff", "is_superuser", "full_name"])

    staff.refresh_from_db()
    assert staff.full_name == "Ny Navn"
    assert staff.is_staff
    assert staff.is_superuser
    assert not user.has_perm("members.change_organisation")
    assert not two_factor.has_staff_rights(user)


def test_has_staff_rights_outside_a_request(settings, staff):
    assert not two_factor.has_staff_rights(staff)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    assert two_factor.has_staff_rights(staff)
    settings.MFA_REQUIRED_FOR_STAFF = False
    assert two_factor.has_staff_rights(UserFactory(is_staff=True))
    assert not two_factor.has_staff_rights(UserFactory())


# --- The e-mailed link -----------------------------------------------------------------------


def test_the_emailed_link_enrols_once_and_then_the_admin_opens(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, staff)
    link = _request_link(client, mailoutbox, django_capture_on_commit_callbacks)

    assert mailoutbox[-1].to == ["sekretariat@example.no"]
    assert OutboundEmail.objects.filter(recipients=["sekretariat@example.no"]).count() == 1
    assert client.get(link).status_code == 200  # a button: prefetching the link spends nothing
    response = client.post(link)
    assert response["Location"] == ACTIVATE
    response = _activate(client)
    assert response.status_code == 302

    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == 200
    assert client.post(link).status_code == 410


def test_a_link_works_once_even_before_the_set_up_is_finished(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, staff)
    link = _request_link(client, mailoutbox, django_capture_on_commit_callbacks)
    assert client.post(link)["Location"] == ACTIVATE

    response = client.post(link)

    assert response.status_code == 410
    assert "expired or has been used" in response.content.decode()


def test_the_link_works_only_for_the_account_it_was_sent_for(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, staff)
    link = _request_link(client, mailoutbox, django_capture_on_commit_callbacks)
    client.post(reverse("account_logout"))
    other = UserFactory(is_staff=True)
    sign_in(client, other)

    assert client.post(link).status_code == 410
    assert client.get(ACTIVATE)["Location"] == reverse("portal:staff_enrolment")


def test_a_signed_out_visitor_with_the_link_is_asked_to_sign_in(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, staff)
    link = _request_link(client, mailoutbox, django_capture_on_commit_callbacks)
    client.post(reverse("account_logout"))

    response = client.post(link)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Authenticator.objects.exists()


def test_an_expired_or_tampered_link_is_refused(client, staff):
    class LongAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 2 * 3600)

    payload = {"u": staff.pk, "s": two_factor._account_state(staff)}
    expired = LongAgo(salt=two_factor._SALT).sign_object(payload, compress=True)
    sign_in(client, staff)

    for token in (expired, expired[:-2] + "xx", "nope"):
        url = reverse("portal:staff_enrolment_link", kwargs={"token": token})
        assert client.post(url).status_code == 410
    assert client.get(ACTIVATE)["Location"] == reverse("portal:staff_enrolment")


def test_a_changed_password_voids_earlier_links(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, staff)
    link = _request_link(client, mailoutbox, django_capture_on_commit_callbacks)
    staff.set_password(PASSWORD)  # a new salt: a new hash
    staff.save()
    client.force_login(staff)

    assert client.post(link).status_code == 410


def test_sending_links_is_rate_limited(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [client.post(reverse("portal:staff_enrolment")).status_code for _ in range(3)]
    sent = OutboundEmail.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        statuses.append(client.post(reverse("portal:staff_enrolment")).status_code)

    assert statuses == [302, 302, 302, 429]
    assert OutboundEmail.objects.count() == sent
    assert len(mailoutbox) == sent  # links asked for in the same second are one e-mail


def test_an_account_without_a_verified_address_gets_no_link(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    EmailAddress.objects.filter(user=staff).update(verified=False)
    client.force_login(staff)

    assert (
        "no confirmed e-mail address"
        in client.get(reverse("portal:staff_enrolment")).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:staff_enrolment"))

    assert response.status_code == 400
    assert mailoutbox == []


def test_enrolled_staff_and_members_are_sent_away_from_the_enrolment_page(client, staff):
    client.force_login(UserFactory())
    assert client.get(reverse("portal:staff_enrolment"))["Location"] == reverse("portal:home")


# --- From the command line -------------------------------------------------------------------


def test_the_command_creates_a_totp_and_prints_the_secret_once(staff):
    out = io.StringIO()
    call_command("staff_totp_create", "Sekretariat@Example.no", stdout=out)

    secret = re.search(r"Secret: (\S+)", out.getvalue()).group(1)
    assert re.search(r"URI: otpauth://totp/\S+secret=" + secret, out.getvalue())
    authenticator = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP)
    assert TOTP(authenticator).validate_code(_code(secret))
    assert two_factor.has_staff_rights(staff)

    with pytest.raises(CommandError, match="already has an authenticator"):
        call_command("staff_totp_create", staff.email, stdout=io.StringIO())
    call_command("staff_totp_create", staff.email, "--replace", stdout=io.StringIO())
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).count() == 1


def test_the_command_refuses_members_and_unknown_addresses():
    UserFactory(email="medlem@example.no")
    with pytest.raises(CommandError, match="not staff"):
        call_command("staff_totp_create", "medlem@example.no", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No account"):
        call_command("staff_totp_create", "nobody@example.no", stdout=io.StringIO())
    assert not Authenticator.objects.exists()


def test_enrolment_page_query_count_is_fixed(client, staff, django_assert_num_queries):
    EmailAddress.objects.create(user=staff, email="privat@example.no", verified=True)
    client.force_login(staff)
    # session, user, TOTP? (middleware), TOTP? (page), addresses, organisations (layout)
    with django_assert_num_queries(6):
        response = client.get(reverse("portal:staff_enrolment"))
    assert response.status_code == 200
