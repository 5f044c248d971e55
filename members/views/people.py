"""An organisation admin's page for its people and pending invitations."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, View

from members import selectors, services
from members.forms import InvitationForm, RoleChangeForm
from members.models import Role
from portal.permissions import OrganisationPermissionMixin
from portal.service_errors import add_service_error, message_text


class PeopleView(OrganisationPermissionMixin, FormView):
    """Lists people and pending invitations; the form on the page invites someone."""

    permission_required = "members.admin_organisation"

    template_name = "members/people.html"
    form_class = InvitationForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            people=selectors.organisation_people(self.organisation),
            invitations=selectors.invitations_pending(self.organisation),
            roles=Role.choices,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            invitation = services.invitation_create(
                organisation=self.organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("An invitation is sent to %(email)s.") % {"email": invitation.email}
        )
        return redirect("members:people", pk=self.organisation.pk)


class PersonActionView(OrganisationPermissionMixin, View):
    """A POST-only change to one person of the organisation (``role_pk`` in the URL)."""

    permission_required = "members.admin_organisation"

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        organisation_role = get_object_or_404(
            selectors.organisation_people(self.organisation), pk=kwargs["role_pk"]
        )
        try:
            done = self.act(organisation_role)
        except ValidationError as error:
            messages.error(request, message_text(error))
            return redirect("members:people", pk=self.organisation.pk)
        messages.success(request, done)
        return self.redirect_after(organisation_role)

    def act(self, organisation_role) -> str:
        raise NotImplementedError

    def redirect_after(self, organisation_role):
        return redirect("members:people", pk=self.organisation.pk)


class PersonRoleChangeView(PersonActionView):
    def act(self, organisation_role) -> str:
        form = RoleChangeForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose a role."))
        services.role_change(organisation_role=organisation_role, role=form.cleaned_data["role"])
        return _("%(person)s is now %(role)s.") % {
            "person": organisation_role.user,
            "role": organisation_role.get_role_display().lower(),
        }

    def redirect_after(self, organisation_role):
        if organisation_role.user_id == self.request.user.pk and not organisation_role.is_admin:
            # Without the admin role the people page would be a 404 for them.
            return redirect("members:organisation", pk=self.organisation.pk)
        return super().redirect_after(organisation_role)


class PersonRemoveView(PersonActionView):
    def act(self, organisation_role) -> str:
        services.person_remove(organisation_role=organisation_role)
        return _("%(person)s no longer belongs to %(organisation)s.") % {
            "person": organisation_role.user,
            "organisation": self.organisation,
        }

    def redirect_after(self, organisation_role):
        if organisation_role.user_id == self.request.user.pk:
            return redirect("members:home")
        return super().redirect_after(organisation_role)


class InvitationRevokeView(OrganisationPermissionMixin, View):
    permission_required = "members.admin_organisation"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(self.organisation.invitations, pk=kwargs["invitation_pk"])
        services.invitation_revoke(invitation=invitation)
        messages.success(
            request,
            _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email},
        )
        return redirect("members:people", pk=self.organisation.pk)
