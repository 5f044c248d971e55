"""Invoice e-mails go through the outbox once per send request; the invoice is marked sent
only when the e-mail has been delivered."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation

from billing import tasks
from billing.models import Invoice, InvoiceStatus
from billing.services.documents import invoice_store_documents
from billing.services.issuing import credit_note_issue, fee_invoice_issue
from billing.services.sending import (
    invoice_deliver,
    invoice_latest_email_status,
    invoice_next_request_number,
    invoice_resend,
    invoice_send,
    invoice_send_requests,
    invoices_sync_sent_status,
)
from members.models import Role
from portal import outbox
from portal.models import EmailStatus, OutboundEmail
from tests.factories import MembershipFactory, OrganisationFactory, fee_schedule, member_of

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def buyer():
    fee_schedule(YEAR, amount=Decimal("10000"))
    organisation = OrganisationFactory(name="Celleverket AS", invoice_email="faktura@celle.no")
    MembershipFactory(organisation=organisation, start_date=datetime.date(2025, 1, 1))
    return organisation


def issued_invoice(organisation) -> Invoice:
    invoice = fee_invoice_issue(organisation=organisation, year=YEAR, issued_by=None)
    return invoice_store_documents(invoice=invoice)


def attachments_of(message) -> list[tuple[str, str]]:
    return [
        (part.get_filename(), part.get_content_type())
        for part in message.walk()
        if part.get_filename()
    ]


def test_an_invoice_email_carries_the_pdf_and_the_ehf(
    buyer, smtp_server, django_capture_on_commit_callbacks
):
    invoice = issued_invoice(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        email = invoice_send(invoice=invoice)
    assert email.key == f"invoice:{invoice.pk}:send:1"
    recipients, message = smtp_server.inbox.wait_for(1)[0]
    assert recipients == ["faktura@celle.no"]
    assert invoice.document_number in message["Subject"]
    (pdf_name, pdf_type), (ehf_name, ehf_type) = attachments_of(message)
    assert pdf_name.endswith(f"-{invoice.document_number}.pdf")
    assert ehf_name.endswith(f"-{invoice.document_number}.xml")
    assert (pdf_type, ehf_type) == ("application/pdf", "application/xml")
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    text = body.get_payload(decode=True).decode()
    assert invoice.kid in text
    assert invoice.seller_bank_account in text


def test_the_email_is_written_in_the_default_language_whatever_the_request_language(
    buyer, settings
):
    invoice = issued_invoice(buyer)
    with translation.override("en"):
        email = invoice_send(invoice=invoice)
    with translation.override(settings.LANGUAGE_CODE):
        expected_subject = render_to_string(
            "billing/email/invoice_subject.txt", {"invoice": invoice}
        ).strip()
    assert settings.LANGUAGE_CODE == "nb"
    assert email.subject == expected_subject


def test_the_same_send_request_twice_is_one_email(buyer, django_capture_on_commit_callbacks):
    invoice = issued_invoice(buyer)
    with django_capture_on_commit_callbacks() as queued:
        first = invoice_send(invoice=invoice)
        second = invoice_send(invoice=invoice)
    assert first.pk == second.pk
    assert len(queued) == 1
    assert OutboundEmail.objects.count() == 1


def test_without_an_invoice_address_the_organisation_admins_get_it(buyer):
    buyer.invoice_email = ""
    buyer.save()
    member_of(buyer, role=Role.ADMIN, email="sjef@celle.no")
    member_of(buyer, role=Role.MEMBER, email="ansatt@celle.no")
    email = invoice_send(invoice=issued_invoice(buyer))
    assert email.recipients == ["sjef@celle.no"]


def test_an_invoice_with_nobody_to_send_to_is_refused_and_nothing_queued(buyer):
    buyer.invoice_email = ""
    buyer.save()
    with pytest.raises(ValidationError, match="no invoice e-mail address"):
        invoice_send(invoice=issued_invoice(buyer))
    assert not OutboundEmail.objects.exists()


def test_an_invoice_without_stored_documents_is_not_sent(buyer):
    invoice = fee_invoice_issue(organisation=buyer, year=YEAR, issued_by=None)
    with pytest.raises(ValidationError, match="documents"):
        invoice_send(invoice=invoice)
    assert not OutboundEmail.objects.exists()


def test_an_invoice_is_marked_sent_only_when_its_email_is_delivered(
    buyer, smtp_server, django_capture_on_commit_callbacks
):
    invoice = issued_invoice(buyer)
    with django_capture_on_commit_callbacks(execute=False):
        email = invoice_send(invoice=invoice)
    assert invoices_sync_sent_status() == 0
    invoice.refresh_from_db()
    assert (invoice.status, invoice.sent_at) == (InvoiceStatus.ISSUED, None)

    outbox.email_deliver(email=outbox.email_claim(email_id=email.pk))

    assert tasks.sync_invoice_sent_status.delay().get() == 1
    invoice.refresh_from_db()
    email.refresh_from_db()
    assert invoice.status == InvoiceStatus.SENT
    assert invoice.sent_at == email.sent_at
    assert invoices_sync_sent_status() == 0


def test_a_failed_delivery_leaves_the_invoice_issued(buyer, smtp_server):
    smtp_server.inbox.refuse.add("faktura@celle.no")
    invoice = issued_invoice(buyer)
    email = invoice_send(invoice=invoice)
    outbox.email_deliver(email=outbox.email_claim(email_id=email.pk))
    invoices_sync_sent_status()
    email.refresh_from_db()
    invoice.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert (invoice.status, invoice.sent_at) == (InvoiceStatus.ISSUED, None)


def test_delivery_of_a_credited_invoice_records_sent_at_but_keeps_it_credited(buyer, smtp_server):
    invoice = issued_invoice(buyer)
    email = invoice_send(invoice=invoice)
    credit_note_issue(invoice=invoice, issued_by=None, reason="Feil beløp")
    outbox.email_deliver(email=outbox.email_claim(email_id=email.pk))
    invoices_sync_sent_status()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CREDITED
    assert invoice.sent_at is not None


def test_a_resend_is_a_new_send_request_and_a_new_email(
    buyer, smtp_server, django_capture_on_commit_callbacks
):
    invoice = issued_invoice(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        invoice_send(invoice=invoice)
        resent = invoice_resend(invoice=invoice)
    assert resent.key == f"invoice:{invoice.pk}:send:2"
    assert len(smtp_server.inbox.wait_for(2)) == 2


def test_a_double_clicked_resend_is_one_email(buyer, django_capture_on_commit_callbacks):
    invoice = issued_invoice(buyer)
    invoice_send(invoice=invoice)
    with django_capture_on_commit_callbacks() as queued:
        first = invoice_resend(invoice=invoice, request_number=2)
        second = invoice_resend(invoice=invoice, request_number=2)
    assert first.pk == second.pk
    assert len(queued) == 1
    assert OutboundEmail.objects.count() == 2


def test_the_staff_list_offers_the_number_a_resend_without_one_takes(buyer):
    invoice = issued_invoice(buyer)
    assert invoice_next_request_number(requests=[None]) == 1
    invoice_send(invoice=invoice)
    invoice_resend(invoice=invoice)
    latest = invoice_latest_email_status(invoice_ids=[invoice.pk])[invoice.pk]
    offered = invoice_next_request_number(requests=[latest])
    every = invoice_next_request_number(requests=invoice_send_requests(invoice=invoice))
    assert (offered, every) == (3, 3)
    assert invoice_resend(invoice=invoice).key == f"invoice:{invoice.pk}:send:3"


def test_delivering_twice_stores_and_sends_once(
    buyer, smtp_server, django_capture_on_commit_callbacks
):
    invoice = fee_invoice_issue(organisation=buyer, year=YEAR, issued_by=None)
    with django_capture_on_commit_callbacks(execute=True):
        invoice_deliver(invoice=invoice)
    invoice.refresh_from_db()
    stored = (invoice.pdf.name, invoice.ehf.name)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.deliver_invoice.delay(invoice_id=invoice.pk)
    invoice.refresh_from_db()
    assert (invoice.pdf.name, invoice.ehf.name) == stored
    assert len(smtp_server.inbox.wait_for(1)) == 1
    assert OutboundEmail.objects.count() == 1
    assert tasks.sync_invoice_sent_status.delay().get() == 1  # beat marks it sent
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SENT


def test_the_delivery_task_of_a_missing_invoice_returns_quietly():
    tasks.deliver_invoice.delay(invoice_id=999_999)
    assert not OutboundEmail.objects.exists()
