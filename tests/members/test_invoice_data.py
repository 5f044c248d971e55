"""An organisation's invoice data is checked where it is entered: the member's profile page, the
admin and the application; a billable organisation keeps its invoice address and e-mail."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members import services
from members.models import Application, CompanyGroup, InvoiceLanguage, Organisation, Role
from members.validators import invoice_data_problems, validate_invoice_data
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    active_organisation,
    member_of,
    valid_organisation_number,
)
from tests.helpers import change_page, logged_in

pytestmark = pytest.mark.django_db

ADDRESS = {
    "street_address": "Storgata 1",
    "postal_code": "4836",
    "city": "Arendal",
    "country": "NO",
    "invoice_email": "faktura@example.no",
}


def errors_of(**values) -> dict[str, list[str]]:
    try:
        validate_invoice_data(**{**ADDRESS, **values})
    except ValidationError as error:
        return error.message_dict
    return {}


# --- The validator ---------------------------------------------------------------------------


def test_a_complete_norwegian_address_passes():
    assert errors_of() == {}
    assert errors_of(billable=True) == {}


@pytest.mark.parametrize("code", ["483", "48360", "48 36", "abcd", "４８３６"])
def test_a_norwegian_postal_code_has_four_ascii_digits(code):
    assert errors_of(postal_code=code)["postal_code"] == [
        "A Norwegian postal code has four digits, such as 0150 or 4836."
    ]


def test_a_postal_code_needs_its_town():
    assert errors_of(city="")["city"] == ["Enter the town of the postal code."]


def test_a_foreign_postal_code_is_not_held_to_the_norwegian_format():
    assert errors_of(country="SE", postal_code="411 06", city="Göteborg") == {}
    assert errors_of(country="GB", postal_code="SW1A 1AA", city="London") == {}


@pytest.mark.parametrize("country", ["", "no", "XX", "NOR"])
def test_the_country_is_a_two_letter_iso_code(country):
    assert "country" in errors_of(country=country)


def test_an_invoice_email_must_be_a_valid_address():
    assert errors_of(invoice_email="faktura@")["invoice_email"] == ["Enter a valid e-mail address."]


def test_a_billable_organisation_needs_its_invoice_address_and_email():
    errors = errors_of(street_address="", postal_code="", city="", invoice_email="", billable=True)
    assert set(errors) == {"street_address", "postal_code", "city", "invoice_email"}
    assert "invoiced for the participation fee" in errors["invoice_email"][0]
    assert "fee invoices are sent to it" in errors["street_address"][0]


def test_an_organisation_that_is_not_billable_may_leave_its_invoice_data_empty():
    assert errors_of(street_address="", postal_code="", city="", invoice_email="") == {}


def test_problems_name_a_missing_invoice_email_and_address():
    organisation = OrganisationFactory.build(
        invoice_email="", street_address="", city="", postal_code="12"
    )
    assert invoice_data_problems(organisation) == [
        "No invoice e-mail: the invoice goes to the organisation's admins.",
        "No complete postal address on the invoice.",
        "The postal code is not four digits.",
    ]
    assert invoice_data_problems(OrganisationFactory.build()) == []


# --- Who is billable ---------------------------------------------------------------------------


def test_an_active_participant_is_billable_and_an_ended_one_is_not():
    assert services.organisation_is_billable(active_organisation())
    ended = OrganisationFactory()
    MembershipFactory(
        organisation=ended,
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2025, 6, 30),
        status="ended",
    )
    assert not services.organisation_is_billable(ended)
    assert not services.organisation_is_billable(OrganisationFactory())


def test_a_unit_whose_parent_pays_is_not_billable_but_the_parent_is():
    parent, unit = active_organisation(), active_organisation()
    group = CompanyGroup.objects.create(name="Konsern", parent=parent)
    Organisation.objects.filter(pk__in=[parent.pk, unit.pk]).update(group=group)
    parent.refresh_from_db()
    unit.refresh_from_db()
    assert services.organisation_is_billable(parent)
    assert not services.organisation_is_billable(unit)
    group.units_pay_own_fee = True
    group.save()
    unit.refresh_from_db()
    assert services.organisation_is_billable(unit)


# --- The service -----------------------------------------------------------------------------


def test_the_service_refuses_to_clear_a_billable_organisations_invoice_email():
    organisation = active_organisation(invoice_email="faktura@before.no")
    with pytest.raises(ValidationError) as error:
        services.organisation_update_profile(organisation=organisation, invoice_email="")
    assert "invoice_email" in error.value.message_dict
    organisation.refresh_from_db()
    assert organisation.invoice_email == "faktura@before.no"


def test_the_service_lets_an_organisation_without_membership_clear_them():
    organisation = OrganisationFactory()
    services.organisation_update_profile(
        organisation=organisation, invoice_email="", street_address="", postal_code="", city=""
    )
    organisation.refresh_from_db()
    assert organisation.invoice_email == ""


def test_the_service_saves_language_reference_and_country():
    organisation = active_organisation()
    services.organisation_update_profile(
        organisation=organisation,
        country="SE",
        postal_code="411 06",
        city="Göteborg",
        invoice_language=InvoiceLanguage.ENGLISH,
        buyer_reference="PO-4711",
    )
    organisation.refresh_from_db()
    assert (organisation.country, organisation.invoice_language, organisation.buyer_reference) == (
        "SE",
        "en",
        "PO-4711",
    )


def test_the_service_refuses_a_bad_norwegian_postal_code():
    organisation = active_organisation()
    with pytest.raises(ValidationError) as error:
        services.organisation_update_profile(organisation=organisation, postal_code="483")
    assert "postal_code" in error.value.message_dict


# --- The member's profile page ---------------------------------------------------------------


def profile_data(organisation, **overrides) -> dict:
    data = {
        "name": organisation.name,
        "street_address": organisation.street_address,
        "postal_code": organisation.postal_code,
        "city": organisation.city,
        "invoice_email": organisation.invoice_email,
        "size_band": organisation.size_band,
    }
    return {**data, **overrides}


def test_the_profile_page_refuses_to_clear_the_invoice_email_of_a_billable_organisation():
    organisation = active_organisation(invoice_email="faktura@before.no")
    client = logged_in(member_of(organisation, Role.ADMIN))
    url = reverse("members:organisation_edit", kwargs={"pk": organisation.pk})
    response = client.post(url, profile_data(organisation, invoice_email="", street_address=""))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "invoiced for the participation fee" in errors["invoice_email"][0]
    assert errors["street_address"]
    organisation.refresh_from_db()
    assert organisation.invoice_email == "faktura@before.no"


def test_the_profile_page_refuses_a_bad_postal_code_and_a_missing_town():
    organisation = active_organisation()
    client = logged_in(member_of(organisation, Role.ADMIN))
    url = reverse("members:organisation_edit", kwargs={"pk": organisation.pk})
    response = client.post(url, profile_data(organisation, postal_code="48360", city=""))
    errors = response.context["form"].errors
    assert errors["postal_code"] == [
        "A Norwegian postal code has four digits, such as 0150 or 4836."
    ]
    assert errors["city"] == ["Enter the town of the postal code."]


def test_the_profile_page_saves_country_language_and_buyer_reference():
    organisation = active_organisation()
    client = logged_in(member_of(organisation, Role.ADMIN))
    url = reverse("members:organisation_edit", kwargs={"pk": organisation.pk})
    page = client.get(url).content.decode()
    assert 'name="invoice_language"' in page
    assert 'name="buyer_reference"' in page
    response = client.post(
        url,
        profile_data(
            organisation,
            country="dk",
            postal_code="1050",
            city="København",
            invoice_language="en",
            buyer_reference="Kostnadssted 42",
        ),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.country == "DK"
    assert organisation.invoice_language == "en"
    assert organisation.buyer_reference == "Kostnadssted 42"


def test_the_profile_page_keeps_norway_and_norwegian_when_they_are_not_posted():
    organisation = active_organisation()
    client = logged_in(member_of(organisation, Role.ADMIN))
    url = reverse("members:organisation_edit", kwargs={"pk": organisation.pk})
    assert client.post(url, profile_data(organisation, name="Nytt AS")).status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.country, organisation.invoice_language) == (
        "Nytt AS",
        "NO",
        "nb",
    )


# --- The admin -------------------------------------------------------------------------------


def admin_data(organisation, **overrides) -> dict:
    data = {
        "name": organisation.name,
        "organisation_number": organisation.organisation_number,
        "street_address": organisation.street_address,
        "postal_code": organisation.postal_code,
        "city": organisation.city,
        "country": organisation.country,
        "invoice_email": organisation.invoice_email,
        "invoice_language": organisation.invoice_language,
        "size_band": organisation.size_band,
        **{
            f"{prefix}-{key}": "0"
            for prefix in ("memberships", "roles", "competences")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    return {**data, **overrides}


def test_the_admin_refuses_to_clear_the_invoice_address_of_a_billable_organisation(staff_client):
    organisation = active_organisation()
    response = staff_client.post(
        change_page(organisation), admin_data(organisation, street_address="", invoice_email="")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "fee invoices are sent to it" in errors["street_address"][0]
    assert "invoiced for the participation fee" in errors["invoice_email"][0]
    organisation.refresh_from_db()
    assert organisation.street_address == "Storgata 1"


def test_the_admin_refuses_a_bad_postal_code_and_country(staff_client):
    organisation = OrganisationFactory()
    response = staff_client.post(
        change_page(organisation), admin_data(organisation, postal_code="12345")
    )
    assert response.context["adminform"].form.errors["postal_code"]
    response = staff_client.post(change_page(organisation), admin_data(organisation, country="ZZ"))
    assert response.context["adminform"].form.errors["country"]
    organisation.refresh_from_db()
    assert (organisation.postal_code, organisation.country) == ("4836", "NO")


def test_the_admin_saves_the_buyer_reference_and_english_invoices(staff_client):
    organisation = active_organisation()
    response = staff_client.post(
        change_page(organisation),
        admin_data(organisation, invoice_language="en", buyer_reference="Bestilling 2026-17"),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.invoice_language, organisation.buyer_reference) == (
        "en",
        "Bestilling 2026-17",
    )


# --- The application -------------------------------------------------------------------------


def application_data(**overrides) -> dict:
    return {
        "name": "Nordlys Batterimaterialer AS",
        "organisation_number": valid_organisation_number(7),
        "street_address": "Industriveien 3",
        "postal_code": "8607",
        "city": "Mo i Rana",
        "invoice_email": "faktura@nordlys.no",
        "size_band": "10-49",
        "requested_type": "supplier",
        "contact_name": "Ingrid Berg",
        "contact_email": "ingrid@nordlys.no",
        **overrides,
    }


def test_the_application_form_refuses_a_postal_code_that_is_not_four_digits(client):
    response = client.post(reverse("members:apply"), application_data(postal_code="860"))
    assert response.status_code == 200
    assert response.context["form"].errors["postal_code"] == [
        "A Norwegian postal code has four digits, such as 0150 or 4836."
    ]
    assert not Application.objects.exists()


def test_the_application_service_refuses_a_postal_code_that_is_not_four_digits():
    data = application_data(postal_code="86O7")
    with pytest.raises(ValidationError) as error:
        services.application_submit(**data, notify=False)
    assert "postal_code" in error.value.message_dict
    assert not Application.objects.exists()
