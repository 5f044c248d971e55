"""Plain-text e-mails carry names as written; a mail that cannot be built is a visible failure."""

import datetime

import pytest
from django.template import engines
from django.utils import timezone

from activities.services.reminders import hours_reminders_send
from billing.services.documents import invoice_store_documents
from billing.services.reminders import payment_reminders_send
from billing.services.sending import invoice_send
from members import services as members
from members import tasks as member_tasks
from members.models import Role
from portal import outbox
from portal.models import EmailStatus, OutboundEmail
from tests.billing.invoicing import issue_invoice
from tests.factories import (
    ApplicationFactory,
    OrganisationFactory,
    ReportingPeriodFactory,
    active_organisation,
    member_of,
)
from tests.helpers import changelist

pytestmark = pytest.mark.django_db

NAME = "O'Brien & Sønn <AS>"
ESCAPED = ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;")
BROKEN = "Evil AS\nBcc: everyone@example.com"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _portal_language_english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def sent(mailoutbox, django_capture_on_commit_callbacks):
    """Run ``action`` with on-commit work (the outbox's send task) and return what was sent."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return list(mailoutbox)

    return run


def assert_unescaped(text: str, *names: str) -> None:
    for name in names:
        assert name in text
    for entity in ESCAPED:
        assert entity not in text


def test_the_invitation_carries_the_organisation_name_as_written(sent):
    organisation = OrganisationFactory(name=NAME)

    [message] = sent(
        lambda: members.invitation_create(organisation=organisation, email="ny@obrien.no")
    )

    assert_unescaped(message.subject, NAME)
    assert_unescaped(message.body, NAME)


def test_the_application_mails_carry_names_as_written(sent, staff):
    application = ApplicationFactory(name=NAME, contact_name="Åse O'Neil & co")

    messages = sent(
        lambda: member_tasks.send_application_received_email(application_id=application.pk)
    )

    assert len(messages) == 2  # to the applicant and to the secretariat
    for message in messages:
        assert_unescaped(message.subject + message.body, NAME)
    assert "Åse O'Neil & co" in messages[0].body


def test_the_rejection_carries_the_name_and_the_reason_as_written(sent, staff):
    application = ApplicationFactory(name=NAME, contact_name="Åse O'Neil")

    [message] = sent(
        lambda: members.application_reject(
            application=application, decided_by=staff, reason='Size < 10 & "no" plan'
        )
    )

    assert_unescaped(message.body, NAME, "Åse O'Neil", 'Size < 10 & "no" plan')


def test_the_approval_carries_the_name_as_written(sent, staff):
    application = ApplicationFactory(name=NAME, contact_name="Åse O'Neil")

    messages = sent(lambda: members.application_approve(application=application, decided_by=staff))

    [message] = [m for m in messages if m.to == [application.contact_email]]
    assert_unescaped(message.body, NAME, "Åse O'Neil")


def test_the_hour_reminder_carries_the_name_as_written(sent):
    ReportingPeriodFactory(
        name="2026 Q3 & <Q4>",
        start_date=TODAY - datetime.timedelta(days=40),
        end_date=TODAY - datetime.timedelta(days=10),
        deadline=TODAY + datetime.timedelta(days=3),
    )
    organisation = active_organisation(name=NAME)
    member_of(organisation, Role.ADMIN, email="admin@obrien.no")

    [message] = sent(lambda: hours_reminders_send(today=TODAY))

    assert_unescaped(message.subject, "2026 Q3 & <Q4>")
    assert_unescaped(message.body, NAME, "2026 Q3 & <Q4>")


def test_the_invoice_carries_the_buyer_name_as_written(sent):
    invoice = invoice_store_documents(
        invoice=issue_invoice(name=NAME, invoice_email="faktura@obrien.no")
    )

    [message] = sent(lambda: invoice_send(invoice=invoice))

    assert_unescaped(message.body, NAME)


def test_the_payment_reminder_carries_the_buyer_name_as_written(sent):
    invoice = issue_invoice(name=NAME, invoice_email="faktura@obrien.no")

    [message] = sent(
        lambda: payment_reminders_send(today=invoice.due_date + datetime.timedelta(30))
    )

    assert_unescaped(message.body, NAME)


def test_html_pages_still_escape_the_same_name():
    page = engines["django"].from_string("<p>{{ name }}</p>").render({"name": NAME})

    assert page == "<p>O&#x27;Brien &amp; Sønn &lt;AS&gt;</p>"


# --- A mail that cannot be built --------------------------------------------------------------


def test_a_line_break_in_the_organisation_name_is_a_failed_invitation_mail_staff_see(
    sent, staff_client
):
    organisation = OrganisationFactory(name=BROKEN)  # stored directly, past every form

    messages = sent(
        lambda: members.invitation_create(organisation=organisation, email="ny@evil.no")
    )

    assert messages == []
    email = OutboundEmail.objects.get()
    assert email.status == EmailStatus.FAILED
    assert email.last_error.startswith("BadHeaderError")
    assert email.recipients == ["ny@evil.no"]
    page = staff_client.get(changelist(OutboundEmail), {"status": EmailStatus.FAILED})
    assert "ny@evil.no" in page.content.decode()


def test_a_line_break_in_an_application_name_fails_only_the_mail_that_carries_it(sent):
    application = ApplicationFactory(name=BROKEN)

    messages = sent(
        lambda: member_tasks.send_application_received_email(application_id=application.pk)
    )

    assert [m.to for m in messages] == [[application.contact_email]]
    statuses = dict(OutboundEmail.objects.values_list("key", "status"))
    assert statuses == {
        f"application:{application.pk}:received": EmailStatus.SENT,
        f"application:{application.pk}:to-secretariat": EmailStatus.FAILED,
    }


def test_a_row_that_cannot_be_built_fails_at_delivery_instead_of_staying_in_sending(mailoutbox):
    email = OutboundEmail.objects.create(
        key="legacy:1", recipients=["a@example.com"], subject=BROKEN, body="x"
    )

    claimed = outbox.email_claim(email_id=email.pk)
    outbox.email_deliver(email=claimed)

    email.refresh_from_db()
    assert (email.status, email.last_error.split(":")[0]) == (EmailStatus.FAILED, "BadHeaderError")
    assert outbox.email_claim(email_id=email.pk) is None  # not picked up again
    assert mailoutbox == []


def test_a_subject_longer_than_the_column_is_shortened_not_a_crash():
    email, created = outbox.email_enqueue(
        key="long:1", recipients=["a@example.com"], subject="x" * 1000, body="x"
    )

    assert created
    assert len(OutboundEmail.objects.get(pk=email.pk).subject) == 300
