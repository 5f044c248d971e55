"""What a view needs, declared once: ``permission_required`` names a permission of
``portal.rules`` and one of these mixins checks it.

Refusal policy (the same for every page):

- Signed out: a redirect to sign in, whatever the page.
- Another organisation's object (an organisation id the user has no place in, or a row of
  another organisation under one's own id): 404, never a 403 that would confirm it exists.
- A page the user's role may not open (a plain member on an admin page, anyone but the
  secretariat on a staff page, anyone but the steering group on its page, a job someone else
  started, a cancelled activity of others): 404 as well.
- A signed-in person whose organisation is not (or no longer) an active participant, on a
  members-only page (directory, competence, activities): the friendly "members only" page
  (``members/members_only.html``, status 403) that says why and what to do. The home page and
  the navigation never link to pages that refuse the person (same predicates).

Tenancy: after the check an organisation page runs inside ``scope(organisation=[pk])``; staff
pages run with scopes disabled; every other page keeps the request's empty scope
(``portal.scoping``). A template response is rendered inside the view's scope.
"""

import contextlib

from django.contrib.auth.mixins import AccessMixin
from django.http import Http404
from django.shortcuts import render
from django_scopes import scope, scopes_disabled

from members.models import Organisation, Role
from portal import rules

MEMBERS_ONLY_TEMPLATE = "members/members_only.html"


class PermissionRequiredMixin(AccessMixin):
    """Checks ``permission_required`` on ``get_permission_object()`` before the view runs."""

    permission_required: str = ""

    def get_permission_object(self):
        return None

    def refuse(self):
        raise Http404

    def check_permission(self):
        """None when the user may go on; otherwise the refusal (a response or Http404)."""
        if not rules.allowed(
            self.request.user, self.permission_required, self.get_permission_object()
        ):
            return self.refuse()
        return None

    def tenancy_scope(self):
        return contextlib.nullcontext()

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_required:
            raise NotImplementedError(f"{type(self).__name__} declares no permission_required.")
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        refusal = self.check_permission()
        if refusal is not None:
            return refusal
        with self.tenancy_scope():
            response = super().dispatch(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not response.is_rendered:
                response.render()
        return response


class MembersOnlyMixin(PermissionRequiredMixin):
    """Members-only pages; people outside the network get a page that says why.

    A view may ask a further permission on an object (``permission_required``), refused 404.
    """

    permission_required = "portal.view_member_pages"

    def check_permission(self):
        if not rules.allowed(self.request.user, "portal.view_member_pages"):
            return render(self.request, MEMBERS_ONLY_TEMPLATE, status=403)
        if self.permission_required == "portal.view_member_pages":
            return None
        return super().check_permission()


class StaffRequiredMixin(PermissionRequiredMixin):
    """The secretariat's pages outside the administration; they work across organisations."""

    permission_required = "portal.staff"

    def tenancy_scope(self):
        return scopes_disabled()


class SteeringGroupMixin(PermissionRequiredMixin):
    """Pages of the steering group (and the secretariat)."""

    permission_required = "portal.steering"


class OrganisationPermissionMixin(PermissionRequiredMixin):
    """Pages of one organisation (URL kwarg ``pk``): loads ``self.organisation`` and the user's
    role in it in one query, checks ``permission_required`` on it and runs the view inside the
    organisation's scope."""

    permission_required = "members.view_organisation"
    organisation: Organisation

    def get_permission_object(self) -> Organisation:
        user = self.request.user
        organisation = (
            Organisation.objects.annotate(user_role=rules.role_annotation(user))
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if organisation is None:
            raise Http404
        rules.remember_role(user, organisation.pk, organisation.user_role)
        self.organisation = organisation
        return organisation

    def tenancy_scope(self):
        return scope(organisation=[self.organisation.pk])

    @property
    def is_admin(self) -> bool:
        return rules.role_in(self.request.user, self.organisation) == Role.ADMIN

    def get_context_data(self, **kwargs):
        kwargs.setdefault("organisation", self.organisation)
        kwargs.setdefault("is_admin", self.is_admin)
        return super().get_context_data(**kwargs)
