"""Competence offers and needs: the members-only listing and an admin's own entries."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, View

from members import selectors, services
from members.filters import CompetenceFilter
from members.forms import CompetenceForm
from members.models import CompetenceKind
from portal import page_cache
from portal.list_views import FilteredListMixin
from portal.permissions import MembersOnlyMixin, OrganisationPermissionMixin
from portal.service_errors import add_service_error


class CompetenceListView(
    MembersOnlyMixin, page_cache.CachedFirstPageMixin, FilteredListMixin, ListView
):
    """Offers and needs grouped by area, a page at a time (a large network has thousands)."""

    page_cache_name = page_cache.COMPETENCE
    template_name = "members/competence_list.html"
    context_object_name = "entries"
    paginate_by = 100
    filterset_class = CompetenceFilter

    def get_base_queryset(self):
        return selectors.competence_listing()


class OrganisationCompetenceMixin(OrganisationPermissionMixin):
    permission_required = "members.admin_organisation"

    def organisation_page(self):
        url = reverse("members:organisation", kwargs={"pk": self.organisation.pk})
        return HttpResponseRedirect(f"{url}#competence")


class CompetenceCreateView(OrganisationCompetenceMixin, FormView):
    template_name = "members/competence_form.html"
    form_class = CompetenceForm

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind if kind in CompetenceKind.values else CompetenceKind.OFFER}

    def form_valid(self, form):
        try:
            services.competence_save(organisation=self.organisation, **form.service_arguments())
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The competence entry is saved."))
        return self.organisation_page()


class CompetenceEditView(CompetenceCreateView):
    @cached_property
    def competence(self):
        return get_object_or_404(
            self.organisation.competences.select_related("area"), pk=self.kwargs["competence_pk"]
        )

    def get_initial(self):
        return {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.competence}

    def get_context_data(self, **kwargs):
        return super().get_context_data(competence=self.competence, **kwargs)


class CompetenceDeleteView(OrganisationCompetenceMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        competence = get_object_or_404(self.organisation.competences, pk=kwargs["competence_pk"])
        services.competence_delete(competence=competence)
        messages.success(request, _("The competence entry is removed."))
        return self.organisation_page()
