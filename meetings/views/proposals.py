"""Sending a proposal (forslag) for the meeting's agenda: any person of the organisation, until
the proposals deadline (the service refuses after it)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView

from meetings.forms import ProposalForm
from meetings.selectors.meetings import BEFORE_OPENING, proposals
from meetings.services.proposals import proposal_submit
from meetings.views.mixins import MeetingOrganisationMixin
from portal.service_errors import add_service_error


class ProposalCreateView(MeetingOrganisationMixin, FormView):
    permission_required = "members.view_organisation"
    template_name = "meetings/proposal_form.html"
    form_class = ProposalForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            proposals=list(proposals(self.meeting, self.organisation)),
            deadline_passed=(
                self.meeting.status not in BEFORE_OPENING
                or timezone.localdate() > self.meeting.proposals_due
            ),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            proposal_submit(
                meeting=self.meeting,
                organisation=self.organisation,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                actor=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Thank you. The secretariat will place the proposal on the agenda or answer it."),
        )
        return redirect("meetings:detail", year=self.meeting.year)
