"""Who may open which activity and hour page, declared on views with these mixins."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from activities import selectors
from activities.models import HourEntry
from members.models import Organisation, OrganisationRole, User
from members.permissions import OrganisationMemberMixin


class OrganisationHoursMixin(OrganisationMemberMixin):
    """An organisation's hour pages (URL kwarg ``pk``), for the people of that organisation.

    Admins see and change everyone's entries; a plain member only their own. Another
    organisation's id, or an entry the user may not see, is a 404. ``admin_only`` pages are a
    404 for plain members too.
    """

    admin_only = False
    role: OrganisationRole | None = None

    def get_organisation(self, *, user: User, pk: int) -> Organisation:
        # One query for both the organisation and the user's role in it.
        self.role = get_object_or_404(
            OrganisationRole.objects.select_related("organisation"), user=user, organisation_id=pk
        )
        if self.admin_only and not self.role.is_admin:
            raise Http404
        return self.role.organisation

    @property
    def is_admin(self) -> bool:
        return self.role is not None and self.role.is_admin

    def visible_entries(self) -> QuerySet[HourEntry]:
        entries = selectors.hour_entries_for(self.organisation)
        return entries if self.is_admin else entries.filter(person=self.request.user)

    def people(self) -> QuerySet[User] | None:
        """Whom the user may log hours for: None for a plain member (only themselves)."""
        if not self.is_admin:
            return None
        return User.objects.filter(organisation_roles__organisation=self.organisation).order_by(
            "full_name", "email"
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("is_admin", self.is_admin)
        return super().get_context_data(**kwargs)


class OrganisationHoursAdminMixin(OrganisationHoursMixin):
    admin_only = True


class StaffOrOrganisationAdminMixin(OrganisationHoursMixin):
    """The organisation's admins, and the secretariat for every organisation."""

    admin_only = True

    def get_organisation(self, *, user: User, pk: int) -> Organisation:
        if user.is_staff:
            return get_object_or_404(Organisation, pk=pk)
        return super().get_organisation(user=user, pk=pk)


def is_steering_group(user: User) -> bool:
    return user.is_authenticated and (user.is_steering_group or user.is_staff)


class SteeringGroupMixin(LoginRequiredMixin):
    """Pages of the steering group (and the secretariat); a 404 for everyone else."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_steering_group(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class StaffMixin(LoginRequiredMixin):
    """Staff pages outside the administration; a 404 for everyone else."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff:
            raise Http404
        return super().dispatch(request, *args, **kwargs)
