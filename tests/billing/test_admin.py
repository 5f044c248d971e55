import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.models import (
    FeeAmount,
    FeeSchedule,
    Invoice,
    InvoiceRun,
    InvoiceStatus,
    NumberSeries,
    Payment,
    PaymentReminder,
    Seller,
)
from billing.services.issuing import credit_note_issue
from billing.services.payments import payment_register
from members.models import ParticipantType, SizeBand
from tests.billing.invoicing import YEAR, grid_data, issue_invoice
from tests.factories import UserFactory, fee_schedule
from tests.helpers import change_page, changelist, messages_of, run_action

pytestmark = pytest.mark.django_db

PAID_ON = datetime.date(2026, 1, 20)


# --- Registration and read-only records -------------------------------------------------------


def test_every_billing_model_has_an_admin_page_or_an_inline():
    from django.apps import apps

    inlined = {"InvoiceLine", "FeeAmount", "FeeScheduleJoinerRule"}
    models = apps.get_app_config("billing").get_models()
    assert {m.__name__ for m in models if not admin.site.is_registered(m)} == inlined


@pytest.mark.parametrize(
    "model", [Invoice, Payment, PaymentReminder, InvoiceRun, NumberSeries, Seller, FeeSchedule]
)
def test_changelist_renders_for(staff_client, model):
    assert staff_client.get(changelist(model)).status_code == 200


def test_an_invoice_page_is_read_only_and_cannot_be_deleted(staff_client):
    invoice = issue_invoice()
    payment_register(invoice=invoice, amount="100", paid_on=PAID_ON, registered_by=None)

    page = staff_client.get(change_page(invoice))

    assert page.status_code == 200
    assert b'name="buyer_name"' not in page.content
    assert b"12400.00" in page.content  # left to pay
    assert staff_client.post(change_page(invoice), {"buyer_name": "X"}).status_code == 403
    delete = reverse("admin:billing_invoice_delete", args=[invoice.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert staff_client.get(reverse("admin:billing_invoice_add")).status_code == 403
    invoice.refresh_from_db()
    assert invoice.buyer_name != "X"


def test_the_invoice_list_filters_by_status_kind_and_year_and_searches_kid(staff_client):
    invoice = issue_invoice(name="Celleverket AS")
    issue_invoice(name="Annet AS")

    by_kid = staff_client.get(changelist(Invoice), {"q": invoice.kid})
    filtered = staff_client.get(
        changelist(Invoice), {"status__exact": "issued", "kind__exact": "invoice", "fee_year": YEAR}
    )

    assert list(by_kid.context["cl"].result_list) == [invoice]
    assert filtered.context["cl"].result_count == 2


def test_the_invoice_changelist_takes_the_same_queries_for_more_rows(
    staff_client, django_assert_num_queries
):
    invoice = issue_invoice()
    credit_note_issue(invoice=invoice, issued_by=None, reason="Feil", amount_excl_vat=1)
    with django_assert_num_queries(6) as first:
        staff_client.get(changelist(Invoice))
    for _ in range(4):
        credit_note_issue(invoice=issue_invoice(), issued_by=None, reason="Feil")

    with django_assert_num_queries(len(first)):
        response = staff_client.get(changelist(Invoice))

    assert response.context["cl"].result_count == 10


def test_the_invoice_page_takes_the_same_queries_with_more_payments(
    staff_client, django_assert_num_queries
):
    invoice = issue_invoice()
    payment_register(invoice=invoice, amount="100", paid_on=PAID_ON, registered_by=None)
    with django_assert_num_queries(10) as first:
        staff_client.get(change_page(invoice))
    for _ in range(3):
        payment_register(invoice=invoice, amount="100", paid_on=PAID_ON, registered_by=None)
    credit_note_issue(invoice=invoice, issued_by=None, reason="Feil", amount_excl_vat=1)

    with django_assert_num_queries(len(first)):
        staff_client.get(change_page(invoice))


def test_the_payment_changelist_takes_the_same_queries_for_more_rows(
    staff_client, staff, django_assert_num_queries
):
    payment_register(invoice=issue_invoice(), amount="100", paid_on=PAID_ON, registered_by=staff)
    with django_assert_num_queries(7) as first:
        staff_client.get(changelist(Payment))
    for _ in range(4):
        payment_register(
            invoice=issue_invoice(), amount="100", paid_on=PAID_ON, registered_by=UserFactory()
        )

    with django_assert_num_queries(len(first)):
        response = staff_client.get(changelist(Payment))

    assert response.context["cl"].result_count == 5


def test_the_reminder_changelist_takes_the_same_queries_for_more_rows(
    staff_client, django_assert_num_queries
):
    PaymentReminder.objects.create(invoice=issue_invoice(), level=1, sent_on=PAID_ON)
    with django_assert_num_queries(6) as first:
        staff_client.get(changelist(PaymentReminder))
    for _ in range(3):
        PaymentReminder.objects.create(invoice=issue_invoice(), level=1, sent_on=PAID_ON)

    with django_assert_num_queries(len(first)):
        staff_client.get(changelist(PaymentReminder))


# --- Actions on invoices ----------------------------------------------------------------------


def test_crediting_an_invoice_partly_with_a_reason_issues_a_credit_note(staff_client, staff):
    invoice = issue_invoice()
    form = run_action(staff_client, Invoice, "credit", [invoice])
    assert b"Credit invoices" in form.content

    response = run_action(
        staff_client,
        Invoice,
        "credit",
        [invoice],
        apply="yes",
        reason="Avtalt rabatt",
        amount_excl_vat="2500",
    )

    assert response.status_code == 302
    credit_note = Invoice.objects.get(credits=invoice)
    assert (credit_note.amount_excl_vat, credit_note.issued_by) == (Decimal("-2500.00"), staff)
    # The staff read English; the document is the buyer's, in Norwegian.
    assert "Begrunnelse: Avtalt rabatt" in credit_note.note
    assert messages_of(response) == [
        f"Credit note {credit_note.document_number} credits Invoice {invoice.document_number} "
        "by 2500.00 excl. VAT; it is sent to the buyer by e-mail shortly."
    ]
    entry = LogEntry.objects.get_for_object(credit_note).get()
    assert entry.actor == staff


def test_crediting_fully_without_an_amount_marks_the_invoice_credited(staff_client):
    invoice = issue_invoice()

    run_action(staff_client, Invoice, "credit", [invoice], apply="yes", reason="Feil mottaker")

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CREDITED
    assert Invoice.objects.get(credits=invoice).amount_excl_vat == Decimal("-10000.00")


def test_a_credit_without_a_reason_shows_the_form_again_and_issues_nothing(staff_client):
    invoice = issue_invoice()

    response = run_action(staff_client, Invoice, "credit", [invoice], apply="yes", reason="")

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Say why the invoice is credited."]}
    assert not Invoice.objects.filter(credits=invoice).exists()


def test_crediting_more_than_the_invoice_is_refused_with_a_message(staff_client):
    invoice = issue_invoice()

    response = run_action(
        staff_client,
        Invoice,
        "credit",
        [invoice],
        apply="yes",
        reason="X",
        amount_excl_vat="100000",
    )

    assert messages_of(response) == [
        f"Invoice {invoice.document_number}: Credit between 0.01 and 10000.00."
    ]
    assert not Invoice.objects.filter(credits=invoice).exists()


def test_registering_a_payment_through_the_action_updates_the_status_and_is_audited(
    staff_client, staff
):
    invoice = issue_invoice()

    response = run_action(
        staff_client,
        Invoice,
        "register_payment",
        [invoice],
        apply="yes",
        amount="12500",
        paid_on="2026-01-20",
    )

    payment = Payment.objects.get()
    assert (payment.amount, payment.registered_by) == (Decimal("12500.00"), staff)
    assert messages_of(response) == [
        f"12500.00 registered on Invoice {invoice.document_number}; it is now paid."
    ]
    assert LogEntry.objects.get_for_object(payment).get().actor == staff


def test_registering_without_an_amount_pays_what_is_left_on_each_selected_invoice(staff_client):
    first, second = issue_invoice(), issue_invoice()
    payment_register(invoice=first, amount="500", paid_on=PAID_ON, registered_by=None)

    run_action(
        staff_client,
        Invoice,
        "register_payment",
        [first, second],
        apply="yes",
        amount="",
        paid_on="2026-01-20",
    )

    assert sorted(Payment.objects.values_list("amount", flat=True)) == [
        Decimal("500.00"),
        Decimal("12000.00"),
        Decimal("12500.00"),
    ]


@pytest.mark.parametrize("amount", ["0", "-100"])
def test_a_payment_action_with_a_bad_amount_says_why_and_saves_nothing(staff_client, amount):
    invoice = issue_invoice()

    response = run_action(
        staff_client,
        Invoice,
        "register_payment",
        [invoice],
        apply="yes",
        amount=amount,
        paid_on="2026-01-20",
    )

    assert messages_of(response) == [
        f"Invoice {invoice.document_number}: The amount must be more than zero."
    ]
    assert not Payment.objects.exists()


def test_export_of_the_selected_invoices_is_a_csv_download(staff_client):
    invoice = issue_invoice()

    response = run_action(staff_client, Invoice, "export_selected", [invoice])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="accounting.csv"'
    assert invoice.kid in response.getvalue().decode()


# --- Accounting export page -------------------------------------------------------------------


def test_the_accounting_export_asks_for_a_period_then_downloads_it(
    staff_client, django_assert_num_queries
):
    invoice = issue_invoice()
    url = reverse("admin:billing_invoice_accounting_export")
    assert url.encode() in staff_client.get(changelist(Invoice)).content

    page = staff_client.get(url)
    with django_assert_num_queries(4) as queries:
        download = staff_client.get(url, {"date_from": "2026-01-01", "date_to": "2026-01-31"})
    for _ in range(3):
        issue_invoice()
    with django_assert_num_queries(len(queries)):
        staff_client.get(url, {"date_from": "2026-01-01", "date_to": "2026-01-31"})

    assert b"Download CSV" in page.content
    assert download["Content-Disposition"] == (
        'attachment; filename="accounting-2026-01-01-2026-01-31.csv"'
    )
    assert invoice.kid in download.getvalue().decode()


def test_the_accounting_export_refuses_a_period_that_ends_before_it_starts(staff_client):
    response = staff_client.get(
        reverse("admin:billing_invoice_accounting_export"),
        {"date_from": "2026-02-01", "date_to": "2026-01-01"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "date_to": ["The end of the period is before its start."]
    }


def test_a_member_who_is_not_staff_cannot_export(client):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:billing_invoice_accounting_export"))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- Payments ---------------------------------------------------------------------------------


def test_staff_register_a_payment_by_hand_through_the_add_form(staff_client, staff):
    invoice = issue_invoice()

    response = staff_client.post(
        reverse("admin:billing_payment_add"),
        {"invoice": invoice.pk, "amount": "2500", "paid_on": "2026-01-20"},
    )

    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.registered_by, payment.kid) == (
        Decimal("2500.00"),
        staff,
        invoice.kid,
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PARTLY_PAID


@pytest.mark.parametrize(
    ("amount", "errors"),
    [
        ("0", {"amount": ["The amount must be more than zero."]}),
        ("-5", {"amount": ["The amount must be more than zero."]}),
    ],
)
def test_the_add_form_gives_field_errors_and_saves_nothing(staff_client, amount, errors):
    invoice = issue_invoice()

    response = staff_client.post(
        reverse("admin:billing_payment_add"),
        {"invoice": invoice.pk, "amount": amount, "paid_on": "2026-01-20"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == errors
    assert not Payment.objects.exists()


def test_the_add_form_refuses_a_credit_note(staff_client):
    credit_note = credit_note_issue(
        invoice=issue_invoice(), issued_by=None, reason="X", amount_excl_vat=1
    )

    response = staff_client.post(
        reverse("admin:billing_payment_add"),
        {"invoice": credit_note.pk, "amount": "100", "paid_on": "2026-01-20"},
    )

    assert response.context["adminform"].form.errors == {
        "invoice": [
            f"Credit note {credit_note.document_number} is a credit note: payments belong on "
            "an invoice."
        ]
    }
    assert not Payment.objects.exists()


def test_a_payment_is_read_only_after_it_is_registered(staff_client):
    payment = payment_register(
        invoice=issue_invoice(), amount="100", paid_on=PAID_ON, registered_by=None
    )

    assert staff_client.get(change_page(payment)).status_code == 200
    assert staff_client.post(change_page(payment), {"amount": "1"}).status_code == 403
    delete = reverse("admin:billing_payment_delete", args=[payment.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    payment.refresh_from_db()
    assert payment.amount == Decimal("100.00")


def bank_upload(content: str, **form):
    return {"file": SimpleUploadedFile("bank.csv", content.encode(), "text/csv"), **form}


def test_a_bank_file_is_imported_from_the_payment_list_with_a_report(staff_client, staff):
    invoice = issue_invoice()
    url = reverse("admin:billing_payment_bank_import")
    assert url.encode() in staff_client.get(changelist(Payment)).content
    content = f"date;amount;kid\n2026-01-20;12500,00;{invoice.kid}\n2026-01-20;5;1000000990\n"

    response = staff_client.post(url, bank_upload(content))

    assert response.status_code == 200
    report = response.context["report"]
    assert (len(report.registered), len(report.unmatched)) == (1, 1)
    assert b"No invoice has this KID." in response.content
    assert Payment.objects.get().registered_by == staff
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_a_bank_file_with_a_bad_row_is_rejected_in_the_page_and_nothing_saved(staff_client):
    invoice = issue_invoice()
    content = f"date;amount;kid\n2026-01-20;12500;{invoice.kid}\n2026-01-20;abc;{invoice.kid}\n"

    response = staff_client.post(reverse("admin:billing_payment_bank_import"), bank_upload(content))

    assert b"The file was rejected; nothing was registered" in response.content
    assert "Line 3: “abc” is not an amount" in response.content.decode()
    assert not Payment.objects.exists()


def test_a_bank_file_can_be_checked_without_registering(staff_client):
    invoice = issue_invoice()
    content = f"date;amount;kid\n2026-01-20;12500;{invoice.kid}\n"

    response = staff_client.post(
        reverse("admin:billing_payment_bank_import"), bank_upload(content, check_only="on")
    )

    assert b"Checked: nothing was registered" in response.content
    assert not Payment.objects.exists()


# --- Fee schedules, seller, number series -----------------------------------------------------


def inline_data(schedule, amounts, **fields):
    data = {
        "year": schedule.year,
        "vat_treatment": "S",
        "vat_rate": "25",
        "vat_exemption_reason": "",
        "days_to_due": "30",
        "decided_on": "",
        "amounts-TOTAL_FORMS": str(len(amounts)),
        "amounts-INITIAL_FORMS": str(len(amounts)),
        "amounts-MIN_NUM_FORMS": "0",
        "amounts-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, amount in enumerate(amounts):
        data |= {
            f"amounts-{index}-id": amount.pk,
            f"amounts-{index}-schedule": schedule.pk,
            f"amounts-{index}-participant_type": amount.participant_type,
            f"amounts-{index}-size_band": amount.size_band,
            f"amounts-{index}-amount": "20000",
        }
    return data


def test_a_fee_schedule_without_invoices_can_be_edited(staff_client):
    schedule = FeeSchedule.objects.create(year=2030)
    amount = FeeAmount.objects.create(
        schedule=schedule,
        participant_type=ParticipantType.CORE,
        size_band=SizeBand.SMALL,
        amount=10000,
    )

    grid = grid_data(2030, {(ParticipantType.CORE, SizeBand.SMALL): "20000"})
    response = staff_client.post(change_page(schedule), grid)

    assert response.status_code == 302
    amount.refresh_from_db()
    assert amount.amount == Decimal("20000.00")


def test_a_fee_schedule_is_frozen_once_an_invoice_exists_for_its_year(staff_client):
    invoice = issue_invoice()
    schedule = FeeSchedule.objects.get(year=invoice.fee_year)
    amounts = list(schedule.amounts.all())

    page = staff_client.get(change_page(schedule))
    response = staff_client.post(change_page(schedule), inline_data(schedule, amounts))

    assert page.status_code == 200
    assert b'name="fee_' not in page.content
    assert b'name="vat_rate"' not in page.content
    assert response.status_code == 403
    assert {a.amount for a in schedule.amounts.all()} == {Decimal("10000.00")}
    delete = reverse("admin:billing_feeschedule_delete", args=[schedule.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403


def test_the_fee_schedule_list_shows_which_years_are_frozen_in_the_same_queries(
    staff_client, django_assert_num_queries
):
    issue_invoice()
    with django_assert_num_queries(5) as first:
        staff_client.get(changelist(FeeSchedule))
    for year in (2027, 2028, 2029):
        fee_schedule(year)

    with django_assert_num_queries(len(first)):
        response = staff_client.get(changelist(FeeSchedule))

    frozen = {s.year: s.has_invoices for s in response.context["cl"].result_list}
    assert frozen == {2026: True, 2027: False, 2028: False, 2029: False}


def test_the_models_refuse_to_change_a_frozen_schedule_with_a_clear_message():
    invoice = issue_invoice()
    schedule = FeeSchedule.objects.get(year=invoice.fee_year)
    amount = schedule.amounts.first()
    message = f"The fee schedule for {YEAR} is frozen: invoices exist for that year."

    amount.amount = Decimal(1)
    with pytest.raises(ValidationError, match=message):
        amount.save()
    with pytest.raises(ValidationError, match=message):
        amount.full_clean()
    with pytest.raises(ValidationError, match=message):
        FeeAmount(schedule=schedule, participant_type="core", size_band="large", amount=1).save()
    with pytest.raises(ValidationError, match=message):
        amount.delete()
    schedule.vat_rate = Decimal(0)
    with pytest.raises(ValidationError, match=message):
        schedule.save()
    with pytest.raises(ValidationError, match=message):
        schedule.delete()
    assert schedule.is_frozen
    assert not FeeSchedule.objects.create(year=2031).is_frozen


def test_there_is_one_seller_row_that_cannot_be_added_twice_or_deleted(staff_client):
    seller = Seller.objects.get()

    assert staff_client.get(reverse("admin:billing_seller_add")).status_code == 403
    delete = reverse("admin:billing_seller_delete", args=[seller.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403


def seller_data(**changes):
    seller = Seller.objects.get()
    data = {
        field: getattr(seller, field)
        for field in (
            "name",
            "organisation_number",
            "street_address",
            "postal_code",
            "city",
            "country",
            "bank_account",
            "email",
            "first_reminder_days",
            "second_reminder_days",
        )
    }
    return data | {"vat_registered": "on", "in_business_register": "on"} | changes


def test_seller_changes_are_checked_and_audited(staff_client, staff):
    seller = Seller.objects.get()

    bad = staff_client.post(
        change_page(seller),
        seller_data(bank_account="86011117940", first_reminder_days=20, second_reminder_days=10),
    )
    good = staff_client.post(
        change_page(seller), seller_data(bank_account="8601.11.17947", second_reminder_days=21)
    )

    assert bad.context["adminform"].form.errors == {
        "bank_account": [
            "Enter a valid Norwegian account number of 11 digits, such as 8601.11.17947."
        ],
        "second_reminder_days": ["The second reminder must come later than the first."],
    }
    assert good.status_code == 302
    seller.refresh_from_db()
    assert (seller.bank_account, seller.second_reminder_days) == ("86011117947", 21)
    assert LogEntry.objects.get_for_object(seller).get().actor == staff


def test_number_series_are_shown_and_never_edited(staff_client):
    series = NumberSeries.objects.get(code="invoice")

    assert staff_client.get(change_page(series)).status_code == 200
    assert staff_client.post(change_page(series), {"last_number": 0}).status_code == 403
    assert staff_client.get(reverse("admin:billing_numberseries_add")).status_code == 403


def test_the_seller_can_be_added_only_while_there_is_none(staff_client):
    Seller.objects.all().delete()

    page = staff_client.get(reverse("admin:billing_seller_add"))

    assert page.status_code == 200


def test_other_admin_pages_do_not_ask_whether_a_seller_exists(
    staff_client, django_assert_num_queries
):
    with django_assert_num_queries(3) as queries:
        staff_client.get(reverse("admin:index"))

    assert not any("billing_seller" in query["sql"] for query in queries.captured_queries)
