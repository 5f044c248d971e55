"""The member's landing page, "my organisation" and its profile editing."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from members import selectors, services
from members.forms import OrganisationProfileForm
from members.models import CompetenceKind, ParticipantType
from portal.permissions import OrganisationPermissionMixin
from portal.service_errors import add_service_error


class OrganisationChoiceView(LoginRequiredMixin, TemplateView):
    """Straight to the user's one organisation (``organisation_url``); otherwise the template
    lists their organisations, or says what to do next when there are none."""

    organisation_url: str

    def get(self, request, *args, **kwargs):
        roles = list(selectors.roles_of(request.user))
        if len(roles) == 1:
            return redirect(self.organisation_url, pk=roles[0].organisation_id)
        return self.render_to_response(self.get_context_data(roles=roles))


class MemberHomeView(OrganisationChoiceView):
    template_name = "members/home.html"
    organisation_url = "members:organisation"


class OrganisationDetailView(OrganisationPermissionMixin, TemplateView):
    permission_required = "members.view_organisation"
    template_name = "members/organisation_detail.html"

    def get_context_data(self, **kwargs):
        organisation = self.organisation
        competences = list(organisation.competences.select_related("area", "segment"))
        standing = selectors.membership_on(organisation=organisation, on=timezone.localdate())
        return super().get_context_data(
            segments=list(organisation.segments.all()),
            current_type=ParticipantType(standing.participant_type).label if standing else None,
            people=selectors.organisation_people(organisation),
            periods=organisation.memberships.order_by("-start_date", "-id"),
            offers=[c for c in competences if c.kind == CompetenceKind.OFFER],
            needs=[c for c in competences if c.kind == CompetenceKind.NEED],
            **kwargs,
        )


class OrganisationEditView(OrganisationPermissionMixin, FormView):
    permission_required = "members.admin_organisation"
    template_name = "members/organisation_edit.html"
    form_class = OrganisationProfileForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.organisation}

    def form_valid(self, form):
        try:
            services.organisation_update_profile(
                organisation=self.organisation, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The profile is saved."))
        return redirect("members:organisation", pk=self.organisation.pk)

    def form_invalid(self, form):
        # The form wrote the rejected values onto the organisation; show the stored ones.
        self.organisation.refresh_from_db()
        return super().form_invalid(form)
