"""Meetings in a given state, for the meeting tests: voters with admins and representatives."""

import datetime
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from meetings.models import Choice, ItemKind, MeetingDocument, MeetingStatus
from meetings.services.lifecycle import meeting_open
from meetings.services.notice import NOTICE_JOB, notice_send_execute, notice_send_start
from meetings.services.polls import poll_close, poll_create, poll_open, vote_cast
from meetings.services.presence import check_in
from meetings.services.proposals import proposal_submit
from meetings.services.representation import proxy_give, representative_name
from members.models import ParticipantType, Role
from portal.models import Job
from tests.factories import (
    AgendaItemFactory,
    AnnualMeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    RepresentativeFactory,
    UserFactory,
    member_of,
    participant,
)


def voter(name: str):
    """A core company since 2025 with an admin (``organisation.admin``)."""
    organisation = participant(name)
    organisation.admin = member_of(organisation, Role.ADMIN)
    return organisation


def observer(name: str):
    organisation = OrganisationFactory(name=name)
    MembershipFactory(organisation=organisation, participant_type=ParticipantType.SUPPLIER)
    organisation.admin = member_of(organisation, Role.ADMIN)
    return organisation


def noticed(meeting=None, **fields):
    """``meeting`` (or a new one) with its notice sent, so its roll is frozen."""
    meeting = meeting or AnnualMeetingFactory(**fields)
    with transaction.atomic():
        notice_send_start(meeting=meeting, actor=UserFactory(is_staff=True))
    meeting.refresh_from_db()
    return meeting


def opened(meeting=None, **fields):
    meeting = meeting or AnnualMeetingFactory(**fields)
    if meeting.status == MeetingStatus.DRAFT:
        noticed(meeting)
    meeting_open(meeting=meeting, actor=UserFactory(is_staff=True))
    meeting.refresh_from_db()
    return meeting


def represented(meeting, organisation, *, deputy=False):
    """Name the organisation's admin as its representative (and a colleague as deputy)."""
    return RepresentativeFactory(
        meeting=meeting,
        organisation=organisation,
        user=organisation.admin,
        deputy=member_of(organisation, Role.MEMBER) if deputy else None,
    )


def meeting_in_session(
    *, organisation, representative, other, other_representative, organisation_gives_proxy=False
):
    """This year's meeting, open, with ``organisation`` and ``other`` (core companies) on the
    roll with their representatives, a proxy between them (``organisation``'s to ``other`` or
    the other way), the organisation that holds the proxy checked in, a document, a proposal,
    a closed secret poll with one ballot and an open named poll: every meeting page has
    something to show. Built through the services; the route matrix and the fuzz world use it.
    """
    staff = UserFactory(is_staff=True)
    meeting = noticed(
        year=timezone.localdate().year,
        starts_at=timezone.now() + datetime.timedelta(days=40),
        record_date=timezone.localdate(),
    )
    notice_send_execute(job_id=Job.objects.filter(kind=NOTICE_JOB).latest("pk").pk)
    representative_name(
        meeting=meeting, organisation=organisation, user=representative, actor=representative
    )
    representative_name(
        meeting=meeting, organisation=other, user=other_representative, actor=other_representative
    )
    if organisation_gives_proxy:
        proxy = proxy_give(meeting=meeting, giver=organisation, holder=other, actor=representative)
        present, present_as = other, other_representative
    else:
        proxy = proxy_give(
            meeting=meeting, giver=other, holder=organisation, actor=other_representative
        )
        present, present_as = organisation, representative
    document = MeetingDocument.objects.create(
        meeting=meeting,
        title="Årsberetning",
        file=ContentFile(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", name="arsberetning.pdf"),
    )
    proposal_submit(
        meeting=meeting,
        organisation=organisation,
        title="Fagforum for gjenvinning",
        text="Vi foreslår et fagforum.",
        actor=representative,
    )
    opened(meeting)
    check_in(meeting=meeting, organisation=present, user=present_as, actor=present_as)
    closed_poll = poll_create(
        item=AgendaItemFactory(meeting=meeting, kind=ItemKind.DECISION), secret=True
    )
    poll_open(poll=closed_poll, actor=staff)
    vote_cast(poll=closed_poll, organisation=present, user=present_as, choice=Choice.YES)
    poll_close(poll=closed_poll, actor=staff)
    open_poll = poll_create(item=AgendaItemFactory(meeting=meeting, kind=ItemKind.DECISION))
    poll_open(poll=open_poll, actor=staff)
    return SimpleNamespace(
        meeting=meeting,
        proxy=proxy,
        document=document,
        closed_poll=closed_poll,
        open_poll=open_poll,
    )
