"""Who may open which member page, declared on views with these mixins.

Organisation pages fetch their organisation through ``members.selectors``, starting from the
organisations the user belongs to: another company's id is a 404, never a 403 that would
confirm the organisation exists.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render

from members import selectors
from members.models import Organisation, User


def can_see_member_pages(user: User) -> bool:
    """Members-only pages are for people of an active participant, the secretariat and the
    steering group."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_steering_group:
        return True
    return selectors.organisations_active_on().filter(roles__user=user).exists()


class MembersOnlyMixin(LoginRequiredMixin):
    """Signed-in people outside the network get a page that says why, not the content."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_see_member_pages(request.user):
            return render(request, "members/members_only.html", status=403)
        return super().dispatch(request, *args, **kwargs)


class OrganisationMemberMixin(LoginRequiredMixin):
    """Loads ``self.organisation`` (URL kwarg ``pk``) from the user's own organisations."""

    organisation: Organisation

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisation = self.get_organisation(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_organisation(self, *, user: User, pk: int) -> Organisation:
        return selectors.organisation_for_member(user=user, pk=pk)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("organisation", self.organisation)
        return super().get_context_data(**kwargs)


class OrganisationAdminMixin(OrganisationMemberMixin):
    """Like ``OrganisationMemberMixin``, but only for the organisation's admins; others 404."""

    def get_organisation(self, *, user: User, pk: int) -> Organisation:
        return selectors.organisation_for_admin(user=user, pk=pk)
