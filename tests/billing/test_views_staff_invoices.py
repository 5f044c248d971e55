"""The secretariat's invoice list with e-mail states, invoicing one organisation by hand, and
sending an invoice again."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Invoice, InvoiceStatus
from billing.services.documents import invoice_store_documents
from billing.services.issuing import fee_invoice_issue
from billing.services.sending import invoice_send
from portal import outbox
from portal.models import EmailStatus, OutboundEmail
from tests.factories import (
    fee_schedule,
    member_of,
    participant,
)
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

YEAR = 2026
LIST_URL = reverse("billing:staff_invoices")
CREATE_URL = reverse("billing:invoice_create")


@pytest.fixture
def schedule():
    return fee_schedule(YEAR, amount=Decimal("12000"))


def sent_invoice(organisation) -> Invoice:
    invoice = fee_invoice_issue(organisation=organisation, year=YEAR, issued_by=None)
    invoice = invoice_store_documents(invoice=invoice)
    invoice_send(invoice=invoice)
    return invoice


def resend_url(invoice) -> str:
    return reverse("billing:invoice_resend", kwargs={"invoice_pk": invoice.pk})


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", LIST_URL), ("get", CREATE_URL), ("post", CREATE_URL), ("post", "resend")],
)
def test_staff_invoice_pages_are_a_404_for_members(method, url, schedule):
    organisation = participant("Medlem AS")
    invoice = fee_invoice_issue(organisation=organisation, year=YEAR, issued_by=None)
    url = resend_url(invoice) if url == "resend" else url
    member = logged_in(member_of(organisation))
    assert getattr(member, method)(url, {"request_number": 2}).status_code == 404
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize("count", [1, 5])
def test_the_invoice_list_makes_the_same_queries_for_few_and_many_invoices(
    count, staff_client, schedule, django_assert_num_queries
):
    for n in range(count):
        sent_invoice(participant(f"Deltaker {n} AS"))
    # session, user, years (filter form), count, invoices with credited invoice, their e-mails,
    # navigation
    with django_assert_num_queries(7):
        response = staff_client.get(LIST_URL, {"year": YEAR})
    assert response.content.decode().count('name="request_number" value="2"') == count


def test_the_invoice_list_shows_a_lasting_email_failure_with_its_error(
    staff_client, schedule, smtp_server
):
    smtp_server.inbox.refuse.add("feil@celle.no")
    invoice = sent_invoice(participant("Celleverket AS", invoice_email="feil@celle.no"))
    email = OutboundEmail.objects.get()
    outbox.email_deliver(email=outbox.email_claim(email_id=email.pk))

    content = staff_client.get(LIST_URL).content.decode()

    assert invoice.document_number in content
    assert "Failed" in content
    assert "550" in content
    assert 'name="request_number" value="2"' in content


def test_sending_again_queues_a_new_email_and_a_double_click_only_one(
    staff_client, schedule, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice = sent_invoice(participant("Celleverket AS"))
    with django_capture_on_commit_callbacks(execute=True):
        first = staff_client.post(resend_url(invoice), {"request_number": 2})
        staff_client.post(resend_url(invoice), {"request_number": 2})

    assert first.status_code == 302
    assert first["Location"] == LIST_URL
    keys = sorted(OutboundEmail.objects.values_list("key", flat=True))
    assert keys == [f"invoice:{invoice.pk}:send:1", f"invoice:{invoice.pk}:send:2"]
    assert len(smtp_server.inbox.wait_for(2)) == 2


def test_sending_again_without_a_request_number_sends_nothing(staff_client, schedule):
    invoice = sent_invoice(participant("Celleverket AS"))
    response = staff_client.post(resend_url(invoice), {}, follow=True)
    assert "Reload the page and try again." in response.content.decode()
    assert OutboundEmail.objects.count() == 1


def test_sending_again_goes_back_only_to_a_page_of_this_site(staff_client, schedule):
    invoice = sent_invoice(participant("Celleverket AS"))
    response = staff_client.post(
        resend_url(invoice), {"request_number": 2, "next": "https://evil.example/"}
    )
    assert response["Location"] == LIST_URL
    response = staff_client.post(
        resend_url(invoice), {"request_number": 3, "next": f"{LIST_URL}?year={YEAR}"}
    )
    assert response["Location"] == f"{LIST_URL}?year={YEAR}"


def test_invoicing_one_organisation_pro_rata_issues_stores_and_sends_it(
    staff_client, schedule, smtp_server, django_capture_on_commit_callbacks
):
    newcomer = participant("Nykommer AS", invoice_email="faktura@nykommer.no")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CREATE_URL, {"organisation": newcomer.pk, "year": YEAR, "from_month": 10}
        )

    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.amount_excl_vat == Decimal("3000.00")
    assert invoice.pdf
    assert invoice.ehf
    recipients, _message = smtp_server.inbox.wait_for(1)[0]
    assert recipients == ["faktura@nykommer.no"]
    assert OutboundEmail.objects.get().status == EmailStatus.SENT


def test_invoicing_an_organisation_already_invoiced_is_an_error_and_saves_nothing(
    staff_client, schedule
):
    organisation = participant("Celleverket AS")
    fee_invoice_issue(organisation=organisation, year=YEAR, issued_by=None)
    response = staff_client.post(CREATE_URL, {"organisation": organisation.pk, "year": YEAR})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Already invoiced for this year."]
    assert Invoice.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"year": 2031}, "year", "There is no fee schedule for that year."),
        ({"from_month": 13}, "from_month", "Select a valid choice. 13 is not one of the"),
        ({"organisation": ""}, "organisation", "This field is required."),
    ],
)
def test_bad_input_for_one_invoice_is_a_field_error(staff_client, schedule, data, field, message):
    organisation = participant("Celleverket AS")
    response = staff_client.post(
        CREATE_URL, {"organisation": organisation.pk, "year": YEAR, **data}
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field][0].startswith(message)
    assert not Invoice.objects.exists()


def test_the_form_for_one_invoice_makes_a_fixed_number_of_queries(
    staff_client, schedule, django_assert_num_queries
):
    for n in range(4):
        participant(f"Deltaker {n} AS")
    # session, user, years, organisations, navigation
    with django_assert_num_queries(5):
        response = staff_client.get(CREATE_URL)
    assert response.status_code == 200
    assert Invoice.objects.filter(status=InvoiceStatus.ISSUED).count() == 0


def test_the_invoice_list_pages_without_a_year_filter(staff_client, schedule):
    for n in range(3):
        sent_invoice(participant(f"Deltaker {n} AS"))
    response = staff_client.get(LIST_URL, {"page": 1})
    assert response.status_code == 200
    assert not response.context["form"].is_bound
    assert response.content.decode().count('name="request_number" value="2"') == 3


@pytest.mark.parametrize("page", ["999", "abc"])
def test_a_page_out_of_range_shows_the_nearest_page_of_invoices(staff_client, schedule, page):
    invoice = fee_invoice_issue(organisation=participant("Side AS"), year=YEAR, issued_by=None)
    response = staff_client.get(LIST_URL, {"page": page})
    assert response.status_code == 200
    assert list(response.context["page"]) == [invoice]
