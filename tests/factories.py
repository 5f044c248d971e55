import datetime
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from stdnum.no import orgnr

from activities.models import ActivityKind, ActivityStatus
from billing.models import FeeSchedule, Payment, PaymentSource
from meetings import models as meeting_models
from members import models
from portal.models import EmailStatus, Job, JobStatus, OutboundEmail


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
    kind = ActivityKind.WORKING_GROUP
    status = ActivityStatus.RUNNING
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
    from billing.models import FeeAmount

    schedule = FeeScheduleFactory(year=year, **fields)
    FeeAmount.objects.bulk_create(
        FeeAmount(schedule=schedule, participant_type=kind, size_band=band, amount=amount)
        for kind in models.ParticipantType.values
        for band in models.SizeBand.values
    )
    return schedule


def participant(name=None, *, since=datetime.date(2025, 1, 1), **fields):
    """An organisation with an active core membership since ``since`` (billable for fee years
    from then on)."""
    if name is not None:
        fields["name"] = name
    organisation = OrganisationFactory(**fields)
    MembershipFactory(organisation=organisation, start_date=since)
    return organisation


class FeeScheduleFactory(factory.django.DjangoModelFactory):
    """A fee schedule without amounts; ``fee_schedule()`` adds one for every type and band."""

    class Meta:
        model = FeeSchedule

    year = 2026


def fee_invoice(organisation=None, *, year=2026, amount=Decimal("10000"), issued_by=None):
    """A participation-fee invoice issued through the service (so numbered, with parties copied)."""
    from billing.services.issuing import fee_invoice_issue

    if not FeeSchedule.objects.filter(year=year).exists():
        fee_schedule(year, amount=amount)
    organisation = organisation or participant()
    return fee_invoice_issue(organisation=organisation, year=year, issued_by=issued_by)


class PaymentFactory(factory.django.DjangoModelFactory):
    """A payment row as the bank file import stores it. It does not refresh the invoice's status:
    use ``paid()`` (through the service) when the test depends on the status."""

    class Meta:
        model = Payment

    invoice = factory.LazyFunction(fee_invoice)
    amount = factory.LazyAttribute(lambda payment: payment.invoice.total)
    paid_on = factory.LazyFunction(timezone.localdate)
    kid = factory.LazyAttribute(lambda payment: payment.invoice.kid)
    source = PaymentSource.BANK_FILE
    bank_reference = factory.Sequence(lambda n: f"BANK-{n:06d}")
    registered_by = factory.SubFactory(UserFactory, is_staff=True)


def paid(invoice, *, amount=None, paid_on=None, registered_by=None):
    """``invoice`` with a payment registered through the service (``amount=None``: all of it)."""
    from billing.services.payments import payment_register

    payment_register(
        invoice=invoice,
        amount=amount,
        paid_on=paid_on or invoice.issue_date,
        registered_by=registered_by,
    )
    invoice.refresh_from_db()
    return invoice


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    """An outbox row waiting to be sent."""

    class Meta:
        model = OutboundEmail

    key = factory.Sequence(lambda n: f"test:{n}")
    recipients = factory.Sequence(lambda n: [f"mottaker{n}@example.no"])
    subject = "Melding fra Battery Norway"
    body = "Hei,\n\nDette er en melding.\n"
    status = EmailStatus.QUEUED


class JobFactory(factory.django.DjangoModelFactory):
    """A background job that is running, started by a staff user."""

    class Meta:
        model = Job

    kind = "test"
    started_by = factory.SubFactory(UserFactory, is_staff=True)
    status = JobStatus.RUNNING
    total = 4


# Annual meetings -------------------------------------------------------------------------------


class AnnualMeetingFactory(factory.django.DjangoModelFactory):
    """A live meeting on 2027-03-10 at 17:00 (Oslo), record date 2027-02-01, in draft."""

    class Meta:
        model = meeting_models.AnnualMeeting
        django_get_or_create = ("year",)

    year = 2027
    starts_at = factory.LazyFunction(
        lambda: timezone.make_aware(datetime.datetime(2027, 3, 10, 17, 0))
    )
    place = "Eyde-huset, Arendal"
    record_date = datetime.date(2027, 2, 1)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = meeting_models.AgendaItem

    meeting = factory.SubFactory(AnnualMeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = meeting_models.ItemKind.DECISION
    title = factory.Sequence(lambda n: f"Sak {n + 1}")


class PollFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = meeting_models.Poll

    item = factory.SubFactory(AgendaItemFactory)


class RepresentativeFactory(factory.django.DjangoModelFactory):
    """A representative named by the organisation's admin (who is the representative here)."""

    class Meta:
        model = meeting_models.Representative

    meeting = factory.SubFactory(AnnualMeetingFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.LazyAttribute(lambda o: member_of(o.organisation, role=models.Role.ADMIN))
    named_by = factory.SelfAttribute("user")
