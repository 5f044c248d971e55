"""One mail path: every e-mail is an outbox row, rendered by ``portal.mail``, linked to what it
is about, with its links on ``SITE_URL``; no code outside ``portal/outbox.py`` sends mail."""

import ast
import datetime
import re
from pathlib import Path

import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from activities.services.reminders import hours_reminders_send
from billing.models import PaymentReminder
from billing.services.documents import invoice_store_documents
from billing.services.reminders import payment_reminders_send
from billing.services.sending import invoice_resend, invoice_send, invoice_send_requests
from members import services
from members.models import Role
from portal.mail import mail_render
from portal.models import OutboundEmail
from tests.billing.invoicing import issue_invoice
from tests.factories import (
    ApplicationFactory,
    OrganisationFactory,
    OutboundEmailFactory,
    ReportingPeriodFactory,
    UserFactory,
    active_organisation,
    member_of,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ("members", "activities", "billing", "portal", "battery_norway")
SITE = "https://portal.batterynorway.example"
# Hosts a request may carry that are not the portal's public address (both in ALLOWED_HOSTS).
OTHER_HOST = "localhost:9999"
LINK = re.compile(r"https?://\S+")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def links(text: str) -> list[str]:
    return LINK.findall(text)


# --- allauth's own mails -------------------------------------------------------------------


def test_password_reset_is_an_outbox_row_with_its_link_on_site_url_not_the_request_host(
    client, mailoutbox
):
    user = UserFactory(email="kari@celle.no")
    response = client.post(
        reverse("account_reset_password"), {"email": "kari@celle.no"}, HTTP_HOST=OTHER_HOST
    )
    assert response.status_code == 302
    assert mailoutbox == []  # nothing sent past the outbox: the row waits for the commit
    email = OutboundEmail.objects.get()
    assert email.key.startswith("account:password_reset_key:")
    assert email.recipients == ["kari@celle.no"]
    assert email.about == user
    assert email.subject.startswith("[Battery Norway] ")
    found = links(email.body)
    assert any("/accounts/password/reset/key/" in link for link in found)
    assert found
    assert all(link.startswith(f"{SITE}/") for link in found), email.body
    assert "localhost" not in email.body


def test_address_confirmation_links_to_site_url_whatever_port_the_request_came_on(client):
    user = UserFactory(email="kari@celle.no")
    EmailAddress.objects.create(user=user, email="kari@privat.no", primary=False, verified=False)
    client.force_login(user)
    client.post(
        reverse("account_email"),
        {"action_send": "", "email": "kari@privat.no"},
        HTTP_HOST=OTHER_HOST,
    )
    email = OutboundEmail.objects.get(recipients=["kari@privat.no"])
    assert email.about == user
    found = links(email.body)
    assert any("/accounts/confirm-email/" in link for link in found)
    assert all(link.startswith(f"{SITE}/") for link in found)


def test_an_allauth_mail_is_written_in_norwegian_whatever_the_request_language(client):
    UserFactory(email="kari@celle.no")
    client.cookies["django_language"] = "en"
    client.post(
        reverse("account_reset_password"),
        {"email": "kari@celle.no"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    email = OutboundEmail.objects.get()
    assert email.subject == "[Battery Norway] E-post for gjenopprettelse av passord"
    with translation.override("en"):
        english, _body = mail_render(
            template="account/email/password_reset_key_message",
            subject_template="account/email/password_reset_key_subject.txt",
            context={},
            language="en",
        )
    assert english != "E-post for gjenopprettelse av passord"


def test_security_notices_go_through_the_outbox_unescaped_with_the_site_url(settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    user = UserFactory(email="kari@celle.no", full_name="Kari O'Brien & Sønn")
    request = RequestFactory().get("/", HTTP_HOST=OTHER_HOST, HTTP_USER_AGENT="Agent <&>")
    request.user = user
    with allauth_context.request_context(request):
        get_adapter(request).send_notification_mail("mfa/email/totp_activated", user)
    email = OutboundEmail.objects.get()
    assert email.about == user
    assert "Agent <&>" in email.body  # plain text: not "Agent &lt;&amp;&gt;"
    assert SITE in email.body
    assert "localhost" not in email.body


# --- every row links to what it is about ---------------------------------------------------


def test_every_sender_links_its_row_to_what_the_mail_is_about(django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name="Celleverket AS")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(organisation=organisation, email="ny@celle.no")
    application = ApplicationFactory()
    from members.tasks import send_application_received_email

    send_application_received_email(application_id=application.pk)
    invoice = invoice_store_documents(invoice=issue_invoice(invoice_email="faktura@celle.no"))
    invoice_send(invoice=invoice)
    payment_reminders_send(today=invoice.due_date + datetime.timedelta(days=14))
    reminded = active_organisation(invoice_email="timer@celle.no")
    period = ReportingPeriodFactory(deadline=timezone.localdate())
    hours_reminders_send(today=period.deadline)

    about = {email.key: email.about for email in OutboundEmail.objects.all()}
    assert about[f"invitation:{invitation.pk}"] == invitation
    assert about[f"application:{application.pk}:received"] == application
    assert about[f"application:{application.pk}:to-secretariat"] == application
    assert about[f"invoice:{invoice.pk}:send:1"] == invoice
    assert about[f"payment-reminder:{invoice.pk}:1"] == PaymentReminder.objects.get(level=1)
    hour_keys = [key for key in about if key.startswith("hours-reminder:")]
    assert hour_keys
    assert all(about[key] is not None for key in hour_keys)
    assert reminded in [about[key] for key in hour_keys]
    assert None not in about.values()


def test_an_invoices_emails_are_found_by_their_link_not_by_parsing_keys():
    invoice = invoice_store_documents(invoice=issue_invoice(invoice_email="faktura@celle.no"))
    first = invoice_send(invoice=invoice)
    # A row whose key looks like one of the invoice's, but is about something else.
    OutboundEmailFactory(key=f"invoice:{invoice.pk}:send:7")
    payment_reminders_send(today=invoice.due_date + datetime.timedelta(days=14))
    assert invoice_send_requests(invoice=invoice) == [first]
    second = invoice_resend(invoice=invoice)
    assert second.key == f"invoice:{invoice.pk}:send:2"
    assert invoice_send_requests(invoice=invoice) == [first, second]


def test_a_resent_invoice_goes_to_the_address_the_organisation_has_now():
    invoice = invoice_store_documents(invoice=issue_invoice(invoice_email="gammel@celle.no"))
    invoice_send(invoice=invoice)
    invoice.organisation.invoice_email = "ny@celle.no"
    invoice.organisation.save()
    assert invoice_resend(invoice=invoice).recipients == ["ny@celle.no"]


def test_a_payment_reminder_without_an_invoice_address_goes_to_the_admins():
    invoice = issue_invoice(invoice_email="")
    member_of(invoice.organisation, role=Role.ADMIN, email="sjef@celle.no")
    assert payment_reminders_send(today=invoice.due_date + datetime.timedelta(days=14)) == 1
    assert OutboundEmail.objects.get().recipients == ["sjef@celle.no"]


# --- templates and code paths --------------------------------------------------------------


def mail_templates() -> list[Path]:
    return sorted(
        path for path in (ROOT / "templates").glob("**/email/*.txt") if path.parent.name == "email"
    )


def test_no_mail_template_builds_a_link_from_the_request():
    templates = mail_templates()
    assert len(templates) >= 18
    for path in templates:
        text = path.read_text()
        assert not re.search(r"\brequest\b", text), path
        assert "://" not in text, path  # links come from SITE_URL in the context


SENDING_NAMES = {
    "send_mail",
    "send_mass_mail",
    "mail_admins",
    "mail_managers",
    "EmailMessage",
    "EmailMultiAlternatives",
    "get_connection",
}


def mail_sending_sites(source: str) -> list[str]:
    """Lines that send mail or build a message: imports or calls of Django's mail API, and
    ``.send()``/``.send_messages()`` on anything but a signal. A mail backend class (where the
    outbox's messages go) is not a path around the outbox."""
    tree = ast.parse(source)
    backend_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
            getattr(base, "id", getattr(base, "attr", "")).endswith("EmailBackend")
            for base in node.bases
        ):
            backend_lines.update(range(node.lineno, node.end_lineno + 1))
    sites = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.core.mail"):
            names = {alias.name for alias in node.names}
            if names & SENDING_NAMES:
                sites.append(f"{node.lineno}: from {node.module} import {sorted(names)}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            receiver = getattr(getattr(func, "value", None), "id", "")
            if name in SENDING_NAMES or (
                name in {"send", "send_messages"} and not receiver.endswith("signal")
            ):
                sites.append(f"{node.lineno}: {ast.unparse(func)}(...)")
    return [site for site in sites if int(site.split(":")[0]) not in backend_lines]


def test_the_scanner_finds_the_ways_of_sending_mail():
    source = (
        "from django.core.mail import send_mail, EmailMessage\n"
        "import django.core.mail as mail\n"
        "send_mail('s', 'b', 'f', ['t'])\n"
        "mail.mail_admins('s', 'b')\n"
        "EmailMessage('s').send()\n"
        "mail.get_connection().send_messages([])\n"
    )
    assert len(mail_sending_sites(source)) == 7


def test_no_code_sends_mail_outside_the_outbox():
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or path == ROOT / "portal" / "outbox.py":
                continue
            if sites := mail_sending_sites(path.read_text()):
                found[str(path.relative_to(ROOT))] = sites
    assert found == {}
    outbox = mail_sending_sites((ROOT / "portal" / "outbox.py").read_text())
    assert outbox, "the outbox is where mail is sent"


def test_mail_is_queued_only_through_mail_queue():
    """``portal.mail.mail_queue`` is the one way in: nothing else calls the outbox's enqueue or
    renders a mail of its own."""
    callers = set()
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                func = getattr(node, "func", None)
                name = getattr(func, "id", None) or getattr(func, "attr", None)
                if isinstance(node, ast.Call) and name in {"email_enqueue", "mail_render"}:
                    callers.add(f"{path.relative_to(ROOT)}: {name}")
    assert callers == {"portal/mail.py: email_enqueue", "portal/mail.py: mail_render"}
