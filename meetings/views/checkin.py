"""A representative or deputy checks in for their organisation at a live meeting, leaves and
comes back. Whether they may is ``check_in``'s rule; the page shows its refusal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import View

from meetings.models import Presence, Representative
from meetings.poll_forms import PresenceForm
from meetings.services.presence import check_in, check_out
from meetings.views.mixins import MeetingPageMixin
from members.models import Organisation
from portal.service_errors import message_text


class Representation:
    """One organisation the user speaks for at the meeting, and its presence now."""

    def __init__(self, representative: Representative, user, presence: Presence | None):
        self.organisation = representative.organisation
        self.is_deputy = representative.user_id != user.pk
        self.representative = representative
        self.presence = presence
        self.user_id = user.pk

    @property
    def present_as_me(self) -> bool:
        return self.presence is not None and self.presence.user_id == self.user_id


def representations(meeting, user) -> list[Representation]:
    """The organisations ``user`` represents or deputises for, with their open presence (two
    queries)."""
    representatives = list(
        Representative.objects.filter(meeting=meeting)
        .filter(Q(user=user) | Q(deputy=user))
        .select_related("organisation", "user", "deputy")
        .order_by("organisation__name", "organisation_id")
    )
    presences = {
        presence.organisation_id: presence
        for presence in Presence.objects.filter(
            meeting=meeting,
            checked_out_at__isnull=True,
            organisation_id__in=[r.organisation_id for r in representatives],
        ).select_related("user")
    }
    return [Representation(r, user, presences.get(r.organisation_id)) for r in representatives]


class CheckInView(MeetingPageMixin, View):
    template_name = "meetings/checkin.html"

    def get(self, request, *args, **kwargs):
        context = {
            "meeting": self.meeting,
            "representations": representations(self.meeting, request.user),
        }
        return render(request, self.template_name, context)

    def post(self, request, *args, **kwargs):
        form = PresenceForm(request.POST, organisations=Organisation.objects.all())
        if not form.is_valid():
            messages.error(request, _("Choose the organisation on this page and try again."))
            return redirect("meetings:checkin", year=self.meeting.year)
        organisation = form.cleaned_data["organisation"]
        try:
            if form.cleaned_data["action"] == PresenceForm.CHECK_IN:
                check_in(
                    meeting=self.meeting,
                    organisation=organisation,
                    user=request.user,
                    actor=request.user,
                )
                done = _("%(organisation)s is checked in.")
            else:
                check_out(meeting=self.meeting, organisation=organisation, actor=request.user)
                done = _("%(organisation)s has left the meeting.")
        except ValidationError as error:
            messages.error(request, message_text(error))
        else:
            messages.success(request, done % {"organisation": organisation.name})
        return redirect("meetings:checkin", year=self.meeting.year)
