import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_celery_beat.models import PeriodicTask

from billing.models import InvoiceStatus, PaymentReminder, Seller
from billing.periodic import send_payment_reminders
from billing.services.issuing import credit_note_issue
from billing.services.payments import payment_register
from billing.services.reminders import payment_reminders_send, reminder_level_due
from portal.models import OutboundEmail
from tests.billing.invoicing import issue_invoice

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 2, 1)  # invoices issued 2026-01-02 with 30 days to pay


def day(n: int) -> datetime.date:
    """``n`` days after the due date (seller defaults: reminders after 14 and 28 days)."""
    return DUE + datetime.timedelta(days=n)


@pytest.fixture
def invoice():
    return issue_invoice(invoice_email="regnskap@celleverket.no")


def levels(invoice) -> list[int]:
    return sorted(invoice.reminders.values_list("level", flat=True))


def test_the_first_reminder_is_due_after_first_reminder_days_and_the_second_after_second():
    seller = Seller(first_reminder_days=14, second_reminder_days=28)
    invoice = issue_invoice()

    def due(today, sent):
        return reminder_level_due(invoice=invoice, seller=seller, sent_levels=sent, today=today)

    assert due(day(13), {}) is None
    assert due(day(14), {}) == 1
    assert due(day(27), {1: day(14)}) is None
    assert due(day(28), {1: day(14)}) == 2
    assert due(day(60), {1: day(14), 2: day(28)}) is None


def test_an_invoice_found_late_gets_the_first_reminder_and_the_second_only_after_the_spacing():
    seller = Seller(first_reminder_days=14, second_reminder_days=28)
    invoice = issue_invoice()

    def due(today, sent):
        return reminder_level_due(invoice=invoice, seller=seller, sent_levels=sent, today=today)

    assert due(day(40), {}) == 1
    assert due(day(41), {1: day(40)}) is None
    assert due(day(54), {1: day(40)}) == 2


def test_reminders_go_out_on_the_right_days_and_each_level_once(invoice):
    assert payment_reminders_send(today=day(13)) == 0
    assert payment_reminders_send(today=day(14)) == 1
    assert payment_reminders_send(today=day(14)) == 0
    assert payment_reminders_send(today=day(15)) == 0
    assert levels(invoice) == [1]
    assert payment_reminders_send(today=day(27)) == 0
    assert payment_reminders_send(today=day(28)) == 1
    assert payment_reminders_send(today=day(29)) == 0
    assert payment_reminders_send(today=day(90)) == 0

    assert levels(invoice) == [1, 2]
    assert sorted(OutboundEmail.objects.values_list("key", flat=True)) == [
        f"payment-reminder:{invoice.pk}:1",
        f"payment-reminder:{invoice.pk}:2",
    ]
    assert PaymentReminder.objects.get(invoice=invoice, level=2).sent_on == day(28)


def test_the_settings_of_the_seller_decide_the_days(invoice):
    Seller.objects.update(first_reminder_days=3, second_reminder_days=10)

    assert payment_reminders_send(today=day(2)) == 0
    assert payment_reminders_send(today=day(3)) == 1
    assert payment_reminders_send(today=day(10)) == 1


def test_the_job_marks_the_invoice_overdue(invoice):
    payment_reminders_send(today=day(1))

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OVERDUE


def test_no_reminder_for_a_paid_invoice(invoice):
    payment_register(invoice=invoice, amount=None, paid_on=DUE, registered_by=None)

    assert payment_reminders_send(today=day(14)) == 0
    assert payment_reminders_send(today=day(28)) == 0
    assert levels(invoice) == []


def test_no_reminder_for_a_credited_invoice(invoice):
    credit_note_issue(invoice=invoice, issued_by=None, reason="Feil mottaker")

    assert payment_reminders_send(today=day(28)) == 0
    assert not OutboundEmail.objects.exists()


def test_no_second_reminder_once_the_invoice_is_paid(invoice):
    payment_reminders_send(today=day(14))
    payment_register(invoice=invoice, amount=None, paid_on=day(20), registered_by=None)

    assert payment_reminders_send(today=day(28)) == 0
    assert levels(invoice) == [1]


def test_an_invoice_with_no_address_gets_no_reminder_until_it_has_one():
    invoice = issue_invoice(invoice_email="")
    assert payment_reminders_send(today=day(14)) == 0
    assert levels(invoice) == []

    invoice.organisation.invoice_email = "ny@example.no"
    invoice.organisation.save()
    assert payment_reminders_send(today=day(15)) == 1


def test_the_reminder_says_amount_left_due_date_kid_and_account_in_norwegian_by_default(
    invoice, mailoutbox, django_capture_on_commit_callbacks
):
    payment_register(invoice=invoice, amount=Decimal("5000"), paid_on=DUE, registered_by=None)

    with django_capture_on_commit_callbacks(execute=True):
        payment_reminders_send(today=day(14))

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["regnskap@celleverket.no"]
    with translation.override("nb"):
        subject = gettext("Payment reminder: invoice %(number)s")
    assert mail.subject == subject % {"number": invoice.document_number}
    # Norwegian number and date formats, whatever the state of the translations.
    assert "NOK 7\u00a0500,00" in mail.body
    assert "01.02.2026" in mail.body
    assert invoice.kid in mail.body
    assert "8601.11.17947" in mail.body
    assert invoice.buyer_name in mail.body


def test_the_second_reminder_says_so_and_attaches_the_stored_invoice_pdf(
    invoice, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.LANGUAGE_CODE = "en"
    invoice.pdf.save("faktura.pdf", ContentFile(b"%PDF-1.4 stored"), save=False)
    invoice.save(update_fields=["pdf"])
    PaymentReminder.objects.create(invoice=invoice, level=1, sent_on=day(14))

    with django_capture_on_commit_callbacks(execute=True):
        payment_reminders_send(today=day(28))

    mail = mailoutbox[0]
    assert mail.subject == f"Second payment reminder: invoice {invoice.document_number}"
    assert "This is our second reminder" in mail.body
    assert mail.attachments == [
        (f"invoice-{invoice.document_number}.pdf", b"%PDF-1.4 stored", "application/pdf")
    ]


def test_the_beat_task_run_twice_queues_each_reminder_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    issue_date = timezone.localdate() - datetime.timedelta(days=30 + 14)
    invoice = issue_invoice(issue_date=issue_date, year=issue_date.year)

    with django_capture_on_commit_callbacks(execute=True):
        send_payment_reminders.delay()
        send_payment_reminders.delay()

    assert levels(invoice) == [1]
    assert len(mailoutbox) == 1


def test_beat_runs_the_reminders_every_day_from_the_seeded_schedule():
    task = PeriodicTask.objects.get(task="billing.send_payment_reminders")

    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute, task.crontab.day_of_week) == ("7", "30", "*")
