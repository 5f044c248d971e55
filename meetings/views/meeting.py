"""The meetings list, the meeting page (notice, agenda, documents, the user's organisations'
part in it) and the documents' downloads."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import ListView, TemplateView, View

from meetings.models import (
    AnnualMeeting,
    MeetingStatus,
    Minutes,
    PollStatus,
    Proposal,
    Proxy,
    Representative,
)
from meetings.selectors.meetings import BEFORE_OPENING
from meetings.views.mixins import MeetingPageMixin
from meetings.views.standing import StandingLine, standings_of
from members.models import Organisation, Role
from portal import rules
from portal.permissions import MembersOnlyMixin

UPCOMING = (MeetingStatus.DRAFT, MeetingStatus.NOTICE_SENT, MeetingStatus.OPEN)


class MeetingListView(MembersOnlyMixin, ListView):
    """Upcoming meetings first (soonest first), then past ones, newest first. Drafts only for
    the secretariat."""

    permission_required = "meetings.view_meeting"
    template_name = "meetings/meeting_list.html"
    context_object_name = "meetings"

    def get_queryset(self):
        meetings = AnnualMeeting.objects.annotate(
            has_minutes=Exists(
                Minutes.objects.filter(meeting=OuterRef("pk"), approved_at__isnull=False)
            )
        )
        if not rules.allowed(self.request.user, "portal.staff"):
            meetings = meetings.exclude(status=MeetingStatus.DRAFT)
        return meetings.order_by("-year")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meetings = list(context["meetings"])
        context["upcoming"] = sorted(
            (m for m in meetings if m.status in UPCOMING), key=lambda m: m.starts_at
        )
        context["past"] = [m for m in meetings if m.status not in UPCOMING]
        context["is_staff"] = rules.allowed(self.request.user, "portal.staff")
        return context


@dataclass
class OrganisationPart:
    """One of the user's organisations at the meeting: its standing, who speaks for it, the
    proxies it gives and holds, and its proposals."""

    organisation: Organisation
    is_admin: bool
    standing: StandingLine | None
    representative: Representative | None = None
    proxy_given: Proxy | None = None
    proxies_held: list[Proxy] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)


def organisation_parts(meeting: AnnualMeeting, user) -> list[OrganisationPart]:
    """The user's organisations' part in ``meeting``, by name (four queries at most)."""
    organisations = sorted(rules.organisations_of(user), key=lambda o: o.name.casefold())
    if not organisations:
        return []
    ids = [organisation.pk for organisation in organisations]
    standings = standings_of(meeting, organisations)
    representatives = {
        r.organisation_id: r
        for r in Representative.objects.filter(
            meeting=meeting, organisation_id__in=ids
        ).select_related("user", "deputy")
    }
    proxies = list(
        Proxy.objects.filter(meeting=meeting, withdrawn_at__isnull=True)
        .filter(Q(giver_id__in=ids) | Q(holder_id__in=ids))
        .select_related("giver", "holder")
    )
    proposals = list(
        Proposal.objects.filter(meeting=meeting, organisation_id__in=ids).order_by(
            "submitted_at", "pk"
        )
    )
    return [
        OrganisationPart(
            organisation=organisation,
            is_admin=organisation.user_role == Role.ADMIN,
            standing=standings.get(organisation.pk),
            representative=representatives.get(organisation.pk),
            proxy_given=next((p for p in proxies if p.giver_id == organisation.pk), None),
            proxies_held=[p for p in proxies if p.holder_id == organisation.pk],
            proposals=[p for p in proposals if p.organisation_id == organisation.pk],
        )
        for organisation in organisations
    ]


class MeetingDetailView(MeetingPageMixin, TemplateView):
    template_name = "meetings/meeting_detail.html"

    def get_context_data(self, **kwargs):
        meeting = self.meeting
        agenda = list(
            meeting.agenda.select_related("poll")
            .prefetch_related("candidates")
            .order_by("position")
        )
        for item in agenda:
            poll = getattr(item, "poll", None)
            item.closed_result = (
                poll.result if poll is not None and poll.status == PollStatus.CLOSED else None
            )
        today = timezone.localdate()
        return super().get_context_data(
            agenda=agenda,
            documents=list(meeting.documents.all()),
            parts=organisation_parts(meeting, self.request.user),
            has_open_poll=any(
                getattr(item, "poll", None) is not None and item.poll.status == PollStatus.OPEN
                for item in agenda
            ),
            proposals_open=meeting.status in BEFORE_OPENING and today <= meeting.proposals_due,
            representation_open=meeting.status in UPCOMING,
            **kwargs,
        )


class DocumentDownloadView(MeetingPageMixin, View):
    """A meeting document (annual report, accounts, budget) for everyone who may view the
    meeting."""

    def get(self, request, *args, **kwargs):
        document = get_object_or_404(self.meeting.documents, pk=kwargs["document_pk"])
        if not document.file:
            raise Http404
        return FileResponse(
            document.file.open("rb"), filename=document.file.name.rsplit("/", 1)[-1]
        )
