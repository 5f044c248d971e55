"""A small network in which every route of the portal can be opened: the fuzz tests' fixture.

``url_arguments`` says how to fill each URL keyword; ``USER_FOR`` who opens a page. A new route
whose keyword is not known here fails ``test_every_form_route_is_discovered`` with a message
that names this file.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scopes_disabled

from billing.models import InvoiceRun
from members.models import Role
from tests.factories import (
    ActivityFactory,
    ApplicationFactory,
    CompetenceFactory,
    InvitationFactory,
    ReportingPeriodFactory,
    UserFactory,
    active_organisation,
    fee_schedule,
    member_of,
    taking_part,
)

ANONYMOUS, ADMIN, STAFF = "anonymous", "organisation admin", "staff"

# Who opens a page, by URL name (namespace:name) or namespace; the default is an
# organisation admin, who may use every organisation page.
USER_FOR = {
    "members:apply": ANONYMOUS,
    "members:apply_thanks": ANONYMOUS,
    "members:invitation_accept": ANONYMOUS,
    "portal:home": ANONYMOUS,
    "portal:healthz": ANONYMOUS,
    "portal:job": STAFF,
    "portal:job_status": STAFF,
    "portal:job_download": STAFF,
    "activities:steering": STAFF,
    "activities:decide": STAFF,
    "activities:staff_hours": STAFF,
    "billing": STAFF,  # the secretariat's invoicing pages…
    "billing:organisation_invoices": ADMIN,  # …except the member's own invoices
    "billing:invoice_pdf": ADMIN,
    "billing:invoice_ehf": ADMIN,
    "meetings:staff_room": STAFF,
    "meetings:minutes_draft_pdf": STAFF,
    "admin": STAFF,
}

# Which of the world's meetings a meeting page is opened for: this year's is in session (check-in,
# polls, receipts, projector, the control room), last year's has its minutes in approval, next
# year's is noticed and not open (representatives, proxies, proposals can still change).
MEETING_OF_ROUTE = {
    **dict.fromkeys(
        ("checkin", "poll_live", "poll_state", "poll_receipts", "projector", "staff_room"),
        "session",
    ),
    **dict.fromkeys(("minutes", "minutes_pdf", "minutes_draft_pdf", "minutes_approve"), "past"),
}


def user_for(url_name: str) -> str:
    return USER_FOR.get(url_name) or USER_FOR.get(url_name.split(":")[0], ADMIN)


@dataclass
class World:
    organisation: object
    admin: object
    member: object
    staff: object
    activity: object
    proposed: object
    period: object
    entry: object
    competence: object
    invitation: object
    invoice: object
    job: object
    meetings: object

    @property
    def next_year(self) -> int:
        """A year with a fee schedule and no invoices yet: an invoice run can be previewed."""
        return timezone.localdate().year + 1

    def user(self, who: str):
        return {ADMIN: self.admin, STAFF: self.staff, ANONYMOUS: None}[who]

    def _pk(self, url_name: str) -> int:
        if url_name.startswith("portal:job"):
            return self.job.pk
        if url_name == "billing:run_detail":
            return InvoiceRun.objects.get().pk
        return self.organisation.pk

    def _year(self, url_name: str) -> int:
        if not url_name.startswith("meetings:") or self.meetings is None:
            return timezone.localdate().year
        if url_name == "meetings:document":
            return self.meetings.session.meeting.year
        which = MEETING_OF_ROUTE.get(url_name.split(":")[1], "upcoming")
        return {
            "session": self.meetings.session.meeting,
            "past": self.meetings.past,
            "upcoming": self.meetings.upcoming,
        }[which].year

    def url_arguments(self, url_name: str, names: list[str]) -> dict | None:
        """The URL keywords of ``url_name``, or None when one of them is not known here."""
        known = {
            "pk": self._pk(url_name),
            "activity_pk": (self.proposed if url_name == "activities:decide" else self.activity).pk,
            "role_pk": self.member.organisation_roles.get().pk,
            "invitation_pk": self.invitation.pk,
            "competence_pk": self.competence.pk,
            "entry_pk": self.entry.pk,
            "period_pk": self.period.pk,
            "invoice_pk": self.invoice.pk,
            "year": self._year(url_name),
            "token": self.invitation.token,
        }
        if self.meetings is not None:
            known |= {
                "document_pk": self.meetings.session.document.pk,
                "proxy_pk": self.meetings.upcoming_proxy.pk,
                "poll_pk": self.meetings.session.closed_poll.pk,
                "version": 1,
            }
        if not set(names) <= known.keys():
            return None
        return {name: known[name] for name in names}


def _rows_for_the_administration(organisation, admin, staff, invoice, today):
    """One row of every model the administration has a change page for."""
    from activities.models import HourlyRate, PeriodConfirmation, PersonRate
    from billing.models import Payment, PaymentReminder
    from billing.services.payments import payment_register
    from members.models import CompanyGroup
    from portal.models import OutboundEmail

    HourlyRate.objects.create(year=today.year, rate=Decimal("650"), note="Fuzz")
    PersonRate.objects.create(person=admin, year=today.year, rate=Decimal("900"))
    old = ReportingPeriodFactory(
        start_date=today - datetime.timedelta(days=400),
        end_date=today - datetime.timedelta(days=370),
        deadline=today - datetime.timedelta(days=360),
    )
    PeriodConfirmation.objects.create(
        organisation=organisation,
        period=old,
        hours=Decimal("0"),
        confirmed_by=admin,
        confirmed_by_name=admin.full_name,
        confirmed_at=timezone.now(),
    )
    Payment.objects.create(
        invoice=invoice, amount=Decimal("1"), paid_on=today, source="manual", registered_by=staff
    )
    # An overpayment by hand, confirmed: the surplus becomes a credit balance entry.
    payment_register(
        invoice=invoice,
        amount=invoice.total + Decimal("100"),
        paid_on=today,
        registered_by=staff,
        confirm_overpayment=True,
    )
    PaymentReminder.objects.create(invoice=invoice, level=1, sent_on=today)
    InvoiceRun.objects.create(year=today.year, started_by=staff)
    CompanyGroup.objects.create(name="Fuzz Group", parent=organisation)
    OutboundEmail.objects.create(
        key="fuzz", recipients=["fuzz@example.no"], subject="Fuzz", body="Fuzz"
    )


def _meetings(organisation, admin, staff, today):
    """Three meetings: last year's closed with its minutes awaiting the admin's approval (the
    admin is a co-signer), this year's in session, next year's noticed with the organisation's
    proxy given. The organisation and one other core company are on each roll."""
    from meetings.models import (
        MeetingOfficer,
        MeetingStatus,
        Minutes,
        MinutesApproval,
        OfficerRole,
        Standing,
    )
    from meetings.services.representation import proxy_give, representative_name
    from meetings.services.roll import roll_entry_change
    from tests.factories import AnnualMeetingFactory
    from tests.meetings.meeting_helpers import meeting_in_session, noticed

    other = active_organisation(name="Fuzz Motpart AS")
    other_admin = member_of(other, Role.ADMIN)
    session = meeting_in_session(
        organisation=organisation,
        representative=admin,
        other=other,
        other_representative=other_admin,
    )
    upcoming = noticed(
        year=today.year + 1,
        starts_at=timezone.now() + datetime.timedelta(days=60),
        record_date=today,
    )
    roll_entry_change(
        meeting=upcoming,
        organisation=active_organisation(name="Fuzz Nykommer AS"),
        standing=Standing.OBSERVER,
        reason="Ble med etter at manntallet ble frosset",
        actor=staff,
    )
    representative_name(meeting=upcoming, organisation=organisation, user=admin, actor=admin)
    representative_name(meeting=upcoming, organisation=other, user=other_admin, actor=other_admin)
    upcoming_proxy = proxy_give(meeting=upcoming, giver=organisation, holder=other, actor=admin)
    past = AnnualMeetingFactory(
        year=today.year - 1,
        starts_at=timezone.now() - datetime.timedelta(days=300),
        record_date=today - datetime.timedelta(days=330),
        status=MeetingStatus.CLOSED,
    )
    chair = MeetingOfficer.objects.create(meeting=past, user=staff, role=OfficerRole.CHAIR)
    MeetingOfficer.objects.create(meeting=past, user=admin, role=OfficerRole.CO_SIGNER)
    MeetingOfficer.objects.create(meeting=past, user=other_admin, role=OfficerRole.CO_SIGNER)
    minutes = Minutes(meeting=past, version=1, draft_sha256="0" * 64, created_by=staff)
    minutes.draft_pdf.save("fuzz-minutes.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    minutes.save()
    MinutesApproval.objects.create(
        minutes=minutes, officer=chair, name=staff.full_name, approved_at=timezone.now()
    )
    return SimpleNamespace(
        session=session, upcoming=upcoming, upcoming_proxy=upcoming_proxy, past=past
    )


def _finished_job(job_model, staff):
    job = job_model.objects.create(kind="fuzz", started_by=staff, status="done")
    job.result.save("fuzz.csv", ContentFile(b"a;b\n1;2\n"))
    return job


def build_world(*, meetings: bool = True) -> World:
    """Every kind of row a route needs, owned by one active organisation; ``meetings=False``
    leaves out the three meetings (their notices render PDFs), for tests of other pages."""
    from activities.services.hours import hour_entry_create
    from billing.services.issuing import fee_invoice_issue
    from portal.models import Job

    today = timezone.localdate()
    with scopes_disabled():
        organisation = active_organisation()
        admin = member_of(organisation, Role.ADMIN, email="admin@fuzz.example")
        member = member_of(organisation, Role.MEMBER)
        staff = UserFactory(is_staff=True, is_superuser=True, email="staff@fuzz.example")
        activity = taking_part(organisation).activity
        proposed = ActivityFactory(status="proposed", proposed_by=admin)
        period = ReportingPeriodFactory(
            start_date=today - datetime.timedelta(days=40),
            end_date=today - datetime.timedelta(days=10),
            deadline=today + datetime.timedelta(days=20),
        )
        entry = hour_entry_create(
            organisation=organisation,
            person=admin,
            activity=activity,
            date=today - datetime.timedelta(days=20),
            hours=Decimal("2"),
            description="Workshop",
            created_by=admin,
        )
        fee_schedule(today.year)
        fee_schedule(today.year + 1)
        invoice = fee_invoice_issue(
            organisation=organisation, year=today.year, issued_by=staff, issue_date=today
        )
        ApplicationFactory()
        _rows_for_the_administration(organisation, admin, staff, invoice, today)
        return World(
            organisation=organisation,
            admin=admin,
            member=member,
            staff=staff,
            activity=activity,
            proposed=proposed,
            period=period,
            entry=entry,
            competence=CompetenceFactory(organisation=organisation),
            invitation=InvitationFactory(organisation=organisation, email="invited@fuzz.example"),
            invoice=invoice,
            job=_finished_job(Job, staff),
            meetings=_meetings(organisation, admin, staff, today) if meetings else None,
        )
