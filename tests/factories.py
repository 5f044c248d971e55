import datetime
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from stdnum.no import orgnr

from members import models


def valid_organisation_number(n: int) -> str:
    """The n-th valid organisation number in a test-only range (starting with 9)."""
    base = 91_000_000 + n
    while True:
        for check in range(10):
            candidate = f"{base}{check}"
            if orgnr.is_valid(candidate):
                return candidate
        base += 100_000  # this stem has no valid check digit; move to another stem


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.no")
    full_name = factory.Faker("name", locale="no_NO")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation

    name = factory.Sequence(lambda n: f"Testbedrift {n} AS")
    organisation_number = factory.Sequence(valid_organisation_number)
    street_address = "Storgata 1"
    postal_code = "4836"
    city = "Arendal"
    invoice_email = factory.Sequence(lambda n: f"faktura{n}@example.no")
    size_band = models.SizeBand.SMALL


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    organisation = factory.SubFactory(OrganisationFactory)
    participant_type = models.ParticipantType.CORE
    status = models.MembershipStatus.ACTIVE
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))


class OrganisationRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OrganisationRole

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = models.Role.MEMBER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.no")
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Application

    name = factory.Sequence(lambda n: f"Søker {n} AS")
    organisation_number = factory.Sequence(lambda n: valid_organisation_number(50_000 + n))
    street_address = "Havnegata 2"
    postal_code = "7010"
    city = "Trondheim"
    invoice_email = "faktura@soker.no"
    size_band = models.SizeBand.MEDIUM
    requested_type = models.ParticipantType.SUPPLIER
    contact_name = "Kari Nordmann"
    contact_email = factory.Sequence(lambda n: f"kontakt{n}@soker.no")


class CompetenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Competence

    organisation = factory.SubFactory(OrganisationFactory)
    kind = models.CompetenceKind.OFFER
    area = factory.LazyFunction(lambda: models.CompetenceArea.objects.order_by("position").first())
    text = "Vi deler gjerne erfaring."


def member_of(organisation, role=models.Role.MEMBER, **user_fields):
    """A user with ``role`` in ``organisation``."""
    user = UserFactory(**user_fields)
    OrganisationRoleFactory(user=user, organisation=organisation, role=role)
    return user


def active_organisation(participant_type=models.ParticipantType.CORE, **fields):
    organisation = OrganisationFactory(**fields)
    MembershipFactory(organisation=organisation, participant_type=participant_type)
    return organisation


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "activities.Activity"

    title = factory.Sequence(lambda n: f"Arbeidsgruppe {n}")
    kind = "working_group"
    status = "running"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=200))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=200))


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "activities.Participation"

    activity = factory.SubFactory(ActivityFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "activities.ReportingPeriod"

    name = factory.Sequence(lambda n: f"Periode {n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=90))
    end_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))
    deadline = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))


def taking_part(organisation, activity=None):
    """An activity (running, around today) that ``organisation`` has signed up for."""
    return ParticipationFactory(organisation=organisation, activity=activity or ActivityFactory())


def fee_schedule(year=2026, amount=Decimal("10000"), **fields):
    """A fee schedule for ``year`` with ``amount`` for every participant type and size band."""
    from billing.models import FeeAmount, FeeSchedule

    schedule = FeeSchedule.objects.create(year=year, **fields)
    FeeAmount.objects.bulk_create(
        FeeAmount(schedule=schedule, participant_type=kind, size_band=band, amount=amount)
        for kind in models.ParticipantType.values
        for band in models.SizeBand.values
    )
    return schedule
