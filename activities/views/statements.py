"""The yearly in-kind statement: one organisation's PDF, and staff's page for all of a year."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, View

from activities import selectors
from activities.forms import MAX_YEAR, MIN_YEAR, YearForm
from activities.services import statements
from activities.views.mixins import OrganisationHoursMixin
from portal.permissions import StaffRequiredMixin


class StatementView(OrganisationHoursMixin, View):
    """The organisation's admins, and the secretariat for every organisation."""

    permission_required = "activities.view_statement"

    def get(self, request, *args, **kwargs):
        year = kwargs["year"]
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise Http404
        response = HttpResponse(
            statements.statement_pdf(self.organisation, year), content_type="application/pdf"
        )
        filename = statements.statement_filename(self.organisation, year)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class StaffHoursView(StaffRequiredMixin, FormView):
    """The secretariat's view of a year: people over the yearly limit, organisations with
    hours and their statements, and the button that builds all of the year's statements."""

    template_name = "activities/staff_hours.html"
    form_class = YearForm

    @cached_property
    def year(self) -> int:
        form = YearForm(self.request.GET)
        return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year

    def get_initial(self):
        return {"year": self.year}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            year=self.year,
            over_limit=list(selectors.people_over_yearly_limit(self.year)),
            limit=selectors.YEARLY_HOURS_LIMIT,
            organisations=selectors.organisations_with_hours(self.year),
            **kwargs,
        )

    def form_valid(self, form):
        year = form.cleaned_data["year"]
        job = statements.statements_build_start(year=year, started_by=self.request.user)
        messages.success(
            self.request,
            _("The statements of %(year)s are being made.") % {"year": year},
        )
        return redirect("portal:job", pk=job.pk)
