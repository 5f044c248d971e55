"""The member portal's invoices: the list for the organisation's people, PDF and EHF for its
admins, and a 404 for everybody else on every invoice URL."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from billing.services.documents import invoice_store_documents
from billing.services.issuing import credit_note_issue, fee_invoice_issue, invoice_credit
from members.models import Role
from tests.factories import fee_schedule, member_of, participant

pytestmark = pytest.mark.django_db

YEAR = 2026


def logged_in(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def buyer():
    fee_schedule(YEAR, amount=Decimal("10000"))
    return participant("Celleverket AS")


@pytest.fixture
def invoice(buyer):
    issued = fee_invoice_issue(organisation=buyer, year=YEAR, issued_by=None)
    return invoice_store_documents(invoice=issued)


def list_url(organisation) -> str:
    return reverse("billing:organisation_invoices", kwargs={"pk": organisation.pk})


def document_url(name, organisation, invoice) -> str:
    return reverse(f"billing:{name}", kwargs={"pk": organisation.pk, "invoice_pk": invoice.pk})


def served(response) -> bytes:
    # Reading the stream to its end closes the response (and the file) in the test client.
    return b"".join(response.streaming_content)


def stored(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


def test_a_member_sees_the_invoices_with_kid_and_account_but_no_downloads(buyer, invoice):
    client = logged_in(member_of(buyer, role=Role.MEMBER))
    response = client.get(list_url(buyer))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"Invoice {invoice.document_number}" in content
    assert invoice.kid in content
    assert invoice.seller_bank_account in content
    assert "12,500.00" in content
    assert "Issued" in content
    assert document_url("invoice_pdf", buyer, invoice) not in content
    assert "administrators can download" in content


def test_an_admin_downloads_the_stored_pdf_and_ehf(buyer, invoice):
    client = logged_in(member_of(buyer, role=Role.ADMIN))
    content = client.get(list_url(buyer)).content.decode()
    assert document_url("invoice_pdf", buyer, invoice) in content
    assert document_url("invoice_ehf", buyer, invoice) in content

    pdf = client.get(document_url("invoice_pdf", buyer, invoice))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert served(pdf) == stored(invoice.pdf)

    ehf = client.get(document_url("invoice_ehf", buyer, invoice))
    assert ehf["Content-Type"] == "application/xml"
    assert "attachment" in ehf["Content-Disposition"]
    assert served(ehf) == stored(invoice.ehf)


def test_a_credit_note_is_listed_with_the_invoice_it_credits_and_no_payment_details(buyer, invoice):
    credit_note = invoice_credit(invoice=invoice, issued_by=None, reason="Feil beløp")
    client = logged_in(member_of(buyer, role=Role.ADMIN))
    content = client.get(list_url(buyer)).content.decode()
    assert f"Credit note {credit_note.document_number}" in content
    assert f"credits invoice {invoice.document_number}" in content
    assert "Credited" in content
    assert invoice.kid not in content


def test_a_plain_member_gets_404_for_the_documents(buyer, invoice):
    client = logged_in(member_of(buyer, role=Role.MEMBER))
    for name in ("invoice_pdf", "invoice_ehf"):
        assert client.get(document_url(name, buyer, invoice)).status_code == 404


def test_an_invoice_without_stored_documents_is_a_404(buyer):
    unrendered = fee_invoice_issue(organisation=buyer, year=YEAR, issued_by=None)
    client = logged_in(member_of(buyer, role=Role.ADMIN))
    assert client.get(document_url("invoice_pdf", buyer, unrendered)).status_code == 404


def test_members_of_another_company_get_404_on_every_invoice_url(buyer, invoice):
    other = participant("Annen Bedrift AS")
    outsider = logged_in(member_of(other, role=Role.ADMIN))
    urls = [
        list_url(buyer),
        document_url("invoice_pdf", buyer, invoice),
        document_url("invoice_ehf", buyer, invoice),
        # Their own organisation in the URL, with this invoice's id:
        document_url("invoice_pdf", other, invoice),
        document_url("invoice_ehf", other, invoice),
    ]
    for url in urls:
        assert outsider.get(url).status_code == 404, url
    # Their own list does not show it.
    own_list = outsider.get(list_url(other)).content.decode()
    assert "No invoices yet." in own_list
    assert invoice.kid not in own_list


def test_a_visitor_is_asked_to_sign_in(buyer, invoice):
    response = Client().get(document_url("invoice_pdf", buyer, invoice))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("count", [1, 4])
def test_the_invoice_list_makes_the_same_queries_for_few_and_many_invoices(
    count, django_assert_num_queries
):
    fee_schedule(YEAR)
    buyer = participant("Celleverket AS")
    client = logged_in(member_of(buyer, role=Role.ADMIN))
    first = fee_invoice_issue(organisation=buyer, year=YEAR, issued_by=None)
    for _ in range(count - 1):
        credit_note_issue(
            invoice=first, issued_by=None, reason="Delvis", amount_excl_vat=Decimal(10)
        )
    # session, user, organisation with the user's role, invoices with credited invoice,
    # navigation
    with django_assert_num_queries(5):
        response = client.get(list_url(buyer))
    assert response.content.decode().count("<tr>") == count + 1


def test_a_download_makes_a_fixed_number_of_queries(buyer, invoice, django_assert_num_queries):
    client = logged_in(member_of(buyer, role=Role.ADMIN))
    # session, user, organisation (as its admin), invoice
    with django_assert_num_queries(4):
        response = client.get(document_url("invoice_pdf", buyer, invoice))
        served(response)
