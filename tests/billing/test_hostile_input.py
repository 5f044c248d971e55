"""Hostile input in billing: bank files and the admin's money fields; never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.models import Invoice, Payment
from tests.billing.invoicing import issue_invoice
from tests.helpers import run_action

pytestmark = pytest.mark.django_db

HOSTILE_AMOUNTS = ["1e5", "1e1000000", "1e-2000000", "NaN", "sNaN", "Infinity", "²", "１２", "1_0"]


def _bank_import(staff_client, content: str):
    upload = SimpleUploadedFile("bank.csv", content.encode(), "text/csv")
    return staff_client.post(reverse("admin:billing_payment_bank_import"), {"file": upload})


def _rejections(response) -> str:
    return " ".join(str(error) for error in response.context["rejected"] or [])


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2026-01-20;100;{kid};NETS\x00-1", "control characters"),
        ("2026-01-20;100;{kid};NETS\n", None),  # a line break ends the row: fine
        ("0001-01-20;100;{kid};R1", "Enter a date between"),
        ("31.12.9999;100;{kid};R1", "Enter a date between"),
        ("2026-01-20;1e5;{kid};R1", "is not an amount"),
        ("2026-01-20;NaN;{kid};R1", "is not an amount"),
        ("2026-01-20;１００;{kid};R1", "is not an amount"),
        ("2026-01-20;1_000;{kid};R1", "is not an amount"),
        ("2026-01-20;100;{kid}\x00;R1", "is not a valid KID"),
    ],
)
def test_a_hostile_bank_file_row_is_a_line_error_and_registers_nothing(staff_client, row, message):
    invoice = issue_invoice()
    response = _bank_import(
        staff_client, "date;amount;kid;reference\n" + row.format(kid=invoice.kid)
    )
    assert response.status_code == 200
    if message is None:
        assert Payment.objects.count() == 1
        return
    assert message in _rejections(response)
    assert not Payment.objects.exists()


def test_an_over_long_line_in_a_bank_file_is_a_line_error(staff_client):
    invoice = issue_invoice()
    content = f'date;amount;kid;reference\n2026-01-20;100;{invoice.kid};"{"x" * 200_000}"\n'
    response = _bank_import(staff_client, content)
    assert response.status_code == 200
    assert "Line 2: The line is longer than" in _rejections(response)
    assert not Payment.objects.exists()


def test_an_unclosed_quote_in_a_bank_file_is_a_line_error(staff_client):
    invoice = issue_invoice()
    response = _bank_import(staff_client, f'date;amount;kid\n2026-01-20;100;"{invoice.kid}\n')
    assert response.status_code == 200
    assert "cannot be read" in _rejections(response)


@pytest.mark.parametrize("amount", HOSTILE_AMOUNTS)
def test_a_hostile_amount_in_the_payment_add_form_is_a_field_error(staff_client, amount):
    invoice = issue_invoice()
    response = staff_client.post(
        reverse("admin:billing_payment_add"),
        {"invoice": invoice.pk, "amount": amount, "paid_on": "2026-01-20"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["amount"]
    assert not Payment.objects.exists()


@pytest.mark.parametrize("paid_on", ["0001-01-01", "9999-12-31"])
def test_a_payment_date_outside_the_calendar_is_a_field_error(staff_client, paid_on):
    invoice = issue_invoice()
    response = staff_client.post(
        reverse("admin:billing_payment_add"),
        {"invoice": invoice.pk, "amount": "100", "paid_on": paid_on},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["paid_on"]
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", HOSTILE_AMOUNTS)
def test_a_hostile_amount_in_the_payment_action_saves_nothing(staff_client, amount):
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
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", HOSTILE_AMOUNTS)
def test_a_hostile_credit_amount_credits_nothing(staff_client, amount):
    invoice = issue_invoice()
    response = run_action(
        staff_client, Invoice, "credit", [invoice], apply="yes", reason="X", amount_excl_vat=amount
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount_excl_vat"]
    assert not Invoice.objects.filter(credits=invoice).exists()


@pytest.mark.parametrize("query", ["year=%00", "year=²", "year=99999999999999999999", "page=%00"])
def test_hostile_parameters_on_the_staff_invoice_list_are_no_500(staff_client, query):
    response = staff_client.get(f"{reverse('billing:staff_invoices')}?{query}")
    assert response.status_code in (200, 400)
