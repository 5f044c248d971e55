import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from members import services
from members.models import Organisation, SizeBand
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_organisation_number_is_unique_in_the_database():
    OrganisationFactory(organisation_number="923609016")
    with pytest.raises(IntegrityError):
        Organisation.objects.create(name="Kopi AS", organisation_number="923609016")


def test_full_clean_rejects_a_duplicate_organisation_number_with_a_clear_message():
    OrganisationFactory(organisation_number="923609016")
    duplicate = Organisation(name="Kopi AS", organisation_number="923609016")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert error.value.message_dict["organisation_number"] == [
        "An organisation with this organisation number exists."
    ]


def test_profile_update_saves_valid_fields_and_segments():
    organisation = OrganisationFactory()
    from members.models import ValueChainSegment

    recycling = ValueChainSegment.objects.get(slug="recycling")
    services.organisation_update_profile(
        organisation=organisation,
        name="Nytt Navn AS",
        size_band=SizeBand.LARGE,
        segments=[recycling],
    )
    organisation.refresh_from_db()
    assert organisation.name == "Nytt Navn AS"
    assert list(organisation.segments.all()) == [recycling]


def test_profile_update_with_bad_email_saves_nothing():
    organisation = OrganisationFactory(name="Uendret AS")
    with pytest.raises(ValidationError) as error:
        services.organisation_update_profile(
            organisation=organisation, name="Endret AS", invoice_email="not-an-address"
        )
    assert "invoice_email" in error.value.message_dict
    organisation.refresh_from_db()
    assert organisation.name == "Uendret AS"


def test_profile_update_refuses_to_change_the_organisation_number():
    organisation = OrganisationFactory()
    with pytest.raises(ValueError, match="organisation_number"):
        services.organisation_update_profile(
            organisation=organisation, organisation_number="923609016"
        )
