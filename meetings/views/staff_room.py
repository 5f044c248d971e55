"""The secretariat's control room during the meeting: open and close it, check representatives
in and out in the room, the presence list with its times and the quorum light, and the polls
of the agenda (create, open, close) with their results.

Every action is a POST with a submission token that answers with a redirect back to the room;
a service's refusal is shown as a message.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import View

from meetings.models import AgendaItem, ItemKind, Poll, Presence, Representative
from meetings.poll_forms import MeetingActionForm, PollActionForm, PollCreateForm, StaffPresenceForm
from meetings.selectors.attendance import voting_organisations
from meetings.services.lifecycle import meeting_close, meeting_open
from meetings.services.polls import poll_close, poll_create, poll_open
from meetings.services.presence import check_in, check_out
from meetings.services.results import result_sentence_for_reader
from meetings.views.live import current_poll, poll_state, result_rows
from meetings.views.mixins import MeetingMixin
from meetings.views.polls import REFRESH_SECONDS
from members.models import Organisation
from portal.permissions import StaffRequiredMixin
from portal.service_errors import message_text


@dataclass
class PresenceLine:
    """A voting organisation, who speaks for it, and its presence intervals (times)."""

    organisation: Organisation
    representative: Representative | None
    intervals: list[Presence] = field(default_factory=list)

    @property
    def current(self) -> Presence | None:
        return next((p for p in self.intervals if p.checked_out_at is None), None)


def presence_lines(meeting) -> list[PresenceLine]:
    """Every voting organisation by name with its representative and presence (three queries)."""
    representatives = {
        r.organisation_id: r
        for r in Representative.objects.filter(meeting=meeting).select_related("user", "deputy")
    }
    lines = {
        organisation.pk: PresenceLine(organisation, representatives.get(organisation.pk))
        for organisation in voting_organisations(meeting)
    }
    presences = (
        Presence.objects.filter(meeting=meeting, organisation_id__in=lines)
        .select_related("user")
        .order_by("checked_in_at", "pk")
    )
    for presence in presences:
        lines[presence.organisation_id].intervals.append(presence)
    return list(lines.values())


@dataclass
class ItemLine:
    """An agenda item with its poll, its result and whether a new poll defaults to secret (an
    election with more candidates than seats, as ``poll_create`` decides)."""

    item: AgendaItem
    poll: Poll | None
    secret_by_default: bool
    result_sentence: str = ""
    result_rows: list[list] = field(default_factory=list)


def agenda_lines(meeting) -> list[ItemLine]:
    items = (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("poll")
        .annotate(candidate_count=Count("candidates"))
        .order_by("position")
    )
    lines = []
    for item in items:
        poll = getattr(item, "poll", None)
        line = ItemLine(
            item=item,
            poll=poll,
            secret_by_default=item.kind == ItemKind.ELECTION
            and item.candidate_count > (item.seats or 1),
        )
        if poll is not None and poll.result:
            line.result_sentence = result_sentence_for_reader(poll.result)
            line.result_rows = result_rows(poll.result)
        lines.append(line)
    return lines


class StaffRoomView(StaffRequiredMixin, MeetingMixin, View):
    template_name = "meetings/staff_room.html"

    def get(self, request, *args, **kwargs):
        meeting = self.meeting
        context = {
            "meeting": meeting,
            "state": poll_state(meeting, current_poll(meeting)),
            "lines": presence_lines(meeting),
            "items": agenda_lines(meeting),
            "refresh_seconds": REFRESH_SECONDS,
        }
        return render(request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        action = {
            "meeting": self.meeting_action,
            "presence": self.presence_action,
            "poll_create": self.poll_create_action,
            "poll": self.poll_action,
        }.get(request.POST.get("form", ""))
        if action is None:
            messages.error(request, _("Use the buttons of the control room."))
        else:
            try:
                done = action(request)
            except ValidationError as error:
                messages.error(request, message_text(error))
            else:
                if done:
                    messages.success(request, done)
        return redirect("meetings:staff_room", year=self.meeting.year)

    def meeting_action(self, request) -> str:
        form = MeetingActionForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Use the buttons of the control room."))
        if form.cleaned_data["action"] == MeetingActionForm.OPEN:
            meeting_open(meeting=self.meeting, actor=request.user)
            return _("The meeting is open: representatives can check in.")
        meeting_close(meeting=self.meeting, actor=request.user)
        return _("The meeting is closed.")

    def presence_action(self, request) -> str:
        form = StaffPresenceForm(request.POST, organisations=voting_organisations(self.meeting))
        if not form.is_valid():
            raise ValidationError(list(form.non_field_errors()) or _("Choose the organisation."))
        organisation = form.cleaned_data["organisation"]
        names = {"organisation": organisation.name}
        if form.cleaned_data["action"] == StaffPresenceForm.CHECK_IN:
            user = form.cleaned_data["user"]
            check_in(meeting=self.meeting, organisation=organisation, user=user, actor=request.user)
            names["person"] = user.full_name or user.email
            return _("%(person)s is checked in for %(organisation)s.") % names
        check_out(meeting=self.meeting, organisation=organisation, actor=request.user)
        return _("%(organisation)s has left the meeting.") % names

    def poll_create_action(self, request) -> str:
        form = PollCreateForm(request.POST, items=AgendaItem.objects.filter(meeting=self.meeting))
        if not form.is_valid():
            raise ValidationError(_("Choose the agenda item."))
        poll = poll_create(item=form.cleaned_data["item"], secret=form.cleaned_data["secret"])
        return _("The poll on %(item)s is ready to open.") % {"item": poll.item}

    def poll_action(self, request) -> str:
        form = PollActionForm(
            request.POST,
            polls=Poll.objects.filter(item__meeting=self.meeting).select_related("item"),
        )
        if not form.is_valid():
            raise ValidationError(_("Choose the poll."))
        poll = form.cleaned_data["poll"]
        if form.cleaned_data["action"] == PollActionForm.OPEN:
            poll_open(poll=poll, actor=request.user)
            return _("The poll on %(item)s is open.") % {"item": poll.item}
        poll = poll_close(poll=poll, actor=request.user)
        return _("The poll on %(item)s is closed.") % {"item": poll.item}
