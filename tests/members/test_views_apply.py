"""The public application form at /apply/."""

import pytest
from django.urls import reverse
from stdnum.no import orgnr

from members.models import Application, ApplicationStatus, ParticipantType, ValueChainSegment
from tests.factories import ApplicationFactory, OrganisationFactory, valid_organisation_number

pytestmark = pytest.mark.django_db


def _application_data(**overrides):
    data = {
        "name": "Nordlys Batterimaterialer AS",
        "organisation_number": valid_organisation_number(7),
        "street_address": "Industriveien 3",
        "postal_code": "8607",
        "city": "Mo i Rana",
        "invoice_email": "faktura@nordlys.no",
        "website": "nordlys.no",
        "size_band": "10-49",
        "description": "Anodematerialer.",
        "requested_type": ParticipantType.SUPPLIER,
        "segments": [s.pk for s in ValueChainSegment.objects.filter(slug__in=["materials"])],
        "contact_name": "Ingrid Berg",
        "contact_email": "ingrid@nordlys.no",
        "contact_phone": "+47 900 00 000",
    }
    data.update(overrides)
    return data


def test_application_form_renders_with_segments_as_checkboxes(client):
    response = client.get(reverse("members:apply"))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('type="checkbox" name="segments"') == ValueChainSegment.objects.count()
    assert 'name="organisation_number"' in content
    assert content.count('type="radio" name="requested_type"') == len(ParticipantType.choices)


def test_a_company_applies_and_lands_on_the_thank_you_page(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    # typed with spaces, as the register shows it
    data = _application_data(organisation_number=orgnr.format(valid_organisation_number(7)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members:apply"), data, follow=True)

    assert response.redirect_chain == [(reverse("members:apply_thanks"), 302)]
    assert "Thank you for applying" in response.content.decode()
    application = Application.objects.get()
    assert application.organisation_number == valid_organisation_number(7)
    assert application.status == ApplicationStatus.PENDING
    assert application.website == "https://nordlys.no"
    assert [s.slug for s in application.segments.all()] == ["materials"]
    assert "ingrid@nordlys.no" in {address for m in mailoutbox for address in m.to}


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("123456789", "This is not a valid organisation number: the check digit does not match."),
        ("12345", "An organisation number has exactly nine digits."),
        ("12345678A", "An organisation number contains digits only."),
    ],
)
def test_a_bad_organisation_number_gets_the_exact_field_error(client, number, message):
    response = client.post(reverse("members:apply"), _application_data(organisation_number=number))
    assert response.status_code == 200
    assert response.context["form"].errors["organisation_number"] == [message]
    assert message in response.content.decode()
    assert not Application.objects.exists()


def test_an_organisation_already_in_the_network_is_told_so_at_the_field(client):
    organisation = OrganisationFactory()
    response = client.post(
        reverse("members:apply"),
        _application_data(organisation_number=organisation.organisation_number),
    )
    assert response.context["form"].errors["organisation_number"] == [
        "This organisation already takes part in the network."
    ]
    assert not Application.objects.exists()


def test_a_second_application_while_one_is_pending_is_told_so_at_the_field(client):
    pending = ApplicationFactory()
    response = client.post(
        reverse("members:apply"),
        _application_data(organisation_number=pending.organisation_number),
    )
    assert response.context["form"].errors["organisation_number"] == [
        "An application for this organisation is being handled."
    ]
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    "field",
    [
        "name",
        "organisation_number",
        "street_address",
        "postal_code",
        "city",
        "invoice_email",
        "size_band",
        "requested_type",
        "contact_name",
        "contact_email",
    ],
)
def test_an_empty_required_field_gets_a_field_error_and_saves_nothing(client, field):
    response = client.post(reverse("members:apply"), _application_data(**{field: ""}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == ["This field is required."]
    assert "Please correct the marked fields." in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize("field", ["invoice_email", "contact_email"])
def test_an_invalid_email_address_gets_a_field_error_and_saves_nothing(client, field):
    response = client.post(reverse("members:apply"), _application_data(**{field: "nobody@"}))
    assert response.context["form"].errors[field] == ["Enter a valid email address."]
    assert not Application.objects.exists()


def test_an_unknown_participant_type_is_refused(client):
    response = client.post(reverse("members:apply"), _application_data(requested_type="board"))
    assert "requested_type" in response.context["form"].errors
    assert not Application.objects.exists()


@pytest.mark.parametrize("rows", [1, 5])
def test_application_form_query_count_is_fixed(client, django_assert_num_queries, rows):
    for n in range(rows):
        ValueChainSegment.objects.create(name_nb=f"Ekstra {n}", name_en=f"Extra {n}", slug=f"x{n}")
    # the segment checkboxes; an anonymous visitor has no session to load
    with django_assert_num_queries(1):
        response = client.get(reverse("members:apply"))
    assert response.status_code == 200


def test_thank_you_page_renders_without_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("members:apply_thanks"))
    assert response.status_code == 200


def test_one_address_posting_the_form_too_often_is_stopped_and_nothing_is_saved(client):
    url = reverse("members:apply")
    for _ in range(10):
        client.post(url, {})
    response = client.post(url, _application_data())
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not Application.objects.exists()
