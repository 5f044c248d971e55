"""What the demo holds after one `seed_demo`: the network, people, activities and hours, and
the billing (every document kind and payment state) and the annual meetings (one held in full
with approved minutes, one coming up)."""

import hashlib
import io
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.apps import apps
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from stdnum.no import orgnr

from battery_norway.celery import app as celery_app
from billing.models import (
    CreditBalanceEntry,
    DocumentKind,
    FeeSchedule,
    Invoice,
    InvoiceStatus,
    PaymentReminder,
    VatTreatment,
)
from meetings.models import (
    AnnualMeeting,
    Ballot,
    EventKind,
    MeetingStatus,
    Minutes,
    OfficerRole,
    Participation,
    Poll,
    PollStatus,
    ProposalStatus,
    Standing,
)
from meetings.services.events import chain_head
from meetings.services.roll import roll_fingerprint
from members import selectors
from members.models import (
    Application,
    ApplicationStatus,
    CompanyGroup,
    Competence,
    CompetenceKind,
    Invitation,
    MembershipStatus,
    Organisation,
    ParticipantType,
    Role,
    User,
)
from portal.demo import data
from portal.demo.billing import ENGLISH_BUYER, seed_demo_billing
from portal.demo.meetings import demo_meeting_years
from portal.models import EmailStatus, OutboundEmail
from tests.conftest import restore_reference_data

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture
def _media_in_a_temporary_folder(settings, demo_media):
    """The seeded PDFs stay readable: every test here uses the module's media folder."""
    settings.MEDIA_ROOT = demo_media


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker, demo_media):
    """The demo, seeded once for the module and committed (a seed takes about ten seconds);
    each test runs in a transaction over it, and the module ends by emptying the database."""
    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, True
    media = override_settings(
        MEDIA_ROOT=demo_media,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with media, django_db_blocker.unblock():
        restore_reference_data()
        output = seed()
        yield output
        call_command("flush", interactive=False, verbosity=0)
    celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _seeded(demo_output):
    """Every test here reads the seeded demo."""


def row_counts() -> dict[str, int]:
    models = [
        *apps.get_app_config("members").get_models(),
        *apps.get_app_config("activities").get_models(),
        EmailAddress,
        LogEntry,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_running_twice_creates_no_duplicates_and_changes_nothing():
    counts = row_counts()
    snapshot = list(Organisation.objects.values().order_by("pk"))

    seed()

    assert row_counts() == counts
    assert list(Organisation.objects.values().order_by("pk")) == snapshot


def test_about_thirty_organisations_with_valid_unique_organisation_numbers():

    numbers = list(Organisation.objects.values_list("organisation_number", flat=True))
    assert 25 <= len(numbers) <= 35
    assert len(set(numbers)) == len(numbers)
    assert all(orgnr.is_valid(number) for number in numbers)
    applied = Application.objects.values_list("organisation_number", flat=True)
    assert all(orgnr.is_valid(number) for number in applied)
    assert not set(applied) & set(numbers)


def test_all_three_participant_types_are_active_and_spread_across_segments():

    for participant_type in ParticipantType.values:
        assert selectors.organisations_active_on(participant_type=participant_type).count() >= 5
    used_segments = set(Organisation.objects.values_list("segments__slug", flat=True))
    assert used_segments >= {
        "mining",
        "materials",
        "cells",
        "modules-packs",
        "collection",
        "second-life",
        "recycling",
    }
    assert not Organisation.objects.filter(description="").exists()


def test_membership_history_holds_a_type_change_and_an_ended_membership():

    changed = Organisation.objects.get(name="Tinnsjø Litiumraffineri AS")
    periods = list(changed.memberships.order_by("start_date"))
    assert [(p.participant_type, p.status) for p in periods] == [
        (ParticipantType.SUPPLIER, MembershipStatus.ENDED),
        (ParticipantType.CORE, MembershipStatus.ACTIVE),
    ]
    assert periods[0].end_date < periods[1].start_date
    ended = Organisation.objects.get(name="Polar Batteriforum")
    assert ended.memberships.get().status == MembershipStatus.ENDED


def test_company_group_has_a_parent_units_and_a_fee_decision():

    group = CompanyGroup.objects.get()
    assert group.parent.group == group
    assert group.units.count() == 3
    assert group.units_pay_own_fee
    assert group.fee_decision_date is not None
    assert group.fee_decision_reference


def test_pending_applications_open_invitations_and_competence_offers_and_needs():

    assert Application.objects.filter(status=ApplicationStatus.PENDING).count() == 3
    assert all(invitation.is_usable for invitation in Invitation.objects.all())
    assert Invitation.objects.count() == len(data.INVITATIONS)
    offers = Competence.objects.filter(kind=CompetenceKind.OFFER)
    needs = Competence.objects.filter(kind=CompetenceKind.NEED)
    assert offers.count() >= 15
    assert needs.count() >= 5
    assert Competence.objects.values("area").distinct().count() >= 10


def test_users_for_every_role_can_sign_in_with_a_verified_address(client):

    for login in data.LOGINS:
        user = User.objects.get(email=login.email)
        assert user.check_password(login.password)
        assert EmailAddress.objects.get(user=user).verified
    staff = User.objects.get(email=data.LOGINS[0].email)
    assert staff.is_staff
    assert staff.is_superuser
    assert User.objects.filter(is_steering_group=True, is_staff=False).count() == 1
    roles = {
        (role.user.email, role.role)
        for role in Organisation.objects.get(name="Nordlys Battericeller AS").roles.all()
    }
    assert roles == {
        ("admin@nordlys-battericeller.example", Role.ADMIN),
        ("medlem@nordlys-battericeller.example", Role.MEMBER),
    }

    response = client.post(
        "/accounts/login/",
        {"login": "medlem@nordlys-battericeller.example", "password": "demo-medlem"},
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_every_organisation_with_people_has_an_admin():

    for organisation in Organisation.objects.filter(roles__isnull=False).distinct():
        assert organisation.roles.filter(role=Role.ADMIN).exists(), organisation


def test_prints_one_demo_login_per_role(demo_output):
    output = demo_output

    for login in data.LOGINS:
        assert f"{login.email}  /  {login.password}" in output


def test_activities_of_every_kind_and_status_and_a_year_of_valid_hours():
    from activities.models import (
        Activity,
        ActivityKind,
        ActivityStatus,
        HourEntry,
        PeriodConfirmation,
        ReportingPeriod,
    )

    assert set(Activity.objects.values_list("kind", flat=True)) == set(ActivityKind.values)
    assert set(Activity.objects.values_list("status", flat=True)) == set(ActivityStatus.values)
    entries = HourEntry.objects.select_related("activity")
    assert entries.count() > 500
    for entry in entries:
        assert entry.activity.start_date <= entry.date <= entry.activity.end_date
        assert entry.hours % Decimal("0.25") == 0
    assert ReportingPeriod.objects.filter(locked_at__isnull=False).exists()
    assert PeriodConfirmation.objects.exists()


def test_the_demo_admin_and_member_have_hours_and_a_confirmed_past_period():
    from activities.models import HourEntry, PeriodConfirmation

    organisation = Organisation.objects.get(name="Nordlys Battericeller AS")
    for email in ("admin@nordlys-battericeller.example", "medlem@nordlys-battericeller.example"):
        assert HourEntry.objects.filter(person__email=email, organisation=organisation).exists()
    confirmation = PeriodConfirmation.objects.filter(organisation=organisation).first()
    assert confirmation is not None
    assert confirmation.period.locked_at is not None
    assert confirmation.confirmed_by.email == "admin@nordlys-battericeller.example"
    counts = HourEntry.objects.count()
    seed()
    assert HourEntry.objects.count() == counts


NORDLYS = "Nordlys Battericeller AS"
DEMO_ADMIN = "admin@nordlys-battericeller.example"
DEMO_MEMBER = "medlem@nordlys-battericeller.example"


def meeting_rows() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("meetings").get_models()
    }


def test_the_past_meeting_was_held_in_full_and_its_minutes_are_the_approved_record(demo_output):
    output = demo_output

    held_year, _next = demo_meeting_years(timezone.localdate())
    meeting = AnnualMeeting.objects.get(year=held_year)
    assert "2 annual meetings" in output
    assert meeting.status == MeetingStatus.MINUTES_APPROVED
    assert meeting.roll_frozen_at is not None
    assert meeting.roll_fingerprint == roll_fingerprint(meeting)
    assert meeting.notice_late_reason == "Demodata: lagt inn etter møtet."
    # Delivered before the minutes were drafted: the minutes' dispatch log shows them sent.
    dispatch = meeting.notice_recipients.select_related("outbound_email")
    assert dispatch.exists()
    assert {r.outbound_email.status for r in dispatch} == {EmailStatus.SENT}

    nordlys = meeting.roll.get(organisation__name=NORDLYS)
    assert nordlys.standing == Standing.VOTER
    assert meeting.representatives.get(organisation__name=NORDLYS).user.email == DEMO_ADMIN
    assert meeting.proxies.filter(withdrawn_at__isnull=True).count() == 1
    assert meeting.presences.filter(checked_out_at__isnull=True).count() == 0
    assert meeting.presences.count() > meeting.presences.values("organisation").distinct().count()

    polls = {
        p.item.position: p
        for p in Poll.objects.filter(item__meeting=meeting).select_related("item")
    }
    assert all(poll.status == PollStatus.CLOSED for poll in polls.values())
    accounts, bylaws, election = polls[2], polls[3], polls[4]
    assert (accounts.secret, accounts.result["rule"], accounts.result["passed"]) == (
        False,
        "simple",
        True,
    )
    assert (bylaws.secret, bylaws.result["rule"]) == (True, "two_thirds")
    assert (bylaws.result["yes"], bylaws.result["no"], bylaws.result["passed"]) == (5, 2, True)
    elected = [c["name"] for c in election.result["candidates"] if c["elected"]]
    assert election.secret
    assert sorted(elected) == ["Erik Strand", "Kari Haugen"]
    assert len(election.result["candidates"]) == 3
    # Cast through the service: one participation and one ballot per organisation and poll,
    # the proxy's vote cast by the holder's representative.
    for poll in polls.values():
        assert (
            Participation.objects.filter(poll=poll).count()
            == Ballot.objects.filter(poll=poll).count()
        )
    assert Participation.objects.filter(poll=accounts, via_proxy__isnull=False).count() == 1
    assert not Participation.objects.filter(poll=bylaws).exclude(named_choice="").exists()

    roles = dict(meeting.officers.values_list("user__email", "role"))
    assert roles.pop("sekretariat@battery-norway.example") == OfficerRole.CHAIR
    assert list(roles.values()) == [OfficerRole.CO_SIGNER, OfficerRole.CO_SIGNER]
    for email in roles:
        assert Organisation.objects.filter(roles__user__email=email, roles__role=Role.ADMIN)

    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.approved_at is not None
    assert minutes.approvals.count() == 3
    with minutes.pdf.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == minutes.sha256
    with minutes.draft_pdf.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == minutes.draft_sha256
    last = meeting.events.order_by("-sequence").first()
    assert last.kind == EventKind.MINUTES_APPROVED
    assert chain_head(meeting) == last.hash


def test_the_upcoming_meeting_has_its_roll_frozen_representatives_a_deputy_and_a_proxy():

    _held, upcoming_year = demo_meeting_years(timezone.localdate())
    meeting = AnnualMeeting.objects.get(year=upcoming_year)
    assert meeting.status == MeetingStatus.NOTICE_SENT
    assert meeting.roll_frozen_at is not None
    assert meeting.roll_fingerprint == roll_fingerprint(meeting)
    assert meeting.notice_late_reason == ""
    assert meeting.notice_recipients.exists()

    voters = meeting.roll.filter(standing=Standing.VOTER).count()
    assert meeting.representatives.count() > voters / 2
    nordlys = meeting.representatives.get(organisation__name=NORDLYS)
    assert (nordlys.user.email, nordlys.deputy.email) == (DEMO_ADMIN, DEMO_MEMBER)
    proxy = meeting.proxies.get(withdrawn_at__isnull=True)
    assert proxy.instruction
    assert meeting.roll.get(organisation=proxy.giver).standing == Standing.VOTER
    assert meeting.roll.get(organisation=proxy.holder).standing == Standing.VOTER
    assert meeting.proposals.get().status == ProposalStatus.SUBMITTED

    kinds = set(meeting.agenda.values_list("kind", flat=True))
    assert kinds == {"information", "decision", "bylaws", "election"}
    election = meeting.agenda.get(kind="election")
    assert election.candidates.count() > election.seats


def test_running_the_seed_again_creates_no_meeting_rows():
    counts = meeting_rows()
    minutes = list(Minutes.objects.values("pk", "sha256", "draft_sha256"))

    seed()

    assert meeting_rows() == counts
    assert list(Minutes.objects.values("pk", "sha256", "draft_sha256")) == minutes


# The billing ---------------------------------------------------------------------------------

LAST_YEAR = timezone.localdate().year - 1


def test_seeding_the_billing_again_adds_nothing():
    staff = User.objects.get(email=data.STAFF_EMAIL)
    documents = Invoice.objects.count()
    again = seed_demo_billing(staff=staff)
    assert Invoice.objects.count() == documents
    assert again.credit_notes == 2
    assert again.credit_balance == Decimal(1000)


def test_last_years_invoices_are_issued_sent_and_mostly_paid():
    invoices = Invoice.objects.filter(kind=DocumentKind.INVOICE, fee_year=LAST_YEAR)
    statuses = list(invoices.values_list("status", flat=True))
    assert len(statuses) >= 6
    assert statuses.count(InvoiceStatus.PAID) > len(statuses) / 2
    assert InvoiceStatus.PARTLY_PAID in statuses
    assert InvoiceStatus.OVERDUE in statuses
    assert InvoiceStatus.CREDITED in statuses
    assert all(invoice.pdf and invoice.ehf for invoice in invoices)
    assert OutboundEmail.objects.filter(about_id__in=invoices.values("pk")).count() >= len(statuses)


def test_the_overdue_invoice_has_a_payment_reminder():
    overdue = Invoice.objects.get(fee_year=LAST_YEAR, status=InvoiceStatus.OVERDUE)
    assert PaymentReminder.objects.filter(invoice=overdue).exists()


def test_a_full_and_a_partial_credit_note_exist():
    credit_notes = list(Invoice.objects.filter(kind=DocumentKind.CREDIT_NOTE))
    assert len(credit_notes) == 2
    fully = [c for c in credit_notes if -c.amount_excl_vat == c.credits.amount_excl_vat]
    partly = [c for c in credit_notes if -c.amount_excl_vat < c.credits.amount_excl_vat]
    assert len(fully) == len(partly) == 1
    assert partly[0].credits.status == InvoiceStatus.PAID


def test_an_overpayment_left_a_credit_balance():
    entry = CreditBalanceEntry.objects.get()
    assert entry.amount == Decimal(1000)
    assert entry.payment.bank_reference == "ref:DEMO-OVERPAID-1"
    assert entry.payment.invoice.status == InvoiceStatus.PAID


def test_a_buyer_has_english_invoices_and_its_own_reference():
    buyer = Organisation.objects.get(name=ENGLISH_BUYER)
    assert buyer.invoice_language == "en"
    invoice = buyer.invoices.get(fee_year=LAST_YEAR)
    assert invoice.buyer_reference == buyer.buyer_reference


def test_this_year_has_a_vat_exempt_schedule_with_an_invoice_to_look_at():
    schedule = FeeSchedule.objects.get(year=LAST_YEAR + 1)
    assert schedule.vat_treatment == VatTreatment.EXEMPT
    assert schedule.vat_exemption_reason
    invoice = Invoice.objects.get(fee_year=LAST_YEAR + 1)
    assert invoice.vat_amount == 0
    assert invoice.delivery_start.month == 7  # pro rata from July
