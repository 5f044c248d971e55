"""Reads of meetings: the current and upcoming meeting, representatives, proxies given and held,
proposals, and the notice's dispatch log."""

from django.db.models import Q, QuerySet

from meetings.models import (
    AnnualMeeting,
    MeetingStatus,
    NoticeRecipient,
    Proposal,
    Proxy,
    Representative,
)
from members.models import Organisation, OrganisationRole, Role

NOT_YET_CLOSED = (MeetingStatus.DRAFT, MeetingStatus.NOTICE_SENT, MeetingStatus.OPEN)
BEFORE_OPENING = (MeetingStatus.DRAFT, MeetingStatus.NOTICE_SENT)


def meeting_page_path(meeting: AnnualMeeting) -> str:
    """The meeting's page for members (linked from the notice, on ``SITE_URL``)."""
    return f"/meetings/{meeting.year}/"


def current_meeting() -> AnnualMeeting | None:
    """The open meeting, else the next one not yet held (earliest year first)."""
    meetings = AnnualMeeting.objects.filter(status__in=NOT_YET_CLOSED)
    return (
        meetings.filter(status=MeetingStatus.OPEN).order_by("year").first()
        or meetings.order_by("year").first()
    )


def upcoming_meetings() -> QuerySet[AnnualMeeting]:
    """Meetings not yet held, earliest first."""
    return AnnualMeeting.objects.filter(status__in=BEFORE_OPENING).order_by("year")


def representatives(meeting: AnnualMeeting) -> QuerySet[Representative]:
    return Representative.objects.filter(meeting=meeting).select_related(
        "organisation", "user", "deputy"
    )


def representative_of(meeting: AnnualMeeting, organisation: Organisation) -> Representative | None:
    return (
        Representative.objects.filter(meeting=meeting, organisation=organisation)
        .select_related("user", "deputy")
        .first()
    )


def standing_proxies(meeting: AnnualMeeting) -> QuerySet[Proxy]:
    """Proxies given and not withdrawn, oldest first."""
    return Proxy.objects.filter(meeting=meeting, withdrawn_at__isnull=True).select_related(
        "giver", "holder"
    )


def proxy_given_by(meeting: AnnualMeeting, organisation: Organisation) -> Proxy | None:
    """The organisation's standing proxy, if it gave one."""
    return standing_proxies(meeting).filter(giver=organisation).first()


def proxies_held_by(meeting: AnnualMeeting, organisation: Organisation) -> QuerySet[Proxy]:
    """The standing proxies ``organisation`` carries."""
    return standing_proxies(meeting).filter(holder=organisation)


def proxies_of(meeting: AnnualMeeting, organisation: Organisation) -> QuerySet[Proxy]:
    """Every proxy the organisation gave or held, withdrawn ones included."""
    return (
        Proxy.objects.filter(Q(giver=organisation) | Q(holder=organisation), meeting=meeting)
        .select_related("giver", "holder", "given_by", "withdrawn_by")
        .order_by("given_at", "id")
    )


def proposals(meeting: AnnualMeeting, organisation: Organisation | None = None):
    """The meeting's proposals (of one organisation when given), oldest first."""
    queryset = Proposal.objects.filter(meeting=meeting).select_related(
        "organisation", "submitted_by", "agenda_item"
    )
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    return queryset.order_by("submitted_at", "id")


def notice_dispatch_log(meeting: AnnualMeeting) -> QuerySet[NoticeRecipient]:
    """Who the notice was sent to, when, and (from the outbox row) delivered or failed: the
    evidence that the meeting was lawfully convened. By organisation, then address."""
    return NoticeRecipient.objects.filter(meeting=meeting).select_related(
        "organisation", "outbound_email"
    )


def is_organisation_admin(user, organisation: Organisation) -> bool:
    return OrganisationRole.objects.filter(
        user=user, organisation=organisation, role=Role.ADMIN
    ).exists()


def is_organisation_user(user, organisation: Organisation) -> bool:
    return OrganisationRole.objects.filter(user=user, organisation=organisation).exists()
