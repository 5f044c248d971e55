"""Mails are written in the recipient's language: the language a signed-in person chose with the
switcher (kept on the user), Norwegian for an organisation address and for people without one."""

import pytest
from django.urls import reverse

from billing.services.documents import invoice_store_documents
from billing.services.sending import invoice_send
from members import services
from members.models import Role, User
from portal.mail import mail_language
from portal.models import OutboundEmail
from tests.billing.invoicing import issue_invoice
from tests.factories import OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

ENGLISH_RESET = "[Battery Norway] Password Reset Email"


def switch(client, language: str):
    return client.post(reverse("set_language"), {"language": language, "next": "/"})


def test_the_switch_keeps_the_cookie_and_redirects_as_django_does(client):
    response = switch(client, "en")
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def test_switching_to_english_while_signed_in_is_kept_on_the_user(client):
    user = UserFactory(email="kari@celle.no")
    client.force_login(user)
    switch(client, "en")
    user.refresh_from_db()
    assert user.language == "en"
    assert mail_language(user) == "en"
    switch(client, "nb")
    user.refresh_from_db()
    assert user.language == "nb"


def test_an_anonymous_switch_changes_no_row(client):
    user = UserFactory(email="kari@celle.no")
    switch(client, "en")
    assert list(User.objects.values_list("language", flat=True)) == [""]
    user.refresh_from_db()
    assert mail_language(user) == "nb"


def test_an_unknown_language_changes_nothing(client):
    user = UserFactory(email="kari@celle.no", language="en")
    client.force_login(user)
    switch(client, "xx")
    user.refresh_from_db()
    assert user.language == "en"


def test_a_get_changes_no_row(client):
    user = UserFactory(email="kari@celle.no")
    client.force_login(user)
    response = client.get(reverse("set_language"), {"language": "en"})
    assert response.status_code in (200, 302, 204)
    user.refresh_from_db()
    assert user.language == ""


def test_after_switching_to_english_the_password_reset_mail_is_in_english(client):
    user = UserFactory(email="kari@celle.no")
    client.force_login(user)
    switch(client, "en")
    client.logout()
    client.cookies.clear()  # a fresh browser: the language comes from the user, not the cookie
    client.post(reverse("account_reset_password"), {"email": "kari@celle.no"})
    email = OutboundEmail.objects.get(key__startswith="account:password_reset_key:")
    assert email.subject == ENGLISH_RESET


def test_without_a_choice_the_password_reset_mail_is_in_norwegian(client):
    UserFactory(email="kari@celle.no")
    client.post(reverse("account_reset_password"), {"email": "kari@celle.no"})
    email = OutboundEmail.objects.get(key__startswith="account:password_reset_key:")
    assert email.subject.startswith("[Battery Norway] ")
    assert email.subject != ENGLISH_RESET


def test_an_invitation_to_a_person_who_chose_english_is_in_english(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="kari@celle.no")
    client.force_login(user)
    switch(client, "en")
    organisation = OrganisationFactory(name="Celleverket AS")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(organisation=organisation, email="Kari@celle.no")
    email = OutboundEmail.objects.get(key=f"invitation:{invitation.pk}")
    assert email.subject == "Invitation to Celleverket AS in the Battery Norway portal"


def test_an_invitation_to_an_address_without_an_account_is_in_norwegian(
    django_capture_on_commit_callbacks,
):
    organisation = OrganisationFactory(name="Celleverket AS")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(organisation=organisation, email="ny@celle.no")
    email = OutboundEmail.objects.get(key=f"invitation:{invitation.pk}")
    assert email.subject == "Invitasjon til Celleverket AS i Battery Norway-portalen"


def test_an_invoice_to_an_organisation_is_norwegian_even_to_an_admin_who_chose_english():
    invoice = invoice_store_documents(invoice=issue_invoice(invoice_email=""))
    admin = member_of(invoice.organisation, role=Role.ADMIN, email="sjef@celle.no")
    services.user_set_language(user=admin, language="en")
    email = invoice_send(invoice=invoice)
    assert email.recipients == ["sjef@celle.no"]
    assert email.subject == f"Faktura {invoice.document_number} fra Battery Norway"


def test_the_user_admin_shows_and_saves_the_language(staff_client):
    user = UserFactory(email="kari@celle.no", language="en")
    url = reverse("admin:members_user_change", args=[user.pk])
    page = staff_client.get(url).content.decode()
    assert 'name="language"' in page
    assert '<option value="en" selected>' in page
